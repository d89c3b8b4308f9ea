"""Migration 0016 (bookings.contact_key, book4) goes down and up again on SQLite and PostgreSQL: the keys of
the bookings made before it are filled in, so the per-phone cap still counts them."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text

from common.config import AppConfig
from common.core.bookings import BookingRefused
from common.core.clock import ManualClock
from common.store import Store
from common.store.bookings import contact_key
from common.store.db import alembic_config, connect
from tests.conftest import TZ


def test_0016_down_and_up_keeps_the_cap(db_url: str, clock: ManualClock, example_config: AppConfig) -> None:
    store = Store(connect(db_url), clock, TZ)
    store.load_office(example_config.office)
    store.book("TP", datetime(2026, 11, 25, 9, 0, tzinfo=TZ), "0912 345 678")
    cfg = alembic_config(store.db)

    command.downgrade(cfg, "0015")
    assert "contact_key" not in {c["name"] for c in inspect(store.db.engine).get_columns("bookings")}
    with store.db.engine.begin() as conn:  # a booking made by a motcua before 0016: no key
        conn.execute(text("UPDATE bookings SET contact = '0912345678'"))

    command.upgrade(cfg, "head")
    store.db.engine.dispose()
    again = Store(connect(db_url), clock, TZ)
    try:
        with again.db.engine.connect() as conn:
            assert conn.execute(text("SELECT contact_key FROM bookings")).scalar() == contact_key("0912345678")
        again.book("TP", datetime(2026, 11, 25, 9, 15, tzinfo=TZ), "0912.345.678")  # the example plan: two each
        with pytest.raises(BookingRefused) as caught:
            again.book("TP", datetime(2026, 11, 25, 9, 30, tzinfo=TZ), "0912345678")
        assert caught.value.reason == "too_many"
    finally:
        again.db.engine.dispose()
