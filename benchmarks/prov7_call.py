"""Where a province's call_next + no-show spends its extra server CPU: statement by statement (issue 18).

    .venv/bin/python benchmarks/prov7_call.py --pg postgresql://postgres@127.0.0.1:5432/test \
        --province motcua_province_XXXXXXXX --single motcua_province_YYYYYYYY [--n 300] [--rounds 5] \
        [--explain] [--buffers]

province_cpu.py measures the counter's whole action (call_next, then a no-show that frees the counter).
This runs its three statements as motcua sends them (common.store.hotpath: ``call_next_pg``, then the
no-show's ``move_log`` and ``move_update``), prepared by psycopg from the 5th run as motcua's are, on one
connection of the office's counter role (office 2 of the province, its own roles, row-level security on;
office 1 of the single-office twin), each sequence in a transaction that is rolled back: the same waiting
ticket is called every time and nothing is kept. The backend's CPU is read from /proc before and after n
sequences (the server runs here; 10 ms ticks, hence n of a few hundred), the sides alternating round by
round. Prefixes: "call" alone, "call + log" (the no-show's event), "call + no-show" (all three); their
differences are each statement's share. ``motcua_offices()`` alone is the row-level policy's lookup.

``--buffers``: the backend's own ``pg_stat_get_xact_blocks_fetched/hit`` around the three statements,
relation by relation (as prov6_buffers.py). ``--explain``: EXPLAIN (ANALYZE, BUFFERS) of each statement
once, as the plan cache runs it after the warm-up (its generic plan, if that is what it chose: the
counts of generic and custom plans of each prepared statement are printed too).

Setup (undone on leaving, benchmarks._tidy.no_trace): three waiting tickets of service TP issued by the
office's kiosk, and counter 1 opened by the clerk "lan" through one call and no-show of the store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as psql
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks._tidy import no_trace  # noqa: E402
from benchmarks.province_bench import END, NOW, owner_url  # noqa: E402
from benchmarks.province_cpu import Office, pids_cpu  # noqa: E402
from common.core.rules import Action  # noqa: E402
from common.store import hotpath  # noqa: E402

DIALECT = postgresql.psycopg.dialect()
COUNTS = ("SELECT r, pg_stat_get_xact_blocks_fetched(r), pg_stat_get_xact_blocks_hit(r) "
          "FROM unnest(%s::oid[]) AS r")
AT = NOW + timedelta(minutes=5)  # the call's instant: after the setup's tickets were issued


def rollback(conn: psycopg.Connection) -> None:  # type: ignore[type-arg]
    """ROLLBACK without psycopg's ``Connection.rollback``, which forgets every prepared statement (a rolled-back
    transaction may have dropped what they refer to): each run would then be parsed and planned anew, where
    motcua's committed actions keep theirs. libpq directly: psycopg reads the transaction state from it."""
    conn.pgconn.exec_(b"ROLLBACK")


def run(conn: psycopg.Connection, stmt: Any, params: dict[str, Any]) -> Any:  # type: ignore[type-arg]
    prep = hotpath.prepared(stmt, "postgresql", DIALECT)
    return psycopg.RawCursor(conn).execute(prep.sql, prep.parameters(params), prepare=True).fetchone()


class Side:
    def __init__(self, pg: str, db: str, office: Office) -> None:
        with office.counter.transaction() as tx:
            info, kid = tx.snap.counters[1], tx.snap.clerks["lan"]
        self.ordering = info.ordering
        self.params = hotpath.counter_params(info, kid, END, AT)
        url = make_url(pg).set(drivername="postgresql", database=db, username=office.roles["counter"])
        self.conn = psycopg.connect(url.render_as_string(hide_password=False))
        self.pid = self.conn.info.backend_pid
        rows = self.conn.execute("SELECT c.oid::int, c.relname FROM pg_class c JOIN pg_namespace n "
                                 "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                                 "AND c.relkind IN ('r', 'i')").fetchall()
        self.names = dict(rows)
        rollback(self.conn)
        self.got: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.n = 0

    def statements(self) -> list[tuple[str, Any, Callable[[Any], dict[str, Any]]]]:
        return [("call", hotpath.call_next_pg(self.ordering), lambda _: self.params),
                ("log", hotpath.move_log(Action.NO_SHOW), lambda _: self.params),
                ("update", hotpath.move_update(Action.NO_SHOW, "postgresql"),
                 lambda got: {**self.params, "tid": got[0] if got is not None else 0})]

    def sequence(self, upto: int) -> None:
        """The first ``upto`` statements of call + no-show, rolled back."""
        got = None
        for name, stmt, params in self.statements()[:upto]:
            got = run(self.conn, stmt, params(got))
            assert got is not None, f"{name} found nothing: is counter 1 open and a ticket waiting?"
        rollback(self.conn)

    def offices(self) -> None:
        self.conn.execute("SELECT motcua_offices()", prepare=True).fetchone()
        rollback(self.conn)

    def counted(self) -> None:
        oids = list(self.names)
        before = {r: (f, h) for r, f, h in self.conn.execute(COUNTS, (oids,)).fetchall()}
        got = None
        for _name, stmt, params in self.statements():
            got = run(self.conn, stmt, params(got))
        after = {r: (f, h) for r, f, h in self.conn.execute(COUNTS, (oids,)).fetchall()}
        rollback(self.conn)
        self.n += 1
        for oid, (f1, h1) in after.items():
            f0, h0 = before[oid]
            if f1 - f0:
                cell = self.got[self.names[oid]]
                cell[0] += h1 - h0
                cell[1] += (f1 - f0) - (h1 - h0)

    def explain(self, mode: str) -> list[str]:
        """EXPLAIN (ANALYZE, BUFFERS) of the three statements, in one transaction rolled back, with the
        plan cache forced to ``mode`` (force_generic_plan or force_custom_plan)."""
        out = []
        got = None
        try:
            self.conn.execute(f"SET LOCAL plan_cache_mode = {mode}")
            for name, stmt, params in self.statements():
                prep = hotpath.prepared(stmt, "postgresql", DIALECT)
                args = prep.parameters(params(got))
                values = psql.SQL(", ").join(psql.Literal(a) for a in args)
                self.conn.execute(f"PREPARE prov7_{name} AS {prep.sql}")
                q = psql.SQL("EXPLAIN (ANALYZE, BUFFERS, SUMMARY ON) EXECUTE {} ({})").format(
                    psql.Identifier(f"prov7_{name}"), values)
                out += [f"-- {name}"] + [r[0] for r in self.conn.execute(q).fetchall()]
                got = psycopg.RawCursor(self.conn).execute(prep.sql, args).fetchone()
        finally:
            self.conn.rollback()
            self.conn.execute("DEALLOCATE ALL")  # psycopg's own prepared statements are re-made if needed
            self.conn.rollback()
        return out

    def plan_choices(self) -> list[str]:
        """Generic and custom plans the plan cache made for each statement psycopg prepared."""
        rows = self.conn.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
                                 "WHERE name NOT LIKE 'prov7%'").fetchall()
        rollback(self.conn)
        return [f"generic {g:5d}, custom {c:5d}: {' '.join(st.split())[:90]}…" for st, g, c in rows]


