"""Shown while the store cannot be reached: no number is offered that is not committed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.texts import tr
from kiosk.theme import px_font


class OutageScreen(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.alert = QWidget(objectName="alert")
        self.alert.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.message = QLabel()
        self.message.setFont(px_font(52, bold=True))
        self.hint = QLabel()
        self.hint.setFont(px_font(36))
        self.retrying = QLabel()
        self.retrying.setFont(px_font(32))
        box = QVBoxLayout(self.alert)
        box.setContentsMargins(40, 40, 40, 40)
        box.setSpacing(24)
        for label in (self.message, self.hint, self.retrying):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 60, 60, 60)
        layout.addStretch(1)
        layout.addWidget(self.alert)
        layout.addStretch(1)
        self.set_language("vi")

    def set_language(self, lang: str) -> None:
        self.message.setText(tr(lang, "outage"))
        self.hint.setText(tr(lang, "outage_hint"))
        self.retrying.setText(tr(lang, "retrying"))
