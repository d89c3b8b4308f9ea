"""Where the kiosk issue's insert touches buffers, index by index: a province's office against a single office.

    .venv/bin/python benchmarks/prov6_buffers.py --pg postgresql://postgres@127.0.0.1:5432/test \
        --province motcua_province_XXXXXXXX --single motcua_province_YYYYYYYY [--office 2] [--n 200] [--rounds 3]

The issue's insert (common.store.hotpath.issue_write: the ticket, its ``issued`` event, the
notification, in one statement) runs n times per round on one connection of the office's kiosk
role, each after its issue_read and in a transaction that is rolled back (nothing is kept; the
office's numbers are not used up). Around the insert alone, in the same transaction, the
backend's own counters ``pg_stat_get_xact_blocks_fetched/hit`` are read for every table and
index of the schema: the delta is what that one insert touched, relation by relation, from
shared buffers (hit) or from outside them (read: the OS cache or the disk). Other sessions on
the same database do not enter these counters (pg_statio_user_indexes would mix them in).

Two token kinds alternate, round by round and side by side, under the same load:
``random``, ``secrets.token_urlsafe(16)`` (motcua before prov6), and ``hour``,
``common.core.tokens.ticket_token`` (the hour first, then the same 16 random bytes).

With ``--cpu``, instead of the counters: the backend's CPU (/proc, as plan5_stmt_cpu.py) per issue
read + insert, the median of the rounds.

With ``--explain``, one ``EXPLAIN (ANALYZE, BUFFERS)`` of the insert per side and kind is printed
too (rolled back).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as psql
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks.province_bench import END, NOW  # noqa: E402
from benchmarks.province_cpu import pids_cpu  # noqa: E402
from common.core.tokens import ticket_token  # noqa: E402
from common.store import hotpath  # noqa: E402
from common.store.offices import role_names  # noqa: E402

DIALECT = postgresql.psycopg.dialect()
TOKENS: dict[str, Callable[[], str]] = {
    "random": lambda: secrets.token_urlsafe(16),
    "hour": lambda: ticket_token(NOW.timestamp()),
}
COUNTS = ("SELECT r, pg_stat_get_xact_blocks_fetched(r), pg_stat_get_xact_blocks_hit(r) "
          "FROM unnest(%s::oid[]) AS r")


def run(conn: psycopg.Connection, stmt: Any, params: dict[str, Any]) -> Any:  # type: ignore[type-arg]
    prep = hotpath.prepared(stmt, "postgresql", DIALECT)
    return psycopg.RawCursor(conn).execute(prep.sql, prep.parameters(params), prepare=True).fetchone()


def relations(conn: psycopg.Connection) -> dict[int, str]:  # type: ignore[type-arg]
    """Every table and index of the public schema (oid → name)."""
    rows = conn.execute("SELECT c.oid::int, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')").fetchall()
    return dict(rows)


def counts(conn: psycopg.Connection, oids: list[int]) -> dict[int, tuple[int, int]]:  # type: ignore[type-arg]
    return {r: (f, h) for r, f, h in conn.execute(COUNTS, (oids,)).fetchall()}


class Side:
    def __init__(self, pg: str, db: str, office: int) -> None:
        role = role_names(office)["kiosk"] if office != 1 else "motcua_kiosk"
        url = make_url(pg).set(drivername="postgresql", database=db, username=role)
        self.conn = psycopg.connect(url.render_as_string(hide_password=False))
        self.names = relations(self.conn)
        self.oids = list(self.names)
        self.sid = self.conn.execute("SELECT id FROM services WHERE code = 'TP'").fetchone()[0]  # type: ignore[index]
        self.conn.rollback()
        # per token kind: relation → [hit, read] summed over the inserts
        self.got: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        self.n: dict[str, int] = defaultdict(int)

    def params(self, token: str) -> dict[str, Any]:
        number = run(self.conn, hotpath.issue_read("postgresql", False), {"sid": self.sid, "day": END, "now": NOW})[0]
        values = {"service_id": self.sid, "number_service_id": self.sid, "service_day": END, "number": number,
                  "transfer_seq": 0, "code": f"A{number:03d}", "token": token, "status": "waiting",
                  "priority": False, "issued_at": NOW, "queued_at": NOW, "local_hour": 16,
                  "print_status": "printed", "people_ahead": 0, "estimated_wait_s": 0, "recall_count": 0,
                  "booked": False}
        params = {k: values.get(k) for k in hotpath.ISSUE_COLUMNS}
        params.update(now=NOW + timedelta(seconds=1), detail=None)
        return params

    def plain(self, kind: str) -> None:
        """One issue read and insert, rolled back, without the counters (for --cpu)."""
        run(self.conn, hotpath.issue_write("postgresql"), self.params(TOKENS[kind]()))
        self.conn.rollback()

    def insert(self, kind: str, record: bool = True) -> None:
        params = self.params(TOKENS[kind]())
        before = counts(self.conn, self.oids)
        run(self.conn, hotpath.issue_write("postgresql"), params)
        after = counts(self.conn, self.oids)
        self.conn.rollback()
        if not record:
            return
        self.n[kind] += 1
        for oid, (f1, h1) in after.items():
            f0, h0 = before[oid]
            if f1 - f0:
                cell = self.got[kind][self.names[oid]]
                cell[0] += h1 - h0
                cell[1] += (f1 - f0) - (h1 - h0)

    def explain(self, kind: str) -> list[str]:
        prep = hotpath.prepared(hotpath.issue_write("postgresql"), "postgresql", DIALECT)
        try:
            args = prep.parameters(self.params(TOKENS[kind]()))
            self.conn.execute(f"PREPARE prov6_ins AS {prep.sql}")
            values = psql.SQL(", ").join(psql.Literal(a) for a in args)
            q = psql.SQL("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON) EXECUTE prov6_ins ({})").format(values)
            return [r[0] for r in self.conn.execute(q).fetchall()]
        finally:
            self.conn.rollback()
            self.conn.execute("DEALLOCATE ALL")
            self.conn.rollback()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL"))
    ap.add_argument("--province", required=True)
    ap.add_argument("--single", required=True)
    ap.add_argument("--office", type=int, default=2)
    ap.add_argument("--n", type=int, default=200, help="inserts per side, kind and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--kinds", default="random,hour", help="token kinds, in the order each round runs them")
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--cpu", action="store_true",
                    help="instead of the counters: the backend's CPU (/proc) per issue read + insert, median of rounds")
    args = ap.parse_args()
    if not args.pg:
        print("prov6_buffers: set MOTCUA_BENCH_PG_URL or --pg", file=sys.stderr)
        return 2
    kinds = args.kinds.split(",")
    sides = {"province": Side(args.pg, args.province, args.office), "single": Side(args.pg, args.single, 1)}
    for side in sides.values():  # plans prepared (psycopg prepares from the 5th run), catalogs cached; not counted
        for kind in kinds:
            for _ in range(10):
                side.insert(kind, record=False)
    loads = [os.getloadavg()[0]]
    if args.cpu:
        return cpu(args, sides, kinds, loads)
    for _ in range(args.rounds):
        for kind in kinds:
            for side in sides.values():
                for _ in range(args.n):
                    side.insert(kind)
        loads.append(os.getloadavg()[0])
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.rounds} rounds × {args.n} inserts per side and token "
          f"kind, office {args.office} of {args.province} vs office 1 of {args.single}; "
          f"1-min load {min(loads):.1f}–{max(loads):.1f}")
    print("Buffers per insert (hit + read; read = not in shared buffers), by relation:\n")
    header = " | ".join(f"{s} {k}" for k in kinds for s in sides)
    print(f"| relation | {header} |")
    print("| --- |" + " --- |" * (len(kinds) * len(sides)))
    names = sorted({name for s in sides.values() for k in kinds for name in s.got[k]})
    total = {(s, k): [0.0, 0.0] for k in kinds for s in sides}
    for name in names:
        cells = []
        for kind in kinds:
            for s, side in sides.items():
                hit, read = side.got[kind].get(name, (0, 0))
                n = side.n[kind]
                total[(s, kind)][0] += hit / n
                total[(s, kind)][1] += read / n
                cells.append(f"{hit / n:.2f} + {read / n:.2f}" if hit or read else "")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| **total** | " + " | ".join(f"**{h:.2f} + {r:.2f}**" for (h, r) in
                                         (total[(s, k)] for k in kinds for s in sides)) + " |")
    if args.explain:
        for kind in kinds:
            for s, side in sides.items():
                print(f"\n## EXPLAIN (ANALYZE, BUFFERS) of the insert, {s}, token {kind}\n")
                print("\n".join("    " + line for line in side.explain(kind)))
    for side in sides.values():
        side.conn.close()
    return 0


def cpu(args: argparse.Namespace, sides: dict[str, Side], kinds: list[str], loads: list[float]) -> int:
    """Server CPU per issue read + insert (rolled back), sides and kinds alternating round by round."""
    got: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _ in range(args.rounds):
        for kind in kinds:
            for s, side in sides.items():
                pid = side.conn.info.backend_pid
                c0 = pids_cpu([pid])
                for _ in range(args.n):
                    side.plain(kind)
                got[(s, kind)].append(1000 * (pids_cpu([pid]) - c0) / args.n)
        loads.append(os.getloadavg()[0])
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.rounds} rounds × {args.n} issue reads + inserts (rolled "
          f"back) per side and token kind, office {args.office} of {args.province} vs office 1 of {args.single}; "
          f"1-min load {min(loads):.1f}–{max(loads):.1f}")
    print("| token | province server CPU ms | single server CPU ms | province / single |")
    print("| --- | --- | --- | --- |")
    for kind in kinds:
        p, q = (statistics.median(got[(s, kind)]) for s in sides)
        print(f"| {kind} | {p:.3f} | {q:.3f} | {p / q if q else float('nan'):.2f} |")
    for side in sides.values():
        side.conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
