"""The booking page under load (issue 19): N concurrent bookings for P places → exactly P bookings, N − P refusals.

    .venv/bin/python benchmarks/booking_bench.py [--clients 200] [--places 50]
    .venv/bin/python benchmarks/booking_bench.py --pg postgresql://postgres@127.0.0.1:5432/test

The status server (display.http_front with display.booking_site, the real ones, on the real store)
runs in this process; the phones run in a child process (their CPU is not the server's): each of
``--clients`` threads binds its own 127.0.x.y address, waits at a barrier, then POSTs the same slot
(capacity ``--places``) and times its answer (wall clock, connect to last byte). Printed: the answers
by status, p50/p99/max latency, the server process's CPU seconds over the burst, the load average.
With --pg, a scratch database is made on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.config import load_config  # noqa: E402
from common.core.bookings import AppointmentPlan, ServicePlan  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.operations import Store  # noqa: E402
from display.booking_site import BookingSite  # noqa: E402
from display.change_hub import ChangeHub  # noqa: E402
from display.http_front import HttpFront, Limits  # noqa: E402
from display.status_site import StatusSite  # noqa: E402


class TimedFront(HttpFront):
    """The real front, timing each booking request on the server: from its request read to its reply ready
    (the pool's queue included), which the phones' own scheduling on a loaded machine does not inflate."""

    served: list[float]

    async def _booked(self, request, addr, lang):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return await super()._booked(request, addr, lang)
        finally:
            self.served.append(time.perf_counter() - began)


def source(i: int) -> str:
    return f"127.0.{20 + i // 250}.{1 + i % 250}"


def phones(port: int, path: str, body: str, count: int) -> None:
    """Child process: ``count`` threads post at once; prints one JSON line of (status, seconds) pairs."""
    barrier = threading.Barrier(count)
    results: list[tuple[int, float]] = [(0, 0.0)] * count
    data = body.encode()
    request = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(data)}\r\n\r\n").encode() + data

    def one(i: int) -> None:
        barrier.wait()
        began = time.perf_counter()
        try:
            with socket.socket() as sock:
                sock.settimeout(30)
                sock.bind((source(i), 0))
                sock.connect(("127.0.0.1", port))
                sock.sendall(request)
                raw = b""
                while chunk := sock.recv(65536):
                    raw += chunk
            status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/") else 0
        except OSError:
            status = -1
        results[i] = (status, time.perf_counter() - began)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    print(json.dumps(results), flush=True)


def scratch_pg(base: str) -> tuple[str, object]:
    """A database of this run's own, migrated to head (as tests/conftest.py makes one)."""
    from sqlalchemy import create_engine, make_url, text

    from common.store.db import Database, make_engine, upgrade

    # MOTCUA_BENCH_DB_PREFIX: a shared server's scratch names can carry who made them.
    name = f"{os.environ.get('MOTCUA_BENCH_DB_PREFIX', '')}bench_booking_{os.getpid()}"
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    db = Database(make_engine(url), url)
    upgrade(db)
    db.engine.dispose()
    return url, (admin, name)


def backend_ns(url: str | None) -> int:
    """CPU nanoseconds so far of the backends connected to ``url``'s database (``/proc/PID/schedstat``, so the
    server must be on this machine and readable); 0 without a URL or when they cannot be read."""
    if url is None:
        return 0
    import psycopg
    from sqlalchemy import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                           (parsed.database,))]
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def drop_pg(handle: object) -> None:
    from sqlalchemy import text

    admin, name = handle  # type: ignore[misc]
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def burst_again(front: TimedFront, port: int, path: str, body: str, clients: int) -> str:
    """A second burst of ``clients`` at the slot, now full: one line of its answers, latency and server CPU."""
    front.served = []
    marked0 = from_mark(front)
    cpu0 = time.process_time()
    child = subprocess.run([sys.executable, __file__, "--phones", str(port), path, body, str(clients)],
                           capture_output=True, text=True, check=True)
    cpu = time.process_time() - cpu0
    marked = from_mark(front) - marked0
    results = json.loads(child.stdout.strip().splitlines()[-1])
    counts: dict[int, int] = {}
    for status, _ in results:
        counts[status] = counts.get(status, 0) + 1
    waits = sorted(s for _, s in results)
    p99 = waits[min(len(waits) - 1, int(0.99 * len(waits)))] * 1000
    return (f"again, the slot full: answers {dict(sorted(counts.items()))}; phone p99 {p99:.0f} ms; "
            f"server CPU {cpu:.2f} s ({cpu / clients * 1000:.2f} ms a request)"
            + (f"; {marked} answered from the full mark, {clients - marked} by the store" if marked0 >= 0 else ""))


