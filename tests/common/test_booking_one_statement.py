"""The PostgreSQL booking in one autocommit statement (common.store.bookings.book_in_one, common.store.lane).

On a real PostgreSQL: after a read of the slots (as the phone page does) a booking is one statement; it
notifies the office's channel; a plan changed by another process is noticed and applied; a connection the
server dropped costs one refused request, and the next one books.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

import psycopg
import pytest
from sqlalchemy import make_url, text

from common.config import AppConfig
from common.core.bookings import AppointmentPlan, BookingRefused, ServicePlan
from common.core.clock import ManualClock
from common.core.errors import StoreUnavailable
from common.store import Store, bookings
from common.store.db import connect
from tests.conftest import TZ

pytestmark = pytest.mark.postgres
SLOT = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)


def plan(capacity: int) -> AppointmentPlan:
    return AppointmentPlan(services={"TP": ServicePlan("TP", capacity=capacity, hours=((time(7, 30), time(11, 0)),))})


def psql(url: str) -> psycopg.Connection:  # type: ignore[type-arg]
    return psycopg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    )


def test_a_booking_is_one_statement_and_notifies(pg_url: str, clock: ManualClock, example_config: AppConfig) -> None:
    store = Store(connect(pg_url), clock, TZ)
    store.load_office(replace(example_config.office, appointments=plan(2)))
    statements: list[str] = []
    try:
        assert bookings.book_in_one(store, "TP", SLOT, None, "web") is None  # no plan read yet: the transaction
        store.booking_slots("TP", SLOT.date())  # the page a citizen reads first
        with psql(pg_url) as listener:
            listener.execute("LISTEN motcua")
            from sqlalchemy import event

            event.listen(store.db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            first = store.book("TP", SLOT, "0912 345 678")
            assert statements == []  # not through the pool: the lane's one statement
            assert [n.channel for n in listener.notifies(timeout=2, stop_after=1)] == ["motcua"]
            store.book("TP", SLOT, None)
            with pytest.raises(BookingRefused) as full:
                store.book("TP", SLOT, None)
            assert full.value.reason == "full"
        assert first.contact == "0912345678" and first.slot_start == SLOT
        assert store.booking(first.code) == first  # the value returned is the row written
        with store.db.engine.connect() as conn:
            assert conn.execute(text("SELECT taken, capacity FROM booking_slots")).one() == (2, 2)
            assert conn.execute(text("SELECT count(*) FROM bookings WHERE contact_key IS NOT NULL")).scalar() == 1
    finally:
        store.db.engine.dispose()


def test_a_plan_changed_elsewhere_is_applied(pg_url: str, clock: ManualClock, example_config: AppConfig) -> None:
    here, there = Store(connect(pg_url), clock, TZ), Store(connect(pg_url), clock, TZ)
    try:
        here.load_office(replace(example_config.office, appointments=plan(5)))
        here.booking_slots("TP", SLOT.date())
        there.load_office(replace(example_config.office, appointments=plan(1)))  # another PC lowers the places
        here.book("TP", SLOT, None)
        with pytest.raises(BookingRefused) as full:
            here.book("TP", SLOT, None)
        assert full.value.reason == "full"
    finally:
        here.db.engine.dispose()
        there.db.engine.dispose()


def test_a_dropped_connection_refuses_one_request_then_books(
    pg_url: str, clock: ManualClock, example_config: AppConfig
) -> None:
    store = Store(connect(pg_url), clock, TZ)
    store.load_office(replace(example_config.office, appointments=plan(5)))
    try:
        store.booking_slots("TP", SLOT.date())
        store.book("TP", SLOT, None)
        with psql(pg_url) as admin:  # the server drops the lane's connection (a restart, a network cut)
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
            ).fetchall()
        assert killed
        with pytest.raises(StoreUnavailable):
            store.book("TP", SLOT, None)
        store.book("TP", SLOT, None)
        taken = {s.start: s.taken for s in store.booking_slots("TP", SLOT.date())}
        assert taken[SLOT] == 2  # the failed one took no place
    finally:
        store.db.engine.dispose()
