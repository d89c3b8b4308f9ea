"""Booking check-in (issue 19): scan → committed ticket, on a SQLite file; CPU time, wall time and statements.

    .venv/bin/python benchmarks/checkin_bench.py [--bookings 200]

Books ``--bookings`` places over the morning's slots of the example office's TP plan, then checks each in
inside its window (the store's manual clock moves to each slot), timing ``Store.check_in`` alone. The target
(issue 19) is scan → ticket on screen ≤ 150 ms median; the kiosk's own drawing is not included. The machine is
shared: the page records /proc/loadavg, and CPU time (time.process_time), which load does not inflate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import event  # noqa: E402

from common.config import load_config  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.store import Store  # noqa: E402
from common.store.db import connect  # noqa: E402

TZ_NAME = "Asia/Ho_Chi_Minh"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=200, help="bookings to check in (default: 200)")
    args = parser.parse_args()
    config = load_config(ROOT / "assets" / "office.example.toml")
    tz = config.tz
    day = datetime(2026, 11, 25, tzinfo=tz)  # a Wednesday
    clock = ManualClock(day.replace(hour=6))
    with tempfile.TemporaryDirectory() as folder:
        store = Store(connect(f"sqlite:///{Path(folder) / 'bench.sqlite3'}"), clock, TZ_NAME)
        store.load_office(config.office)
        plan = config.office.appointments.services["TP"]
        slots = list(plan.slot_starts(day.date(), tz))
        big = {"TP": replace(plan, capacity=args.bookings)}  # every booking finds a place
        store.load_office(replace(config.office, appointments=replace(config.office.appointments, services=big)))
        codes = [(slots[i % len(slots)], store.book("TP", slots[i % len(slots)], None).code)
                 for i in range(args.bookings)]
        codes.sort()
        statements = 0

        def count(*_a: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(store.db.engine, "before_cursor_execute", count)
        cpu, wall, per_call = [], [], []
        for slot, code in codes:
            clock.set(slot - timedelta(minutes=5))
            before = statements
            c0, w0 = time.process_time(), time.perf_counter()
            done = store.check_in(code)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
            per_call.append(statements - before)
            assert done.on_time and done.ticket.booked
        store.db.engine.dispose()
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"check-in, SQLite, {len(codes)} bookings: CPU median {1000 * statistics.median(cpu):.1f} ms, "
          f"wall median {1000 * statistics.median(wall):.1f} ms, wall p95 "
          f"{1000 * sorted(wall)[int(0.95 * len(wall))]:.1f} ms, statements per check-in "
          f"{statistics.median(per_call):.0f}; loadavg {' '.join(load)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
