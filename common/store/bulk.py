"""Bulk inserts of a simulated period: the store-free engine's result written in one transaction.

One executemany per table instead of ~30 statements per citizen: twelve days of an example
office go in well under a second. Ticket ids are given here (the events refer to them), so on
PostgreSQL the id sequence is moved past them afterwards.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from common.store.orm import ClerkRow, CounterRow, DailyNumberRow, EventRow, RatingRow, ServiceRow, TicketRow

if TYPE_CHECKING:  # the engine lives in common/planning and imports the store, not the other way round
    from common.planning.engine import Engine
    from common.store import Store


def insert_simulated(store: Store, engine: Engine) -> int:
    """Write everything the engine recorded; returns how many tickets."""
    with store.transaction() as tx:
        s = tx.session
        service_id = dict(s.execute(select(ServiceRow.code, ServiceRow.id)).all())
        counter_id = dict(s.execute(select(CounterRow.number, CounterRow.id)).all())
        clerk_id = dict(s.execute(select(ClerkRow.username, ClerkRow.id)).all())
        first = (s.scalar(select(func.max(TicketRow.id))) or 0) + 1
        ids = {id(t): first + i for i, t in enumerate(engine.tickets)}
        tokens = [secrets.token_urlsafe(16) for _ in engine.tickets]
        rows = [{
            "id": ids[id(t)], "visit_id": ids[id(t)], "service_id": service_id[t.service],
            "number_service_id": service_id[t.service], "service_day": t.day, "number": t.number,
            "transfer_seq": 0, "code": t.code, "token": tokens[i], "status": t.status.value,
            "priority": t.priority, "priority_category": t.priority_category, "issued_at": t.issued_at,
            "queued_at": t.issued_at, "local_hour": t.local_hour, "first_called_at": t.first_called_at,
            "called_at": t.called_at, "last_called_at": t.last_called_at, "started_at": t.started_at,
            "finished_at": t.finished_at, "wait_s": t.wait_s, "walk_s": t.walk_s, "service_s": t.service_s,
            "counter_id": counter_id.get(t.counter) if t.counter is not None else None,
            "clerk_id": clerk_id.get(t.clerk) if t.clerk is not None else None, "target_counter_id": None,
            "people_ahead": t.people_ahead, "estimated_wait_s": t.estimated_wait_s,
            "print_status": "not_printed", "recall_count": 0,
        } for i, t in enumerate(engine.tickets)]
        if rows:
            s.execute(insert(TicketRow), rows)  # Core executemany: no ORM unit of work
        events = [{
            "at": e.at, "kind": e.kind, "ticket_id": ids[id(e.ticket)] if e.ticket is not None else None,
            "counter_id": counter_id.get(e.counter) if e.counter is not None else None,
            "clerk_id": clerk_id.get(e.clerk) if e.clerk is not None else None,
            "from_status": e.before, "to_status": e.after,
            "detail": json.dumps(e.detail, ensure_ascii=False) if e.detail else None,
        } for e in engine.events]
        if events:
            s.execute(insert(EventRow), events)
        dialect_insert = postgresql.insert if tx.dialect == "postgresql" else sqlite.insert
        issued_on = Counter((t.service, t.day) for t in engine.tickets)
        for (code, day), last in engine.numbers.items():
            issued = issued_on[(code, day)]
            stmt = dialect_insert(DailyNumberRow).values(
                service_id=service_id[code], service_day=day, last_number=last, issued=issued)
            s.execute(stmt.on_conflict_do_update(
                index_elements=[DailyNumberRow.service_id, DailyNumberRow.service_day],
                set_={"last_number": stmt.excluded.last_number, "issued": stmt.excluded.issued}))
        for desk in engine.counters.values():
            if desk.since is not None:
                s.execute(update(CounterRow).where(CounterRow.number == desk.number).values(
                    state=desk.state.value, state_since=desk.since,
                    clerk_id=clerk_id.get(desk.clerk) if desk.clerk else None,
                    session_id=None if desk.clerk is None else secrets.token_hex(8)))
        if tx.dialect == "postgresql" and rows:
            s.execute(text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), :last)"),
                      {"last": first + len(rows) - 1})
        tx.changed += len(events)
        return len(rows)


def insert_ratings(store: Store, ratings: Sequence[tuple[int, int, Sequence[str], datetime]]) -> int:
    """Sample data: (ticket id, score 1–4, reasons, rated at) for served tickets, with their "rated" events.

    The counter's and phone's ratings go through common.store.rating one by one, with every check;
    this is for the screenshots' and benchmarks' history only, which the simulator has just written.
    """
    with store.transaction() as tx:
        s = tx.session
        ids = [r[0] for r in ratings]
        tickets: dict[int, tuple[int, int | None, int | None]] = {}
        for start in range(0, len(ids), 500):
            rows = s.execute(select(TicketRow.id, TicketRow.service_id, TicketRow.counter_id, TicketRow.clerk_id)
                             .where(TicketRow.id.in_(ids[start:start + 500]), TicketRow.status == "done"))
            tickets.update({i: (svc, c, k) for i, svc, c, k in rows})
        kept = [r for r in ratings if r[0] in tickets]
        if not kept:
            return 0
        s.execute(insert(RatingRow), [{
            "ticket_id": i, "service_id": tickets[i][0], "counter_id": tickets[i][1], "clerk_id": tickets[i][2],
            "score": score, "channel": "counter", "rated_at": at,
            "reasons": json.dumps(list(why), ensure_ascii=False) if why else None,
        } for i, score, why, at in kept])
        s.execute(insert(EventRow), [{
            "at": at, "kind": "rated", "ticket_id": i, "counter_id": tickets[i][1], "clerk_id": None,
            "from_status": None, "to_status": None,
            "detail": json.dumps({"score": score, "channel": "counter", **({"reasons": list(why)} if why else {})},
                                 ensure_ascii=False),
        } for i, score, why, at in kept])
        tx.changed += len(kept)
        return len(kept)
