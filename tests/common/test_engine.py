"""Exact replay: the store-free engine and the real store, fed the same days, give the same tickets.

The example office mixes strict and oldest_first counters; the days have priority citizens,
no-shows, walks to the counter and citizens left waiting at closing time (expired). Both runs
draw from the same seeded stream, so any difference in a decision (who is called, when) would
show as a different wait, counter or status from that ticket on.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.model import TicketStatus
from common.planning.simulate import fill_history
from common.store import Store
from common.store.db import connect
from tests.conftest import TZ

WED = date(2026, 11, 25)


def office(url: str, config: AppConfig) -> Store:
    store = Store(connect(url), ManualClock(datetime(2026, 11, 25, 7, 0, tzinfo=TZ)), TZ)
    store.load_office(config.office)
    return store


def audit(store: Store) -> list[tuple[object, ...]]:
    return sorted((e.at, e.kind, e.ticket_code or "", e.counter or 0, e.clerk or "", e.from_status or "",
                   e.to_status or "") for e in store.events_since(0, limit=10**6))


def fingerprint(store: Store) -> list[tuple[object, ...]]:
    return [(t.service_day, t.code, t.service, t.status, t.priority_category, t.counter, t.clerk, t.issued_at,
             t.called_at, t.started_at, t.finished_at, t.people_ahead, t.estimated_wait_seconds)
            for t in store.tickets(date(2026, 11, 1), WED)]


@pytest.mark.parametrize("scale", [1.0, 2.2])  # an ordinary office, and one swamped so that some expire
def test_engine_and_store_agree_ticket_by_ticket(db_url: str, example_config: AppConfig, scale: float,
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    through_store = office(db_url, example_config)
    slow = fill_history(through_store, 2, seed=11, end=WED, scale=scale, fast=False, priority_share=0.08)
    expected, expected_audit = fingerprint(through_store), audit(through_store)
    through_store.db.engine.dispose()

    other = f"sqlite:///{tmp_path_factory.mktemp('engine') / 'engine.sqlite3'}"
    through_engine = office(other, example_config)
    fast = fill_history(through_engine, 2, seed=11, end=WED, scale=scale, fast=True, priority_share=0.08)
    got = fingerprint(through_engine)

    assert len(expected) == slow.tickets == fast.tickets > 100
    statuses = {row[3] for row in expected}
    assert {TicketStatus.DONE, TicketStatus.NO_SHOW} <= statuses
    assert any(row[4] for row in expected)  # priority citizens were there
    if scale > 2:
        assert TicketStatus.EXPIRED in statuses
    assert got == expected
    assert fast.report == slow.report
    assert audit(through_engine) == expected_audit
    through_engine.db.engine.dispose()
