"""The snapshot (every desk, board and kiosk reads it on each change in the office) in a fixed number of statements.

It read row by row: three statements per counter, a few per service, one per booked ticket (57 for the
morning below). common.store.snapshot reads each kind of row once for the whole hall; these tests hold
its values to what Tx's own per-row readers say, and its statements to a number that does not grow
with the counters, the services or the tickets.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.model import QueueSnapshot
from common.store import Store
from common.store.orm import CounterRow, DailyNumberRow, ServiceRow, TicketRow
from common.store.tx import staffed
from tests.booking_office import with_plan
from tests.conftest import TZ

MOST_STATEMENTS = 10  # BEGIN on SQLite, then waiting, numbers, counters, services, links, current, held,
# bookings, recent service times


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 25, hour, minute, tzinfo=TZ)


def busy_hall(store: Store, clock: ManualClock, config: AppConfig) -> Store:
    """Walk-ins of four services (one priority), three finished, two checked-in bookings waiting,
    one ticket on hold, one served and one called."""
    with_plan(store, config)
    for counter, clerk in ((1, "lan"), (2, "minh"), (8, "tuan")):
        store.sign_in(counter, clerk)
    for i in range(12):
        store.issue_ticket(("TP", "CT", "TP", "KD")[i % 4], "elderly" if i == 5 else None)
        clock.advance(timedelta(seconds=40))
    for minutes in (3, 4, 7):  # unequal, so that a sample cut short shows in the estimate
        store.call_next(1, "lan")
        store.start_service(1, "lan")
        clock.advance(timedelta(minutes=minutes))
        store.finish_service(1, "lan")
    first, second = store.book("TP", at(8, 45), None), store.book("CT", at(9, 0), None)
    store.call_next(1, "lan")
    store.hold(1, "lan")
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    store.call_next(2, "minh")
    clock.set(at(8, 40))
    store.check_in(first.code)
    clock.set(at(8, 50))
    store.check_in(second.code)
    return store


def counted_snapshot(store: Store) -> tuple[QueueSnapshot, int]:
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(store.db.engine, "before_cursor_execute", count)
    try:
        snap = store.snapshot()
    finally:
        event.remove(store.db.engine, "before_cursor_execute", count)
    return snap, len(sent)


def test_the_snapshot_says_what_the_per_row_readers_say(store: Store, clock: ManualClock,
                                                        example_config: AppConfig) -> None:
    snap = busy_hall(store, clock, example_config).snapshot()
    assert sum(1 for c in snap.counters if c.current) == 2 and sum(len(c.on_hold) for c in snap.counters) == 1
    assert sum(1 for t in snap.waiting if t.booking_code) == 2
    with store.transaction(readonly=True) as tx:  # a Tx of its own: none of the snapshot's read-ahead
        counters = list(tx.session.scalars(select(CounterRow).order_by(CounterRow.number)))
        assert [c.counter for c in snap.counters] == [tx.counter(c) for c in counters]
        for status, row in zip(snap.counters, counters, strict=True):
            current = tx.at_counter(row)
            assert status.current == (tx.ticket(current) if current is not None else None)
            held = tx.session.scalars(select(TicketRow).where(  # the per-row read the snapshot made before
                TicketRow.counter_id == row.id, TicketRow.status == "on_hold", TicketRow.service_day == tx.day)
                .order_by(TicketRow.id))
            assert status.on_hold == tuple(tx.ticket(h) for h in held)
        assert [t.booking_code for t in snap.waiting] == [tx.booking_code(r.booking_id) for r in
                                                          (tx.by_token(t.token) for t in snap.waiting) if r]
        waiting = tx.session.scalars(select(TicketRow).where(
            TicketRow.status == "waiting", TicketRow.service_day == tx.day)
            .order_by(TicketRow.priority.desc(), TicketRow.queued_at, TicketRow.id))
        assert snap.waiting == tuple(tx.ticket(r) for r in waiting)
        issued = dict(tx.session.execute(select(DailyNumberRow.service_id, DailyNumberRow.issued).where(
            DailyNumberRow.service_day == tx.day)).all())
        for queue in snap.services:
            svc = tx.session.scalars(select(ServiceRow).where(ServiceRow.code == queue.service.code)).one()
            serving = tx.counters_serving(svc.id)
            assert queue.counters_open == sum(c.state == "open" for c in serving)
            assert queue.staffed == staffed(serving) and queue.issued_today == issued.get(svc.id, 0)
            assert queue.estimated_wait_seconds == tx.estimate(svc, queue.waiting), queue.service.code
    assert {q.service.code: q.estimated_wait_seconds for q in snap.services if q.waiting}  # something to compare


def test_its_statements_do_not_grow_with_the_hall(store: Store, clock: ManualClock,
                                                 example_config: AppConfig) -> None:
    _, morning = counted_snapshot(busy_hall(store, clock, example_config))
    store.sign_in(3, "hoa")  # one more counter at work, more on hold, more waiting
    for code in ("DD", "XD", "KD", "DD"):
        store.issue_ticket(code)
    store.call_next(3, "hoa")
    store.hold(3, "hoa")
    store.call_next(3, "hoa")
    booking = store.book("TP", at(9, 15), None)
    clock.set(at(9, 5))
    store.check_in(booking.code)
    bigger, later = counted_snapshot(store)
    assert len(bigger.waiting) > 10 and sum(len(c.on_hold) for c in bigger.counters) == 2
    assert later == morning <= MOST_STATEMENTS, (morning, later)


def test_the_boards_statements_do_not_grow_with_its_calls(store: Store, clock: ManualClock,
                                                          example_config: AppConfig) -> None:
    """The board reads its calls' tickets at once, not one per call (the snapshot leaves none in the session)."""
    busy_hall(store, clock, example_config)
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    def board_statements() -> int:
        sent.clear()
        event.listen(store.db.engine, "before_cursor_execute", count)
        try:
            store.views.board()
        finally:
            event.remove(store.db.engine, "before_cursor_execute", count)
        return len(sent)

    before = board_statements()
    store.sign_in(3, "hoa")
    for code in ("DD", "XD", "DD"):
        store.issue_ticket(code)
    for _ in range(3):
        store.call_next(3, "hoa")
        store.mark_no_show(3, "hoa")
    assert len(store.views.board().calls) > 3
    assert board_statements() == before  # three more calls on the board, no more statements
