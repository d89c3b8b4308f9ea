"""The Satisfaction tab: citizen ratings against the 95% target, grouped like the wait figures.

Three tables from one ``store.views.satisfaction``: the groups and their total, satisfaction by wait band
(what the 30-minute target means to citizens), and the most frequent reasons for low ratings.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from common.store import Store
from common.views.rating_report import GROUP_VI, GROUPINGS, SatisfactionReport, rows
from dashboard import cells
from dashboard.notes import note
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from dashboard.periods import label
from dashboard.tiles import COLOURS, TileRow
from ui.style import font
from ui.worker import Runner

TAG = "satisfaction"
HEADINGS = ["Nhóm", "Đã phục vụ", "Đã đánh giá", "Tỷ lệ\nđánh giá %", "Hài lòng %", "Rất hài lòng", "Hài lòng",
            "Bình thường", "Không hài lòng"]
BAND_HEADINGS = ["Thời gian chờ", "Đánh giá", "Hài lòng", "Hài lòng %"]
REASON_HEADINGS = ["Lý do chưa hài lòng", "Số lần", "% đánh giá thấp"]
TILES = {"satisfaction": "Hài lòng (chỉ tiêu ≥ 95 %)", "rated": "Số đánh giá", "response": "Tỷ lệ đánh giá",
         "low": "Đánh giá thấp (Bình thường, Không hài lòng)"}
EXPLAIN = ("Hài lòng % = (Rất hài lòng + Hài lòng) / số vé đã đánh giá. Tỷ lệ đánh giá = số vé đã đánh giá / số vé "
           "đã phục vụ; vé không được đánh giá không tính là hài lòng. Chỉ tiêu theo Quyết định 468/QĐ-TTg.")
SATISFACTION_COLUMN = HEADINGS.index("Hài lòng %")


def target_kind(meets: bool | None) -> str:
    """The tile colour of a satisfaction figure: green when it meets the target, red when not, plain without."""
    return "normal" if meets is None else ("good" if meets else "error")


class SatisfactionTab(QWidget):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.bar = PeriodBar(store.today, self)
        for key in [self.bar.by.itemData(i) for i in range(self.bar.by.count())]:
            if key not in GROUPINGS:  # ratings are grouped like the wait figures, but not by hour or weekday
                self.bar.by.removeItem(self.bar.by.findData(key))
        self.title = QLabel("", self)
        self.title.setFont(font(12, bold=True))
        self.tiles = TileRow(TILES, len(TILES), self)
        self.table = cells.new_table(HEADINGS)
        self.bands = cells.new_table(BAND_HEADINGS)
        self.reasons = cells.new_table(REASON_HEADINGS)
        for table in (self.table, self.bands, self.reasons):
            table.setParent(self)
        explain = note(EXPLAIN, self)
        lower = QHBoxLayout()
        lower.addWidget(self.bands, 2)
        lower.addWidget(self.reasons, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.title)
        layout.addWidget(self.tiles)
        layout.addWidget(self.table, 3)
        layout.addLayout(lower, 2)
        layout.addWidget(explain)
        self.report: SatisfactionReport | None = None
        self.read = PeriodRead(runner, TAG, self.bar, lambda start, end: partial(
            store.views.satisfaction, start, end, self.bar.grouping), self._show)

    def refresh(self) -> None:
        self.read.refresh()

    def _show(self, result: object) -> None:
        assert isinstance(result, SatisfactionReport)
        self.report = result
        self.title.setText(f"{label(result.start, result.end)} · chỉ tiêu ≥ {result.target_pct:g} % hài lòng")
        self._show_tiles(result)
        self._show_groups(result)
        cells.set_rows(self.bands, [[cells.item(b.label, number=False, value=b.label),
                                     cells.item(cells.count(b.rated), value=b.rated),
                                     cells.item(cells.count(b.satisfied), value=b.satisfied),
                                     cells.item(cells.pct(b.satisfaction_pct), value=b.satisfaction_pct)]
                                    for b in result.wait_bands])
        cells.set_rows(self.reasons, [[cells.item(r.reason, number=False, value=r.reason),
                                       cells.item(cells.count(r.count), value=r.count),
                                       cells.item(cells.pct(r.pct_of_low), value=r.pct_of_low)]
                                      for r in result.reasons])

    def _show_tiles(self, report: SatisfactionReport) -> None:
        o = report.overall
        pct = "–" if o.satisfaction_pct is None else f"{cells.pct(o.satisfaction_pct)} %"
        verdict = {None: "chưa có đánh giá", True: "đạt chỉ tiêu", False: "chưa đạt chỉ tiêu"}[o.meets_target]
        self.tiles["satisfaction"].set(pct, verdict, target_kind(o.meets_target))
        self.tiles["rated"].set(cells.count(o.rated), f"trên {cells.count(o.served)} vé đã phục vụ")
        response = "–" if o.response_rate_pct is None else f"{cells.pct(o.response_rate_pct)} %"
        self.tiles["response"].set(response)
        low = f"{o.neutral} bình thường, {o.dissatisfied} không hài lòng"
        self.tiles["low"].set(cells.count(report.low_ratings), low)

    def _show_groups(self, report: SatisfactionReport) -> None:
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem(GROUP_VI[report.by]))
        every = rows(report)
        table_rows = []
        for i, (key, name, f) in enumerate(every):
            total = i == len(every) - 1
            row = [cells.item(name, number=False, bold=total, value=key),
                   *(cells.item(cells.count(v), bold=total, value=v) for v in (f.served, f.rated)),
                   *(cells.item(cells.pct(v), bold=total, value=v) for v in (f.response_rate_pct, f.satisfaction_pct)),
                   *(cells.item(cells.count(v), bold=total, value=v)
                     for v in (f.very_satisfied, f.satisfied, f.neutral, f.dissatisfied))]
            if total:
                paint(row[SATISFACTION_COLUMN], target_kind(f.meets_target))
            table_rows.append(row)
        cells.set_rows(self.table, table_rows)


def paint(cell: QTableWidgetItem, kind: str) -> None:
    """The tile colours on a cell, so the total's satisfaction reads green or red against the target."""
    fg, bg = COLOURS[kind]
    cell.setForeground(QBrush(QColor(fg)))
    cell.setBackground(QBrush(QColor(bg)))
