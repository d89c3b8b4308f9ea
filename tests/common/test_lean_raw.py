"""The hot paths' raw DB-API statements (lean2): still counted, and their lost-race retry driven for real.

``hotpath.first`` sends the hot statements straight to the driver's cursor and fires
SQLAlchemy's ``before_cursor_execute`` itself, so test_statements' counts stay honest. Here
SQLite's own trace callback, which sees every statement the library runs, checks that the
event count is the real one (a hot path that bypassed the event would show up as a gap).

On PostgreSQL ``move_fast`` is one autocommit statement (``hotpath.move_pg``) that updates the ticket
only if it is still at the counter in the state the move starts from, and logs the event from the
updated row: another PC that moved the ticket first leaves it nothing to update and nothing to log,
and the store runs the worded path in a transaction of its own. The races are made real, not mocked:
a second store on its own connection finishes the ticket and commits, from inside the first store's
``before_cursor_execute`` for its statement; or a second connection holds the ticket's row, moved
and not yet committed, while the statement runs, and commits once the statement waits for it
(PostgreSQL then re-checks the WHERE on the row as it was left).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.dialects.sqlite.pysqlite import dialect as sqlite_dialect
from sqlalchemy.engine import make_url

from common.core.clock import ManualClock
from common.core.errors import DomainError
from common.store import Store
from common.store.db import connect
from common.store.hotpath import Prepared, dollar_numbered, issued_event
from tests.conftest import TZ


@contextmanager
def both_counts(store: Store) -> Iterator[tuple[list[str], list[str]]]:
    """Statements seen by SQLAlchemy's event, and by SQLite itself (without COMMIT, which is no statement)."""
    seen: list[str] = []
    ran: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    def on_trace(statement: str) -> None:
        if statement.strip().upper() != "COMMIT":
            ran.append(statement)

    with store.db.engine.connect() as conn:  # the store's pool holds one connection: trace that one
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.set_trace_callback(on_trace)
    event.listen(store.db.engine, "before_cursor_execute", on_execute)
    try:
        yield seen, ran
    finally:
        event.remove(store.db.engine, "before_cursor_execute", on_execute)
        with store.db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.set_trace_callback(None)


def test_every_hot_statement_is_counted(sqlite_url: str, clock: ManualClock, example_config: Any) -> None:
    store = Store(connect(sqlite_url), clock, TZ)
    store.load_office(example_config.office)
    store.sign_in(1, "lan")
    service = next(c for c in store.counters() if c.number == 1).services[0]
    store.issue_ticket(service)
    actions: list[tuple[str, Callable[[], Any]]] = [
        ("issue", lambda: store.issue_ticket(service)), ("call", lambda: store.call_next(1, "lan")),
        ("recall", lambda: store.recall(1, "lan")), ("start", lambda: store.start_service(1, "lan")),
        ("finish", lambda: store.finish_service(1, "lan")),
    ]
    for name, action in actions:
        clock.advance(30)
        with both_counts(store) as (seen, ran):
            action()
        assert len(ran) == len(seen) and len(seen) >= 3, (name, seen, ran)
    store.db.engine.dispose()


def finishing_store(pg_url: str, clock: ManualClock, example_config: Any) -> tuple[Store, int]:
    """A PostgreSQL store whose counter 1 (lan) serves a ticket; and that ticket's id."""
    store = Store(connect(pg_url), clock, TZ)
    store.load_office(example_config.office)
    store.sign_in(1, "lan")
    service = next(c for c in store.counters() if c.number == 1).services[0]
    ticket = store.issue_ticket(service).ticket
    clock.advance(30)
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    clock.advance(60)
    return store, ticket.id


def finished_events_and_status(store: Store, ticket_id: int) -> tuple[int, str]:
    with store.db.engine.connect() as conn:
        finished = conn.execute(text("SELECT count(*) FROM events WHERE kind = 'finished' AND ticket_id = :t"),
                                {"t": ticket_id}).scalar_one()
        status = conn.execute(text("SELECT status FROM tickets WHERE id = :t"), {"t": ticket_id}).scalar_one()
    return finished, status


def is_move(statement: str) -> bool:
    """The one statement of a PostgreSQL finish (hotpath.move_pg)."""
    return statement.startswith("WITH upd AS") and "UPDATE tickets SET status='done'" in statement


