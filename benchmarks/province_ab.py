"""Server CPU of an office's desk cycle on several databases, interleaved (A/B of schema or policy changes).

    .venv/bin/python benchmarks/province_ab.py --pg postgresql://postgres@127.0.0.1:5432/test --seconds 90 \
        prov4_old:2 prov4_new:2 motcua_province_YYYYYYYY:1

Each DATABASE:OFFICE runs the same cycle through the Store as that office's own kiosk and counter
roles (office 1: motcua_kiosk and motcua_counter): issue a ticket, call_next, no-show. The sides
take turns in blocks of 10 cycles for --seconds, so they share the machine's load minute by minute.
Printed per cycle: the server's CPU (user + system ticks of that side's two backends, from
/proc/PID/stat: the server runs on this machine), the client's (time.process_time, all sides in one
process, so only roughly split) and the median block's wall time. Use copies of one database
(CREATE DATABASE x TEMPLATE y) to compare a change with identical data; ``--week N`` moves the day
N weeks after the loader's last day, so that reruns do not run out of numbers (999 a day).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks.province_bench import NOW  # noqa: E402
from benchmarks.province_cpu import admin_connection, pids_cpu  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.offices import role_names  # noqa: E402
from common.store.operations import Store  # noqa: E402


class Side:
    def __init__(self, pg: str, spec: str, admin: psycopg.Connection, week: int) -> None:  # type: ignore[type-arg]
        self.label = spec
        database, office = spec.rsplit(":", 1)
        names = role_names(int(office)) if int(office) != 1 else {"kiosk": "motcua_kiosk", "counter": "motcua_counter"}
        self.clock = ManualClock(NOW + timedelta(days=7 * week))
        url = make_url(pg).set(database=database)

        def store(role: str) -> Store:
            return Store(connect(url.set(username=role).render_as_string(hide_password=False)), self.clock,
                         "Asia/Ho_Chi_Minh")

        self.kiosk, self.counter = store(names["kiosk"]), store(names["counter"])
        for _ in range(20):  # warm: pools, prepared statements, caches (not counted)
            self.cycle()
        self.pids = [r[0] for r in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND usename = ANY(%s)",
            (database, [names["kiosk"], names["counter"]])).fetchall()]
        self.server = self.client = 0.0
        self.n = 0
        self.walls: list[float] = []

    def cycle(self) -> None:
        self.kiosk.issue_ticket("TP")
        self.counter.call_next(1, "lan")
        self.clock.advance(1)
        self.counter.mark_no_show(1, "lan")

    def cpu(self) -> float:
        return pids_cpu(self.pids)

    def block(self, n: int) -> None:
        s0, c0, w0 = self.cpu(), time.process_time(), time.perf_counter()
        for _ in range(n):
            self.cycle()
        self.walls.append((time.perf_counter() - w0) / n)
        self.server += self.cpu() - s0
        self.client += time.process_time() - c0
        self.n += n

    def close(self) -> None:
        self.kiosk.db.engine.dispose()
        self.counter.db.engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sides", nargs="+", metavar="DATABASE:OFFICE")
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL"))
    ap.add_argument("--seconds", type=float, default=90)
    ap.add_argument("--week", type=int, default=1, help="the day: N weeks after the loader's last day")
    args = ap.parse_args()
    if not args.pg:
        print("province_ab: set MOTCUA_BENCH_PG_URL or --pg", file=sys.stderr)
        return 2
    admin = admin_connection(args.pg)
    sides = [Side(args.pg, spec, admin, args.week) for spec in args.sides]
    loads = [os.getloadavg()[0]]
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < args.seconds:
        for side in sides:
            side.block(10)
        loads.append(os.getloadavg()[0])
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, 1-min load {min(loads):.1f}-{max(loads):.1f}; "
          "per cycle (issue + call_next + no-show), ms")
    print("| database:office | cycles | server CPU | client CPU | wall (median block) |")
    print("| --- | --- | --- | --- | --- |")
    for s in sides:
        print(f"| {s.label} | {s.n} | {1000 * s.server / s.n:.2f} | {1000 * s.client / s.n:.2f} | "
              f"{1000 * statistics.median(s.walls):.1f} |")
        s.close()
    admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
