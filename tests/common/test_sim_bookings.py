"""Booked citizens in the store-free engine and the simulated days (issue 19).

The engine's booked order is checked here against the shared rule itself (rules.call_order), ticket by
ticket; the exact replay against the store, booked tickets included (Store.book, Store.check_in), is
test_engine.py's "bookings" mix.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from common.config import AppConfig, OfficeSpec
from common.core.clock import ManualClock
from common.core.errors import MotcuaError
from common.core.model import TicketStatus
from common.core.rules import call_order
from common.planning.booked import BookingMix, arrivals
from common.planning.days import DayProfile, simulate_days
from common.planning.engine import Engine
from common.planning.simulate import fill_history, simulate
from common.store import Store
from common.store.db import connect
from tests.common.example_day import example_office, example_profile
from tests.conftest import TZ


@pytest.fixture(scope="module")
def office() -> OfficeSpec:
    return example_office()


@pytest.fixture(scope="module")
def profile(office: OfficeSpec) -> DayProfile:
    return example_profile(office)


@pytest.mark.parametrize("booked_first", [True, False])  # [appointments] order: after_priority / with_walkins
def test_the_engine_calls_booked_tickets_in_the_shared_order(office: OfficeSpec, booked_first: bool) -> None:
    counters = [replace(c, booked_first=booked_first) for c in office.counters if c.active and c.services]
    engine = Engine.for_office(office.services, counters, TZ, 600.0, call_starts_service=True)
    rng = random.Random(7)
    codes = sorted({code for c in counters for code in c.services})
    at = datetime(2026, 11, 25, 7, 30, tzinfo=TZ).timestamp()
    for c in counters:
        engine.set_time(at)
        engine.sign_in(c.number, f"sim{c.number}")
    for _ in range(300):  # a crowded hall: walk-ins, priority citizens and booked check-ins of every service
        at += rng.uniform(1, 20)
        engine.set_time(at)
        kind = rng.random()
        engine.issue_ticket(rng.choice(codes), "elderly" if kind < 0.1 else None, check_hours=False,
                            booked=0.1 <= kind < 0.4)
    by_number = {c.number: c for c in counters}
    calls = booked_calls = 0
    while True:
        called_any = False
        for number in sorted(by_number):
            at += 30
            engine.set_time(at)
            waiting = [t for t in engine.tickets if t.status is TicketStatus.WAITING]
            expected = call_order(by_number[number], waiting)
            got = engine.call_next(number, f"sim{number}")
            assert got is (expected[0] if expected else None)
            if got is not None:
                called_any, calls, booked_calls = True, calls + 1, booked_calls + got.booked
                engine.finish_service(number, f"sim{number}")
        if not called_any:
            break
    assert calls == 300 and booked_calls > 50


@pytest.mark.parametrize("booked_first", [True, False])
def test_a_booked_citizen_is_told_who_is_ahead_by_rank(office: OfficeSpec, booked_first: bool) -> None:
    counters = [replace(c, booked_first=booked_first) for c in office.counters if c.active and c.services]
    engine = Engine.for_office(office.services, counters, TZ, 600.0)
    engine.set_time(datetime(2026, 11, 25, 7, 30, tzinfo=TZ).timestamp())
    code = counters[0].services[0]
    engine.issue_ticket(code, check_hours=False)
    engine.issue_ticket(code, "elderly", check_hours=False)
    engine.issue_ticket(code, check_hours=False, booked=True)
    booked = engine.issue_ticket(code, check_hours=False, booked=True)
    walk_in = engine.issue_ticket(code, check_hours=False)
    # after_priority: the priority citizen and the earlier booking, not the walk-in before them; with_walkins: all 3
    assert booked.people_ahead == (2 if booked_first else 3)
    assert walk_in.people_ahead == 4


def test_booking_arrivals_keep_the_window_and_drop_no_shows() -> None:
    opens = 1_000_000.0
    wanted = [(opens + 60 * m, "TP") for m in range(0, 200, 2)] + [(opens + 60 * m, "CT") for m in range(0, 200, 2)]
    mix = BookingMix(share=0.5, no_show=0.2, services=frozenset({"TP"}))
    out = arrivals(mix, random.Random(3), opens, wanted)
    assert all(not booked for _, code, booked in out if code == "CT")  # CT takes no bookings here
    assert [a for a in out if a[1] == "CT"] == [(at, code, False) for at, code in wanted if code == "CT"]
    tp = [a for a in out if a[1] == "TP"]
    assert 70 < len(tp) < 100  # about a tenth of TP's 100 (half booked × a fifth no-show) never came
    assert any(booked for *_, booked in tp) and not all(booked for *_, booked in tp)
    assert min(at for at, *_ in out) >= opens  # nobody checks in before the hall opens
    assert arrivals(BookingMix(), random.Random(3), opens, wanted) == [(at, c, False) for at, c in wanted]
    with pytest.raises(MotcuaError):
        BookingMix(share=1.5)


def test_bookings_are_called_sooner_and_walk_ins_wait_longer(office: OfficeSpec, profile: DayProfile) -> None:
    seeds = range(1, 7)
    none = simulate_days(office, profile, 6, seeds)
    some = simulate_days(office, replace(profile, bookings=BookingMix(0.2, 0.1)), 6, seeds)
    assert all(r.booked == () for r in none)  # no bookings: the results as before
    assert all(r.count(True) > 20 for r in some)
    booked = sum(r.within(1800, booked=True) for r in some)
    walk_in = sum(r.within(1800, booked=False) for r in some)
    assert booked > walk_in
    assert sum(r.mean_wait_of(True) or 0 for r in some) < sum(r.mean_wait_of(False) or 0 for r in some)
    # a tenth of the booked never came: fewer citizens than the same days without bookings
    assert sum(r.issued for r in some) < sum(r.issued for r in none)
    assert simulate_days(office, replace(profile, bookings=BookingMix(0.2, 0.1)), 6, seeds) == some


def test_bookings_are_simulated_on_the_engine_only(tmp_path: Path) -> None:
    store = Store(connect(f"sqlite:///{tmp_path / 'sim.sqlite3'}"), tz=TZ)
    with pytest.raises(MotcuaError, match="--into-store"):
        simulate(store, days=1, counters=2, bookings=BookingMix(0.2, 0.1))
    result = simulate(store, days=1, counters=2, arrivals_per_hour=20, fast=True, bookings=BookingMix(0.2, 0.1))
    assert result.booked_waits_s and result.walk_in_waits_s
    assert set(result.to_json()) >= {"walk_in", "booked"}
    store.db.engine.dispose()


def test_the_simulate_command_takes_a_booking_share(sqlite_url: str) -> None:
    from tests.common.test_cli_reports import motcua

    run = motcua("simulate", "--counters", "2", "--arrivals-per-hour", "14", "--start", "2026-11-23", "--seed", "5",
                 "--booking-share", "0.2", "--booking-no-show", "0.1", db=sqlite_url)
    assert run.returncode == 0, run.stderr
    assert "Người không hẹn:" in run.stdout and "Người có hẹn:" in run.stdout
    run = motcua("simulate", "--counters", "2", "--arrivals-per-hour", "14", "--start", "2026-11-23", "--seed", "5",
                 "--booking-share", "0.2", "--json", db=sqlite_url)
    data = json.loads(run.stdout)
    assert data["booked"]["tickets"] > 0 and data["walk_in"]["tickets"] > data["booked"]["tickets"]
    run = motcua("simulate", "--booking-share", "1.5", db=sqlite_url)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "--booking-share" in run.stderr
    run = motcua("simulate", "--booking-share", "0.2", "--into-store", db=sqlite_url)
    assert run.returncode != 0 and run.stderr.count("\n") == 1 and "--into-store" in run.stderr


def test_a_history_with_bookings_is_written_with_its_booked_tickets(db_url: str, example_config: AppConfig) -> None:
    from datetime import date

    store = Store(connect(db_url), ManualClock(datetime(2026, 11, 26, 7, 0, tzinfo=TZ)), TZ)
    store.load_office(example_config.office)
    result = fill_history(store, 1, seed=3, end=date(2026, 11, 26), bookings=BookingMix(0.2, 0.1))
    tickets = store.tickets(date(2026, 11, 25), date(2026, 11, 25))
    assert sum(t.booked for t in tickets) == len(result.booked_waits_s) > 20
    assert all(t.priority_category is None for t in tickets if t.booked)
    store.db.engine.dispose()
