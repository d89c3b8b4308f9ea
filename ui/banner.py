"""A one-line coloured strip across a window: outages, warnings, confirmations."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui.style import font

# Text and background per kind; dark text on pale colours stays readable all day.
KINDS: dict[str, tuple[str, str]] = {
    "error": ("#ffffff", "#b3261e"),
    "warning": ("#3d2a00", "#ffd87a"),
    "info": ("#0b3a2a", "#c8ecd9"),
}


class Banner(QLabel):
    """Hidden until ``show_message``; ``clear`` hides it again."""

    def __init__(self, parent: QWidget | None = None, *, point_size: float = 13) -> None:
        super().__init__(parent)
        self.setFont(font(point_size, bold=True))
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        fg, bg = KINDS[kind]
        self.kind = kind
        self.setStyleSheet(f"QLabel {{ color: {fg}; background: {bg}; padding: 8px 14px; border-radius: 4px; }}")
        self.setText(text)
        self.show()

    def clear(self) -> None:
        self.kind = ""
        self.setText("")
        self.hide()
