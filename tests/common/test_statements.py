"""Statements per action, counted with SQLAlchemy's ``before_cursor_execute``, so that they cannot creep back.

Issue 12 measured 12 statements per ticket and 11 round trips per call. Every statement the
driver sends is counted, BEGIN IMMEDIATE included (SQLite); COMMIT is not a statement there
(the driver's commit()). On PostgreSQL psycopg sends a transaction's BEGIN before its first
statement and its COMMIT, each a round trip of its own, which SQLAlchemy's listeners never see:
they are counted here from the driver's state (``psycopg_begins``, ``psycopg_commits``), and an
action in autocommit sends neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, select

from common.core.bookings import BookingOrder
from common.core.clock import ManualClock
from common.core.rules import call_order
from common.store import Store
from common.store.hotpath import call_order_by, serves_sql
from common.store.orm import TicketRow
from tests.common.core.test_call_order_store import CLERKS, build_queue, with_bookings

IDLE = TransactionStatus.IDLE


def psycopg_begins(conn: Any) -> bool:
    """psycopg is about to send BEGIN before this statement: not in autocommit, no transaction open yet."""
    driver = conn.connection.driver_connection
    return conn.dialect.name == "postgresql" and not driver.autocommit and driver.info.transaction_status == IDLE


def psycopg_commits(conn: Any) -> bool:
    """The connection's commit() sends COMMIT: a transaction is open (never in autocommit)."""
    driver = conn.connection.driver_connection
    return conn.dialect.name == "postgresql" and driver.info.transaction_status != IDLE


@contextmanager
def counting(store: Store) -> Iterator[list[str]]:
    sent: list[str] = []

    def on_execute(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if psycopg_begins(conn):
            sent.append("BEGIN (psycopg's)")
        sent.append(statement.split(None, 1)[0].upper() + " " + statement[:60].replace("\n", " "))

    def on_commit(conn: Any) -> None:
        if psycopg_commits(conn):
            sent.append("COMMIT (psycopg's)")

    event.listen(store.db.engine, "before_cursor_execute", on_execute)
    event.listen(store.db.engine, "commit", on_commit)
    try:
        yield sent
    finally:
        event.remove(store.db.engine, "before_cursor_execute", on_execute)
        event.remove(store.db.engine, "commit", on_commit)


def count(store: Store, action: Callable[[], Any]) -> tuple[int, list[str], Any]:
    with counting(store) as sent:
        result = action()
    return len(sent), sent, result


def test_statements_per_action(store: Store, clock: ManualClock) -> None:
    pg = not store.db.is_sqlite
    store.sign_in(1, "lan")
    service = next(c for c in store.counters() if c.number == 1).services[0]
    store.issue_ticket(service)  # the catalog is read once, for the life of the store
    clock.advance(30)

    n, sent, issued = count(store, lambda: store.issue_ticket(service, "elderly"))
    # PostgreSQL: one statement in autocommit, no BEGIN or COMMIT, as the call (lean.issue_one_statement)
    assert n == (1 if pg else 4), sent
    assert sum(s.startswith("INSERT") and "tickets" in s for s in sent) <= 1, sent  # inserted once
    # and never updated after (SQLite's read of the day's number is an UPDATE of daily_numbers)
    assert not any(s.startswith("UPDATE UPDATE tickets") for s in sent), sent
    assert issued.ticket.people_ahead == 0 and issued.ticket.priority

    clock.advance(60)
    n, sent, called = count(store, lambda: store.call_next(1, "lan"))
    assert n == (1 if pg else 3), sent
    assert called is not None and called.id == issued.ticket.id and called.counter == 1  # the priority first
    assert called.status == "called"

    for name, action in [("recall", store.recall), ("start", store.start_service),
                         ("finish", store.finish_service)]:
        clock.advance(20)
        n, sent, ticket = count(store, lambda action=action: action(1, "lan"))  # type: ignore[misc]
        # PostgreSQL: one statement in autocommit, no BEGIN or COMMIT (hotpath.move_pg); SQLite: BEGIN IMMEDIATE + 2
        assert (n == 1) if pg else (n <= 3), (name, sent)
    assert ticket.status == "done"
    with store.transaction(readonly=True) as tx:
        row = tx.session.get(TicketRow, ticket.id)
        assert row is not None
        # The seconds the reports aggregate: wait (issue → call), walk (last call → start), service.
        assert (row.recall_count, row.wait_s, row.walk_s, row.service_s) == (1, 60, 20, 20)

    called = store.call_next(1, "lan")
    assert called is not None
    n, sent, ticket = count(store, lambda: store.mark_no_show(1, "lan"))
    assert (n == 1) if pg else (n <= 3), sent
    assert ticket.status == "no_show"


def test_refused_moves_still_worded(store: Store) -> None:
    """The fast paths fall back to the checked path, which says why in one line."""
    store.sign_in(1, "lan")
    with pytest.raises(Exception, match="chưa gọi vé nào"):
        store.finish_service(1, "lan")
    assert store.call_next(1, "lan") is None  # nobody waiting: no ticket, no error


@pytest.mark.parametrize(("seed", "order"), [(4, BookingOrder.AFTER_PRIORITY), (5, BookingOrder.AFTER_PRIORITY),
                                             (6, BookingOrder.WITH_WALKINS), (7, BookingOrder.AFTER_PRIORITY)])
def test_sql_order_is_the_rule_order(store: Store, clock: ManualClock, seed: int, order: BookingOrder) -> None:
    """``call_order_by`` sorts every waiting ticket as ``rules.call_order`` does, for each counter,
    checked-in bookings ("Hẹn", issue 19) included."""
    with_bookings(store, order)
    build_queue(store, clock, seed, bookings=True)
    snap = store.snapshot()
    table = TicketRow.__table__
    for status in snap.counters:
        counter = status.counter
        if counter.number not in CLERKS:
            continue
        with store.transaction(readonly=True) as tx:
            cid = tx.snap.counters[counter.number].id
            ids = list(tx.session.scalars(
                select(table.c.id).where(table.c.status == "waiting", serves_sql(table, cid))
                .order_by(*call_order_by(counter.ordering, table, cid, counter.booked_first))))
        assert ids == [t.id for t in call_order(counter, snap.waiting)], counter.number


def test_phone_statuses_cost_per_service_not_per_ticket(store: Store, clock: ManualClock) -> None:
    """One status read: the estimate's inputs are read once per service and transaction (issue 12)."""
    store.sign_in(1, "lan")
    service = next(c for c in store.counters() if c.number == 1).services[0]
    store.issue_ticket(service)
    store.views.statuses()  # the catalog, read once for the life of the store
    few, _, _ = count(store, store.views.statuses)
    for _ in range(12):
        clock.advance(10)
        store.issue_ticket(service)
    many, sent, statuses = count(store, store.views.statuses)
    assert len(statuses) == 13
    assert many == few, sent
