"""The Estimate accuracy tab: how far the printed waits were from the real ones, beside the naive formula,
per service or per hour of issue (common/views/estimate_accuracy.py defines every figure)."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from common.store import Store
from common.views.estimate_accuracy import FORMULA_ONLY, Accuracy, AccuracyReport
from dashboard import cells
from dashboard.notes import note
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from ui.style import font
from ui.worker import Runner

BREAKDOWNS = {"service": "Dịch vụ", "hour": "Giờ lấy vé"}
# Three short lines a heading rather than two long ones: the eleven columns then fit a 1280 px screen
# (two lines made the table scroll sideways at 1280 and 1366 px).
HEADINGS = ["Dịch vụ", "Số vé\nđối chiếu", "Sai số\ntuyệt đối TB\nvé in (phút)", "Độ lệch TB\nvé in\n(phút)",
            "% chờ lâu\nhơn vé in\n> 5 phút", "Sai số\ntuyệt đối TB\ncông thức", "Độ lệch TB\ncông thức\n(phút)",
            "% chờ lâu\nhơn công thức\n> 5 phút", "Vé in tốt\nhơn công\nthức (%)", "Chờ thực\nTB (phút)",
            "% chờ thực\ntrong khoảng\np10–p90"]
EXPLAIN = ("Độ lệch = ước tính − thời gian chờ thực (đến lần gọi đầu tiên). Độ lệch âm: công dân chờ lâu hơn số phút "
           "được in trên vé. Công thức đơn giản = (số người phía trước + 1) × thời gian phục vụ gần đây ÷ số quầy mở. "
           "Chỉ tính vé đã được gọi (không tính vé chuyển tiếp, vé hết hạn chưa được gọi). Khoảng p10–p90: 80% số vé "
           "in theo dự báo toàn sảnh nên có thời gian chờ thực nằm trong khoảng này.")


class AccuracyTab(QWidget):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.bar = PeriodBar(store.today, self, grouping=False)
        self.breakdown = QComboBox(self)
        for key, label in BREAKDOWNS.items():
            self.breakdown.addItem(label, key)
        self.breakdown.setFont(font(10))
        self.breakdown.currentIndexChanged.connect(lambda _i: self._render())
        top = QHBoxLayout()
        top.addWidget(self.bar, 1)
        top.addWidget(QLabel("Theo:", self))
        top.addWidget(self.breakdown)
        self.table = cells.new_table(HEADINGS)
        self.table.setParent(self)
        explain = note(EXPLAIN, self)
        # Said above the table, not left for the supervisor to infer from two identical sets of columns.
        self.formula_only = note(FORMULA_ONLY[0] + ".", self, size=10, bold=True)
        self.formula_only.setObjectName("formulaOnly")
        self.formula_only.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.formula_only)
        layout.addWidget(self.table, 1)
        layout.addWidget(explain)
        self.report: AccuracyReport | None = None
        self.read = PeriodRead(runner, "accuracy", self.bar,
                               lambda start, end: partial(store.views.estimate_accuracy, start, end), self._show)

    def refresh(self) -> None:
        self.read.refresh()

    def _show(self, result: object) -> None:
        assert isinstance(result, AccuracyReport)
        self.report = result
        self._render()

    def _render(self) -> None:
        if self.report is None:
            return
        by = self.breakdown.currentData()
        self.table.horizontalHeaderItem(0).setText(BREAKDOWNS[by])
        self.formula_only.setVisible(self.report.formula_only)
        groups = self.report.services if by == "service" else self.report.hours
        cells.set_rows(self.table, [_row(a, by) for a in (*groups, self.report.overall)])


def _row(a: Accuracy, by: str) -> list:  # type: ignore[type-arg]
    total = a.code is None
    name = a.name_vi if total or by == "hour" else f"{a.code} – {a.name_vi}"

    def minutes(value: float | None) -> object:
        return cells.item(cells.minutes(value), bold=total, value=value)

    def pct(value: float | None) -> object:
        return cells.item(cells.pct(value), bold=total, value=value)

    return [cells.item(name, number=False, bold=total, value=a.code),
            cells.item(cells.count(a.checked), bold=total, value=a.checked),
            minutes(a.mae_s), minutes(a.bias_s), pct(a.late_over_5min_pct),
            minutes(a.naive_mae_s), minutes(a.naive_bias_s), pct(a.naive_late_over_5min_pct),
            pct(a.mae_vs_naive_pct), minutes(a.mean_wait_s), pct(a.inside_band_pct)]
