"""Shared by call_next_bench.py and issue_bench.py: scratch databases, the office, the spawned workers.

Workers are separate processes (spawn), one per counter or kiosk, each with its own
engine, released together by a barrier. Each reports its latencies in seconds.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from common.config import ClerkSpec, OfficeSpec
from common.core.clock import ManualClock
from common.core.model import Counter, Role, Service
from common.store import Store
from common.store.db import Database, connect, make_engine, upgrade

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PG_SESSION_ENV = "MOTCUA_BENCH_PG_SESSION"
MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)  # one service day for every process
SERVICES = ("TP", "CT", "DD", "KD")


@contextmanager
def scratch_database(backend: str, pg_url: str) -> Iterator[str]:
    """A new, migrated database that is dropped afterwards."""
    if backend == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="motcua-bench-")) / "bench.sqlite3"
        url = f"sqlite:///{path}"
        connect(url).engine.dispose()
        yield url
        return
    admin_url = make_url(pg_url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"motcua_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    db = Database(make_engine(url), url)
    upgrade(db)
    db.engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def office(counters: int) -> OfficeSpec:
    """Four services open all day; every counter serves all four, oldest first; one clerk per counter."""
    return OfficeSpec(
        services=tuple(Service(code, chr(ord("A") + i), f"Dịch vụ {code}", f"Service {code}", number_max=9999)
                       for i, code in enumerate(SERVICES)),
        counters=tuple(Counter(n, f"Quầy {n}", SERVICES) for n in range(1, counters + 1)),
        clerks=tuple(ClerkSpec(f"clerk{n}", f"Cán bộ {n}", Role.CLERK) for n in range(1, counters + 1)),
    )


def open_store(url: str) -> Store:
    return Store(connect(url, upgrade_sqlite=False), ManualClock(MORNING), TZ)


def call_worker(url: str, counter: int, calls: int, think_ms: float, stagger: bool, barrier: Any,
                queue: Any) -> None:
    """A counter: call_next (timed), start, finish, then ``think_ms`` of serving; ``calls`` times.

    ``stagger``: each counter first waits a random part of one think time, so that the counters'
    calls spread over the think time instead of all arriving together after the barrier.
    """
    if os.environ.get(PG_SESSION_ENV):  # call_next_bench --pg-session: PostgreSQL's hot statements via Session
        from common.store import hotpath

        hotpath.RAW_DIALECTS = frozenset({"sqlite"})
    store = open_store(url)
    clerk = f"clerk{counter}"
    store.sign_in(counter, clerk)
    rng = random.Random(counter)
    latencies: list[float] = []
    cpu: list[float] = []
    barrier.wait(timeout=300)
    if stagger and think_ms:
        time.sleep(rng.uniform(0, think_ms / 1000))
    for _ in range(calls):
        began, began_cpu = time.perf_counter(), time.process_time()
        ticket = store.call_next(counter, clerk)
        latencies.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        if ticket is None:
            break
        store.start_service(counter, clerk)
        store.finish_service(counter, clerk)
        if think_ms:
            time.sleep(rng.uniform(0.5, 1.5) * think_ms / 1000)  # the clerk serving: the benchmark's pacing
    queue.put((counter, latencies, cpu))
    store.db.engine.dispose()


def issue_worker(url: str, worker: int, tickets: int, barrier: Any, queue: Any) -> None:
    """A kiosk issuing ``tickets`` tickets back to back."""
    store = open_store(url)
    store.services()
    latencies: list[float] = []
    barrier.wait(timeout=300)
    for i in range(tickets):
        began = time.perf_counter()
        store.issue_ticket(SERVICES[(worker + i) % len(SERVICES)])
        latencies.append(time.perf_counter() - began)
    queue.put((worker, latencies))
    store.db.engine.dispose()


def run_workers(ctx: Any, target: Any, args_for: list[tuple[Any, ...]], cpu: list[float] | None = None,
                warm: list[float] | None = None) -> tuple[list[float], float]:
    """Run one process per args tuple; return all latencies and the wall time from release to last result.

    Workers that also report each call's client CPU (call_worker) add it to ``cpu``; ``warm``
    gets every latency but each worker's first (its cold caches: statements compiled, modules loaded).
    """
    barrier, queue = ctx.Barrier(len(args_for) + 1), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, queue)) for args in args_for]
    for p in procs:
        p.start()
    barrier.wait(timeout=300)
    began = time.perf_counter()
    latencies: list[float] = []
    for _ in procs:
        got = queue.get(timeout=600)
        latencies += got[1]
        if warm is not None:
            warm += got[1][1:]
        if cpu is not None and len(got) > 2:
            cpu += got[2]
    wall = time.perf_counter() - began
    for p in procs:
        p.join(timeout=60)
        if p.exitcode != 0:
            raise SystemExit(f"worker {p.pid} failed with exit code {p.exitcode}")
    return latencies, wall


def percentiles(latencies: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"n": len(ms), "p50": q[49], "p90": q[89], "p99": q[98], "max": ms[-1]}
