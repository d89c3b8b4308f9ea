"""A province counter's call_next pick, generic plan, while many offices have people waiting (issue 18, queue7).

    .venv/bin/python benchmarks/queue7_pick.py --pg postgresql://postgres@127.0.0.1:5432/test \
        --db w7_queue7_p --fill 30            # once: ANALYZE with nobody waiting, then 30 waiting a office
    .venv/bin/python benchmarks/queue7_pick.py --pg ... --db w7_queue7_p [--n 300] [--rounds 5] [--explain]

The database is a province loaded by province_bench.load (history only: nobody waits). ``--fill``
turns autovacuum off on tickets (so no ANALYZE sees the queue: the statistics stay those of a quiet
moment, the case prov7 found), ANALYZEs, then issues FILL tickets in every office through its own kiosk
role, round-robin over its services, and opens counter 1 of ``--office`` for "lan" (a call and a no-show).

Measuring runs ``hotpath.call_next_pg`` as motcua sends it, on a connection of the office's counter
role, rolled back each time (the same ticket is called every run), prepared as psycopg prepares it,
with ``plan_cache_mode`` as given (default force_generic_plan: the plan a prepared statement gets once
the plan cache prefers the generic one). Per call: wall ms, the backend's CPU ms, and the buffers of
tickets' indexes and heap (pg_stat_get_xact_blocks_fetched). ``--explain``: EXPLAIN (ANALYZE, BUFFERS).
The statement comes from the tree this file is in, so an A/B runs the file of each tree in turn.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as psql
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks.prov7_call import AT, rollback, setup  # noqa: E402
from benchmarks.province_bench import END  # noqa: E402
from benchmarks.province_cpu import Office, pids_cpu  # noqa: E402
from common.store import hotpath  # noqa: E402

DIALECT = postgresql.psycopg.dialect()
def nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node] + [n for child in node.get("Plans", []) for n in nodes(child)]


def fill(pg: str, db: str, per_office: int, office_id: int) -> None:
    owner = make_url(pg).set(drivername="postgresql", database=db).render_as_string(hide_password=False)
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute("ALTER TABLE tickets SET (autovacuum_enabled = off)")
        conn.execute("ANALYZE tickets")
        offices = [r[0] for r in conn.execute("SELECT id FROM offices ORDER BY id").fetchall()]
    for o in offices:
        office = Office(make_url(pg).set(database=db).render_as_string(hide_password=False), o)
        codes = [s.code for s in office.kiosk.services()]
        for i in range(per_office):
            office.kiosk.issue_ticket(codes[i % len(codes)])
        if o == office_id:
            setup(office)
        office.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL"))
    ap.add_argument("--db", required=True)
    ap.add_argument("--office", type=int, default=2)
    ap.add_argument("--fill", type=int, default=0, metavar="FILL")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mode", default="force_generic_plan")
    ap.add_argument("--explain", action="store_true")
    args = ap.parse_args()
    if not args.pg:
        print("queue7_pick: set MOTCUA_BENCH_PG_URL or --pg", file=sys.stderr)
        return 2
    if args.fill:
        fill(args.pg, args.db, args.fill, args.office)
        return 0
    office = Office(make_url(args.pg).set(database=args.db).render_as_string(hide_password=False), args.office)
    with office.counter.transaction() as tx:
        info, kid = tx.snap.counters[1], tx.snap.clerks["lan"]
    office.close()
    params = hotpath.counter_params(info, kid, END, AT)
    stmt = hotpath.call_next_pg(info.ordering)
    prep = hotpath.prepared(stmt, "postgresql", DIALECT)
    values = prep.parameters(params)
    url = make_url(args.pg).set(drivername="postgresql", database=args.db, username=office.roles["counter"])
    conn = psycopg.connect(url.render_as_string(hide_password=False))
    conn.execute(f"SET plan_cache_mode = {args.mode}")
    conn.commit()
    pid = conn.info.backend_pid

    def call() -> None:
        got = psycopg.RawCursor(conn).execute(prep.sql, values, prepare=True).fetchone()
        assert got is not None, "nothing called: is counter 1 open and a ticket waiting?"
        rollback(conn)

    for _ in range(15):
        call()
    walls, cpus, loads = [], [], [os.getloadavg()[0]]
    for _ in range(args.rounds):
        c0, w0 = pids_cpu([pid]), time.perf_counter()
        for _ in range(args.n):
            call()
        walls.append(1000 * (time.perf_counter() - w0) / args.n)
        cpus.append(1000 * (pids_cpu([pid]) - c0) / args.n)
        loads.append(os.getloadavg()[0])
    plans = conn.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements").fetchall()
    rollback(conn)
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, tree {ROOT}, {args.db} office {args.office}, "
          f"{args.mode}, {args.rounds} rounds of {args.n}, 1-min load {min(loads):.2f}-{max(loads):.2f}")
    print(f"call: wall ms {statistics.median(walls):.3f} (rounds {' '.join(f'{w:.3f}' for w in walls)}), "
          f"server CPU ms {statistics.median(cpus):.3f}; plans (generic, custom) {plans}")
    try:  # the plan the mode gives, once: the pick's index, entries read, buffers
        conn.execute(f"SET LOCAL plan_cache_mode = {args.mode}")
        conn.execute("PREPARE q7 AS " + prep.sql)
        args_sql = psql.SQL(", ").join(psql.Literal(a) for a in values)
        plan = conn.execute(psql.SQL("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE q7 ({})").format(
            args_sql)).fetchone()[0][0]  # type: ignore[index]
        for node in nodes(plan["Plan"]):
            if node.get("Alias") == "q" and "Index Name" in node:
                read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
                print(f"pick: {node['Index Name']}, index cond {node.get('Index Cond')}, entries read {read}, "
                      f"buffers {node['Shared Hit Blocks'] + node['Shared Read Blocks']}")
        print(f"whole statement: buffers {plan['Plan']['Shared Hit Blocks'] + plan['Plan']['Shared Read Blocks']}"
              f", execution {plan['Execution Time']:.3f} ms")
        if args.explain:
            text = conn.execute(psql.SQL("EXPLAIN (ANALYZE, BUFFERS) EXECUTE q7 ({})").format(args_sql)).fetchall()
            print("\n".join("    " + r[0] for r in text))
    finally:
        conn.rollback()
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
