"""CPU time, not wall time, of an office's desk and dashboard in the province against a single office (issue 18).

    .venv/bin/python benchmarks/province_cpu.py --pg postgresql://postgres@127.0.0.1:5432/test \
        --province motcua_province_XXXXXXXX --single motcua_province_YYYYYYYY --rounds 15

On a shared machine wall time follows the load; CPU time does not (much). For each action this
measures the client's CPU (``time.process_time``) and the server's: the user + system ticks of
the PostgreSQL backends serving that role on that database, read from /proc/PID/stat before and
after (the server runs on this machine). Wall time is printed too (the median round; CPU is the mean
of the rounds, the kernel counting in ticks). The province's office (office 2, its own roles,
RLS on) and the single office (office 1 of a database of its own) alternate action by action,
round by round, so both see the same load.

Actions: a dashboard refresh (benchmarks/province_bench.dashboard_refresh: live tiles, History,
Charts by hour and by day, Satisfaction) for today and the month; n kiosk issues; n call_next
(each followed by an untimed no-show to free the counter).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks._tidy import no_trace  # noqa: E402
from benchmarks.province_bench import END, NOW, dashboard_refresh, owner_url, supervisor_role  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.offices import role_names  # noqa: E402
from common.store.operations import Store  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def admin_connection(pg: str) -> psycopg.Connection:  # type: ignore[type-arg]
    """An autocommit psycopg connection as the URL's user, to read pg_stat_activity."""
    return psycopg.connect(make_url(pg).set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


def pids_cpu(pids: list[int]) -> float:
    """Seconds of CPU (user + system) used so far by these server processes (the server runs here)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / TICK


def backend_cpu(admin: psycopg.Connection, database: str, roles: tuple[str, ...]) -> float:  # type: ignore[type-arg]
    """Seconds of CPU (user + system) used so far by the backends of ``roles`` on ``database``."""
    pids = [r[0] for r in admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND usename = ANY(%s)",
                                        (database, list(roles))).fetchall()]
    return pids_cpu(pids)


class Office:
    def __init__(self, url: str, office_id: int) -> None:
        self.database = make_url(url).database or ""
        names = role_names(office_id) if office_id != 1 else {"kiosk": "motcua_kiosk", "counter": "motcua_counter"}
        self.roles = {"kiosk": names["kiosk"], "counter": names["counter"], "supervisor": supervisor_role(office_id)}
        self.clock = ManualClock(NOW)

        def store(app: str) -> Store:
            return Store(connect(make_url(url).set(username=self.roles[app]).render_as_string(hide_password=False)),
                         self.clock, "Asia/Ho_Chi_Minh")
        self.kiosk, self.counter, self.supervisor = store("kiosk"), store("counter"), store("supervisor")

    def close(self) -> None:
        for s in (self.kiosk, self.counter, self.supervisor):
            s.db.engine.dispose()


def measure(admin: psycopg.Connection, office: Office, app: str,  # type: ignore[type-arg]
            action: Callable[[], None], n: int) -> tuple[float, float, float]:
    """(wall, client CPU, server CPU) in ms per action, over n actions."""
    roles = (office.roles[app],)
    s0, c0, w0 = backend_cpu(admin, office.database, roles), time.process_time(), time.perf_counter()
    for _ in range(n):
        action()
    w, c, s = time.perf_counter() - w0, time.process_time() - c0, backend_cpu(admin, office.database, roles) - s0
    return 1000 * w / n, 1000 * c / n, 1000 * s / n


def actions(o: Office) -> dict[str, tuple[str, Callable[[], None], int]]:
    def call() -> None:
        o.counter.call_next(1, "lan")
        o.clock.advance(1)  # stays within opening hours over every round
        o.counter.mark_no_show(1, "lan")

    month = END.replace(day=1)
    return {"refresh today": ("supervisor", lambda: dashboard_refresh(o.supervisor, END, END), 1),
            "refresh month": ("supervisor", lambda: dashboard_refresh(o.supervisor, month, END), 1),
            "issue": ("kiosk", lambda: (o.kiosk.issue_ticket("TP"), None)[1], 10),
            "call_next + no-show": ("counter", call, 10)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL"), required=False)
    ap.add_argument("--province", required=True, help="a database kept by province_bench.py --keep")
    ap.add_argument("--single", required=True, help="a database kept by province_bench.py --single --keep")
    ap.add_argument("--office", type=int, default=2, help="the province's office to measure (default 2)")
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    if not args.pg:
        print("province_cpu: set MOTCUA_BENCH_PG_URL or --pg", file=sys.stderr)
        return 2
    admin = admin_connection(args.pg)
    sides = {"province": Office(make_url(args.pg).set(database=args.province).render_as_string(
        hide_password=False), args.office),
             "single": Office(make_url(args.pg).set(database=args.single).render_as_string(hide_password=False), 1)}
    work = {side: actions(o) for side, o in sides.items()}
    with ExitStack() as tidy:  # the issues and calls are undone on leaving: a kept database stays reusable
        tidy.enter_context(no_trace(owner_url(args.pg, args.province), [args.office], END))
        tidy.enter_context(no_trace(owner_url(args.pg, args.single), [1], END))
        results, loads = run_rounds(admin, sides, work, args.rounds)
    report(args, sides, work, results, loads)
    for o in sides.values():
        o.close()
    admin.close()
    return 0


Work = dict[str, dict[str, tuple[str, Callable[[], None], int]]]
Results = dict[tuple[str, str], list[tuple[float, float, float]]]


def run_rounds(admin: psycopg.Connection, sides: dict[str, Office], work: Work,  # type: ignore[type-arg]
               rounds: int) -> tuple[Results, list[float]]:
    """Warm both sides, then alternate them action by action for ``rounds`` rounds."""
    for side in sides:  # warm: pools, plans, caches (not counted)
        for _app, action, _n in work[side].values():
            action()
    results: Results = {}
    loads = [os.getloadavg()[0]]
    for _ in range(rounds):
        for name in work["province"]:
            for side, o in sides.items():
                app, action, n = work[side][name]
                results.setdefault((name, side), []).append(measure(admin, o, app, action, n))
        loads.append(os.getloadavg()[0])
    return results, loads


def report(args: argparse.Namespace, sides: dict[str, Office], work: Work, results: Results,
           loads: list[float]) -> None:
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.rounds} alternating rounds, office {args.office} of "
          f"{args.province} vs office 1 of {args.single}; 1-min load {min(loads):.1f}–{max(loads):.1f}")
    print("| action | side | wall ms | client CPU ms | server CPU ms | client + server CPU ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in work["province"]:
        for side in sides:
            rows = results[(name, side)]
            # Wall: the median round. CPU: the mean (the kernel counts backend CPU in 10 ms ticks).
            w, c, s = statistics.median(r[0] for r in rows), *(statistics.mean(r[i] for r in rows) for i in (1, 2))
            print(f"| {name} | {side} | {w:.1f} | {c:.1f} | {s:.1f} | {c + s:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
