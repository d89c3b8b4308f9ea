"""The priority path: the citizen says which category they belong to, then chooses a service."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.texts import tr
from kiosk.theme import px_font


class PriorityPanel(QWidget):
    """Signals:
        category_chosen(str): the category key, e.g. "elderly".
        back(): the citizen changed their mind.
    """

    category_chosen = Signal(str)
    back = Signal()

    def __init__(self, categories: dict[str, tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.categories = categories
        self.title = QLabel()
        self.title.setFont(px_font(48, bold=True))
        self.title.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        self.grid = grid = QGridLayout()
        grid.setSpacing(22)
        for key in categories:
            button = self.buttons[key] = QPushButton(objectName="priority")
            button.setFont(px_font(36, bold=True))
            button.setMinimumHeight(140)
            button.clicked.connect(lambda _=False, k=key: self.category_chosen.emit(k))
        self._columns = 0
        self.back_button = QPushButton(objectName="secondary")
        self.back_button.setFont(px_font(34, bold=True))
        self.back_button.clicked.connect(self.back)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 36, 36, 36)
        layout.setSpacing(28)
        layout.addWidget(self.title)
        layout.addLayout(grid, 1)
        layout.addWidget(self.back_button)
        self.set_language("vi")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = 2 if self.width() >= self.height() else 1  # long category names need the full width upright
        if columns != self._columns:
            self._columns = columns
            for i, button in enumerate(self.buttons.values()):
                self.grid.addWidget(button, i // columns, i % columns)

    def name(self, key: str, lang: str = "vi") -> str:
        vi, en = self.categories.get(key, (key, key))
        return en if lang == "en" else vi

    def set_language(self, lang: str) -> None:
        self.title.setText(tr(lang, "priority_title"))
        self.back_button.setText(tr(lang, "back"))
        for key, button in self.buttons.items():
            button.setText(self.name(key, lang))
