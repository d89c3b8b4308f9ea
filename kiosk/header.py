"""The top bar: the office name, a clock that hides the admin gesture, and the language switch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.texts import tr
from kiosk.theme import px_font

LONG_PRESS_MS = 5000  # long enough that no citizen holds the clock by accident
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # short: the clock shares a portrait header


class ClockLabel(QLabel):
    """Shows the office time; holding it for five seconds emits ``long_pressed``.

    Signals:
        long_pressed(): the hidden admin gesture.
    """

    long_pressed = Signal()

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self.lang = "vi"
        self.setFont(px_font(34, bold=True))
        self._hold = QTimer(self, singleShot=True, interval=LONG_PRESS_MS)
        self._hold.timeout.connect(self.long_pressed)
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self.refresh)
        self._tick.start()
        self.refresh()

    def refresh(self) -> None:
        t = self._now()
        day = (WEEKDAYS_EN if self.lang == "en" else WEEKDAYS_VI)[t.weekday()]
        self.setText(f"{t:%H:%M}\n{day}, {t:%d/%m/%Y}")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._hold.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._hold.stop()
        event.accept()


class Header(QWidget):
    """Signals:
        language_toggled(): the citizen asked for the other language.
    """

    language_toggled = Signal()

    def __init__(self, office: str, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # or the style sheet paints no background
        self.office = QLabel(office)
        self.office.setFont(px_font(40, bold=True))
        self.office.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setFont(px_font(30))
        self.clock = ClockLabel(now)
        self.switch = QPushButton()
        self.switch.setObjectName("secondary")
        self.switch.setFont(px_font(30, bold=True))
        self.switch.clicked.connect(self.language_toggled)
        top = QHBoxLayout()
        top.setSpacing(32)
        top.addWidget(self.office, 1)
        top.addWidget(self.clock)
        top.addWidget(self.switch)
        # The subtitle gets a row of its own: beside the clock it was cut on portrait panels.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 14, 36, 14)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        self.set_language("vi")

    def set_language(self, lang: str) -> None:
        self.subtitle.setText(tr(lang, "choose"))
        self.switch.setText(tr(lang, "switch"))
        self.clock.lang = lang
        self.clock.refresh()
