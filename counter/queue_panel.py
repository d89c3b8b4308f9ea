"""The live queue for this counter's services: counts per service and who waits how long."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QGridLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from common.core import glossary
from common.core.model import Ticket
from common.core.rules import call_order
from common.settings import AT_RISK_MINUTES
from common.views.clerk_stats import DeskView
from counter.queue_model import NEXT_MARK, QueueModel, QueueRow
from counter.text import minutes_between, priority_label, wait_colour
from ui.style import font

BOOKED = "Hẹn"  # a ticket checked in from a booking within its window (issue 19): called before walk-ins


class QueuePanel(QWidget):
    """Renders the waiting part of a ``DeskView`` for one counter, in the order F2 calls, the next one marked."""

    def __init__(self, at_risk_minutes: int = AT_RISK_MINUTES, categories: Mapping[str, tuple[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.at_risk_minutes = at_risk_minutes
        self.categories = categories
        title = QLabel("Hàng chờ của quầy", self)
        title.setFont(font(14, bold=True))
        self.counts = QGridLayout()  # two chips a row: a counter may serve five services
        self.counts.setSpacing(6)
        self.model = QueueModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setFont(font(12))
        self.table.horizontalHeader().setFont(font(11, bold=True))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        # Fixed widths, measured once: ResizeToContents re-measures every row on every refresh.
        header = self.table.horizontalHeader()
        metrics = QFontMetrics(font(12, bold=True))
        widths = (metrics.horizontalAdvance(NEXT_MARK + "A000  ↪") + 24, 0,
                  metrics.horizontalAdvance("Người cao tuổi") + 16,  # longer names elide
                  metrics.horizontalAdvance("999 phút") + 24)
        for col, width in enumerate(widths):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == 1 else
                                        QHeaderView.ResizeMode.Fixed)
            if width:
                header.resizeSection(col, width)
        self.legend = QLabel(f"Màu thời gian chờ so với chỉ tiêu của dịch vụ: xanh – {glossary.WITHIN_TARGET.lower()}, "
                             f"vàng – {glossary.AT_RISK.lower()}, đỏ – {glossary.OVER_TARGET.lower()}", self)
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
        # The same rule call_next applies (common.core.rules), so the top row is what F2 calls.
        self.waiting = call_order(mine, view.snapshot.waiting)
        self._show_counts(view, mine.services)
        rows = []
        for i, ticket in enumerate(self.waiting):
            waited = minutes_between(ticket.issued_at, view.snapshot.at)
            moved = ticket.target_counter is not None or ticket.issued_at != ticket.queued_at
            category = priority_label(ticket.priority_category, self.categories).removeprefix("Ưu tiên: ")
            rows.append(QueueRow(
                code=ticket.code + ("  ↪" if moved else ""), service=ticket.service_name_vi,
                priority=category if ticket.priority else (BOOKED if ticket.booked else ""),
                waited=f"{waited} phút",
                colour=wait_colour(waited, ticket.target_minutes, self.at_risk_minutes), next=i == 0))
        self.model.set_rows(rows)

    def _show_counts(self, view: DeskView, codes: tuple[str, ...]) -> None:
        while self.counts.count():
            item = self.counts.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for i, code in enumerate(codes):
            queue = view.snapshot.service(code)
            chip = QLabel(f"{queue.service.prefix} · {queue.service.name_vi}: <b>{queue.waiting}</b> chờ", self)
            chip.setFont(font(11))
            chip.setStyleSheet("background: #eaf2fb; border-radius: 10px; padding: 4px 10px; color: #1c2733;")
            self.counts.addWidget(chip, i // 2, i % 2)
