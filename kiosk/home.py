"""The home screen: one button per service, live, and the way to a priority ticket."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from common.core.model import QueueSnapshot
from kiosk.service_button import LayoutButton, ServiceButton
from kiosk.texts import tr
from kiosk.theme import RED, px_font
from ui.automation import tag


class HomeScreen(QWidget):
    """Signals:
        service_chosen(str): an open service was tapped.
        priority_requested(): the "Ưu tiên" button was tapped.
        priority_cancelled(): the citizen left the priority path.
        booking_requested(): the "Có lịch hẹn" button was tapped (issue 19).
    """

    service_chosen = Signal(str)
    priority_requested = Signal()
    priority_cancelled = Signal()
    booking_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = "vi"
        self.buttons: dict[str, ServiceButton] = {}
        self.takes_bookings = False
        self.banner = QWidget(objectName="banner")
        self.banner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.banner_text = QLabel()
        self.banner_text.setFont(px_font(32, bold=True))
        self.banner_text.setWordWrap(True)
        self.banner_cancel = QPushButton(objectName="secondary")
        self.banner_cancel.setFont(px_font(30, bold=True))
        self.banner_cancel.clicked.connect(self.priority_cancelled)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(24, 12, 24, 12)
        row.addWidget(self.banner_text, 1)
        row.addWidget(self.banner_cancel)
        self.banner.hide()
        self.message = QLabel()
        self.message.setFont(px_font(32, bold=True))
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {RED};")
        self.message.hide()
        self.grid = QGridLayout()
        self.grid.setSpacing(18)
        self.priority = LayoutButton(objectName="priority")
        self.priority.setMinimumHeight(130)
        self.priority.clicked.connect(self.priority_requested)
        self.priority_title = QLabel()
        self.priority_title.setFont(px_font(40, bold=True))
        self.priority_hint = QLabel()
        self.priority_hint.setFont(px_font(28))
        inside = QVBoxLayout(self.priority)
        inside.setContentsMargins(28, 10, 28, 10)
        for label in (self.priority_title, self.priority_hint):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("color: black; background: transparent;")
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            inside.addWidget(label)
        # Issue 19: the booking check-in, beside the priority button; shown when the office takes bookings.
        self.booking = LayoutButton(objectName="primary")
        tag(self.booking, "booking")
        self.booking.setMinimumHeight(130)
        self.booking.clicked.connect(self.booking_requested)
        self.booking_title = QLabel()
        self.booking_title.setFont(px_font(40, bold=True))
        self.booking_hint = QLabel()
        self.booking_hint.setFont(px_font(28))
        inside = QVBoxLayout(self.booking)
        inside.setContentsMargins(28, 10, 28, 10)
        for label in (self.booking_title, self.booking_hint):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("color: white; background: transparent;")
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            inside.addWidget(label)
        self.booking.hide()
        bottom = QHBoxLayout()
        bottom.setSpacing(18)
        bottom.addWidget(self.priority, 3)
        bottom.addWidget(self.booking, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 24, 36, 24)
        layout.setSpacing(22)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addLayout(self.grid, 1)
        layout.addLayout(bottom)
        self._columns = 0
        self.set_language("vi")

    def show_snapshot(self, snapshot: QueueSnapshot) -> None:
        for queue in snapshot.services:
            if not queue.service.active:
                continue
            button = self.buttons.get(queue.service.code)
            if button is None:
                button = self.buttons[queue.service.code] = ServiceButton(queue, self)
                button.chosen.connect(self.service_chosen)
                self._columns = 0  # lay the grid out again
            button.show_queue(queue, self.lang)
        self._relayout()

    def show_message(self, text: str | None) -> None:
        """A one-line problem for the citizen (e.g. a service that just closed); None hides it."""
        self.message.setVisible(bool(text))
        self.message.setText(text or "")

    def set_priority(self, category_name: str | None) -> None:
        self.banner.setVisible(category_name is not None)
        if category_name:
            self.banner_text.setText(tr(self.lang, "priority_banner", category=category_name))
        self.priority.setVisible(category_name is None)
        self.booking.setVisible(category_name is None and self.takes_bookings)

    def set_bookings(self, takes_bookings: bool) -> None:
        """Show the check-in button when some service of the office takes bookings."""
        self.takes_bookings = takes_bookings
        self.booking.setVisible(takes_bookings and not self.banner.isVisibleTo(self))

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.priority_title.setText(tr(lang, "priority"))
        self.priority_hint.setText(tr(lang, "priority_hint"))
        self.priority.setAccessibleName(f"{tr(lang, 'priority')}: {tr(lang, 'priority_hint')}")
        self.booking_title.setText(tr(lang, "booking"))
        self.booking_hint.setText(tr(lang, "booking_hint"))
        self.booking.setAccessibleName(f"{tr(lang, 'booking')}: {tr(lang, 'booking_hint')}")
        self.banner_cancel.setText(tr(lang, "cancel"))
        for button in self.buttons.values():
            button.show_queue(button.queue, lang)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        """Two columns on a landscape screen; one on a portrait one unless there are many services."""
        n = len(self.buttons)
        landscape = self.width() >= self.height()
        columns = (2 if n <= 8 else 3) if landscape else (1 if n <= 6 else 2)
        for button in self.buttons.values():
            if button.stacked != (not landscape):
                button.stacked = not landscape
                button.show_queue(button.queue, self.lang)
        if columns == self._columns:
            return
        self._columns = columns
        for button in self.buttons.values():
            self.grid.removeWidget(button)
        for i, button in enumerate(self.buttons.values()):
            self.grid.addWidget(button, i // columns, i % columns, Qt.AlignmentFlag(0))
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 1)
