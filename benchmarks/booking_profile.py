"""One booking and one refusal, end to end, on both sides of the socket (issue 19, book4).

    .venv/bin/python benchmarks/booking_profile.py --pg postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/booking_profile.py            # SQLite

Through ``BookingSite.respond`` (the status server's booking path without the socket), in one thread:
``--places`` bookings (each into a slot with room) with a phone number, then ``--refusals`` POSTs for
those slots, now full, all answered by the store (the in-process full mark off). For each kind it prints
this process's CPU a request (``time.process_time``), the PostgreSQL backends' CPU a request (the
scratch database's backends, ``/proc/PID/schedstat``: nanoseconds on a CPU, which load does not change),
and the statements a request (SQLAlchemy's ``before_cursor_execute``; the pool's pre-ping, BEGIN and
COMMIT are not statements there and are counted by the server's ``pg_stat_database`` as transactions).
``--profile FILE`` also writes a cProfile of the refusals and the bookings.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import display.booking_site as booking_site  # noqa: E402
from benchmarks.booking_bench import backend_ns, drop_pg, scratch_pg  # noqa: E402
from common.config import load_config  # noqa: E402
from common.core.bookings import AppointmentPlan, ServicePlan  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.operations import Store  # noqa: E402
from display.status_site import RateLimiter  # noqa: E402


def xacts(url: str | None) -> int:
    if url is None:
        return 0
    import psycopg
    from sqlalchemy import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", (parsed.database,)
        ).fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--places", type=int, default=100, help="bookings made (one slot each has room for them)")
    p.add_argument("--refusals", type=int, default=300)
    p.add_argument("--pg", metavar="URL")
    p.add_argument("--profile", metavar="FILE")
    p.add_argument("--no-contact", action="store_true", help="book without a phone number (as booking_bench)")
    args = p.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="motcua-booking-profile-")
    handle = None
    url = f"sqlite:///{folder.name}/profile.db"
    pg_url = None
    if args.pg:
        url, handle = scratch_pg(args.pg)
        pg_url = url
    store = Store(connect(url))
    # Every slot holds all the bookings, so each booking is a place taken and each later POST a refusal.
    plan = AppointmentPlan(
        max_active_per_contact=10**6,
        services={"TP": ServicePlan("TP", 15, args.places, (1, 2, 3, 4, 5, 6, 7), ((dtime(7, 30), dtime(11, 0)),), 14)},
    )
    store.load_office(replace(load_config(ROOT / "assets" / "office.example.toml").office, appointments=plan))
    day = next(d for d in store.booking_days("TP") if d > store.today)
    hhmm = store.booking_slots("TP", day)[0].start.astimezone(store.tz).strftime("%H:%M")
    booking_site.FULL_SECONDS = 0.0  # every refusal from the database
    site = booking_site.BookingSite(
        store, "profile", tz=store.tz, limiter=RateLimiter(), post_limiter=RateLimiter(burst=10**9)
    )
    site.offered()
    path = f"/dat-lich/TP/{day.isoformat()}"
    statements = [0]

    from sqlalchemy import event

    @event.listens_for(store.db.engine, "before_cursor_execute")
    def _count(*_a: Any) -> None:
        statements[0] += 1

    def run(n: int, contact: bool, expect: int, profiler: cProfile.Profile | None) -> tuple[float, float, float, float]:
        statements[0] = 0
        x0, ns0, cpu0 = xacts(pg_url), backend_ns(pg_url), time.process_time()
        if profiler is not None:
            profiler.enable()
        for i in range(n):
            phone = f"09{i:08d}" if contact else ""
            body = f"gio={hhmm}&lien_he={phone}".encode()
            status = site.respond("POST", path, f"127.0.{i // 250}.{1 + i % 250}", body).status
            assert status == expect, (status, i)
        if profiler is not None:
            profiler.disable()
        cpu = time.process_time() - cpu0
        ns = backend_ns(pg_url) - ns0
        x = xacts(pg_url) - x0 - 1  # the admin's own read of the figure
        return cpu / n * 1000, ns / n / 1e6, statements[0] / n, x / n

    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    warm = run(3, not args.no_contact, 303, None)  # connections opened, statements prepared
    del warm
    booked = run(args.places - 3, not args.no_contact, 303, profiler)
    refused = run(args.refusals, not args.no_contact, 409, profiler)
    if profiler is not None:
        profiler.dump_stats(args.profile)
    kind = "PostgreSQL" if args.pg else "SQLite"
    for name, (cpu, server, stmts, tx) in (("booking", booked), ("refusal", refused)):
        print(
            f"{kind} {name}: client CPU {cpu:.3f} ms, server CPU {server:.3f} ms a request; "
            f"{stmts:.1f} statements, {tx:.2f} transactions a request"
        )
    print(f"loadavg before {load}; pid {os.getpid()}")
    store.db.engine.dispose()
    if handle is not None:
        drop_pg(handle)
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
