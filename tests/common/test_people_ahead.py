"""The people ahead printed on a ticket are its place in the call order, whatever the queue holds;
the ticket the kiosk is handed (built from the values written, common.store.lean.new_ticket_value) is the row read back.

The store counts them in SQL (common.store.hotpath._ahead; on SQLite as the service's waiting count
less the later ones, migration 0026); the order is ``rules.call_order``. Kiosks whose clocks disagree
queue tickets "later" than another kiosk's now, so the clock here jumps back and forth: a walk-in
must not count a later walk-in, a check-in must not count a later booking, and with bookings ranked
with the walk-ins a booking counts as a walk-in.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import pytest

from common.config import AppConfig
from common.core.bookings import AppointmentPlan, BookingOrder, ServicePlan
from common.core.clock import ManualClock
from common.core.model import Ordering, Ticket, TicketStatus
from common.core.rules import call_order
from common.store import Store
from common.store.db import connect
from tests.conftest import TZ

WED = date(2026, 11, 25)
PLAN = AppointmentPlan(early_minutes=15, late_minutes=10, services={
    "TP": ServicePlan("TP", slot_minutes=15, capacity=3, weekdays=(3,), hours=((time(7, 30), time(11, 0)),),
                      ahead_days=14)})


@dataclass(frozen=True)
class OneService:
    """A counter of TP alone, as rules.call_order needs one."""

    booked_first: bool
    number: int = 0
    services: tuple[str, ...] = ("TP",)
    ordering: Ordering = Ordering.OLDEST_FIRST


def place_in_order(store: Store, ticket: Ticket, booked_first: bool) -> int:
    waiting = [t for t in store.tickets(WED, WED) if t.status == TicketStatus.WAITING and t.service == "TP"]
    return [t.id for t in call_order(OneService(booked_first), waiting)].index(ticket.id)


@pytest.mark.parametrize("forecast", [False, True], ids=["formula", "hall forecast"])
@pytest.mark.parametrize("order", list(BookingOrder), ids=lambda o: o.value)
def test_people_ahead_is_the_place_in_the_call_order(db_url: str, example_config: AppConfig,
                                                      order: BookingOrder, forecast: bool) -> None:
    """Both ways of issuing: PostgreSQL's walk-in in one statement, and the kiosk's, which reads the hall first
    for its forecast (hotpath.issue_read)."""
    clock = ManualClock(datetime.combine(WED, time(7, 30), TZ))
    store = Store(connect(db_url), clock, TZ, hall_forecast=forecast)
    store.load_office(replace(example_config.office, appointments=replace(PLAN, order=order)))
    booked_first = order == BookingOrder.AFTER_PRIORITY
    try:
        slots = [datetime.combine(WED, time(8, 0), TZ) + timedelta(minutes=15 * i) for i in range(8)]
        bookings = [store.book("TP", slot, None) for slot in slots for _ in range(3)]
        store.sign_in(1, "lan")
        rng = random.Random(7)
        latest = clock.now()
        kinds: dict[str, int] = {}
        for step in range(60):
            # a kiosk's clock anywhere in the next minutes, some behind the tickets already queued
            clock.set(datetime.combine(WED, time(8, 0), TZ) + timedelta(seconds=rng.randrange(0, 2 * 3600)))
            if step % 9 == 8:  # a counter calls, at the latest instant seen (never before a ticket's issue)
                clock.set(latest)
                if store.call_next(1, "lan") is not None:
                    store.start_service(1, "lan")
                    store.finish_service(1, "lan")
                continue
            latest = max(latest, clock.now())
            kind = rng.choice(["walk-in", "walk-in", "priority", "check-in"])
            if kind == "check-in":
                due = [b for b in bookings if b.slot_start - timedelta(minutes=15) <= clock.now()
                       <= b.slot_start + timedelta(minutes=10)]
                if not due:
                    continue
                bookings.remove(due[0])
                ticket = store.check_in(due[0].code).ticket
                kind = "check-in" if ticket.booked else "late check-in"
            else:
                ticket = store.issue_ticket("TP", "elderly" if kind == "priority" else None,
                                            check_hours=False).ticket
            kinds[kind] = kinds.get(kind, 0) + 1
            assert ticket.people_ahead == place_in_order(store, ticket, booked_first), (step, kind, ticket)
            assert ticket == store.ticket(ticket.id)  # what the kiosk was handed is the row written
        # the run had each kind, and tickets queued after another kiosk's now
        assert kinds.get("walk-in", 0) > 10 and kinds.get("priority", 0) > 5 and kinds.get("check-in", 0) > 5
        queued = [t.queued_at for t in store.tickets(WED, WED)]
        assert any(later < earlier for earlier, later in itertools.pairwise(queued))
    finally:
        store.db.engine.dispose()