@pytest.mark.postgres
def test_a_move_that_loses_its_race_writes_nothing_and_is_worded(pg_url: str, clock: ManualClock,
                                                                 example_config: Any) -> None:
    store, ticket_id = finishing_store(pg_url, clock, example_config)
    other = Store(connect(pg_url), clock, TZ)  # a second PC, signed in as the same clerk
    raced: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Our finish is about to be sent; the other PC finishes first and commits.
        if not raced and is_move(statement):
            raced.append(other.finish_service(1, "lan").status)

    event.listen(store.db.engine, "before_cursor_execute", before)
    try:
        with pytest.raises(DomainError, match="chưa gọi vé nào"):
            store.finish_service(1, "lan")
    finally:
        event.remove(store.db.engine, "before_cursor_execute", before)
    assert raced == ["done"]  # the race happened, just before our statement
    assert finished_events_and_status(store, ticket_id) == (1, "done")  # the loser logged nothing
    store.db.engine.dispose()
    other.db.engine.dispose()


@pytest.mark.postgres
def test_a_move_waiting_for_anothers_uncommitted_move_writes_nothing(pg_url: str, clock: ManualClock,
                                                                    example_config: Any) -> None:
    """The statement finds the ticket serving in its snapshot, waits for the other transaction's lock,
    then sees the row as that one committed it (done): no longer its WHERE, so no update, no event."""
    store, ticket_id = finishing_store(pg_url, clock, example_config)
    dsn = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    holder = psycopg.connect(dsn)  # a transaction of its own (not autocommit)
    waited: list[bool] = []

    def commit_once_waited(pid: int) -> None:
        with psycopg.connect(dsn, autocommit=True) as watch:
            for _ in range(500):  # 10 s at most
                got = watch.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                    (pid,)).fetchone()
                if got is not None and got[0] == "Lock":
                    waited.append(True)
                    break
                time.sleep(0.02)
        holder.commit()

    threads: list[threading.Thread] = []

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not threads and is_move(statement):
            holder.execute("UPDATE tickets SET status = 'done', finished_at = now() WHERE id = %s", (ticket_id,))
            pid = conn.connection.driver_connection.info.backend_pid
            threads.append(threading.Thread(target=commit_once_waited, args=(pid,)))
            threads[0].start()

    event.listen(store.db.engine, "before_cursor_execute", before)
    try:
        with pytest.raises(DomainError, match="chưa gọi vé nào"):
            store.finish_service(1, "lan")
    finally:
        event.remove(store.db.engine, "before_cursor_execute", before)
        for thread in threads:
            thread.join()
        holder.close()
    assert waited == [True]  # our statement did wait for the other's row lock
    assert finished_events_and_status(store, ticket_id) == (0, "done")  # and wrote no event
    store.db.engine.dispose()


def test_psycopg_placeholders_are_numbered_as_psycopg_would() -> None:
    """A name used twice is one parameter, ``%%`` a percent sign; the RawCursor then takes the SQL as it is."""
    sql, names = dollar_numbered("SELECT %(a)s, %(b)s::INTEGER, %(a)s, '100%%' WHERE x LIKE 'a%%(b)s'")
    assert sql == "SELECT $1, $2::INTEGER, $1, '100%' WHERE x LIKE 'a%(b)s'"
    assert names == ("a", "b")


@pytest.mark.parametrize("dialect", [sqlite_dialect(), psycopg_dialect()], ids=["sqlite", "postgres"])
def test_the_instant_converted_once_is_never_reused_for_another(dialect: Any) -> None:
    """Prepared converts the action's instant once for all its parameters; another instant, even an equal
    one, is converted anew, and every value is what SQLAlchemy's own processors make of it."""
    prep = Prepared(issued_event(), dialect)
    processors = dict((name, process) for name, process, _at, _memo in prep.callers)
    first, second = datetime(2026, 12, 3, 9, 0, tzinfo=UTC), datetime(2026, 12, 3, 9, 0, 1, tzinfo=UTC)
    for now in (first, second, first, datetime(2026, 12, 3, 9, 0, tzinfo=UTC)):
        args = prep.parameters({"now": now, "tid": 7, "detail": None})
        assert args[prep.names.index("now")] == processors["now"](now)