def from_mark(front: HttpFront) -> int:
    """Refusals the booking site answered from its full mark so far (-1 if that site does not count them)."""
    return getattr(front.booking, "refused_from_mark", -1)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--phones":
        phones(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return 0
    p = argparse.ArgumentParser()
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--places", type=int, default=50)
    p.add_argument("--pg", metavar="URL")
    p.add_argument("--workers", type=int, default=Limits().booking_workers, help="the front's booking threads")
    p.add_argument("--again", action="store_true",
                   help="then a second burst at the slot, now full: the cost of a refusal the store is not asked for")
    args = p.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="motcua-booking-bench-")
    handle = None
    if args.pg:
        url, handle = scratch_pg(args.pg)
    else:
        url = f"sqlite:///{folder.name}/bench.db"
    store = Store(connect(url))
    config = load_config(ROOT / "assets" / "office.example.toml")
    plan = AppointmentPlan(max_active_per_contact=2, services={"TP": ServicePlan(
        "TP", slot_minutes=15, capacity=args.places, weekdays=(1, 2, 3, 4, 5, 6, 7),
        hours=((dtime(7, 30), dtime(11, 0)),), ahead_days=14)})
    store.load_office(replace(config.office, appointments=plan))
    day = next(d for d in store.booking_days("TP") if d > store.today)  # every slot of it is still to come
    slot = store.booking_slots("TP", day)[0]
    hhmm = slot.start.astimezone(store.tz).strftime("%H:%M")
    site = StatusSite("bench")
    booking = BookingSite(store, "bench", tz=store.tz, limiter=site.limiter)
    front = TimedFront(site, ChangeHub(site.event_data), "127.0.0.1", 0, booking=booking,
                       limits=Limits(booking_workers=args.workers))
    front.served = []
    port = front.start()
    booking.offered()  # the plan read once, as a running display has it
    path = f"/dat-lich/TP/{day.isoformat()}"
    ns0 = backend_ns(url if args.pg else None)
    marked0 = from_mark(front)
    cpu0 = time.process_time()
    child = subprocess.run([sys.executable, __file__, "--phones", str(port), path, f"gio={hhmm}", str(args.clients)],
                           capture_output=True, text=True, check=True)
    cpu = time.process_time() - cpu0
    pg_cpu = (backend_ns(url if args.pg else None) - ns0) / 1e9
    marked = from_mark(front) - marked0
    results = json.loads(child.stdout.strip().splitlines()[-1])
    if args.again:
        again = burst_again(front, port, path, f"gio={hhmm}", args.clients)
    front.close()
    counts: dict[int, int] = {}
    for status, _ in results:
        counts[status] = counts.get(status, 0) + 1
    waits = sorted(s for _, s in results)

    def q(f: float) -> float:
        return waits[min(len(waits) - 1, int(f * len(waits)))] * 1000

    booked = len(store.bookings_for_day(day, ["TP"]))
    served = sorted(front.served)
    s50, s99 = (served[min(len(served) - 1, int(f * len(served)))] * 1000 for f in (0.5, 0.99))
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"{'PostgreSQL' if args.pg else 'SQLite'}, {args.workers} booking threads: {args.clients} concurrent "
          f"bookings for {args.places} places → "
          f"{booked} booked; answers {dict(sorted(counts.items()))}; p50 {q(0.5):.0f} ms, p99 {q(0.99):.0f} ms, "
          f"max {waits[-1] * 1000:.0f} ms (phone side); server side p50 {s50:.0f} ms, p99 {s99:.0f} ms; "
          f"server CPU {cpu:.2f} s ({cpu / args.clients * 1000:.2f} ms a request)"
          + (f", PostgreSQL CPU {pg_cpu:.2f} s ({pg_cpu / args.clients * 1000:.2f} ms a request)" if args.pg else "")
          + (f"; {marked} of the refusals answered from the full mark" if marked0 >= 0 else "")
          + f"; loadavg {' '.join(load)}")
    if args.again:
        print(again)
    store.db.engine.dispose()
    if handle is not None:
        drop_pg(handle)
    folder.cleanup()
    ok = booked == args.places == counts.get(303, 0) and counts.get(409, 0) == args.clients - args.places
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
