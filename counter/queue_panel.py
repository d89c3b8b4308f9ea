"""The live queue for this counter's services: counts per service and who waits how long."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from common.clerk_stats import DeskView
from common.model import Ticket
from counter.text import minutes_between, priority_label, wait_colour
from ui.style import font

HEADERS = ("Số", "Dịch vụ", "Diện", "Đã chờ")


class QueuePanel(QWidget):
    """Renders the waiting part of a ``DeskView`` for one counter."""

    def __init__(self, at_risk_minutes: int = 20, categories: Mapping[str, tuple[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.at_risk_minutes = at_risk_minutes
        self.categories = categories
        title = QLabel("Hàng chờ của quầy", self)
        title.setFont(font(14, bold=True))
        self.counts = QHBoxLayout()
        self.counts.setSpacing(8)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setFont(font(12))
        self.table.horizontalHeader().setFont(font(11, bold=True))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.legend = QLabel("Màu thời gian chờ so với chỉ tiêu của dịch vụ: xanh – trong hạn, "
                             "vàng – sắp quá hạn, đỏ – đã quá hạn", self)
        self.legend.setFont(font(9.5))
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #4a5868;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(self.counts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        self.waiting: list[Ticket] = []

    def show_view(self, view: DeskView, counter: int) -> None:
        mine = next(c for c in view.snapshot.counters if c.counter.number == counter).counter
        services = set(mine.services)
        self.waiting = [t for t in view.snapshot.waiting
                        if t.target_counter == counter or (t.target_counter is None and t.service in services)]
        self._show_counts(view, mine.services)
        self.table.setRowCount(len(self.waiting))
        for row, ticket in enumerate(self.waiting):
            waited = minutes_between(ticket.issued_at, view.snapshot.at)
            colour = QBrush(QColor(wait_colour(waited, ticket.target_minutes, self.at_risk_minutes)))
            code = ticket.code + ("  ↪" if ticket.target_counter or ticket.issued_at != ticket.queued_at else "")
            cells = (code, ticket.service_name_vi, priority_label(ticket.priority_category, self.categories)
                     if ticket.priority else "", f"{waited} phút")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setBackground(colour)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 0:
                    item.setFont(font(12, bold=True))
                self.table.setItem(row, col, item)

    def _show_counts(self, view: DeskView, codes: tuple[str, ...]) -> None:
        while self.counts.count():
            item = self.counts.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for code in codes:
            queue = view.snapshot.service(code)
            chip = QLabel(f"{queue.service.prefix} · {queue.service.name_vi}: <b>{queue.waiting}</b> chờ", self)
            chip.setFont(font(11))
            chip.setStyleSheet("background: #eaf2fb; border-radius: 10px; padding: 4px 10px; color: #1c2733;")
            self.counts.addWidget(chip)
        self.counts.addStretch(1)
