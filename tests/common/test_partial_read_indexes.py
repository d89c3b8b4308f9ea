"""Migration 0019: ix_tickets_service_done and ix_events_kind_at hold only the rows their readers ask for.

A new ticket (waiting) and its ``issued`` event no longer write them (issue 12: two of the SQLite issue's
eleven WAL pages, docs/benchmarks/sqlite6.md). A partial index serves a query only when the planner can
prove the index's WHERE from the query's, so each reader is run here as motcua runs it, its statements
captured as sent, and EXPLAINed on each database: SQLite's plan, and PostgreSQL's generic plan (what a
statement prepared by psycopg gets) with sequential scans off, where an index whose predicate the plan
does not imply cannot appear at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, inspect, text

from common.core.events import COUNTER_STATES
from common.core.model import PrintStatus
from common.store import Store
from common.store.db import alembic_config, connect
from common.store.hotpath import dollar_numbered
from common.store.orm import DONE_SQL, READ_KINDS_SQL
from common.store.signin import recent_sign_ins
from tests.conftest import TZ

DONE_INDEX, KIND_INDEX = "ix_tickets_service_done", "ix_events_kind_at"


def captured(store: Store, action: Callable[[], object], marker: str) -> list[tuple[str, Any]]:
    """The statements ``action`` sent whose SQL holds ``marker`` (the index's predicate), with their parameters."""
    got: list[tuple[str, Any]] = []

    def log(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if marker in statement:
            got.append((statement, parameters))

    event.listen(store.db.engine, "before_cursor_execute", log)
    try:
        action()
    finally:
        event.remove(store.db.engine, "before_cursor_execute", log)
    return got


def plan(store: Store, statement: str, parameters: Any) -> str:
    with store.db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        if store.db.is_sqlite:
            return " | ".join(str(r[-1]) for r in driver.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ()))
        import psycopg

        if isinstance(parameters, dict):  # pyformat, as SQLAlchemy sends it: numbered as psycopg would
            statement, names = dollar_numbered(statement)
            parameters = tuple(parameters[n] for n in names)
        values = psycopg.sql.SQL(", ").join(psycopg.sql.Literal(a) for a in parameters or ())
        cursor = driver.cursor()
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"PREPARE reader AS {statement}")
        query = psycopg.sql.SQL("EXPLAIN EXECUTE reader ({})").format(values) if parameters \
            else psycopg.sql.SQL("EXPLAIN EXECUTE reader")
        rows = cursor.execute(query).fetchall()
        cursor.execute("DEALLOCATE reader")  # a prepared statement would outlive the transaction
        driver.rollback()
        return "\n".join(r[0] for r in rows)


@pytest.fixture
def busy(store: Store) -> Iterator[Store]:
    """The example office after a morning: tickets finished, called, waiting; counters opened; a print failed."""
    store.sign_in(1, "lan")
    for _ in range(4):
        store.issue_ticket("TP")
    for _ in range(2):
        store.call_next(1, "lan")
        store.start_service(1, "lan")
        store.clock.advance(timedelta(minutes=3))  # type: ignore[attr-defined]
        store.finish_service(1, "lan")
    store.call_next(1, "lan")
    ticket = store.issue_ticket("TP").ticket
    store.set_print_status(ticket.id, PrintStatus.FAILED, "hết giấy")
    yield store


READERS: dict[str, tuple[str, Callable[[Store], object]]] = {
    "the issue's read: recent service times": (DONE_INDEX, lambda s: s.issue_ticket("TP")),
    "the issue's read: catalog version": (KIND_INDEX, lambda s: s.issue_ticket("TP")),
    "the board's calls": (KIND_INDEX, lambda s: s.views.board()),
    "the display's recent calls": (KIND_INDEX, lambda s: s.recent_calls()),
    "the live tab's printer notice": (KIND_INDEX, lambda s: s.views.live()),
    "the sign-ins": (KIND_INDEX, lambda s: recent_sign_ins(s)),
    "the staffing advice's counter states": (KIND_INDEX, lambda s: s.views.staffing_inputs(
        s.clock.now().date(), s.clock.now().date(), sorted(COUNTER_STATES))),
    "the snapshot's estimate": (DONE_INDEX, lambda s: s.snapshot()),
    "the hall forecast's service times": (DONE_INDEX, lambda s: s.hall_estimates(["TP"])),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_each_reader_reaches_its_partial_index(busy: Store, reader: str) -> None:
    index, action = READERS[reader]
    marker = "'done'" if index == DONE_INDEX else "'finished'"
    statements = captured(busy, lambda: action(busy), marker)
    assert statements, f"{reader}: no statement with the index's predicate"
    for statement, parameters in statements:
        got = plan(busy, statement, parameters)
        if not busy.db.is_sqlite:
            if reader.endswith("catalog version"):
                index = "ix_events_office_catalog"  # PostgreSQL's own (migration 0015): an office's catalog events
            elif reader == "the sign-ins" and "Index Scan Backward using pk_events" in got:
                # the newest 200 by id: on a small log PostgreSQL's cost picks the key backwards, the kinds
                # filtered; the predicate must still be there, proven from the query (the filter names it)
                index = "((kind)::text <> 'finished'::text)"
        assert index in got, (reader, statement, got)


def index_sql(store: Store, name: str) -> str:
    with store.db.engine.connect() as conn:
        if store.db.is_sqlite:
            return str(conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}).scalar())
        return str(conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": name}).scalar())


def test_0019_down_and_up(busy: Store, db_url: str) -> None:
    """Down to 0018 the two indexes are whole again; up, partial; the rows and the readers are unchanged."""
    if busy.db.is_sqlite:  # the model's predicates, as written (orm.py is what the readers AND in)
        assert index_sql(busy, DONE_INDEX).endswith(f"WHERE {DONE_SQL}")
        assert index_sql(busy, KIND_INDEX).endswith(f"WHERE {READ_KINDS_SQL}")
    else:
        assert "WHERE ((status)::text = 'done'::text)" in index_sql(busy, DONE_INDEX)
        assert "((kind)::text <> 'finished'::text)" in index_sql(busy, KIND_INDEX)
    before = busy.snapshot(), [e.id for e in busy.recent_calls()]
    cfg = alembic_config(busy.db)
    command.downgrade(cfg, "0018")
    assert "WHERE" not in index_sql(busy, DONE_INDEX) and "status" in index_sql(busy, DONE_INDEX)
    assert "WHERE" not in index_sql(busy, KIND_INDEX)
    command.upgrade(cfg, "head")
    names = {i["name"] for i in inspect(busy.db.engine).get_indexes("tickets")}
    assert DONE_INDEX in names and f"{DONE_INDEX}_0019" not in names
    busy.db.engine.dispose()
    again = Store(connect(db_url), busy.clock, TZ)
    try:
        assert (again.snapshot(), [e.id for e in again.recent_calls()]) == before
        for name in (DONE_INDEX, KIND_INDEX):
            assert "WHERE" in index_sql(again, name)
    finally:
        again.db.engine.dispose()
