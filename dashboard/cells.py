"""Table cells: figures right-aligned, formatted the Vietnamese way by ui.numbers (1.446; 158,9)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from ui import numbers
from ui.style import font

DASH = numbers.DASH
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def minutes(seconds: float | None) -> str:
    """Minutes with one decimal, for a column headed "(phút)"."""
    return numbers.minutes(seconds)


def pct(value: float | None) -> str:
    """A percentage with one decimal, for a column headed "%" (so without the sign)."""
    return numbers.decimal(value)


def count(value: int | float | None) -> str:
    return numbers.number(value)


def item(text: str, *, number: bool = True, bold: bool = False, value: object = None) -> QTableWidgetItem:
    """A read-only cell; ``value`` (the unformatted figure) is kept for tests and exports."""
    cell = QTableWidgetItem(text)
    cell.setTextAlignment(RIGHT if number else LEFT)
    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if bold:
        cell.setFont(font(10, bold=True))
    cell.setData(Qt.ItemDataRole.UserRole, value)
    return cell


def new_table(headings: list[str]) -> QTableWidget:
    return setup_table(QTableWidget(), headings)


def setup_table(table: QTableWidget, headings: list[str]) -> QTableWidget:
    table.setColumnCount(len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setFont(font(10))
    table.horizontalHeader().setFont(font(9, bold=True))
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
    table.setWordWrap(True)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setMinimumHeight(44)
    return table


def set_rows(table: QTableWidget, rows: list[list[QTableWidgetItem]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            table.setItem(r, c, cell)
    table.resizeColumnsToContents()
    table.resizeRowsToContents()
