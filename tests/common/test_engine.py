"""Exact replay: the store-free engine and the real store, fed the same days, give the same tickets.

The example office mixes strict and oldest_first counters; the days have priority citizens,
no-shows, walks to the counter, citizens left waiting at closing time (expired), and in the
third mix transfers to another service (keeping the place in line) and counters' breaks. Both runs
draw from the same seeded stream, so any difference in a decision (who is called, when) would
show as a different wait, counter or status from that ticket on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest

from common.config import AppConfig
from common.core.bookings import AppointmentPlan, BookingState, ServicePlan
from common.core.clock import ManualClock
from common.core.model import TicketStatus
from common.planning.booked import BookingMix
from common.planning.simulate import OFFICE_HOURS, fill_history
from common.store import Store
from common.store.db import connect
from tests.conftest import TZ

WED = date(2026, 11, 25)


def office(url: str, config: AppConfig, plan: AppointmentPlan | None = None) -> Store:
    store = Store(connect(url), ManualClock(datetime(2026, 11, 25, 7, 0, tzinfo=TZ)), TZ)
    store.load_office(config.office if plan is None else replace(config.office, appointments=plan))
    return store


def booking_plan(config: AppConfig) -> AppointmentPlan:
    """Every service books 15-minute slots over the simulated hours, with places for everyone who wants one."""
    return AppointmentPlan(early_minutes=15, late_minutes=10, services={
        s.code: ServicePlan(s.code, slot_minutes=15, capacity=500, weekdays=(1, 2, 3, 4, 5, 6, 7),
                            hours=OFFICE_HOURS, ahead_days=14) for s in config.office.services})


def audit(store: Store) -> list[tuple[object, ...]]:
    return sorted((e.at, e.kind, e.ticket_code or "", e.counter or 0, e.clerk or "", e.from_status or "",
                   e.to_status or "") for e in store.events_since(0, limit=10**6))


def fingerprint(store: Store) -> list[tuple[object, ...]]:
    return [(t.service_day, t.code, t.service, t.status, t.priority_category, t.counter, t.clerk, t.issued_at,
             t.called_at, t.started_at, t.finished_at, t.people_ahead, t.estimated_wait_seconds)
            for t in store.tickets(date(2026, 11, 1), WED)]


# Counter 2 leaves at 09:30 for half an hour (after its citizen, if busy), counter 5 is off at opening.
BREAKS = ((2, time(9, 30), 30.0), (5, time(7, 30), 45.0), (3, time(14, 0), 20.0))
MIXES = {
    "ordinary": {"scale": 1.0},
    "swamped": {"scale": 2.2},  # some expire at closing time
    "transfers and breaks": {"scale": 1.4, "transfer_share": 0.12, "breaks": BREAKS},
    # A quarter of arrivals booked (a tenth of them never come), checked in within their window (a booked
    # ticket, called after priority and before walk-ins) or late (a normal ticket), through Store.check_in.
    "bookings": {"scale": 1.0, "bookings": BookingMix(0.25, 0.1), "days": 1},
}


@pytest.mark.parametrize("mix", list(MIXES))
def test_engine_and_store_agree_ticket_by_ticket(db_url: str, example_config: AppConfig, mix: str,
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    kwargs: dict = {"priority_share": 0.08, **MIXES[mix]}
    days = kwargs.pop("days", 2)
    scale = kwargs["scale"]
    plan = booking_plan(example_config) if "bookings" in kwargs else None
    through_store = office(db_url, example_config, plan)
    slow = fill_history(through_store, days, seed=11, end=WED, fast=False, **kwargs)
    expected, expected_audit = fingerprint(through_store), audit(through_store)
    through_store.db.engine.dispose()

    other = f"sqlite:///{tmp_path_factory.mktemp('engine') / 'engine.sqlite3'}"
    through_engine = office(other, example_config, plan)
    fast = fill_history(through_engine, days, seed=11, end=WED, fast=True, **kwargs)
    got = fingerprint(through_engine)

    assert len({(row[0], row[1]) for row in expected}) == slow.tickets == fast.tickets > 100  # one row per visit …
    statuses = {row[3] for row in expected}
    assert {TicketStatus.DONE, TicketStatus.NO_SHOW} <= statuses
    assert any(row[4] for row in expected)  # priority citizens were there
    if scale > 2:
        assert TicketStatus.EXPIRED in statuses
    if "transfer_share" in kwargs:  # the mix really had them, so the replay covered them
        assert TicketStatus.TRANSFERRED in statuses and len(expected) > slow.tickets  # … plus one per transfer
        kinds = {row[1] for row in expected_audit}
        assert {"transfer_queued", "counter_break"} <= kinds
        transferred = [row for row in expected if row[3] == TicketStatus.TRANSFERRED]
        assert any(row[1] == other[1] and row[2] != other[2] for row in transferred for other in expected)
    if "bookings" in kwargs:  # the mix really had booked tickets, on time and late, beside priority ones
        tickets = through_store.tickets(date(2026, 11, 1), WED)
        booked = {(t.service_day, t.code) for t in tickets if t.booked}
        checked = [(b.slot_start.astimezone(TZ).date(), b.ticket_code) for day in {t.service_day for t in tickets}
                   for b in through_store.bookings_for_day(day, None) if b.state == BookingState.CHECKED_IN]
        assert len(booked) > 20 and len(checked) > len(booked) and booked < set(checked)  # late ones: normal
        assert any(t.booked for t in tickets) and any(t.priority_category for t in tickets)
    assert got == expected
    assert fast.report == slow.report
    assert audit(through_engine) == expected_audit
    through_engine.db.engine.dispose()
