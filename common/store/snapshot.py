"""The live queue read in a fixed number of statements, whatever the size of the office (``Tx.snapshot``).

Every desk, board and kiosk reads the snapshot again on each change in its office. Read row by row it
sent 57 statements for the example office's morning (a few per service, three per counter, one per
booked ticket); a province's PostgreSQL, with hundreds of such screens, paid that on every action.
Here each kind of row is read once for the whole hall, and the per-service and per-counter values are
picked from those reads in Python: the same values ``Tx``'s own per-row readers give
(tests/common/test_snapshot_reads.py compares them).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Row, Table, bindparam, select

from common.core.model import CounterStatus, QueueSnapshot, ServiceQueue, TicketStatus
from common.store.orm import (
    BookingRow,
    CounterRow,
    CounterServiceRow,
    DailyNumberRow,
    ServiceRow,
    TicketRow,
)

if TYPE_CHECKING:
    from common.store.tx import Tx

W = TicketStatus
T: Table = TicketRow.__table__  # type: ignore[assignment]
DAY = bindparam("day", type_=Date())

# The statements, built once: building them per read cost more CPU than SQLite's running them.
# Tickets as Core rows, not ORM objects: they are only read here (Tx.ticket takes either).
WAITING = (select(T).where(T.c.status == W.WAITING.value, T.c.service_day == DAY)
           .order_by(T.c.priority.desc(), T.c.queued_at, T.c.id))
ISSUED = select(DailyNumberRow.service_id, DailyNumberRow.issued).where(DailyNumberRow.service_day == DAY)
COUNTERS = select(CounterRow).order_by(CounterRow.number)
SERVICES = select(ServiceRow).order_by(ServiceRow.position)
LINKS = (select(CounterServiceRow.counter_id, CounterServiceRow.service_id, ServiceRow.code)
         .join(ServiceRow, ServiceRow.id == CounterServiceRow.service_id)
         .order_by(CounterServiceRow.counter_id, CounterServiceRow.position))
# One ticket at most per counter (uq_tickets_active_counter), of any day, as Tx.at_counter reads it.
CURRENT = select(T).where(T.c.counter_id.is_not(None), T.c.status.in_((W.CALLED.value, W.SERVING.value)))
HELD = (select(T).where(T.c.status == W.ON_HOLD.value, T.c.service_day == DAY, T.c.counter_id.is_not(None))
        .order_by(T.c.id))


def read_snapshot(tx: Tx) -> QueueSnapshot:
    """Waiting counts, estimates, counters and the waiting list, in eight statements (nine with bookings)."""
    from common.store.tx import opening_hours, seconds_between, service_value, staffed

    session, day = tx.session, {"day": tx.day}
    local = tx.now.astimezone(tx.tz)
    waiting_rows = list(session.execute(WAITING, day))
    issued = dict(session.execute(ISSUED, day).all())
    counter_rows = list(session.scalars(COUNTERS))
    service_rows = list(session.scalars(SERVICES))
    codes: dict[int, list[str]] = defaultdict(list)  # a counter's services, in its own order
    serves: set[tuple[int, int]] = set()
    for counter_id, service_id, code in session.execute(LINKS):
        codes[counter_id].append(code)
        serves.add((counter_id, service_id))
    current = {row.counter_id: row for row in session.execute(CURRENT)}
    held: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in session.execute(HELD, day):
        held[row.counter_id].append(row)
    _read_booking_codes(tx, [*waiting_rows, *current.values(), *(r for rows in held.values() for r in rows)])
    recent = tx.recent_service_times([s.id for s in service_rows])

    waiting = tuple(tx.ticket(r) for r in waiting_rows)
    services = []
    for svc in service_rows:
        # Tx.counters_serving: the active counters serving it, by number.
        serving = [c for c in counter_rows if c.active and (c.id, svc.id) in serves]
        # Tx.estimate's inputs and its "a counter is free", from the reads above, for every service at once.
        open_ = tx.know_estimate_inputs(svc.id, recent[svc.id], serving, busy=current.keys())[3]
        mine = [t for t in waiting if t.service == svc.code]
        n_issued = issued.get(svc.id, 0)
        services.append(ServiceQueue(
            service=service_value(svc), waiting=len(mine),
            longest_wait_seconds=max((seconds_between(t.issued_at, tx.now) for t in mine), default=0),
            estimated_wait_seconds=tx.estimate(svc, len(mine)),
            open_now=svc.active and opening_hours(svc).is_open(local), issued_today=n_issued,
            cap_reached=bool(svc.daily_cap and n_issued >= svc.daily_cap),
            counters_open=len(open_), staffed=staffed(serving)))
    counters = tuple(
        CounterStatus(tx.counter(c, tuple(codes[c.id])),
                      tx.ticket(current[c.id]) if c.id in current else None,
                      tuple(tx.ticket(h) for h in held[c.id]))
        for c in counter_rows)
    return QueueSnapshot(tx.now, tuple(services), counters, waiting)


def _read_booking_codes(tx: Tx, rows: list[Row[Any]]) -> None:
    """The booking codes of these tickets, in one statement, where Tx.ticket would read them one by one."""
    ids = {r.booking_id for r in rows if r.booking_id is not None}
    if ids:
        tx.booking_codes.update((booking_id, code) for booking_id, code in tx.session.execute(
            select(BookingRow.id, BookingRow.code).where(BookingRow.id.in_(sorted(ids)))))
