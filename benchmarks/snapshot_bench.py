"""The snapshot every desk, board and kiosk reads on each change in its office: statements and time per read.

    .venv/bin/python benchmarks/snapshot_bench.py --backend both --n 200

The example office (assets/office.example.toml, 8 counters, 6 services) at mid-morning: 60 tickets
issued, 20 served, 4 counters busy, 2 tickets on hold, 4 checked-in bookings waiting. Prints the load
average, then per backend the statements one snapshot sends and the median and p90 wall and client
CPU of a snapshot (ms). Figures: docs/benchmarks/snapshot8.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import create_engine, event, text  # noqa: E402

from common.config import load_config  # noqa: E402
from common.core.bookings import AppointmentPlan, ServicePlan  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.store import Store  # noqa: E402
from common.store.db import Database, connect, make_engine, upgrade  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PLAN = AppointmentPlan(max_active_per_contact=2, services={
    "TP": ServicePlan("TP", slot_minutes=15, capacity=4, remote_number=False)})


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 25, hour, minute, tzinfo=TZ)


def mid_morning(url: str) -> Store:
    clock = ManualClock(at(8, 0))
    store = Store(connect(url), clock, TZ)
    store.load_office(replace(load_config(ROOT / "assets" / "office.example.toml").office, appointments=PLAN))
    clerks = ((1, "lan"), (2, "minh"), (3, "hoa"), (8, "tuan"))
    for counter, clerk in clerks:
        store.sign_in(counter, clerk)
    bookings = [store.book("TP", at(10, 45), None) for _ in range(4)]
    services = ("TP", "CT", "DD", "KD", "XD", "TP")
    for i in range(60):
        store.issue_ticket(services[i % len(services)])
        clock.advance(timedelta(seconds=30))
    for i in range(20):
        counter, clerk = clerks[i % 3]
        if store.call_next(counter, clerk) is not None:
            store.start_service(counter, clerk)
            clock.advance(timedelta(minutes=2 + i % 5))
            store.finish_service(counter, clerk)
    for counter, clerk in clerks[:2]:
        store.call_next(counter, clerk)
        store.hold(counter, clerk)
    for counter, clerk in clerks:
        store.call_next(counter, clerk)
    clock.set(at(10, 35))
    for b in bookings:
        store.check_in(b.code)
    return store


def measure(url: str, n: int) -> tuple[int, list[float], list[float]]:
    store = mid_morning(url)
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(store.db.engine, "before_cursor_execute", count)
    store.snapshot()
    event.remove(store.db.engine, "before_cursor_execute", count)
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        store.snapshot()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    store.db.engine.dispose()
    return len(sent), wall, cpu


def ms(samples: list[float], q: float) -> str:
    """The median (q = 0.5) or the 90th percentile (q = 0.9), in ms."""
    value = statistics.quantiles(samples, n=10)[8] if q == 0.9 else statistics.median(samples)
    return f"{value * 1000:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}")
    print("| backend | statements | wall median ms | wall p90 ms | CPU median ms | CPU p90 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for backend in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
        if backend == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='motcua-snap-')}/office.sqlite3"
            got = measure(url, args.n)
        else:
            admin = create_engine(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1),
                                  isolation_level="AUTOCOMMIT")
            name = f"motcua_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            try:
                db = Database(make_engine(url), url)
                upgrade(db)
                db.engine.dispose()
                got = measure(url, args.n)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
        statements, wall, cpu = got
        print(f"| {backend} | {statements} | {ms(wall, 0.5)} | {ms(wall, 0.9)} | {ms(cpu, 0.5)} | {ms(cpu, 0.9)} |",
              flush=True)


if __name__ == "__main__":
    main()
