"""PostgreSQL's generic plans of the hot statements use the partial indexes their predicates name.

psycopg prepares a statement after its 5th run; PostgreSQL then plans it once for any parameters (a
generic plan) where that plan's estimate looks no worse than the custom ones, and a generic plan
cannot prove a partial index's WHERE from a bound value. With ``status IN ($1, $2)`` bound, a
single office's call_next scanned its whole history for "is the counter free" (33 ms a call on a
year), and the kiosk's catalog version scanned every event backwards (docs/benchmarks/plan5.md).

Each statement is PREPAREd as motcua sends it (``hotpath.Prepared``) and EXPLAINed under
``force_generic_plan`` with sequential scans off: an index whose predicate the plan does not imply
cannot be used at all, so its name in the plan is the proof, whatever the data's size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.engine import make_url

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.model import Ordering
from common.core.rules import Action
from common.store import Store
from common.store.db import connect
from common.store.hotpath import FAST_MOVES, Prepared, call_next_pg, issue_read, move_pg

pytestmark = pytest.mark.postgres


def psql(url: str, autocommit: bool = True) -> psycopg.Connection:  # type: ignore[type-arg]
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=autocommit)


def generic_plan(url: str, stmt: Any, params: dict[str, Any]) -> str:
    """EXPLAIN EXECUTE of ``stmt`` PREPAREd as psycopg would, its generic plan forced, seq scans off."""
    prep = Prepared(stmt, psycopg_dialect())
    # Prepared's SQL is already numbered ($1 …) and its parameters a tuple in that order, as the
    # RawCursor of hotpath.first sends them (floor5).
    body = prep.sql
    values = psycopg.sql.SQL(", ").join(psycopg.sql.Literal(a) for a in prep.parameters(params))
    with psql(url, autocommit=False) as conn:
        conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.execute("SET LOCAL enable_seqscan = off")
        conn.execute(f"PREPARE hot AS {body}")
        rows = conn.execute(psycopg.sql.SQL("EXPLAIN EXECUTE hot ({})").format(values)).fetchall()
        conn.rollback()
    return "\n".join(r[0] for r in rows)


@pytest.fixture
def pg_store(pg_url: str, clock: ManualClock, example_config: AppConfig) -> Iterator[Store]:
    st = Store(connect(pg_url), clock, "Asia/Ho_Chi_Minh")
    st.load_office(example_config.office)
    yield st
    st.db.engine.dispose()


def counter_1(store: Store, url: str, clock: ManualClock) -> tuple[dict[str, Any], Ordering]:
    """hotpath.counter_params of counter 1, signed in by lan."""
    store.sign_in(1, "lan")
    with psql(url) as conn:
        cid, ordering, kid = conn.execute("SELECT c.id, c.ordering, k.id FROM counters c, clerks k "
                                          "WHERE c.number = 1 AND k.username = 'lan'").fetchone()  # type: ignore[misc]
    params = {"cid": cid, "cnum": 1, "cord": ordering, "kid": kid, "day": clock.now().date(), "now": clock.now()}
    return params, Ordering(ordering)


def test_call_nexts_free_counter_check_uses_the_active_counter_index(pg_store: Store, pg_url: str,
                                                                       clock: ManualClock) -> None:
    params, ordering = counter_1(pg_store, pg_url, clock)
    plan = generic_plan(pg_url, call_next_pg(ordering), params)
    assert "uq_tickets_active_counter" in plan, plan
    # and the update finds the picked ticket by its key, never among every waiting ticket
    # PostgreSQL ≤ 16 names the InitPlan's value $n; 17 writes (InitPlan n).col1.
    by_key = r"Index Cond: \(id = (\$\d+|\(InitPlan \d+\)\.col1)\)"
    assert re.search(r"Index Scan using pk_tickets on tickets  \(.*\n\s+" + by_key, plan), plan


@pytest.mark.parametrize("action", FAST_MOVES, ids=lambda a: a.value)
def test_a_move_finds_the_ticket_at_the_counter_by_the_active_counter_index(pg_store: Store, pg_url: str,
                                                                            clock: ManualClock,
                                                                            action: Action) -> None:
    params, _ordering = counter_1(pg_store, pg_url, clock)
    plan = generic_plan(pg_url, move_pg(action), params)
    assert "uq_tickets_active_counter" in plan, plan


def test_the_issues_busy_check_and_catalog_version_use_their_partial_indexes(pg_store: Store, pg_url: str,
                                                                             clock: ManualClock) -> None:
    with psql(pg_url) as conn:
        (sid,) = conn.execute("SELECT id FROM services WHERE code = 'TP'").fetchone()  # type: ignore[misc]
    plan = generic_plan(pg_url, issue_read("postgresql", False), {"sid": sid, "day": clock.now().date(),
                                                                  "now": clock.now()})
    assert "uq_tickets_active_counter" in plan, plan  # is a counter of the service free
    assert "ix_events_office_catalog" in plan, plan  # the catalog's version
