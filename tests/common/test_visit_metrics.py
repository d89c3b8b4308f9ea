"""Visit-level waits, expired tickets as lower bounds, no-shows to their first call, and estimate accuracy
against the naive formula: on a day built by hand (Wednesday 2026-11-25, local times; TP, KD, DD: 30 min).

=========  =======  =========================================================  ==========  ================
ticket     service  story                                                      txn wait    citizen's wait
=========  =======  =========================================================  ==========  ================
A001       TP       08:00, called 08:05 at 2, no-show 08:07, called again      2700 (45')  300 (first call)
                    08:45 at 2 (call by number), 08:46–08:50
A002       TP       08:06, called 08:31 at 1, 08:32, transferred to KD 08:36   1500 (25')  } one visit:
A002 (KD)  KD       queued 08:36, called 09:04 at 4, 09:05–09:11                1680 (28')  } 3180 (53') > 30'
D001       DD       16:00, never called, day closed 17:00: expired             ≥ 3600      ≥ 3600
=========  =======  =========================================================  ==========  ================
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from common.core.clock import ManualClock
from common.store import Store
from common.store.orm import TicketRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WED = date(2026, 11, 25)


def at(clock: ManualClock, hh: int, mm: int) -> None:
    clock.set(datetime(WED.year, WED.month, WED.day, hh, mm, tzinfo=TZ))


def morning(store: Store, clock: ManualClock) -> None:
    """Up to 09:00: A002's second transaction (KD) has waited 24 minutes, its visit 49."""
    at(clock, 7, 59)
    for counter, clerk in ((1, "lan"), (2, "minh"), (4, "tuan")):
        store.sign_in(counter, clerk)
    at(clock, 8, 0)
    store.issue_ticket("TP")  # A001
    at(clock, 8, 5)
    assert store.call_next(2, "minh").code == "A001"
    at(clock, 8, 6)
    store.issue_ticket("TP")  # A002
    at(clock, 8, 7)
    store.mark_no_show(2, "minh")
    at(clock, 8, 31)
    assert store.call_next(1, "lan").code == "A002"
    at(clock, 8, 32)
    store.start_service(1, "lan")
    at(clock, 8, 36)
    store.transfer(1, "lan", to_service="KD")
    at(clock, 8, 45)
    store.call_specific("A001", 2, "minh", "công dân quay lại")
    at(clock, 8, 46)
    store.start_service(2, "minh")
    at(clock, 8, 50)
    store.finish_service(2, "minh")
    at(clock, 9, 0)


def rest_of_day(store: Store, clock: ManualClock) -> None:
    at(clock, 9, 4)
    called = store.call_next(4, "tuan")
    assert (called.code, called.service) == ("A002", "KD")
    at(clock, 9, 5)
    store.start_service(4, "tuan")
    at(clock, 9, 11)
    store.finish_service(4, "tuan")
    at(clock, 16, 0)
    store.issue_ticket("DD", check_hours=False)  # D001
    at(clock, 17, 0)
    assert store.close_day(WED) == 1


@pytest.fixture
def day(store: Store, clock: ManualClock) -> Store:
    morning(store, clock)
    rest_of_day(store, clock)
    return store


def test_transaction_waits_and_the_lower_bound_with_expired(day: Store) -> None:
    o = day.views.report(WED, WED).overall
    assert (o.tickets, o.served, o.transferred, o.expired) == (4, 2, 1, 1)
    # Qmatic's transaction waits: the no-show counts to the call that brought them (45 min)
    assert o.wait_mean_s == (2700 + 1500 + 1680) / 3
    # with D001's censored 60 minutes: (2700 + 1500 + 1680 + 3600) / 4, a lower bound
    assert o.wait_mean_incl_expired_s == 2370.0
    # 25 and 28 minutes are each within 30 as transactions
    assert (o.waits_judged, o.waits_within) == (4, 2)


def test_visit_waits_sum_transfers_and_stop_at_the_first_call(day: Store) -> None:
    o = day.views.report(WED, WED).overall
    assert o.visits == 3
    # A001: 5 min to its first call (within); A002: 25 + 28 = 53 min (outside); D001: ≥ 60 min (outside)
    assert (o.visit_waits_judged, o.visit_waits_within, o.visit_within_target_pct) == (3, 1, 33.3)
    assert o.visit_wait_mean_s == (300 + 3180) / 2
    assert o.visit_wait_mean_incl_expired_s == (300 + 3180 + 3600) / 3


