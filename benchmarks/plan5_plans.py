"""The PostgreSQL plans of an office's hot statements, generic and custom, in a rolled-back transaction.

    .venv/bin/python benchmarks/plan5_plans.py --pg postgresql://postgres@127.0.0.1:5432/test \
        --db motcua_province_XXXXXXXX [--office 2] [--mode generic|custom] [--analyze] [--statement call|issue]

psycopg prepares a statement on its 5th run (``prepare_threshold``), and PostgreSQL then plans it
once for all parameters (a generic plan) when that plan's estimate is no worse than the custom
plans it made so far. Here each statement is PREPAREd exactly as motcua sends it (its SQL and
parameters from ``common.store.hotpath.Prepared``), with ``plan_cache_mode`` forcing one kind of
plan, and EXPLAINed (with ANALYZE: executed) as the office's own role (``SET LOCAL ROLE``: its
row-level security applies), in a transaction that is rolled back: nothing is written.

Counter 1 is opened for clerk ``lan`` inside that transaction, as a signed-in counter is.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as psql
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks.province_bench import END, NOW  # noqa: E402
from common.core.model import Ordering  # noqa: E402
from common.store import hotpath  # noqa: E402
from common.store.offices import role_names  # noqa: E402


def prepare_sql(prep: hotpath.Prepared, name: str) -> str:
    """``PREPARE name AS …``: Prepared's PostgreSQL statement is already numbered $1 … (sent by a RawCursor)."""
    return f"PREPARE {name} AS {prep.sql}"


def explain(conn: psycopg.Connection, stmt: Any, params: dict[str, Any], role: str,  # type: ignore[type-arg]
            mode: str, analyze: bool, settings: tuple[str, ...] = ()) -> list[str]:
    """The plan of ``stmt`` run with ``params`` as ``role`` under ``plan_cache_mode = force_<mode>_plan``."""
    prep = hotpath.Prepared(stmt, postgresql.psycopg.dialect())
    args = prep.parameters(params)
    prepare = prepare_sql(prep, "plan5_stmt")
    values = psql.SQL(", ").join(psql.Literal(a) for a in args)
    options = "ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON" if analyze else "COSTS ON"
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(f"SET LOCAL plan_cache_mode = force_{mode}_plan")
            for setting in settings:
                conn.execute(f"SET LOCAL {setting}")
            conn.execute(psql.SQL("SET LOCAL ROLE {}").format(psql.Identifier(role)))
            conn.execute(prepare)
            query = psql.SQL("EXPLAIN ({}) EXECUTE plan5_stmt ({})").format(psql.SQL(options), values)
            return [r[0] for r in conn.execute(query).fetchall()]
    finally:
        conn.execute("DEALLOCATE ALL")


def counter_params(conn: psycopg.Connection, office: int, day: date, now: datetime) -> tuple[dict[str, Any], Ordering]:  # type: ignore[type-arg]
    """Counter 1 of the office opened for clerk lan (in the caller's transaction), as counter_params()."""
    cid, ordering, kid = conn.execute(
        "SELECT c.id, c.ordering, k.id FROM counters c, clerks k WHERE c.office_id = %s AND c.number = 1 "
        "AND k.office_id = %s AND k.username = 'lan'", (office, office)).fetchone()  # type: ignore[misc]
    return ({"cid": cid, "cnum": 1, "cord": ordering, "kid": kid, "day": day, "now": now},
            Ordering(ordering))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL"))
    ap.add_argument("--db", required=True)
    ap.add_argument("--office", type=int, default=None, help="default: 2 in a province, else 1")
    ap.add_argument("--mode", choices=("generic", "custom"), default="generic")
    ap.add_argument("--analyze", action="store_true", help="execute (in the rolled-back transaction)")
    ap.add_argument("--statement", choices=("call", "issue", "both", "no-show"), default="both",
                    help="both: call and issue; no-show: the event logged from the ticket at the counter")
    ap.add_argument("--set", action="append", default=[], help="another SET LOCAL, e.g. enable_seqscan=off")
    args = ap.parse_args()
    if not args.pg:
        print("plan5_plans: set MOTCUA_BENCH_PG_URL or --pg", file=sys.stderr)
        return 2
    url = make_url(args.pg).set(drivername="postgresql", database=args.db).render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        offices = conn.execute("SELECT count(*) FROM offices").fetchone()[0]  # type: ignore[index]
        office = args.office or (2 if offices > 1 else 1)
        roles = role_names(office) if office != 1 else {"kiosk": "motcua_kiosk", "counter": "motcua_counter"}
        sid = conn.execute("SELECT id FROM services WHERE office_id = %s AND code = 'TP'", (office,)).fetchone()[0]  # type: ignore[index]
        booked_first = True
        if args.statement in ("call", "both"):
            params, ordering = counter_params(conn, office, END, NOW)
            stmt = hotpath.call_next_pg(ordering, booked_first)
            opened = (f"UPDATE counters SET state = 'open', clerk_id = {params['kid']} WHERE id = {params['cid']}",)
            print(f"## call_next, office {office} of {args.db} ({offices} offices), {args.mode} plan")
            with conn.transaction(force_rollback=True):
                conn.execute(opened[0])
                print("\n".join(explain(conn, stmt, params, roles["counter"], args.mode, args.analyze,
                                        tuple(args.set))))
        if args.statement == "no-show":
            params, _ordering = counter_params(conn, office, END, NOW)
            print(f"## no-show's log (move_log), office {office} of {args.db}, {args.mode} plan")
            print("\n".join(explain(conn, hotpath.move_log(hotpath.Action.NO_SHOW), params, roles["counter"],
                                    args.mode, args.analyze, tuple(args.set))))
        if args.statement in ("issue", "both"):
            stmt = hotpath.issue_read("postgresql", False, False, booked_first)
            print(f"## issue (the day's number and its reads), office {office} of {args.db}, {args.mode} plan")
            print("\n".join(explain(conn, stmt, {"sid": sid, "day": END, "now": NOW}, roles["kiosk"], args.mode,
                                    args.analyze, tuple(args.set))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
