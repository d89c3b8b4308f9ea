"""The waiting list as a Qt model: a refresh swaps one list, and Qt draws only the visible rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ui.style import font

HEADERS = ("Số", "Dịch vụ", "Ưu tiên", "Đã chờ")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class QueueRow:
    code: str
    service: str
    priority: str
    waited: str
    colour: str  # background of the waited cell
    next: bool = False  # the ticket F2 calls now (the first row: the table is in call order)


NEXT_MARK = "▶ "
NEXT_BACKGROUND = "#dbe9fa"


class QueueModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[QueueRow] = []
        self._bold: QFont = font(12, bold=True)
        self._brushes: dict[str, QBrush] = {}

    def set_rows(self, rows: list[QueueRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def _brush(self, colour: str) -> QBrush:
        if colour not in self._brushes:
            self._brushes[colour] = QBrush(QColor(colour))
        return self._brushes[colour]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return ((NEXT_MARK if row.next else "") + row.code, row.service, row.priority, row.waited)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:  # a long service name may be cut on a small screen
            return row.service
        if role == Qt.ItemDataRole.ToolTipRole and row.next:
            return "Vé sẽ được gọi khi nhấn F2"
        if role == Qt.ItemDataRole.BackgroundRole and (col == 3 or row.next):
            return self._brush(row.colour if col == 3 else NEXT_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and (col == 0 or row.next):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