def test_visits_group_by_their_first_transaction(day: Store) -> None:
    groups = {g.key: g.figures for g in day.views.report(WED, WED, "service").groups}
    tp, kd, dd = groups["TP"], groups["KD"], groups["DD"]
    assert (tp.visits, tp.visit_waits_judged, tp.visit_waits_within, tp.visit_wait_mean_s) == (2, 2, 1, 1740.0)
    assert (kd.visits, kd.visit_waits_judged, kd.visit_within_target_pct) == (0, 0, None)  # A002 began at TP
    assert (dd.visits, dd.visit_wait_mean_s, dd.visit_wait_mean_incl_expired_s) == (1, None, 3600.0)
    hours = {g.key: g.figures for g in day.views.report(WED, WED, "hour").groups}
    assert (hours[8].visits, hours[8].visit_waits_within, hours[16].visit_waits_judged) == (2, 1, 1)


def test_a_visit_in_progress_counts_once_it_passes_the_target(store: Store, clock: ManualClock) -> None:
    morning(store, clock)  # 09:00: A002 waited 25 min at TP and has waited 24 at KD
    o = store.views.report(WED, WED).overall
    assert (o.waits_judged, o.waits_within) == (2, 1)  # the KD transaction is not yet past its 30 minutes
    assert (o.visit_waits_judged, o.visit_waits_within) == (2, 1)  # but the visit is: 49 min, over target
    at(clock, 8, 40)
    early = store.views.report(WED, WED).overall  # 25 + 4 = 29 minutes: the visit may still make it
    assert (early.visit_waits_judged, early.visit_waits_within) == (1, 1)


def test_accuracy_against_the_naive_formula(day: Store) -> None:
    # As a forecast would: the printed estimate differs from the naive formula, both kept on the ticket.
    printed = {"A001": (600, 0), "A002": (1140, 2400)}  # code -> (printed, naive)
    with day.transaction() as tx:
        for code, (shown, naive) in printed.items():
            tx.session.execute(update(TicketRow).where(TicketRow.code == code, TicketRow.transfer_seq == 0)
                               .values(estimated_wait_s=shown, naive_wait_s=naive))
    report = day.views.estimate_accuracy(WED, WED)
    o = report.overall
    # real waits to the first call: A001 300 (not its 2700), A002 1500; D001 expired uncalled, not checked
    assert (o.checked, o.mean_wait_s) == (2, 900.0)
    # printed errors +300, −360; naive −300, +900
    assert (o.mae_s, o.bias_s, o.late_over_5min_pct) == (330.0, -30.0, 50.0)
    assert (o.naive_mae_s, o.naive_bias_s, o.naive_late_over_5min_pct) == (600.0, 300.0, 0.0)
    assert o.mae_vs_naive_pct == 45.0  # (600 − 330) / 600
    by_service = {a.code: a for a in report.services}
    assert by_service["TP"] == o.__class__(**{**o.__dict__, "code": "TP", "name_vi": by_service["TP"].name_vi})
    assert by_service["KD"].checked == 0  # the transfer printed nothing new
    assert [(a.code, a.checked, a.mae_s) for a in report.hours] == [("08", 2, 330.0)]


def test_accuracy_without_a_stored_naive_figure_compares_the_printed_one(day: Store) -> None:
    o = day.views.estimate_accuracy(WED, WED).overall
    assert o.checked == 2
    assert (o.naive_mae_s, o.naive_bias_s, o.mae_vs_naive_pct) == (o.mae_s, o.bias_s, 0.0)


def test_report_accuracy_on_the_command_line(day: Store, db_url: str) -> None:
    from dataclasses import asdict

    from tests.common.test_cli_reports import motcua

    run = motcua("report", "--from", "2026-11-25", "--accuracy", "--by", "hour", "--format", "json", db=db_url)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    expected = day.views.estimate_accuracy(WED, WED)
    assert data["overall"] == asdict(expected.overall)
    assert [g["code"] for g in data["groups"]] == ["08"]
    table = motcua("report", "--from", "2026-11-25", "--accuracy", db=db_url)
    assert table.returncode == 0 and "Tổng cộng" in table.stdout and "TP" in table.stdout
    wrong = motcua("report", "--accuracy", "--by", "clerk", db=db_url)
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and "--accuracy --by clerk" in wrong.stderr


def test_every_export_marks_the_lower_bounds(day: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from common.views.report_render import to_csv, to_table, write_xlsx

    report = day.views.report(WED, WED, "service")
    heading = to_csv(report, headings="vi").splitlines()[0].split(",")
    assert "≥ Chờ TB kể cả vé hết hạn (giây)" in heading and "% lượt khách chờ trong chỉ tiêu" in heading
    total = to_table(report).splitlines()[-3]
    assert "≥ 39:30" in total  # 2370 s, the mean with D001's censored hour
    sheet = load_workbook(write_xlsx([report], tmp_path / "r.xlsx")).active
    headings = [cell.value for cell in sheet[2]]
    assert "≥ Chờ TB mỗi lượt khách kể cả hết hạn (phút)" in headings
    column = headings.index("≥ Chờ TB mỗi lượt khách kể cả hết hạn (phút)") + 1
    assert sheet.cell(sheet.max_row, column).value == round(2360 / 60, 2)  # (300 + 3180 + 3600) / 3 s
