"""The Staffing advice tab: per hour, the counters Erlang C says are needed beside those open, the pooled plan
verified over many simulated days (a lower bound), which of the office's own counters to open (judged on the
engine, common/planning/group_plan.py), and a what-if shown as a range across seeded days."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from common.planning.booking_whatif import BookedWhatIf, booking_what_if
from common.planning.group_plan import CounterPlan
from common.planning.plan_search import StaffingPlan
from common.planning.staffing import (
    StaffingAdvice,
    WhatIf,
    band,
    clock,
    plan,
    plan_breaks,
    staffing_advice,
    store_counter_plan,
    what_if,
)
from common.store import Store
from dashboard import cells
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from dashboard.whatif_panel import WhatIfPanel
from ui import numbers
from ui.style import font
from ui.worker import Runner

PLAN_DAYS = 100
COUNTER_PLAN_DAYS = 60  # per component play; as many other days re-check the plan
HEADINGS = ["Giờ", "Phút mở\ncửa", "Lượt đến mỗi\ngiờ mở cửa",
            "Phục vụ TB\n(phút)", "Quầy cần\n(gộp chung)", "Quầy cần\n(theo dịch vụ)",
            "Quầy đang mở\n(trung bình)", "Erlang C: % trong chỉ\ntiêu với số quầy mở",
            "Kế hoạch gộp\n(cận dưới)", "Quầy cần mở (quầy của văn phòng)"]
EXPLAIN = ("Số quầy cần để ít nhất 95% công dân chờ không quá 30 phút (Erlang C), từ lượt đến và thời gian phục "
           "vụ thực tế của kỳ đã chọn. \"Gộp chung\": mọi quầy nhận mọi dịch vụ (cận dưới); \"theo dịch vụ\": "
           "mỗi dịch vụ có quầy riêng (cận trên). Quầy đang mở: trung bình theo nhật ký mở/đóng quầy. "
           "Erlang C 0%: với số quầy đó hàng chờ dài ra liên tục trong giờ này. Lượt đến tính theo thời gian mở cửa "
           "(giờ 07:00 mở từ 07:30: 30 phút). Kế hoạch: số quầy ít nhất mà ngày thấp nhất 5% trong "
           f"{PLAN_DAYS} ngày mô phỏng vẫn đạt 95% chờ trong chỉ tiêu và không giờ nào dưới 80%, nếu mọi quầy nhận mọi "
           "dịch vụ (cận dưới). Quầy cần mở: số quầy cụ thể theo nhóm dịch vụ của văn phòng, cùng luật gọi số như "
           "quầy thật; \"thêm\" là quầy văn phòng chưa có, bố trí như quầy được nêu.")


class PlanProgress(QObject):
    """The counter plan's progress, emitted from the Runner's thread and shown on the GUI thread (queued)."""

    played = Signal(int, int)  # component plays so far, days per play


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
        self.plan_note = QLabel("", self)
        self.plan_note.setWordWrap(True)
        self.plan_note.setFont(font(10, bold=True))
        self.panel = WhatIfPanel(self)
        # Kept as attributes of the tab: dashboard/main.py and the tests drive them here.
        self.counters, self.simulate, self.result = self.panel.counters, self.panel.simulate, self.panel.result
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(self.plan_note)
        layout.addWidget(self.panel)
        self.advice: StaffingAdvice | None = None
        self.whatif: WhatIf | None = None
        self.plan: StaffingPlan | None = None
        self.counter_plan: CounterPlan | None = None
        self.counter_note = QLabel("", self)
        self.counter_note.setWordWrap(True)
        self.counter_note.setFont(font(10, bold=True))
        layout.insertWidget(layout.indexOf(self.plan_note) + 1, self.counter_note)
        self.plan_progress = PlanProgress(self)
        self.plan_progress.played.connect(self._counter_plan_progress)
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
        counters, days = self.counters.value(), self.panel.days.value()
        bookings = self.panel.bookings()
        if bookings.active:  # issue 19: walk-ins and booked apart, on the engine
            if self.runner.submit("whatif", booking_what_if, self.advice, counters, days, bookings):
                self.result.setText(f"Đang mô phỏng {days} ngày với {counters} quầy và lịch hẹn…")
            return
        if self.runner.submit("whatif", what_if, self.advice, counters, days):
            self.result.setText(f"Đang mô phỏng {days} ngày với {counters} quầy…")

    def _done(self, tag: str, result: object) -> None:
        if tag == "whatif" and isinstance(result, BookedWhatIf):
            self.panel.show_booked_result(result)
        elif tag == "whatif":
            assert isinstance(result, WhatIf)
            self.whatif = result
            self.panel.show_result(result)
        elif tag == "staffing-plan":
            advice, found = result  # type: ignore[misc]
            assert isinstance(found, StaffingPlan)
            if advice is self.advice:
                self.show_plan(found)
            else:  # the period changed while this plan was verified: verify the one on screen
                self._submit_plan()
        elif tag == "counter-plan":
            advice, counters = result  # type: ignore[misc]
            assert isinstance(counters, CounterPlan)
            if advice is self.advice:
                self.show_counter_plan(counters)
            else:
                self._submit_counter_plan()

    def _failed(self, tag: str, exc: object) -> None:
        if tag in ("staffing", "whatif", "staffing-plan", "counter-plan"):
            self.result.setText(f"Không tính được: {exc}")

    def show_advice(self, advice: StaffingAdvice) -> None:
        self.advice = advice
        rows = []
        for h in advice.hours:
            short = h.needed > round(h.open_counters)
            rows.append([cells.item(f"{h.hour:02d}:00–{h.hour + 1:02d}:00", number=False, value=h.hour),
                         cells.item(cells.count(float(h.open_minutes)), value=h.open_minutes),
                         cells.item(cells.count(float(h.arrivals_per_hour)), value=h.arrivals_per_hour),
                         cells.item(cells.minutes(h.mean_service_s), value=h.mean_service_s),
                         cells.item(str(h.needed), bold=short, value=h.needed),
                         cells.item(str(h.needed_by_service), value=h.needed_by_service),
                         cells.item(cells.count(float(h.open_counters)), bold=short, value=h.open_counters),
                         cells.item(cells.pct(h.within_pct_with_open), value=h.within_pct_with_open),
                         cells.item(cells.DASH, value=None), cells.item(cells.DASH, number=False, value=None)])
        cells.set_rows(self.table, rows)
        busiest = max(advice.hours, key=lambda h: h.needed, default=None)
        if busiest is not None and self.whatif is None:
            self.counters.setValue(max(1, busiest.needed))
        self.plan = None
        self.plan_note.setText("")
        self.counter_plan = None
        self.counter_note.setText("")
        self._submit_plan()
        self._submit_counter_plan()

    def _submit_plan(self) -> None:
        advice = self.advice
        if advice is not None and advice.hours and advice.mean_service_s is not None:
            self.runner.submit("staffing-plan", _verified_plan, advice)
            self.plan_note.setText(f"Đang kiểm chứng kế hoạch trên {PLAN_DAYS} ngày mô phỏng…")

    def _submit_counter_plan(self) -> None:
        advice = self.advice
        if advice is not None and advice.service_rates and self.runner.submit(
                "counter-plan", _counter_plan, self.store, advice, self.plan_progress.played.emit):
            self.counter_note.setText(f"Đang tìm quầy cần mở trên quầy của văn phòng ({COUNTER_PLAN_DAYS} ngày mô "
                                      "phỏng)…")

    def _counter_plan_progress(self, plays: int, days: int) -> None:
        if self.counter_plan is None and self.runner.in_flight("counter-plan"):
            self.counter_note.setText(f"Đang tìm quầy cần mở trên quầy của văn phòng: đã thử {plays} phương án "
                                      f"(mỗi phương án {days} ngày mô phỏng)…")

    def show_counter_plan(self, found: CounterPlan) -> None:
        self.counter_plan = found
        by_hour = {h.hour: h for h in found.hours}
        col = len(HEADINGS) - 1
        for row in range(self.table.rowCount()):
            h = by_hour.get(self.table.item(row, 0).data(256))
            text = cells.DASH if h is None else f"{len(h.counters)}: {h.describe(found.groups)}"
            cell = cells.item(text, number=False, bold=h is not None and h.extras > 0,
                              value=None if h is None else len(h.counters))
            if h is not None:
                cell.setToolTip(h.describe(found.groups, names=True))
            self.table.setItem(row, col, cell)
        self.table.resizeColumnToContents(col)
        check, again, full, d = found.check, found.validation, found.all_open, cells.pct
        verdict = "đạt" if found.holds else "KHÔNG đạt (không còn quầy để thêm)"
        own = ("" if found.own_counters_hold else
               f" Mở mọi quầy hiện có cả ngày chỉ đạt ngày thấp nhất 5% {d(100 * full.p5)} %: văn phòng cần "
               f"{d(found.extra_counter_hours)} giờ-quầy thêm mỗi ngày.")
        # Which hours lose capacity to the counters' scheduled breaks (the plan already staffs around them).
        lost = [] if self.advice is None else plan_breaks(self.advice, found)
        breaks = ("" if not lost else " Giờ nghỉ theo lịch (kế hoạch đã tính đến): " + "; ".join(
            f"{b.hour:02d}:00 −{numbers.decimal(b.counters, 2)} quầy ("
            + ", ".join(f"quầy {n} {clock(a)}–{clock(e)}" for n, a, e in b.breaks) + ")" for b in lost) + ".")
        self.counter_note.setText(
            f"Trên quầy của văn phòng: {d(found.counter_hours)} giờ-quầy mỗi ngày; {check.days} ngày mô phỏng: "
            f"% chờ trong chỉ tiêu trung vị {d(100 * check.median)} %, ngày thấp nhất 5% {d(100 * check.p5)} % "
            f"(kiểm lại trên {again.days} ngày khác: {d(100 * again.p5)} %), giờ kém nhất "
            f"{d(100 * check.worst_hour_share())} %: {verdict}.{own}{breaks}")
        self.panel.show_result(plan_band(found), f"Kế hoạch quầy ({d(found.counter_hours)} giờ-quầy)")

    def show_plan(self, found: StaffingPlan) -> None:
        self.plan = found
        by_hour = found.plan
        last = len(HEADINGS) - 2
        for row in range(self.table.rowCount()):
            hour = self.table.item(row, 0).data(256)  # Qt.UserRole: the hour
            n = by_hour.get(hour)
            self.table.setItem(row, last, cells.item(cells.DASH if n is None else str(n), bold=True, value=n))
        check, d = found.check, cells.pct
        self.plan_note.setText(
            f"Kế hoạch gộp (cận dưới, mọi quầy nhận mọi dịch vụ): {d(found.counter_hours)} giờ-quầy mỗi ngày "
            f"(Erlang C từng giờ: {d(found.erlang_counter_hours)})."
            f" Trên {check.days} ngày mô phỏng: % chờ trong chỉ tiêu trung vị {d(100 * check.median)} %, "
            f"ngày thấp nhất 5% {d(100 * check.p5)} %, cao nhất 95% {d(100 * check.p95)} %.")


def _verified_plan(advice: StaffingAdvice) -> tuple[StaffingAdvice, StaffingPlan]:
    """Run on the Runner's thread; the advice comes back with the plan so a stale answer can be told apart."""
    return advice, plan(advice, PLAN_DAYS)


def _counter_plan(store: Store, advice: StaffingAdvice,
                  progress: Callable[[int, int], None] | None = None) -> tuple[StaffingAdvice, CounterPlan]:
    """Run on the Runner's thread, like _verified_plan; ``progress`` after each component play."""
    return advice, store_counter_plan(store, advice, COUNTER_PLAN_DAYS, progress=progress)


def plan_band(found: CounterPlan) -> WhatIf:
    """The counter plan's own simulated days as a what-if range (5–95% band), for the panel."""
    check = found.check
    return WhatIf(sum(len(h.counters) for h in found.hours), check.days, check.first_seed, check.tickets,
                  band([100 * s for s in check.shares]), band([w / 60 for w in check.day_wait_means_s]),
                  round(100 * check.overall, 1))
