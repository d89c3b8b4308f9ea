"""office_days (migration 0012): close_day sums each closed day once, and the province view reads
those sums with the same figures as from the tickets (the p90 to within its minute)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import text

from common.config import AppConfig
from common.core.clock import ManualClock
from common.planning.simulate import fill_history
from common.store import Store
from common.store.db import connect
from common.store.reads.province import province_view
from tests.conftest import TZ

pytestmark = pytest.mark.postgres


def test_closed_days_are_summed_once_and_read_with_the_same_figures(pg_url: str, clock: ManualClock,
                                                                    example_config: AppConfig) -> None:
    store = Store(connect(pg_url), clock, TZ)
    store.load_office(example_config.office)
    fill_history(store, 4, end=store.today, scale=0.3)
    store.issue_ticket("TP")  # today: not closed, read from the tickets
    start = store.today - timedelta(days=40)
    yesterday = store.today - timedelta(days=1)

    store.close_day(yesterday)  # expires what still waits, then sums the 4 closed days
    with store.db.engine.connect() as conn:
        days = conn.execute(text("SELECT count(*), sum(tickets) FROM office_days")).one()
        minutes = conn.execute(text("SELECT sum(n) FROM office_day_waits")).scalar()
    summed = province_view(store, start, store.today)
    with store.db.engine.begin() as conn:  # the same view from the tickets alone
        conn.execute(text("DELETE FROM office_day_waits; DELETE FROM office_days"))
    raw = province_view(store, start, store.today)
    a, b = raw.offices[0], summed.offices[0]
    assert days[0] == 4 and days[1] == a.tickets - 1  # the 4 closed days; today's ticket is not summed
    assert minutes == a.wait_n  # every observed wait of those days, by minute (today's still waits)
    assert a.p90_wait_s is not None and b.p90_wait_s is not None
    assert abs(a.p90_wait_s - b.p90_wait_s) <= 60  # the histogram's resolution: one minute
    assert dataclasses.replace(b, p90_wait_s=a.p90_wait_s) == a  # every other figure exactly

    store.close_day(yesterday)
    store.close_day(yesterday)  # again: nothing summed twice
    with store.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM office_days")).scalar() == 4
    store.db.engine.dispose()
