"""Migration 0025: a transfer numbers the visit's next row by the printed number's key, not by visit_id.

Every ticket wrote ``ix_tickets_visit`` for one reader, the transfer's "the visit's highest transfer_seq"
(issue 12: a WAL page of SQLite's issue, an index insertion of PostgreSQL's). A visit's rows share
(number_service_id, service_day, number), the leading columns of ``uq_tickets_number``, so that read is
served by the unique key every ticket writes anyway, and the index is gone.
"""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import event, inspect

from common.store import Store
from common.store.db import alembic_config, connect
from tests.common.test_partial_read_indexes import plan
from tests.conftest import TZ

VISIT_INDEX, NUMBER_KEY = "ix_tickets_visit", "uq_tickets_number"


def transfer_reads(store: Store, counter: int, clerk: str, to_service: str) -> list[tuple[str, Any]]:
    """Transfer the ticket at ``counter``; the statements that read the visit's highest transfer_seq."""
    got: list[tuple[str, Any]] = []

    def log(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if "max(tickets.transfer_seq)" in statement:
            got.append((statement, parameters))

    event.listen(store.db.engine, "before_cursor_execute", log)
    try:
        store.transfer(counter, clerk, to_service=to_service)
    finally:
        event.remove(store.db.engine, "before_cursor_execute", log)
    return got


def visit_rows(store: Store, code: str) -> list[tuple[int, str, str]]:
    day = store.clock.now().astimezone(TZ).date()
    return [(t.visit_id, t.service, t.status.value) for t in store.tickets(day, day) if t.code == code]


def test_a_visit_transferred_twice_counts_its_rows_up_by_the_number_key(store: Store) -> None:
    first = store.issue_ticket("TP").ticket  # A001
    other = store.issue_ticket("TP").ticket  # A002: its own visit, numbered apart
    store.sign_in(1, "lan")
    store.sign_in(2, "minh")
    store.call_specific("A001", 1, "lan", "test")
    reads = transfer_reads(store, 1, "lan", "CT")
    store.call_specific("A001", 2, "minh", "test")
    reads += transfer_reads(store, 2, "minh", "TP")
    store.call_specific("A002", 1, "lan", "test")
    reads += transfer_reads(store, 1, "lan", "CT")
    assert [s for s, *_ in visit_rows(store, "A001")] == [first.id] * 3  # one visit, three rows
    assert [s for s, *_ in visit_rows(store, "A002")] == [other.id] * 2
    with store.db.engine.connect() as conn:
        seqs = conn.exec_driver_sql("SELECT code, transfer_seq FROM tickets ORDER BY id").fetchall()
    assert [tuple(r) for r in seqs] == [("A001", 0), ("A002", 0), ("A001", 1), ("A001", 2), ("A002", 1)]
    newest = store.find_ticket("A001")  # the visit's open row: the last transfer's
    assert (newest.service, newest.status.value) == ("TP", "waiting")
    assert len(reads) == 3
    if not store.db.is_sqlite:  # the planner's statistics, as autovacuum keeps them on a live office
        with store.db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE tickets")
    for statement, parameters in reads:  # each a search of the unique key, which every ticket writes anyway
        got = plan(store, statement, parameters)
        key = "(number_service_id=? AND service_day=? AND number=?)" if store.db.is_sqlite else NUMBER_KEY
        assert key in got, got


def index_names(store: Store) -> set[str]:
    return {i["name"] for i in inspect(store.db.engine).get_indexes("tickets") if i["name"]}


def test_0025_down_and_up(store: Store, db_url: str) -> None:
    """Down to 0024 the index is back and transfers still number right; up, it is gone again."""
    store.sign_in(1, "lan")
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    assert VISIT_INDEX not in index_names(store)
    cfg = alembic_config(store.db)
    command.downgrade(cfg, "0024")
    assert VISIT_INDEX in index_names(store)
    store.transfer(1, "lan", to_service="CT")
    command.upgrade(cfg, "head")
    assert VISIT_INDEX not in index_names(store)
    store.db.engine.dispose()
    again = Store(connect(db_url), store.clock, TZ)
    try:
        again.sign_in(2, "minh")
        assert again.call_next(2, "minh").code == "A001"  # type: ignore[union-attr]
        again.transfer(2, "minh", to_service="TP")
        with again.db.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT visit_id, transfer_seq FROM tickets ORDER BY id").fetchall()
        assert len({r[0] for r in rows}) == 1 and [r[1] for r in rows] == [0, 1, 2]
    finally:
        again.db.engine.dispose()
