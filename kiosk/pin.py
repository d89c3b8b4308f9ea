"""The admin PIN pad: the only way to close the kiosk."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.texts import tr
from kiosk.theme import STYLE, TOUCH_PX, px_font


class PinDialog(QDialog):
    def __init__(self, lang: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setStyleSheet(STYLE)
        self.setWindowTitle(tr(lang, "pin_title"))
        title = QLabel(tr(lang, "pin_title"))
        title.setFont(px_font(34, bold=True))
        self.entry = QLineEdit()
        self.entry.setEchoMode(QLineEdit.EchoMode.Password)
        self.entry.setFont(px_font(40))
        self.entry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout()
        ok = tr(lang, "ok")
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", ok]
        for i, key in enumerate(keys):
            button = QPushButton(key, objectName="secondary" if key != ok else "primary")
            button.setFont(px_font(36, bold=True))
            button.setMinimumSize(TOUCH_PX + 40, TOUCH_PX)
            button.clicked.connect(lambda _=False, k=key: self._press(k, ok))
            grid.addWidget(button, i // 3, i % 3)
        cancel = QPushButton(tr(lang, "cancel"), objectName="secondary")
        cancel.setFont(px_font(30))
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.entry)
        layout.addLayout(grid)
        layout.addWidget(cancel)

    def _press(self, key: str, ok: str) -> None:
        if key == ok:
            self.accept()
        elif key == "⌫":
            self.entry.backspace()
        else:
            self.entry.insert(key)

    @classmethod
    def ask(cls, parent: QWidget | None, lang: str = "vi") -> str | None:
        """The PIN typed, or None if cancelled. Tests replace this method."""
        dialog = cls(lang, parent)
        try:
            return dialog.entry.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
