"""Exact replay: the store-free engine and the real store, fed the same days, give the same tickets.

The example office mixes strict and oldest_first counters; the days have priority citizens,
no-shows, walks to the counter, citizens left waiting at closing time (expired), and in the
third mix transfers to another service (keeping the place in line) and counters' breaks. Both runs
draw from the same seeded stream, so any difference in a decision (who is called, when) would
show as a different wait, counter or status from that ticket on.
"""

from __future__ import annotations

from datetime import date, datetime, time

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


# Counter 2 leaves at 09:30 for half an hour (after its citizen, if busy), counter 5 is off at opening.
BREAKS = ((2, time(9, 30), 30.0), (5, time(7, 30), 45.0), (3, time(14, 0), 20.0))
MIXES = {
    "ordinary": {"scale": 1.0},
    "swamped": {"scale": 2.2},  # some expire at closing time
    "transfers and breaks": {"scale": 1.4, "transfer_share": 0.12, "breaks": BREAKS},
}


@pytest.mark.parametrize("mix", list(MIXES))
def test_engine_and_store_agree_ticket_by_ticket(db_url: str, example_config: AppConfig, mix: str,
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    kwargs: dict = {"priority_share": 0.08, **MIXES[mix]}
    scale = kwargs["scale"]
    through_store = office(db_url, example_config)
    slow = fill_history(through_store, 2, seed=11, end=WED, fast=False, **kwargs)
    expected, expected_audit = fingerprint(through_store), audit(through_store)
    through_store.db.engine.dispose()

    other = f"sqlite:///{tmp_path_factory.mktemp('engine') / 'engine.sqlite3'}"
    through_engine = office(other, example_config)
    fast = fill_history(through_engine, 2, seed=11, end=WED, fast=True, **kwargs)
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
    assert got == expected
    assert fast.report == slow.report
    assert audit(through_engine) == expected_audit
    through_engine.db.engine.dispose()
