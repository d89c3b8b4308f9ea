"""Citizens racing for the last place of a slot, and one phone asking twice, from REAL processes (spawn).

The slot's capacity is the database's (UPDATE … WHERE taken < capacity, CHECK taken <= capacity) and
one active number per phone is a partial unique index: exactly one process wins, the others get a
clear refusal and no error, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import text

from common.config import AppConfig
from common.core.bookings import AppointmentPlan, ServicePlan
from common.core.clock import ManualClock
from common.store import Store
from common.store.db import connect
from tests.common import booking_race_workers
from tests.common.test_race import run_processes
from tests.conftest import MORNING, TZ

pytestmark = pytest.mark.slow
SLOT = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)


def plan_store(url: str, example_config: AppConfig, capacity: int, max_active: int = 10) -> Store:
    store = Store(connect(url), ManualClock(MORNING), TZ)
    plan = ServicePlan("TP", capacity=capacity, hours=((time(7, 30), time(11, 0)),))
    store.load_office(replace(example_config.office, appointments=AppointmentPlan(
        max_active_per_contact=max_active, services={"TP": plan})))
    return store


@pytest.mark.parametrize("processes", [6])
def test_racing_for_the_last_place_books_exactly_one(db_url: str, example_config: AppConfig,
                                                     processes: int) -> None:
    store = plan_store(db_url, example_config, capacity=3)
    store.book("TP", SLOT, None)
    store.book("TP", SLOT, None)  # one place left
    results = run_processes(booking_race_workers.book_once, [
        (db_url, MORNING, w, "TP", SLOT, None) for w in range(processes)])
    outcomes = Tally(kind for kind, _ in results.values())
    assert outcomes == {"booked": 1, "refused": processes - 1}
    assert {reason for kind, reason in results.values() if kind == "refused"} == {"full"}
    with store.db.engine.connect() as conn:
        assert conn.execute(text("SELECT taken, capacity FROM booking_slots")).one() == (3, 3)
        assert conn.execute(text("SELECT count(*) FROM bookings WHERE state = 'booked'")).scalar() == 3
    store.db.engine.dispose()


@pytest.mark.parametrize("processes", [5])
def test_one_phone_booking_from_several_processes_at_once_is_capped(db_url: str, example_config: AppConfig,
                                                                   processes: int) -> None:
    """The cap on a phone's active bookings (2 here, one already taken) holds when the phone books several
    slots at once: on PostgreSQL each booking is one statement whose count waits for the others' commits
    (motcua_contact_bookings, migration 0016); on SQLite the write lock orders them."""
    store = plan_store(db_url, example_config, capacity=10, max_active=2)
    store.book("TP", SLOT, "0912 345 678")
    step = timedelta(minutes=store.appointment_plan().services["TP"].slot_minutes)
    results = run_processes(booking_race_workers.book_once, [
        (db_url, MORNING, w, "TP", SLOT + step * (w + 1), "0912.345.678") for w in range(processes)])
    outcomes = Tally(kind for kind, _ in results.values())
    assert outcomes == {"booked": 1, "refused": processes - 1}
    assert {reason for kind, reason in results.values() if kind == "refused"} == {"too_many"}
    with store.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM bookings WHERE state = 'booked'")).scalar() == 2
    store.db.engine.dispose()


@pytest.mark.parametrize("processes", [4])
def test_one_phone_asking_at_once_gets_one_number(db_url: str, example_config: AppConfig,
                                                  processes: int) -> None:
    store = plan_store(db_url, example_config, capacity=3)
    results = run_processes(booking_race_workers.remote_once, [
        (db_url, MORNING, w, "TP", "phone-x") for w in range(processes)])
    outcomes = Tally(kind for kind, _ in results.values())
    assert outcomes == {"issued": 1, "refused": processes - 1}
    assert {reason for kind, reason in results.values() if kind == "refused"} == {"one_active"}
    with store.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tickets WHERE remote_device = 'phone-x'")).scalar() == 1
    store.db.engine.dispose()
