"""Migration 0011 (bookings, issue 19) goes down and up again on SQLite and PostgreSQL, losing no ticket."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from alembic import command
from sqlalchemy import inspect, text

from common.config import AppConfig
from common.core.clock import ManualClock
from common.store import Store
from common.store.db import alembic_config, connect
from tests.conftest import TZ


def test_0011_down_and_up(db_url: str, clock: ManualClock, example_config: AppConfig) -> None:
    store = Store(connect(db_url), clock, TZ)
    store.load_office(example_config.office)
    for _ in range(3):
        store.issue_ticket("TP")
    store.book("TP", datetime(2026, 11, 25, 9, 0, tzinfo=TZ), None)
    cfg = alembic_config(store.db)

    command.downgrade(cfg, "0010")
    names = inspect(store.db.engine).get_table_names()
    assert "bookings" not in names and "booking_slots" not in names
    columns = {c["name"] for c in inspect(store.db.engine).get_columns("tickets")}
    assert not {"booking_id", "booked", "remote_device"} & columns
    with store.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tickets")).scalar() == 3

    command.upgrade(cfg, "head")
    store.db.engine.dispose()
    again = Store(connect(db_url), clock, TZ)
    again.load_office(replace(example_config.office))
    booking = again.book("TP", datetime(2026, 11, 25, 9, 0, tzinfo=TZ), None)
    assert again.booking_slots("TP", clock.now().astimezone(TZ).date())[0].taken == 0  # 08:15: nobody yet
    assert again.booking(booking.code) is not None
    assert again.issue_ticket("TP").ticket.code.endswith("004")  # the day's numbering goes on
    again.db.engine.dispose()
