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
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from common.core.tokens import ticket_token
from common.store.orm import ClerkRow, CounterRow, DailyNumberRow, EventRow, RatingRow, ServiceRow, TicketRow

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

if TYPE_CHECKING:  # the engine lives in common/planning and imports the store, not the other way round
    from common.planning.engine import Engine
    from common.store import Store


def _at(us: int | None) -> datetime | None:
    """An engine instant (µs since the epoch) as the UTC datetime the store keeps."""
    return None if us is None else EPOCH + timedelta(microseconds=us)


_NAIVE_EPOCH = datetime(1970, 1, 1)


def _at_text(us: int | None) -> str | None:
    """The same instant as SQLAlchemy's SQLite binding writes a UTCDateTime (naive UTC, always with µs),
    without making an aware datetime and formatting it with strftime (most of the write's CPU)."""
    return None if us is None else (_NAIVE_EPOCH + timedelta(microseconds=us)).isoformat(" ", "microseconds")


def _same(value: object) -> object:
    return value


def insert_simulated(store: Store, engine: Engine) -> int:
    """Write everything the engine recorded; returns how many tickets.

    One executemany per table on SQLite; COPY on PostgreSQL (psycopg 3), which takes a day's
    thousands of rows in one round trip instead of one bind per row.
    """
    with store.transaction() as tx:
        s = tx.session
        service_id = dict(s.execute(select(ServiceRow.code, ServiceRow.id)).all())
        counter_id = dict(s.execute(select(CounterRow.number, CounterRow.id)).all())
        clerk_id = dict(s.execute(select(ClerkRow.username, ClerkRow.id)).all())
        offset = s.scalar(select(func.max(TicketRow.id))) or 0
        tokens: dict[int, str] = {}  # one token per visit: a transferred citizen keeps their slip
        # On SQLite the values are written as the column types would bind them (text instants and dates,
        # 0/1 flags) straight from the engine's integers; the exact-replay test reads them back and compares.
        on_sqlite = tx.dialect != "postgresql"
        at_ = _at_text if on_sqlite else _at
        day_ = date.isoformat if on_sqlite else _same
        flag = int if on_sqlite else bool
        rows = [{
            "id": offset + t.id, "visit_id": offset + t.visit, "service_id": service_id[t.service],
            "number_service_id": service_id[t.number_service], "service_day": day_(t.day), "number": t.number,
            "transfer_seq": t.transfer_seq, "code": t.code,
            "token": tokens.get(t.visit) or tokens.setdefault(t.visit, ticket_token(t.issued_us / 1e6)),
            "status": t.status.value, "priority": flag(t.priority), "priority_category": t.priority_category,
            "issued_at": at_(t.issued_us), "queued_at": at_(t.queued_us), "local_hour": t.local_hour,
            "first_called_at": at_(t.first_called_us), "called_at": at_(t.called_us),
            "last_called_at": at_(t.last_called_us), "started_at": at_(t.started_us),
            "finished_at": at_(t.finished_us), "wait_s": t.wait_s, "walk_s": t.walk_s, "service_s": t.service_s,
            "counter_id": counter_id.get(t.counter) if t.counter is not None else None,
            "clerk_id": clerk_id.get(t.clerk) if t.clerk is not None else None,
            "target_counter_id": counter_id.get(t.target_counter) if t.target_counter is not None else None,
            "people_ahead": t.people_ahead, "estimated_wait_s": t.estimated_wait_s,
            "print_status": "not_printed", "recall_count": 0, "booked": flag(t.booked),  # issue 19: "Hẹn"
        } for t in engine.tickets]
        events = [{
            "at": at_(at), "kind": kind, "ticket_id": offset + t.id if t is not None else None,
            "counter_id": counter_id.get(c) if c is not None else None,  # the engine logs it as it was then
            "clerk_id": clerk_id.get(k) if k is not None else None, "from_status": before, "to_status": after,
            "detail": json.dumps(detail, ensure_ascii=False) if detail else None,
        } for at, kind, t, c, k, before, after, detail in engine.events]
        if tx.dialect == "postgresql":
            _copy(s, TicketRow.__tablename__, rows)
            _copy(s, EventRow.__tablename__, events)
        else:
            _executemany(s, TicketRow.__tablename__, rows)
            _executemany(s, EventRow.__tablename__, events)
        dialect_insert = postgresql.insert if tx.dialect == "postgresql" else sqlite.insert
        issued_on = Counter((t.service, t.day) for t in engine.tickets if t.transfer_seq == 0)
        numbers = [{"service_id": service_id[code], "service_day": day, "last_number": last,
                    "issued": issued_on[(code, day)]} for (code, day), last in engine.numbers.items()]
        if numbers:  # one executemany: a statement built and compiled per (service, day) cost 0.1 s
            stmt = dialect_insert(DailyNumberRow)
            s.execute(stmt.on_conflict_do_update(
                index_elements=[DailyNumberRow.service_id, DailyNumberRow.service_day],
                set_={"last_number": stmt.excluded.last_number, "issued": stmt.excluded.issued}), numbers)
        for desk in engine.counters.values():
            if desk.since_us is not None:
                s.execute(update(CounterRow).where(CounterRow.number == desk.number).values(
                    state=desk.state.value, state_since=_at(desk.since_us),
                    clerk_id=clerk_id.get(desk.clerk) if desk.clerk else None,
                    session_id=None if desk.clerk is None else secrets.token_hex(8)))
        if tx.dialect == "postgresql" and rows:
            s.execute(text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), :last)"),
                      {"last": offset + len(rows)})
        tx.changed += len(events)
        return len(rows)


