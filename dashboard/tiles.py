"""A row of big figures ("tiles"), each a caption over a number, coloured when it needs attention."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from ui.style import font

COLOURS = {"normal": ("#1b1b1b", "#f3f6fa"), "warning": ("#3d2a00", "#ffe8a3"), "error": ("#ffffff", "#b3261e"),
           "good": ("#0b3a2a", "#d4f0e0")}


class Tile(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(caption, self)
        self.caption.setFont(font(10))
        self.caption.setWordWrap(True)
        self.value = QLabel("–", self)
        self.value.setFont(font(22, bold=True))
        self.detail = QLabel("", self)
        self.detail.setFont(font(9))
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        for label in (self.caption, self.value, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(label)
        self.set("–")

    def set(self, value: str, detail: str = "", kind: str = "normal") -> None:
        fg, bg = COLOURS[kind]
        self.kind = kind
        self.setStyleSheet(f"Tile {{ background: {bg}; border-radius: 6px; }} QLabel {{ color: {fg}; }}")
        self.value.setText(value)
        self.detail.setText(detail)


class TileRow(QWidget):
    """Tiles by key, laid out in a grid of ``columns``."""

    def __init__(self, captions: dict[str, str], columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[str, Tile] = {}
        for i, (key, caption) in enumerate(captions.items()):
            self.tiles[key] = Tile(caption, self)
            grid.addWidget(self.tiles[key], i // columns, i % columns)

    def __getitem__(self, key: str) -> Tile:
        return self.tiles[key]
