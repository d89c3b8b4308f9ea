"""A small day built by hand with known times; every figure of the report is checked.

Times are local (Asia/Ho_Chi_Minh). The day, Wednesday 2026-11-25 (targets: TP 30 min, CT 15 min, others 30):

=========  =======  ==========================================================  ======  =====  =======
ticket     service  story                                                       wait    walk   service
=========  =======  ==========================================================  ======  =====  =======
C001       DD       Tue 16:00 issued, never called, expired at midnight         28800*
D001       KD       06:30 (= 23:30 UTC the day before), called 07:40 at 4       4200    60     540
A001       TP       08:00, called 08:10 at 1, 08:11–08:21                       600     60     600
A002       TP       08:05, called 08:40 at 2, no-show, called again 08:50       2700    60     600
B001       CT       08:20, called 08:25 at 8, 08:26, transferred to TP 08:30    300     60     240
B001 (TP)  TP       queued again 08:30, called 08:44 at 1, 08:45–08:55          840     60     600
B002       CT       08:31, still waiting at 09:30 (59 min > 15)                 over
A003       TP       08:35, cancelled 08:36
A004       TP       08:45 priority, called 09:02 at 2 before B002, no-show      1020
A005       TP       09:20, still waiting at 09:30 (10 min < 30: not judged)
=========  =======  ==========================================================  ======  =====  =======

* censored: issued → end of its service day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from common.core.clock import ManualClock
from common.store import Store
from common.views.report import GROUPINGS

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TUE, WED = date(2026, 11, 24), date(2026, 11, 25)


def at(clock: ManualClock, hh: int, mm: int, day: date = WED) -> None:
    clock.set(datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ))


def build_day(store: Store, clock: ManualClock) -> None:
    at(clock, 16, 0, TUE)
    store.issue_ticket("DD")  # C001, expired by the next day's first sign-in
    clock.set(datetime(2026, 11, 24, 23, 30, tzinfo=ZoneInfo("UTC")))
    store.issue_ticket("KD", check_hours=False)  # D001 at 06:30 local
    at(clock, 7, 39)
    store.sign_in(4, "tuan")
    at(clock, 7, 40)
    assert store.call_next(4, "tuan").code == "D001"
    at(clock, 7, 41)
    store.start_service(4, "tuan")
    at(clock, 7, 50)
    store.finish_service(4, "tuan")
    at(clock, 8, 0)
    store.issue_ticket("TP")  # A001
    at(clock, 8, 5)
    store.issue_ticket("TP")  # A002
    at(clock, 8, 10)
    assert store.call_next(1, "lan").code == "A001"
    at(clock, 8, 11)
    store.start_service(1, "lan")
    at(clock, 8, 20)
    store.issue_ticket("CT")  # B001
    at(clock, 8, 21)
    store.finish_service(1, "lan")
    at(clock, 8, 25)
    assert store.call_next(8, "hoa").code == "B001"  # counter 8 is strict, CT first
    at(clock, 8, 26)
    store.start_service(8, "hoa")
    at(clock, 8, 30)
    store.transfer(8, "hoa", to_service="TP")
    at(clock, 8, 31)
    store.issue_ticket("CT")  # B002
    at(clock, 8, 35)
    store.issue_ticket("TP")  # A003
    at(clock, 8, 36)
    store.cancel("A003", "lan", "công dân về")
    at(clock, 8, 40)
    assert store.call_next(2, "minh").code == "A002"
    at(clock, 8, 42)
    store.mark_no_show(2, "minh")


def finish_day(store: Store, clock: ManualClock) -> None:
    at(clock, 8, 44)
    called = store.call_next(1, "lan")
    assert (called.code, called.service) == ("B001", "TP")
    at(clock, 8, 45)
    store.start_service(1, "lan")
    store.issue_ticket("TP", "elderly")  # A004
    at(clock, 8, 50)
    store.call_specific("A002", 2, "minh", "công dân quay lại")
    at(clock, 8, 51)
    store.start_service(2, "minh")
    at(clock, 8, 55)
    store.finish_service(1, "lan")
    at(clock, 9, 1)
    store.finish_service(2, "minh")
    at(clock, 9, 2)
    assert store.call_next(2, "minh").code == "A004"  # priority first
    at(clock, 9, 4)
    store.mark_no_show(2, "minh")
    at(clock, 9, 20)
    store.issue_ticket("TP")  # A005
    at(clock, 9, 30)


@pytest.fixture
def day(store: Store, clock: ManualClock) -> Store:
    build_day(store, clock)
    finish_day(store, clock)
    return store


def test_overall_figures(day: Store) -> None:
    report = day.views.report(TUE, WED)
    o = report.overall
    assert (o.tickets, o.served, o.no_show, o.expired, o.transferred, o.cancelled, o.waiting) == (10, 4, 1, 1, 1, 1, 2)
    # judged: 7 closed or called waits + B002 over its 15 minutes; within: A001, B001 (CT), B001 (TP), A004
    assert (o.waits_judged, o.waits_within, o.waits_within_target_pct) == (8, 4, 50.0)
    # observed waits 300, 600, 840, 1020, 2700, 4200
    assert o.wait_mean_s == 1610.0
    assert o.wait_median_s == 930.0
    assert o.wait_p90_s == 3450.0  # 2700 + 0.5 × (4200 − 2700)
    assert o.service_mean_s == 516.0  # (540 + 600 + 600 + 240 + 600) / 5
    assert o.walk_mean_s == 60.0
    assert (o.no_show_pct, o.served_pct) == (10.0, 40.0)
    # complete visits: D001 80 min, A001 21 min, A002 56 min, B001 08:20 → 08:55 across its transfer
    assert o.visits == 9
    assert o.visit_mean_s == (4800 + 1260 + 3360 + 2100) / 4
    assert report.target_minutes == 30
    assert report.service_targets["CT"] == 15


def test_visit_figures_of_the_day(day: Store) -> None:
    o = day.views.report(TUE, WED).overall
    # Visit waits to each first call, summed over transfers: C001 ≥ 28800 (expired), D001 4200, A001 600,
    # A002 2100 (first called 08:40, not the 08:50 call that brought them), B001 300 + 840 = 1140 (over CT's
    # 15 minutes, though each transaction is within), A004 1020; B002 in progress and past 15 minutes (over);
    # A003 cancelled before a call and A005 still within its target are not judged.
    assert (o.visit_waits_judged, o.visit_waits_within, o.visit_within_target_pct) == (7, 2, 28.6)
    assert o.visit_wait_mean_s == (4200 + 600 + 2100 + 1140 + 1020) / 5
    assert o.visit_wait_mean_incl_expired_s == (28800 + 4200 + 600 + 2100 + 1140 + 1020) / 6
    assert o.wait_mean_incl_expired_s == round((300 + 600 + 840 + 1020 + 2700 + 4200 + 28800) / 7, 1)


def test_waiting_ticket_counts_once_it_passes_its_target(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    at(clock, 8, 45)  # B002 (CT, 15 min) has waited 14 minutes
    early = store.views.report(WED, WED).overall
    at(clock, 8, 47)  # now 16 minutes
    late = store.views.report(WED, WED).overall
    assert late.waits_judged == early.waits_judged + 1
    assert late.waits_within == early.waits_within
    assert early.waiting == late.waiting == 2  # B002 and B001 (TP, 17 min of 30: not judged)


def test_by_service(day: Store) -> None:
    groups = {g.key: g for g in day.views.report(TUE, WED, "service").groups}
    assert list(groups) == ["TP", "CT", "DD", "KD"]  # the office's order; services without tickets are left out
    tp, ct = groups["TP"].figures, groups["CT"].figures
    assert groups["TP"].label == "Tư pháp – Hộ tịch"
    assert (tp.tickets, tp.served, tp.no_show, tp.cancelled, tp.waiting) == (6, 3, 1, 1, 1)
    assert (tp.waits_judged, tp.waits_within, tp.waits_within_target_pct) == (4, 3, 75.0)
    assert (tp.wait_mean_s, tp.wait_median_s) == ((600 + 2700 + 840 + 1020) / 4, (840 + 1020) / 2)
    assert (ct.tickets, ct.transferred, ct.waiting, ct.waits_within_target_pct) == (2, 1, 1, 50.0)
    assert (ct.wait_mean_s, ct.wait_p90_s, ct.service_mean_s) == (300.0, 300.0, 240.0)
    assert groups["DD"].figures.expired == 1 and groups["DD"].figures.wait_mean_s is None


def test_by_counter_and_clerk(day: Store) -> None:
    counters = {g.key: g.figures for g in day.views.report(TUE, WED, "counter").groups}
    assert list(counters) == [1, 2, 4, 8, None]
    assert counters[1].tickets == 2 and counters[1].wait_mean_s == (600 + 840) / 2
    assert counters[2].no_show == 1 and counters[2].wait_median_s == (2700 + 1020) / 2
    assert counters[None].tickets == 4  # C001, B002, A003, A005: never called
    clerks = day.views.report(TUE, WED, "clerk").groups
    assert [(g.key, g.label, g.figures.tickets) for g in clerks] == [
        ("hoa", "Lê Thị Hoa", 1), ("lan", "Nguyễn Thị Lan", 2), ("minh", "Trần Văn Minh", 2),
        ("tuan", "Phạm Anh Tuấn", 1), (None, "(chưa gọi)", 4)]


def test_by_hour_uses_the_office_zone(day: Store) -> None:
    hours = {g.key: (g.label, g.figures.tickets) for g in day.views.report(TUE, WED, "hour").groups}
    # D001 was issued at 23:30 UTC on the 24th: 06:30 on the 25th in Hà Nội
    assert hours == {6: ("06:00–07:00", 1), 8: ("08:00–09:00", 7), 9: ("09:00–10:00", 1), 16: ("16:00–17:00", 1)}


def test_by_day_and_weekday(day: Store) -> None:
    days = day.views.report(TUE, WED, "day").groups
    assert [(g.key, g.label, g.figures.tickets) for g in days] == [(TUE, "24/11/2026", 1), (WED, "25/11/2026", 9)]
    assert days[0].figures.expired == 1 and days[0].figures.waits_within_target_pct == 0.0
    weekdays = day.views.report(TUE, WED, "weekday").groups
    assert [(g.key, g.label, g.figures.tickets) for g in weekdays] == [(2, "Thứ Ba", 1), (3, "Thứ Tư", 9)]


def test_groups_add_up_to_the_overall(day: Store) -> None:
    overall = day.views.report(TUE, WED).overall
    for by in GROUPINGS:
        report = day.views.report(TUE, WED, by)
        assert report.overall == overall
        for name in ("tickets", "served", "no_show", "expired", "waits_judged", "waits_within"):
            assert sum(getattr(g.figures, name) for g in report.groups) == getattr(overall, name), (by, name)


def test_period_filter_and_empty_period(day: Store) -> None:
    only_tuesday = day.views.report(TUE, TUE).overall
    assert (only_tuesday.tickets, only_tuesday.expired, only_tuesday.visits) == (1, 1, 1)
    empty = day.views.report(WED + timedelta(days=1), WED + timedelta(days=7), "service")
    assert empty.overall.tickets == 0 and empty.overall.wait_mean_s is None and empty.groups == ()
    assert empty.overall.waits_within_target_pct is None


def test_json_shape(day: Store) -> None:
    data = day.views.report(TUE, WED, "service").to_json()
    assert (data["from"], data["to"], data["timezone"], data["target_minutes"]) == (
        "2026-11-24", "2026-11-25", "Asia/Ho_Chi_Minh", 30)
    assert data["overall"]["visits"] == 9
    assert data["groups"][0]["key"] == "TP" and data["groups"][0]["label"] == "Tư pháp – Hộ tịch"
    assert data["groups"][0]["wait_p90_s"] is not None


def test_bad_grouping_and_period(store: Store) -> None:
    with pytest.raises(ValueError, match="cannot group"):
        store.views.report(WED, WED, "month")
    with pytest.raises(ValueError, match="before it starts"):
        store.views.report(WED, TUE)


def test_a_report_reads_one_instant_while_counters_keep_calling(store: Store, clock: ManualClock) -> None:
    """A call committed between the report's statements shows in none of them (PostgreSQL reads one snapshot)."""
    at(clock, 8, 0)
    store.issue_ticket("TP")
    store.issue_ticket("TP")
    at(clock, 8, 1)
    store.sign_in(1, "lan")
    store.sign_in(2, "minh")
    assert store.call_next(1, "lan").code == "A001"  # waited 60 s
    at(clock, 8, 10)
    interleaved: list[str] = []

    def call_meanwhile(conn, cursor, statement: str, *_: object) -> None:  # type: ignore[no-untyped-def]
        if not interleaved and "count(" in statement.lower():
            interleaved.append(store.call_next(2, "minh").code)  # waited 600 s, committed on another connection

    event.listen(store.db.engine, "after_cursor_execute", call_meanwhile)
    try:
        report = store.views.report(WED, WED, by="service")
    finally:
        event.remove(store.db.engine, "after_cursor_execute", call_meanwhile)
    assert interleaved == ["A002"]
    tp = next(g.figures for g in report.groups if g.key == "TP")
    assert (tp.wait_median_s, report.overall.wait_median_s, report.overall.wait_p90_s) == (60, 60, 60)