def _executemany(s: Session, table: str, rows: list[dict[str, object]]) -> None:
    """One driver-level executemany of rows already in SQLite's terms: the type layer per value cost more
    than the insert itself (the exact-replay test reads them back through the store and compares every field).
    """
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    s.connection().exec_driver_sql(sql, [tuple(row.values()) for row in rows])


def _copy(s: Session, table: str, rows: list[dict[str, object]]) -> None:
    """COPY ``rows`` into ``table`` through psycopg 3's cursor.copy (one round trip per few hundred KB).

    Event ids come from their sequence (the column's default), so only the given columns are named.
    """
    if not rows:
        return
    columns = list(rows[0])
    raw = s.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row([row[c] for c in columns])


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


def finished_service_times(store: Store) -> list[tuple[str, int]]:
    """(service code, service seconds) of every done ticket, oldest id first: the history the store's
    estimate reads, for an engine that continues after it (one light query, no Ticket objects)."""
    with store.transaction(readonly=True) as tx:
        rows = tx.session.execute(
            select(ServiceRow.code, TicketRow.service_s).join(ServiceRow, ServiceRow.id == TicketRow.service_id)
            .where(TicketRow.status == "done", TicketRow.service_s.is_not(None)).order_by(TicketRow.id))
        return [(code, int(seconds or 0)) for code, seconds in rows]


def served_for_rating(store: Store, start: date, end: date) -> list[tuple[int, int, datetime]]:
    """(id, wait seconds, finished at) of the served tickets with a service day in [start, end], oldest id
    first: what the sample's ratings need, read as three columns instead of a Ticket per row."""
    with store.transaction(readonly=True) as tx:
        rows = tx.session.execute(
            select(TicketRow.id, TicketRow.issued_at, TicketRow.called_at, TicketRow.finished_at)
            .where(TicketRow.service_day.between(start, end), TicketRow.status == "done",
                   TicketRow.finished_at.is_not(None)).order_by(TicketRow.id))
        return [(i, 0 if called is None else int((called - issued).total_seconds()), finished)
                for i, issued, called, finished in rows if finished is not None]


