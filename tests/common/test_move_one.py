"""PostgreSQL's moves at the counter in one statement (hotpath.move_pg, issue 12): the same seconds as Python.

SQLite's fast path reads the ticket's times and computes walk_s and service_s in Python
(``tx.seconds_between``: max(0, round half to even)); PostgreSQL's one statement computes them in
SQL (``hotpath.seconds_sql``) from the row as it was before the update, and writes a recall's detail
in SQL too. Here the same day runs on a SQLite store and on a PostgreSQL store, on two clocks that
show the same instants, through awkward ones: x.5 s (round half to even, both ways), a microsecond
either side of a half, walks from the last recall and across a hold and resume, a service that spans a hold, a
call time missing or in the future, a start time missing. Every row and event is then compared,
and the seconds are also checked against ``seconds_between`` of the instants themselves.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.model import Ticket
from common.store import Store
from common.store.db import connect
from common.store.orm import EventRow, TicketRow
from common.store.tx import seconds_between
from tests.conftest import MORNING, TZ

pytestmark = pytest.mark.postgres

TICKET_COLUMNS = ("id", "status", "wait_s", "walk_s", "service_s", "recall_count", "called_at", "last_called_at",
                  "started_at", "finished_at", "counter_id", "clerk_id")
EVENT_COLUMNS = ("at", "kind", "ticket_id", "counter_id", "clerk_id", "from_status", "to_status", "detail")


def set_times(store: Store, ticket_id: int, **values: datetime | None) -> None:
    """Times no clerk's key leaves behind (a bulk-loaded or hand-mended row), written as the ORM writes them."""
    with store.db.engine.begin() as conn:
        conn.execute(update(TicketRow).where(TicketRow.id == ticket_id).values(**values))


def day(store: Store, clock: ManualClock) -> dict[str, Any]:
    """Moves through awkward instants; returns what each move gave and the instants it ran at."""
    store.sign_in(1, "lan")
    service = next(c for c in store.counters() if c.number == 1).services[0]
    got: dict[str, Any] = {}

    def at(seconds: float, name: str, action: Callable[[], Any]) -> Any:
        got[f"{name}@"] = clock.advance(seconds)
        got[name] = result = action()
        return result

    a = store.issue_ticket(service).ticket
    at(60.5, "call_a", lambda: store.call_next(1, "lan"))  # wait 60.5 → 60 (half to even)
    for i in range(11):  # the detail's count past one digit: {"recall": 10}, {"recall": 11}
        at(0.25 if i % 2 else 1.5, f"recall_a{i}", lambda: store.recall(1, "lan"))
    at(2.5, "start_a", lambda: store.start_service(1, "lan"))  # walk from the last recall: 2.5 → 2
    at(20.25, "hold_a", lambda: store.hold(1, "lan"))
    at(100, "resume_a", lambda: store.resume(a.code, 1, "lan"))  # back to serving, started_at kept
    at(4.25, "finish_a", lambda: store.finish_service(1, "lan"))  # service 124.5 → 124, the hold included

    b = store.issue_ticket(service).ticket
    at(1, "call_b", lambda: store.call_next(1, "lan"))
    at(7, "hold_b", lambda: store.hold(1, "lan"))  # held before service began
    at(9, "resume_b", lambda: store.resume(b.code, 1, "lan"))  # called again, last_called_at kept
    at(3.5, "start_b", lambda: store.start_service(1, "lan"))  # walk 1 + 7 + 9 + 3.5 from the call: 20
    at(3.5, "finish_b", lambda: store.finish_service(1, "lan"))  # 3.5 → 4 (half to even, upwards)

    c = store.issue_ticket(service).ticket
    at(2, "call_c", lambda: store.call_next(1, "lan"))
    at(0.499999, "start_c", lambda: store.start_service(1, "lan"))  # just short of a half: 0
    at(1.500001, "finish_c", lambda: store.finish_service(1, "lan"))  # just past a half: 2

    d = store.issue_ticket(service).ticket
    at(5, "call_d", lambda: store.call_next(1, "lan"))
    set_times(store, d.id, last_called_at=None)  # no call time: the walk is from now, 0
    at(0.5, "start_d", lambda: store.start_service(1, "lan"))
    set_times(store, d.id, started_at=None)  # no start time: no service time, not 0
    at(30, "finish_d", lambda: store.finish_service(1, "lan"))

    e = store.issue_ticket(service).ticket
    at(3, "call_e", lambda: store.call_next(1, "lan"))
    at(0.5, "recall_e", lambda: store.recall(1, "lan"))
    set_times(store, e.id, last_called_at=clock.now() + timedelta(seconds=2.5))  # a clock ahead: never < 0
    at(1.5, "start_e", lambda: store.start_service(1, "lan"))
    set_times(store, e.id, started_at=clock.now() + timedelta(seconds=0.5))  # -0.5 rounds to -0, then 0
    at(0, "finish_e", lambda: store.finish_service(1, "lan"))

    at(2.5, "call_f", lambda: store.call_next(1, "lan"))
    f = store.issue_ticket(service).ticket  # issued after the call found nobody
    at(12.5, "call_f2", lambda: store.call_next(1, "lan"))
    at(1.5, "recall_f", lambda: store.recall(1, "lan"))
    at(60.5, "no_show_f", lambda: store.mark_no_show(1, "lan"))
    got["ids"] = [a.id, b.id, c.id, d.id, e.id, f.id]
    return got