def setup(office: Office) -> None:
    """Three waiting tickets and counter 1 open for "lan" (the store's slow path signs the clerk in)."""
    for _ in range(4):
        office.kiosk.issue_ticket("TP")
    office.clock.advance(1)
    office.counter.call_next(1, "lan")
    office.clock.advance(1)
    office.counter.mark_no_show(1, "lan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL"))
    ap.add_argument("--province", required=True)
    ap.add_argument("--single", required=True)
    ap.add_argument("--office", type=int, default=2)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--buffers", action="store_true")
    args = ap.parse_args()
    if not args.pg:
        print("prov7_call: set MOTCUA_BENCH_PG_URL or --pg", file=sys.stderr)
        return 2
    dbs = {"province": (args.province, args.office), "single": (args.single, 1)}
    offices = {s: Office(make_url(args.pg).set(database=db).render_as_string(hide_password=False), o)
               for s, (db, o) in dbs.items()}
    with ExitStack() as tidy:
        for db, o in dbs.values():
            tidy.enter_context(no_trace(owner_url(args.pg, db), [o], END))
        for office in offices.values():
            setup(office)
        sides = {s: Side(args.pg, dbs[s][0], offices[s]) for s in dbs}
        try:
            measure(args, sides)
        finally:  # before no_trace's clean-up, which would wait for an open transaction of these
            for side in sides.values():
                side.conn.close()
    for office in offices.values():
        office.close()
    return 0


def measure(args: argparse.Namespace, sides: dict[str, Side]) -> None:
    work: dict[str, Callable[[Side], None]] = {
        "motcua_offices()": Side.offices,
        "call": lambda s: s.sequence(1),
        "call + log": lambda s: s.sequence(2),
        "call + no-show": lambda s: s.sequence(3),
    }
    for side in sides.values():  # warm: psycopg prepares from the 5th run; the plan cache chooses after 5 more
        for action in work.values():
            for _ in range(15):
                action(side)
    loads = [os.getloadavg()[0]]
    got: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _ in range(args.rounds):
        for name, action in work.items():
            for s, side in sides.items():
                c0 = pids_cpu([side.pid])
                for _ in range(args.n):
                    action(side)
                got[(name, s)].append(1000 * (pids_cpu([side.pid]) - c0) / args.n)
        loads.append(os.getloadavg()[0])
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.rounds} alternating rounds of {args.n}, office "
          f"{args.office} of {args.province} vs office 1 of {args.single}; "
          f"1-min load {min(loads):.1f}–{max(loads):.1f}")
    print("| statements (rolled back) | province server CPU ms | single server CPU ms | province − single | "
          "province / single |")
    print("| --- | --- | --- | --- | --- |")
    for name in work:
        p, q = (statistics.median(got[(name, s)]) for s in sides)
        print(f"| {name} | {p:.3f} | {q:.3f} | {p - q:+.3f} | {p / q if q else float('nan'):.2f} |")
    if args.buffers:
        for side in sides.values():
            for _ in range(args.n):
                side.counted()
        print("\nBuffers per call + no-show (hit + read), by relation:\n")
        print("| relation | " + " | ".join(sides) + " |")
        print("| --- |" + " --- |" * len(sides))
        names = sorted({name for side in sides.values() for name in side.got})
        total = {s: [0.0, 0.0] for s in sides}
        for name in names:
            cells = []
            for s, side in sides.items():
                hit, read = side.got.get(name, (0, 0))
                total[s][0] += hit / side.n
                total[s][1] += read / side.n
                cells.append(f"{hit / side.n:.2f} + {read / side.n:.2f}" if hit or read else "")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print("| **total** | " + " | ".join(f"**{h:.2f} + {r:.2f}**" for h, r in total.values()) + " |")
    for s, side in sides.items():
        print(f"\nPlans chosen by the plan cache, {s}:\n")
        print("\n".join("    " + line for line in side.plan_choices()))
    if args.explain:
        for s, side in sides.items():
            for mode in ("force_generic_plan", "force_custom_plan"):
                print(f"\n## EXPLAIN (ANALYZE, BUFFERS), {s}, {mode}\n")
                print("\n".join("    " + line for line in side.explain(mode)))


if __name__ == "__main__":
    sys.exit(main())