def insert_sample_bookings(store: Store, start: date, end: date, *, no_show: float, seed: int) -> tuple[int, int]:
    """Sample data (the screenshots' and the demo's Lịch hẹn tab): the bookings behind the history's booked tickets.

    ``fill_history(bookings=...)`` issues a booked ("Hẹn") ticket for each booked citizen who came within
    the check-in window, but the engine keeps no booking rows. Here each such ticket of a service day in
    [start, end] gets its booking, checked in, in the first slot of its service's length whose window
    holds the ticket's issue time; and ``no_show`` of all bookings are no-shows (the citizens the engine
    dropped), in places the plan offered and nobody took, drawn from ``seed``. The slot rows carry the
    places taken (and the plan's capacity, or more where the engine's random arrivals booked more).
    Written in three executemanys; returns (checked in, no-shows).
    """
    import random

    from common.core.bookings import new_code
    from common.core.clock import local_midnight
    from common.store import bookings as booking_plan
    from common.store.orm import BookingRow, BookingSlotRow

    rng = random.Random(seed)
    with store.transaction() as tx:
        s, tz = tx.session, store.tz
        plan = booking_plan.plan_of(tx)
        infos = {code: info for code, info in tx.snap.services.items() if code in plan.services}
        capacity = {code: booking_plan.places(tx, info, plan.services[code]) for code, info in infos.items()}
        taken: dict[tuple[str, datetime], list[tuple[int, datetime]]] = {}
        for ticket_id, service_id, issued in s.execute(
                select(TicketRow.id, TicketRow.service_id, TicketRow.issued_at)
                .where(TicketRow.service_day.between(start, end), TicketRow.booked.is_(True),
                       TicketRow.transfer_seq == 0).order_by(TicketRow.id)):
            info = tx.service_by_id(service_id)
            if info.code not in infos:
                continue
            step = timedelta(minutes=plan.services[info.code].slot_minutes)
            local = issued.astimezone(tz)
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            earliest = local - timedelta(minutes=plan.late_minutes) - midnight  # checked in at most this late
            slot = midnight + -(-earliest // step) * step
            taken.setdefault((info.code, slot.astimezone(UTC)), []).append((ticket_id, issued))
        # a slot an earlier run already holds keeps its bookings (the demo's --history over the same days)
        held = {(tx.service_by_id(sid).code, at) for sid, at in s.execute(
            select(BookingSlotRow.service_id, BookingSlotRow.start).where(BookingSlotRow.start.between(
                local_midnight(start, tz), local_midnight(end + timedelta(days=1), tz))))}
        taken = {key: value for key, value in taken.items() if key not in held}
        shown = sum(len(v) for v in taken.values())
        missed = round(shown * no_show / (1 - no_show)) if 0 < no_show < 1 else 0
        free = [(code, at.astimezone(UTC)) for code, sp in plan.services.items() if code in infos
                for day in (start + timedelta(days=i) for i in range((end - start).days + 1))
                if plan.open_on(sp, day) for at in sp.slot_starts(day, tz)]
        free = [key for key in free if key not in held and len(taken.get(key, ())) < capacity[key[0]]]
        no_shows = Counter(rng.sample(free, min(missed, len(free))))
        keys = sorted(set(taken) | set(no_shows))
        if not keys:
            return 0, 0
        minutes = {code: plan.services[code].slot_minutes for code in infos}
        s.execute(insert(BookingSlotRow), [{
            "service_id": infos[code].id, "start": at, "end": at + timedelta(minutes=minutes[code]),
            "capacity": max(capacity[code], len(taken.get((code, at), ())) + no_shows[(code, at)]),
            "taken": len(taken.get((code, at), ())) + no_shows[(code, at)]} for code, at in keys])
        ids = {code: info.id for code, info in infos.items()}
        slot_id = {(sid, at): i for i, sid, at in s.execute(
            select(BookingSlotRow.id, BookingSlotRow.service_id, BookingSlotRow.start)
            .where(BookingSlotRow.start.between(keys[0][1], keys[-1][1] + timedelta(days=1))))}
        rows = []
        for code, at in keys:
            end_at = at + timedelta(minutes=minutes[code])
            made = at - timedelta(days=1, hours=rng.randint(1, 72))  # booked a day to four days before
            shown_here = [(ticket, issued, "checked_in") for ticket, issued in taken.get((code, at), ())]
            for ticket, when, state in [*shown_here, *[(None, end_at, "no_show")] * no_shows[(code, at)]]:
                rows.append({"code": new_code(), "service_id": ids[code], "slot_id": slot_id[(ids[code], at)],
                             "slot_start": at, "slot_end": end_at, "state": state, "contact": None,
                             "source": rng.choice(("web", "web", "counter")), "created_at": made,
                             "updated_at": when, "ticket_id": ticket})
        s.execute(insert(BookingRow), rows)
        tx.changed += 1
        return shown, sum(no_shows.values())