def untokened(value: Any) -> Any:
    return dataclasses.replace(value, token=None) if isinstance(value, Ticket) else value


def rows(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with store.transaction(readonly=True) as tx:
        tickets = [tuple(getattr(t, k) for k in TICKET_COLUMNS)
                   for t in tx.session.scalars(select(TicketRow).order_by(TicketRow.id))]
        events = [tuple(getattr(e, k) for k in EVENT_COLUMNS)
                  for e in tx.session.scalars(select(EventRow).where(EventRow.ticket_id.is_not(None))
                                              .order_by(EventRow.id))]
    return tickets, events


def test_postgres_moves_compute_what_python_computes(sqlite_url: str, pg_url: str,
                                                     example_config: AppConfig) -> None:
    days: dict[str, dict[str, Any]] = {}
    stored: dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = {}
    for name, url in (("sqlite", sqlite_url), ("postgres", pg_url)):
        clock = ManualClock(MORNING)
        store = Store(connect(url), clock, TZ)
        try:
            store.load_office(example_config.office)
            days[name] = day(store, clock)
            stored[name] = rows(store)
        finally:
            store.db.engine.dispose()
    sq, pg = days["sqlite"], days["postgres"]
    assert sq["ids"] == pg["ids"]
    for key, value in sq.items():  # what each action returned to the desk (but the random token)
        assert untokened(pg[key]) == untokened(value), key
    assert stored["postgres"][0] == stored["sqlite"][0]  # every ticket's row
    assert stored["postgres"][1] == stored["sqlite"][1]  # every event, recall details included

    # And the figures themselves, from the instants (not only the two stores agreeing).
    got = pg
    a, b, c, d, e, f = ({k: v for k, v in zip(TICKET_COLUMNS, row, strict=True)}
                        for row in stored["postgres"][0] if row[0] in got["ids"])
    assert a["wait_s"] == seconds_between(MORNING, got["call_a@"]) == 60
    assert a["walk_s"] == seconds_between(got["recall_a10@"], got["start_a@"]) == 2  # from the last recall
    assert a["service_s"] == seconds_between(got["start_a@"], got["finish_a@"]) == 124  # the hold included
    # A resume calls nobody (last_called_at stays): the walk is from the call, the hold included, 20.5 → 20.
    assert b["walk_s"] == seconds_between(got["call_b@"], got["start_b@"]) == 20
    assert b["service_s"] == seconds_between(got["start_b@"], got["finish_b@"]) == 4
    assert (c["walk_s"], c["service_s"]) == (0, 2)
    assert (d["walk_s"], d["service_s"]) == (0, None)
    assert (e["walk_s"], e["service_s"]) == (0, 0)
    assert (a["recall_count"], f["recall_count"], f["status"]) == (11, 1, "no_show")
    details = [ev[7] for ev in stored["postgres"][1] if ev[1] == "recalled"]
    assert details == [json.dumps({"recall": n}) for n in [*range(1, 12), 1, 1]]
