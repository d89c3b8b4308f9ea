"""Server CPU per hot statement, a province's office against a single office, in rolled-back transactions.

    .venv/bin/python benchmarks/plan5_stmt_cpu.py --pg postgresql://postgres@127.0.0.1:5432/test \
        --province motcua_province_XXXXXXXX --single motcua_province_YYYYYYYY [--n 300] [--rounds 5]

province_cpu.py measures whole actions; this splits the kiosk's issue into its two statements (the
day's number with its reads, then the ticket's insert with its event) and adds the row-level
policy's own function, ``motcua_offices()``, alone. Each runs n times on one connection of the
office's kiosk role (psycopg prepares it from the 5th run, as motcua's do), each in a transaction
rolled back (nothing is kept), and the backend's CPU is read from /proc before and after (the
server runs on this machine; the kernel counts in 10 ms ticks, hence n of a few hundred). The two
sides alternate round by round so that both see the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks.province_bench import END, NOW  # noqa: E402
from benchmarks.province_cpu import pids_cpu  # noqa: E402
from common.store import hotpath  # noqa: E402
from common.store.offices import role_names  # noqa: E402

DIALECT = postgresql.psycopg.dialect()


def run(conn: psycopg.Connection, stmt: Any, params: dict[str, Any]) -> Any:  # type: ignore[type-arg]
    prep = hotpath.prepared(stmt, "postgresql", DIALECT)
    return psycopg.RawCursor(conn).execute(prep.sql, prep.parameters(params), prepare=True).fetchone()  # $1 …


def statements(conn: psycopg.Connection, office: int) -> dict[str, Callable[[], None]]:  # type: ignore[type-arg]
    sid = conn.execute("SELECT id FROM services WHERE code = 'TP'").fetchone()[0]  # type: ignore[index]
    conn.rollback()
    where = {"sid": sid, "day": END, "now": NOW}

    def issue_read() -> None:
        run(conn, hotpath.issue_read("postgresql", False), where)
        conn.rollback()

    def issue_both() -> None:
        number = run(conn, hotpath.issue_read("postgresql", False), where)[0]
        values = {"service_id": sid, "number_service_id": sid, "service_day": END, "number": number,
                  "transfer_seq": 0, "code": f"A{number:03d}", "token": os.urandom(8).hex(), "status": "waiting",
                  "priority": False, "issued_at": NOW, "queued_at": NOW, "local_hour": 16,
                  "print_status": "printed", "people_ahead": 0, "estimated_wait_s": 0, "recall_count": 0,
                  "booked": False}
        params = {k: values.get(k) for k in hotpath.ISSUE_COLUMNS}
        params.update(now=NOW + timedelta(seconds=1), detail=None)
        run(conn, hotpath.issue_write("postgresql"), params)
        conn.rollback()

    def offices() -> None:
        conn.execute("SELECT motcua_offices()", prepare=True).fetchone()
        conn.rollback()

    return {"motcua_offices()": offices, "issue read": issue_read, "issue read + insert": issue_both}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL"))
    ap.add_argument("--province", required=True)
    ap.add_argument("--single", required=True)
    ap.add_argument("--office", type=int, default=2)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not args.pg:
        print("plan5_stmt_cpu: set MOTCUA_BENCH_PG_URL or --pg", file=sys.stderr)
        return 2
    sides = {"province": (args.province, role_names(args.office)["kiosk"], args.office),
             "single": (args.single, "motcua_kiosk", 1)}
    conns, work = {}, {}
    for side, (db, role, office) in sides.items():
        url = make_url(args.pg).set(drivername="postgresql", database=db, username=role)
        conn = psycopg.connect(url.render_as_string(hide_password=False))
        conns[side] = conn
        work[side] = statements(conn, office)
    pids = {side: conn.info.backend_pid for side, conn in conns.items()}
    for side in sides:  # warm: plans prepared, caches read (not counted)
        for action in work[side].values():
            for _ in range(10):
                action()
    got: dict[tuple[str, str], list[float]] = {}
    loads = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for name in work["province"]:
            for side in sides:
                c0 = pids_cpu([pids[side]])
                for _ in range(args.n):
                    work[side][name]()
                got.setdefault((name, side), []).append(1000 * (pids_cpu([pids[side]]) - c0) / args.n)
        loads.append(os.getloadavg()[0])
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.rounds} alternating rounds of {args.n}, office "
          f"{args.office} of {args.province} vs office 1 of {args.single}; "
          f"1-min load {min(loads):.1f}–{max(loads):.1f}")
    print("| statement (rolled back) | province server CPU ms | single server CPU ms | province / single |")
    print("| --- | --- | --- | --- |")
    for name in work["province"]:
        p, s = (statistics.median(got[(name, side)]) for side in ("province", "single"))
        print(f"| {name} | {p:.3f} | {s:.3f} | {p / s if s else float('nan'):.2f} |")
    for conn in conns.values():
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
