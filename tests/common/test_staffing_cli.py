"""``motcua staffing``: the plan and the what-if's range as JSON match the library's answer for the same seeds;
bad input gives one line."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest

from common.config import AppConfig
from common.core.clock import ManualClock
from common.planning.staffing import booked_ahead, plan, staffing_advice, store_counter_plan, what_if
from common.store import Store
from tests.booking_office import with_plan
from tests.common.test_cli_reports import motcua
from tests.dashboard.day import TZ, WED


@pytest.fixture
def busy(store: Store, clock: ManualClock) -> Store:
    """Thirty TP tickets through Wednesday morning (07:30–11:30), ten minutes' service each, every one served."""
    store.sign_in(1, "lan")
    for i in range(30):
        clock.set(datetime.combine(WED, time(7, 30), TZ) + timedelta(minutes=8 * i))
        store.issue_ticket("TP")
        store.call_next(1, "lan")
        store.start_service(1, "lan")
        clock.advance(timedelta(minutes=7))
        store.finish_service(1, "lan")
    clock.set(datetime.combine(WED, time(18), TZ))
    return store


def test_staffing_json_matches_the_library(busy: Store, db_url: str) -> None:
    run = motcua("staffing", "--from", WED.isoformat(), "--to", WED.isoformat(), "--days", "12", "--seed", "3",
                 "--what-if", "2", "--counter-days", "8", "--json", db=db_url)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    advice = staffing_advice(busy, WED, WED)
    found = plan(advice, 12, 3)
    assert [h["counters"] for h in out["plan"]["hours"]] == [h.counters for h in found.hours]
    assert out["plan"]["counter_hours"] == found.counter_hours and out["plan"]["days"] == 12
    hours = {h["hour"]: h for h in out["advice"]["hours"]}
    assert hours[7]["open_minutes"] == 30 and hours[7]["arrivals_per_hour"] == 8  # 4 tickets in 30 open minutes
    counters = store_counter_plan(busy, advice, 8, 3)  # --counter-days 8 below
    assert [h["counters"] for h in out["counter_plan"]["hours"]] == [list(h.own) for h in counters.hours]
    assert out["counter_plan"]["counter_hours"] == counters.counter_hours
    assert out["counter_plan"]["holds"] == counters.holds
    expected = what_if(advice, 2, 12, 3)
    assert out["what_if"]["within_pct"] == list(expected.within_pct)
    assert out["what_if"]["wait_mean_min"] == list(expected.wait_mean_min)


def test_staffing_text_and_bad_input(busy: Store, sqlite_url: str, db_url: str) -> None:
    run = motcua("staffing", "--from", WED.isoformat(), "--to", WED.isoformat(), "--days", "5", "--what-if", "3",
                 db=db_url)
    assert run.returncode == 0, run.stderr
    assert "kế hoạch gộp:" in run.stdout and "giả định 3 quầy, 5 ngày" in run.stdout and "5–95%" in run.stdout
    assert "Quầy cần mở theo giờ" in run.stdout and "07:00-08:00" in run.stdout
    for args, needle in ((("--days", "1"), "--days"), (("--from", "2026-11-26", "--to", "2026-11-25"), "trước --from"),
                         (("--from", "2020-01-01", "--to", "2020-01-02"), "Không có lượt đến")):
        bad = motcua("staffing", *args, db=sqlite_url)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and needle in bad.stderr, bad.stderr


def test_staffing_shows_the_bookings_already_taken_beside_the_advice(busy: Store, example_config: AppConfig,
                                                                      db_url: str) -> None:
    with_plan(busy, example_config)
    thursday = WED + timedelta(days=1)
    for hh, mm in ((8, 15), (8, 30), (8, 30), (9, 0)):
        busy.book("TP", datetime.combine(thursday, time(hh, mm), TZ), None)
    gone = busy.book("TP", datetime.combine(thursday, time(10, 0), TZ), None)
    busy.cancel_booking(gone.code)  # cancelled: nobody is coming
    advice = staffing_advice(busy, WED, WED)
    booked = booked_ahead(busy, advice, thursday)
    usual = {h.hour: h.arrivals_per_hour * h.open_minutes / 60 for h in advice.hours}
    assert [(b.day, b.hour, b.booked) for b in booked] == [(thursday, 8, 3), (thursday, 9, 1)]
    assert booked[0].usual_arrivals == pytest.approx(usual[8]) and booked[0].booked_share == pytest.approx(3 / usual[8])
    run = motcua("staffing", "--from", WED.isoformat(), "--to", WED.isoformat(), "--days", "5", "--counter-days", "4",
                 "--booked-from", thursday.isoformat(), "--json", db=db_url)
    assert run.returncode == 0, run.stderr
    assert [(b["day"], b["hour"], b["booked"]) for b in json.loads(run.stdout)["booked_ahead"]] == [
        (thursday.isoformat(), 8, 3), (thursday.isoformat(), 9, 1)]
    text = motcua("staffing", "--from", WED.isoformat(), "--to", WED.isoformat(), "--days", "5", "--counter-days", "4",
                  "--booked-from", thursday.isoformat(), db=db_url)
    assert text.returncode == 0, text.stderr
    assert f"{thursday:%d/%m/%Y} 08:00-09:00    3 đã đặt lịch" in text.stdout, text.stdout
