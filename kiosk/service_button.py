"""One big button per service: its name, how many wait, and the wait a new ticket can expect."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from common.core.model import ServiceQueue
from kiosk.texts import minutes, tr
from kiosk.theme import AMBER, GREY_INK, TOUCH_PX, px_font
from ui.automation import tag


class LayoutButton(QPushButton):
    """A button whose face is a layout of labels: it asks that layout how tall it must be.

    QPushButton sizes itself from its own (empty) text, so its labels overlapped when
    a small panel gave the button less height than two wrapped lines need.
    """

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        layout = self.layout()
        if layout is None:
            return hint
        # not the style sheet's text-button minimum (min-height + padding): that one does not scale with k
        return QSize(hint.width(), max(self.minimumHeight(), layout.totalMinimumSize().height()))


class ServiceButton(LayoutButton):
    """Signals:
        chosen(str): the service code, when a citizen taps an open service.
    """

    chosen = Signal(str)

    def __init__(self, queue: ServiceQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("service")
        tag(self, f"service-{queue.service.code}")
        self.setMinimumHeight(int(TOUCH_PX * 1.25))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.code = queue.service.code
        self.title = QLabel()
        self.title.setFont(px_font(36, bold=True))
        self.title.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setFont(px_font(28))
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 14, 28, 14)
        layout.setSpacing(6)
        for label in (self.title, self.detail):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # the tap belongs to the button
            layout.addWidget(label)
        self.clicked.connect(lambda: self.chosen.emit(self.code))
        self.queue = queue
        self.lang = "vi"
        self.stacked = False  # an upright panel's narrow button: the wait on its own line, not cut mid-phrase
        self.show_queue(queue, "vi")

    @property
    def available(self) -> bool:
        return self.queue.open_now and not self.queue.cap_reached

    def _gap(self) -> str:
        return "\n" if self.stacked else "   ·   "

    def show_queue(self, queue: ServiceQueue, lang: str) -> None:
        self.queue, self.lang = queue, lang
        self.title.setText(queue.service.name(lang))
        if not queue.open_now:
            detail = tr(lang, "closed", hours=queue.service.hours.label())
        elif queue.cap_reached:
            detail = tr(lang, "cap")
        elif not queue.staffed:  # a ticket is still given: the truth instead of a made-up wait
            detail = f"{tr(lang, 'waiting', n=queue.waiting)}{self._gap()}{tr(lang, 'no_counter_short')}"
        else:
            wait = minutes(queue.estimated_wait_seconds)
            estimate = tr(lang, "estimate", m=wait) if wait else tr(lang, "no_wait")
            detail = f"{tr(lang, 'waiting', n=queue.waiting)}{self._gap()}{estimate}"
        self.detail.setText(detail)
        self.setEnabled(self.available)
        # Set per label: a style sheet cannot select a label by its parent button's :disabled state.
        ink = "white" if self.available else GREY_INK
        for label in (self.title, self.detail):
            label.setStyleSheet(f"color: {ink}; background: transparent;")
        if self.available and not queue.staffed:  # stands out: the citizen should know before taking a number
            self.detail.setStyleSheet(f"color: {AMBER}; background: transparent; font-weight: bold;")
        self.setAccessibleName(f"{self.title.text()}: {detail}")
