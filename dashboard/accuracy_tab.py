"""The Estimate accuracy tab: how far the printed waits were from the real ones, per service."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from common.store import Store
from common.views.estimate_accuracy import AccuracyReport
from dashboard import cells
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from ui.style import font
from ui.worker import Runner

HEADINGS = ["Dịch vụ", "Số vé\nđối chiếu", "Sai số tuyệt đối\nTB (phút)", "Độ lệch TB\n(phút)",
            "Ước tính TB\n(phút)", "Chờ thực TB\n(phút)", "% chờ lâu hơn\nước tính > 5 phút"]
EXPLAIN = ("Độ lệch = ước tính in trên vé − thời gian chờ thực. Độ lệch âm: công dân chờ lâu hơn số phút "
           "được in trên vé. Chỉ tính vé đã được gọi (không tính vé chuyển tiếp, vé hết hạn).")


class AccuracyTab(QWidget):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.bar = PeriodBar(store.today, self, grouping=False)
        self.table = cells.new_table(HEADINGS)
        self.table.setParent(self)
        note = QLabel(EXPLAIN, self)
        note.setWordWrap(True)
        note.setFont(font(9))
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        self.report: AccuracyReport | None = None
        self.read = PeriodRead(runner, "accuracy", self.bar,
                               lambda start, end: partial(store.views.estimate_accuracy, start, end), self._show)

    def refresh(self) -> None:
        self.read.refresh()

    def _show(self, result: object) -> None:
        assert isinstance(result, AccuracyReport)
        self.report = result
        rows = []
        for a in (*result.services, result.overall):
            total = a.code is None
            name = a.name_vi if total else f"{a.code} – {a.name_vi}"
            rows.append([cells.item(name, number=False, bold=total, value=a.code),
                         cells.item(cells.count(a.checked), bold=total, value=a.checked),
                         *(cells.item(cells.minutes(v), bold=total, value=v)
                           for v in (a.mae_s, a.bias_s, a.mean_estimate_s, a.mean_wait_s)),
                         cells.item(cells.pct(a.late_over_5min_pct), bold=total, value=a.late_over_5min_pct)])
        cells.set_rows(self.table, rows)
