"""The rule's first pick is what call_next calls, on a real SQLite file and a real PostgreSQL.

Each scenario issues tickets with priorities and ties, transfers some (to a counter
and to a service), then empties the queues one call at a time, comparing
``rules.next_to_call`` over the snapshot with what ``Store.call_next`` returns.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from common.config import load_config
from common.core.bookings import AppointmentPlan, BookingOrder, ServicePlan
from common.core.clock import ManualClock
from common.core.model import Ordering
from common.core.rules import next_to_call
from common.store import Store
from tests.conftest import EXAMPLE_OFFICE

CLERKS = {1: "lan", 2: "minh", 3: "hoa", 8: "tuan"}  # 1 oldest_first; 3 and 8 strict (the example office)
SERVICES = ("TP", "CT", "DD", "XD", "LD")


# Issue 19: bookings checked in within their window ("Hẹn") join the queue between priority and walk-ins.
SLOT = datetime(2026, 11, 25, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def with_bookings(store: Store, order: BookingOrder) -> None:
    office = load_config(EXAMPLE_OFFICE).office
    plans = {code: ServicePlan(code, capacity=100, hours=((time(7, 30), time(11, 0)),)) for code in SERVICES}
    store.load_office(replace(office, appointments=AppointmentPlan(early_minutes=60, order=order, services=plans)))


def build_queue(store: Store, clock: ManualClock, seed: int, *, bookings: bool = False) -> None:
    """``bookings``: the store has ``with_bookings``' plan, and a quarter of the arrivals are check-ins."""
    rnd = random.Random(seed)
    for _ in range(14):
        kind = rnd.random() if bookings else 0.25 + 0.75 * rnd.random()
        if kind < 0.25:  # a booking for 08:30, checked in within its window (the clock stays before 08:40)
            store.check_in(store.book(rnd.choice(SERVICES), SLOT, None).code)
        else:
            store.issue_ticket(rnd.choice(SERVICES), "elderly" if kind < 0.45 else None)
        clock.advance(rnd.choice((0, 0, 30, 90)))  # equal queue times happen: then the id decides
    store.sign_in(2, "minh")
    for target in ({"to_counter": 3}, {"to_service": "DD"}, {"to_counter": 8}, {"to_counter": 1}):
        if store.call_next(2, "minh") is None:
            break
        clock.advance(60)
        store.transfer(2, "minh", **target)  # type: ignore[arg-type]
    for number, clerk in CLERKS.items():
        if number != 2:
            store.sign_in(number, clerk)


@pytest.mark.parametrize(("seed", "order"), [(1, BookingOrder.AFTER_PRIORITY), (2, BookingOrder.AFTER_PRIORITY),
                                             (3, BookingOrder.WITH_WALKINS)])
def test_first_pick_is_what_call_next_calls(store: Store, clock: ManualClock, seed: int,
                                            order: BookingOrder) -> None:
    with_bookings(store, order)
    build_queue(store, clock, seed, bookings=True)
    assert any(t.booked for t in store.snapshot().waiting)
    orderings = {c.number: c.ordering for c in store.counters()}
    assert {orderings[1], orderings[3]} == {Ordering.OLDEST_FIRST, Ordering.STRICT}
    calls = 0
    for number in (3, 8, 1):
        while True:
            snap = store.snapshot()
            counter = next(c.counter for c in snap.counters if c.counter.number == number)
            expected = next_to_call(counter, snap.waiting)
            called = store.call_next(number, CLERKS[number])
            assert (called.id if called else None) == (expected.id if expected else None), (number, snap.waiting)
            if called is None:
                break
            calls += 1
            clock.advance(30)
            store.mark_no_show(number, CLERKS[number])
    assert calls >= 10  # the scenario did exercise the rule
