"""Server CPU of the booking path without HTTP (issue 19, appt3): 200 POSTs for one slot of 50 places
through ``BookingSite.respond`` in one thread, the full-slot memory off, so every one runs ``Store.book``.

    .venv/bin/python benchmarks/booking_cpu.py [--clients 200] [--places 50] [--pg URL]

Prints the answers by status and the process CPU (``time.process_time``) a request, with the load average.
Run a checkout's copy of this file to measure that checkout (A/B: the same venv, one after the other).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import display.booking_site as booking_site  # noqa: E402
from benchmarks.booking_bench import drop_pg, scratch_pg  # noqa: E402
from common.config import load_config  # noqa: E402
from common.core.bookings import AppointmentPlan, ServicePlan  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.operations import Store  # noqa: E402
from display.status_site import RateLimiter  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--places", type=int, default=50)
    p.add_argument("--pg", metavar="URL")
    args = p.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="motcua-booking-cpu-")
    handle = None
    url = f"sqlite:///{folder.name}/cpu.db"
    if args.pg:
        url, handle = scratch_pg(args.pg)
    store = Store(connect(url))
    plan = AppointmentPlan(services={"TP": ServicePlan("TP", 15, args.places, (1, 2, 3, 4, 5, 6, 7),
                                                       ((dtime(7, 30), dtime(11, 0)),), 14)})
    store.load_office(replace(load_config(ROOT / "assets" / "office.example.toml").office, appointments=plan))
    day = next(d for d in store.booking_days("TP") if d > store.today)
    hhmm = store.booking_slots("TP", day)[0].start.astimezone(store.tz).strftime("%H:%M")
    booking_site.FULL_SECONDS = 0.0  # every refusal from the database, none from memory
    site = booking_site.BookingSite(store, "cpu", tz=store.tz, limiter=RateLimiter())
    site.offered()
    path, body = f"/dat-lich/TP/{day.isoformat()}", f"gio={hhmm}".encode()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    answers: dict[int, int] = {}
    began = time.process_time()
    for i in range(args.clients):
        status = site.respond("POST", path, f"127.0.{i // 250}.{1 + i % 250}", body).status
        answers[status] = answers.get(status, 0) + 1
    cpu = time.process_time() - began
    print(f"{'PostgreSQL' if args.pg else 'SQLite'}: {args.clients} POSTs for {args.places} places through "
          f"Store.book: {dict(sorted(answers.items()))}; CPU {cpu:.3f} s = {cpu / args.clients * 1000:.2f} ms a "
          f"request; loadavg before {load}")
    store.db.engine.dispose()
    if handle is not None:
        drop_pg(handle)
    folder.cleanup()
    return 0 if answers.get(303) == args.places else 1


if __name__ == "__main__":
    raise SystemExit(main())
