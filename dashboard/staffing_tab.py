"""The Staffing advice tab: per hour, the counters Erlang C says are needed beside those open; a what-if."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from common.planning.staffing import StaffingAdvice, WhatIf, staffing_advice, what_if
from common.store import Store
from dashboard import cells
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from ui.style import font
from ui.worker import Runner

HEADINGS = ["Giờ", "Lượt đến\nmỗi giờ", "Phục vụ TB\n(phút)", "Quầy cần\n(gộp chung)", "Quầy cần\n(theo dịch vụ)",
            "Quầy đang mở\n(trung bình)", "Erlang C: % trong chỉ\ntiêu với số quầy mở"]
EXPLAIN = ("Số quầy cần để ít nhất 95% công dân chờ không quá 30 phút (Erlang C), từ lượt đến và thời gian phục "
           "vụ thực tế của kỳ đã chọn. \"Gộp chung\": mọi quầy nhận mọi dịch vụ (cận dưới); \"theo dịch vụ\": "
           "mỗi dịch vụ có quầy riêng (cận trên). Quầy đang mở: trung bình theo nhật ký mở/đóng quầy. "
           "Erlang C 0%: với số quầy đó hàng chờ dài ra liên tục trong giờ này.")


class StaffingTab(QWidget):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.bar = PeriodBar(store.today, self, grouping=False)
        self.table = cells.new_table(HEADINGS)
        self.table.setParent(self)
        note = QLabel(EXPLAIN, self)
        note.setWordWrap(True)
        note.setFont(font(9))
        self.counters = QSpinBox(self)
        self.counters.setRange(1, 60)
        self.counters.setValue(4)
        self.simulate = QPushButton("Mô phỏng một ngày", self)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        self.result.setFont(font(10, bold=True))
        row = QHBoxLayout()
        for widget in (QLabel("Nếu mở", self), self.counters, QLabel("quầy (mọi quầy nhận mọi dịch vụ):", self),
                       self.simulate):
            widget.setFont(font(10))
            row.addWidget(widget)
        row.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(row)
        self.advice: StaffingAdvice | None = None
        self.whatif: WhatIf | None = None
        self.read = PeriodRead(runner, "staffing", self.bar,
                               lambda start, end: partial(staffing_advice, store, start, end), self._show)
        self.simulate.clicked.connect(self.run_what_if)
        runner.succeeded.connect(self._done)
        runner.failed.connect(self._failed)

    def refresh(self) -> None:
        self.read.refresh()

    def _show(self, result: object) -> None:
        assert isinstance(result, StaffingAdvice)
        self.show_advice(result)

    def run_what_if(self) -> None:
        if self.advice is None or not self.advice.hours:
            self.result.setText("Chưa có số liệu lượt đến trong kỳ này để mô phỏng.")
            return
        if self.runner.submit("whatif", what_if, self.advice, self.counters.value(), 1, self.store.tz.key):
            self.result.setText(f"Đang mô phỏng với {self.counters.value()} quầy…")

    def _done(self, tag: str, result: object) -> None:
        if tag == "whatif":
            assert isinstance(result, WhatIf)
            self.whatif = result
            f = result.figures
            self.result.setText(
                f"{result.counters} quầy: {result.tickets} lượt, chờ TB {cells.minutes(f.wait_mean_s)} phút, "
                f"P90 {cells.minutes(f.wait_p90_s)} phút, {cells.pct(f.waits_within_target_pct)} % trong chỉ tiêu")

    def _failed(self, tag: str, exc: object) -> None:
        if tag in ("staffing", "whatif"):
            self.result.setText(f"Không tính được: {exc}")

    def show_advice(self, advice: StaffingAdvice) -> None:
        self.advice = advice
        rows = []
        for h in advice.hours:
            short = h.needed > round(h.open_counters)
            rows.append([cells.item(f"{h.hour:02d}:00–{h.hour + 1:02d}:00", number=False, value=h.hour),
                         cells.item(cells.count(float(h.arrivals_per_hour)), value=h.arrivals_per_hour),
                         cells.item(cells.minutes(h.mean_service_s), value=h.mean_service_s),
                         cells.item(str(h.needed), bold=short, value=h.needed),
                         cells.item(str(h.needed_by_service), value=h.needed_by_service),
                         cells.item(cells.count(float(h.open_counters)), bold=short, value=h.open_counters),
                         cells.item(cells.pct(h.within_pct_with_open), value=h.within_pct_with_open)])
        cells.set_rows(self.table, rows)
        busiest = max(advice.hours, key=lambda h: h.needed, default=None)
        if busiest is not None and self.whatif is None:
            self.counters.setValue(max(1, busiest.needed))
