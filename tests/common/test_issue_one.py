"""PostgreSQL's walk-in issue in one statement (common.store.lean.issue_one_statement, issue 12).

The estimate's formula lives in common.core.estimate; the statement carries a float8 copy of it
(hotpath.blended_sql, hotpath.wait_seconds_sql). Here: the copy gives Python's figures over a grid of
inputs, the one statement writes the ticket the two-statement path writes in the same hall, a refused
or stale issue leaves no row, no event and no number taken, and the statement is sent alone, in
autocommit (a lost connection is then told apart by the ticket's token: Store.issue_ticket,
tests/common/test_lost_reply.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import psycopg
import pytest
from sqlalchemy import ARRAY, BigInteger, Boolean, Float, bindparam, create_engine, event, func, select, text
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

from common.config import AppConfig, OfficeSpec
from common.core.clock import ManualClock
from common.core.errors import DomainError
from common.core.estimate import NO_COUNTER, blended_from_sum, wait_seconds
from common.core.model import CounterState, PrintStatus, Service, Ticket
from common.store import Store, lean
from common.store.db import connect
from common.store.hotpath import Prepared, blended_sql, issue_one_pg, wait_seconds_sql
from tests.conftest import TZ

pytestmark = pytest.mark.postgres


def test_the_sql_estimate_is_pythons_over_a_grid(pg_url: str) -> None:
    """Every input the statement can meet: no history, a short one, a full sample; no counter open,
    none serving, a free one; fractional priors. Equal figures, not close ones."""
    grid = list(itertools.product(
        (0, 1, 2, 7, 49, 400),  # people ahead
        ((0, 0), (7, 3), (1200, 1), (13_913, 29), (14_400, 30), (123_457, 100), (2_000_003, 100)),  # recent sum, n
        (480.0, 720.0, 30.0, 1234.5, 100 / 3, 0.1),  # the prior (typical_s or the office default)
        (0, 1, 3),  # open counters
        (0, 1, 4),  # counters serving the service
        (False, True),  # an open counter is free
    ))
    cols = list(zip(*[(a, t, n, d, o, s, f) for a, (t, n), d, o, s, f in grid], strict=True))
    # One row per point, the columns typed as the statement's are (counts are bigint there).
    types = (BigInteger, BigInteger, BigInteger, Float, BigInteger, BigInteger, Boolean)
    names = ("ahead", "total", "n", "prior", "open", "serving", "free")
    g = select(*(func.unnest(bindparam(name, list(values), type_=ARRAY(t))).label(name)
                 for values, t, name in zip(cols, types, names, strict=True))).subquery("g")
    mean = blended_sql(g.c.total, g.c.n, g.c.prior)
    query = select(*g.c, mean, wait_seconds_sql(g.c.ahead, mean, g.c.open, g.c.serving, g.c.free))
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    finally:
        engine.dispose()
    assert len(rows) == len(grid)
    for ahead, total, n, prior, n_open, n_serving, free, sql_mean, sql_wait in rows:
        py_mean = blended_from_sum(total, n, prior)
        assert sql_mean == py_mean, (total, n, prior)
        assert sql_wait == wait_seconds(ahead, py_mean, n_open, n_serving, free), (ahead, total, n, prior, n_open,
                                                                                   n_serving, free)


@contextmanager
def sent(store: Store) -> Iterator[list[tuple[str, bool]]]:
    """Each statement the store sends, and whether its connection was in autocommit (no BEGIN sent)."""
    got: list[tuple[str, bool]] = []

    def on_execute(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        got.append((statement, bool(conn.connection.driver_connection.autocommit)))

    event.listen(store.db.engine, "before_cursor_execute", on_execute)
    try:
        yield got
    finally:
        event.remove(store.db.engine, "before_cursor_execute", on_execute)


class Undo(Exception):
    pass


def two_statement(store: Store, service: str, category: str | None) -> Ticket:
    """The ticket the present path (lean.issue: read, then insert, in a transaction) would issue now; rolled back."""
    got: list[Ticket] = []
    with pytest.raises(Undo), store.transaction() as tx:
        got.append(lean.issue(store, tx, service, category, PrintStatus.NOT_PRINTED, True).ticket)
        raise Undo
    return got[0]


def one_statement(store: Store, service: str, category: str | None) -> Ticket:
    with sent(store) as statements:
        ticket = store.issue_ticket(service, category).ticket
    assert len(statements) == 1 and statements[0][1], statements  # one statement, in autocommit
    assert statements[0][0].lstrip().startswith("WITH ok AS")
    return ticket


def fields(ticket: Ticket) -> dict[str, Any]:
    """Everything the ticket says but its id and token (each issue's own)."""
    got = dataclasses.asdict(ticket)
    for own in ("id", "visit_id", "token"):
        got.pop(own)
    return got


@pytest.fixture
def pg_store(pg_url: str, clock: ManualClock, example_config: AppConfig) -> Iterator[Store]:
    st = Store(connect(pg_url), clock, TZ)  # hall_forecast off: the simulator's and the benchmarks' store
    st.load_office(example_config.office)
    yield st
    st.db.engine.dispose()


def test_one_statement_writes_what_the_two_statement_path_writes(pg_store: Store, clock: ManualClock) -> None:
    """Hall by hall (no counter open, one on a break, a free one, busy ones, a history of services, priority
    and walk-ins), the one statement's ticket is the one the read-then-insert path gives in the same hall,
    and the row stored is the ticket returned."""
    store = pg_store

    def both(service: str = "TP", category: str | None = None) -> Ticket:
        expected = two_statement(store, service, category)
        got = one_statement(store, service, category)
        assert fields(got) == fields(expected)
        assert fields(store.ticket(got.id)) == fields(got)
        return got

    assert both().estimate_method == NO_COUNTER  # nobody open or on a break: no wait promised
    assert both("TP", "elderly").people_ahead == 0
    store.sign_in(1, "lan")
    store.set_counter_state(1, "lan", CounterState.BREAK)  # on a break: a wait is promised, counters serving
    on_break = both()
    assert on_break.estimate_method is None and on_break.estimated_wait_seconds > 0
    store.set_counter_state(1, "lan", CounterState.OPEN)
    assert both("CT").estimated_wait_seconds == 0  # nobody waits for CT and counter 1 is free
    for seconds in (300, 1200, 45, 610, 7):  # a history of services, some of them TP's
        clock.advance(30)
        assert store.call_next(1, "lan") is not None
        store.start_service(1, "lan")
        clock.advance(seconds)
        store.finish_service(1, "lan")
        both()
        both("CT", "pregnant" if seconds % 2 else None)
    store.sign_in(2, "minh")
    store.call_next(2, "minh")  # counter 2 busy, counter 1 free
    clock.advance(5)
    both()
    store.call_next(1, "lan")  # both busy
    clock.advance(5)
    both("TP", "elderly")
    both()


def fingerprint(store: Store) -> tuple[Any, ...]:
    with store.db.engine.connect() as conn:
        return tuple(tuple(conn.execute(text(q)).all()) for q in (
            "SELECT count(*), max(id) FROM events", "SELECT * FROM tickets ORDER BY id",
            "SELECT * FROM daily_numbers ORDER BY service_id, service_day"))


def test_a_refused_one_statement_writes_nothing(pg_store: Store) -> None:
    """At the cap the statement takes no number and inserts nothing; the worded path refuses, as before."""
    store = pg_store
    for _ in range(60):  # XD has daily_cap = 60
        store.issue_ticket("XD")
    before = fingerprint(store)
    with store.transaction(one_statement=True) as tx:
        assert lean.issue_one_statement(store, tx, "XD", None, PrintStatus.NOT_PRINTED, True) is None
    assert fingerprint(store) == before
    with pytest.raises(DomainError, match="Đã hết số hôm nay"):
        store.issue_ticket("XD")
    assert fingerprint(store) == before


def test_a_catalog_changed_elsewhere_is_noticed(pg_url: str, pg_store: Store, clock: ManualClock,
                                                example_config: AppConfig) -> None:
    """Another PC changes TP's prefix: the one statement refuses to number with the stale catalog, the
    transaction path reloads it, and the next ticket is one statement again."""
    here = pg_store
    here.issue_ticket("TP")  # reads the catalog (load_office cleared it)
    assert one_statement(here, "TP", None).code == "A002"
    there = Store(connect(pg_url), clock, TZ)
    try:
        tp = next(s for s in example_config.office.services if s.code == "TP")
        there.load_office(OfficeSpec(services=(replace(tp, prefix="T"),)))
    finally:
        there.db.engine.dispose()
    before = fingerprint(here)
    with here.transaction(one_statement=True) as tx:
        assert lean.issue_one_statement(here, tx, "TP", None, PrintStatus.NOT_PRINTED, True) is None
    assert fingerprint(here) == before
    assert here.issue_ticket("TP").ticket.code == "T003"
    assert one_statement(here, "TP", None).code == "T004"


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_codes_past_999_are_written_whole(request: pytest.FixtureRequest, clock: ManualClock, db_kind: str) -> None:
    """Python's ``f"{number:03d}"``: 998 → Z998, 1000 → Z1000; the SQL's lpad alone would cut it to Z100."""
    url = request.getfixturevalue("sqlite_url" if db_kind == "sqlite" else "pg_url")
    store = Store(connect(url), clock, TZ)
    try:
        store.load_office(OfficeSpec(services=(Service("ZZ", "Z", "Thử", "Trial", number_min=998,
                                                       number_max=1001),)))
        assert [store.issue_ticket("ZZ").ticket.code for _ in range(4)] == ["Z998", "Z999", "Z1000", "Z1001"]
        with pytest.raises(DomainError, match="Đã hết số hôm nay"):
            store.issue_ticket("ZZ")
    finally:
        store.db.engine.dispose()


def test_the_one_statements_generic_plan_uses_the_partial_indexes(pg_store: Store, pg_url: str,
                                                                  clock: ManualClock) -> None:
    """As issue_read's (tests/common/test_generic_plans.py): once psycopg prepares it, the busy check and the
    catalog's version still find their partial indexes, not a scan of the history."""
    from tests.common.test_generic_plans import generic_plan

    plan = generic_plan(pg_url, issue_one_pg(False, True), issue_params(pg_store, clock))
    assert "uq_tickets_active_counter" in plan, plan  # is a counter of the service free
    assert "ix_events_office_catalog" in plan, plan  # the catalog's version
    # People ahead: the service read in the index, so that only the service's own waiting rows are fetched,
    # not every service's of the office: by ix_tickets_waiting (office, day, service: migration 0020) or by
    # ix_tickets_queue (status, service). On an almost empty table the planner takes either (CI saw both).
    scans = re.findall(r"(?:using|Bitmap Index Scan on) (ix_tickets_waiting|ix_tickets_queue)\b[^\n]*\n"
                       r"(?:[^\n]*Recheck Cond[^\n]*\n)?\s*Index Cond: \(([^\n]*)\)\n", plan)
    assert scans, plan
    assert all("service_id = $" in cond for _, cond in scans), plan
    assert "Seq Scan on tickets" not in plan, plan


def issue_params(store: Store, clock: ManualClock, service: str = "TP") -> dict[str, Any]:
    """The one statement's parameters for a walk-in of ``service`` now, as lean.issue_one_statement binds them."""
    with store.transaction() as tx:
        snap = tx.snap
        info = snap.services[service]
        version = snap.version
    return {"sid": info.id, "day": clock.now().date(), "now": clock.now(), "version": version,
            "nmax": info.number_max, "cap": 2**31 - 1, "typical_s": 480.0, "prefix": info.prefix, "detail": None,
            "v_token": "t" * 22, "v_priority_category": None, "v_local_hour": 8, "v_print_status": "not_printed"}


def test_the_rows_office_is_asked_once_per_issue(pg_store: Store, pg_url: str, clock: ManualClock) -> None:
    """The day's number, the ticket and its event take the role's office, the columns' default
    (motcua_office_default(), PL/pgSQL with a query inside): one call per issue, not one per row inserted,
    and the same office in all three rows (docs/benchmarks/pg7.md)."""
    from tests.common.test_generic_plans import psql

    prep = Prepared(issue_one_pg(False, True), psycopg_dialect())
    args = prep.parameters(issue_params(pg_store, clock))
    with psql(pg_url, autocommit=False) as conn:
        conn.execute("SET LOCAL track_functions = 'pl'")
        for _ in range(2):  # the day's first number (an insert), then the next (the upsert's update)
            row = psycopg.RawCursor(conn).execute(prep.sql, args).fetchone()
            assert row is not None
        calls = conn.execute("SELECT pg_stat_get_xact_function_calls('motcua_office_default'::regproc)").fetchone()
        offices = conn.execute(
            "SELECT (SELECT array_agg(DISTINCT office_id) FROM tickets), (SELECT array_agg(DISTINCT office_id) "
            "FROM events WHERE kind = 'issued'), (SELECT array_agg(DISTINCT office_id) FROM daily_numbers)").fetchone()
        conn.rollback()
    assert calls == (2,)
    assert offices == ([1], [1], [1])
