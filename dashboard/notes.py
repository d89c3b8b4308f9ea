"""The dashboard's explanatory lines under a table: wrapped, small, in the tab's own words."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ui.style import font


def note(text: str, parent: QWidget, *, size: int = 9, bold: bool = False) -> QLabel:
    """A wrapped label: a tab's explanation (9 pt) or a result line (10 pt bold) that grows downwards."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setFont(font(size, bold=bold))
    return label
