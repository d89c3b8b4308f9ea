"""Code that runs in the separate processes of the race tests (spawned: it must be importable).

Every worker builds its own engine and Store from the URL, waits at a barrier so
that all of them hit the database at the same moment, and sends what it saw back
through a queue: ("ok", worker, results) or ("error", worker, traceback).
"""

from __future__ import annotations

import time
import traceback
from datetime import datetime
from typing import Any

from common.config import ClerkSpec, OfficeSpec
from common.core.clock import ManualClock
from common.core.model import Counter, Role, Service
from common.store import Store
from common.store.db import connect

SERVICES = ("RA", "RB")


def race_office(counters: int) -> OfficeSpec:
    """Two services open all day, ``counters`` counters that all serve both, one clerk each."""
    return OfficeSpec(
        services=tuple(Service(code, code[1], f"Dịch vụ {code}", f"Service {code}", number_max=9999)
                       for code in SERVICES),
        counters=tuple(Counter(n, f"Quầy {n}", SERVICES) for n in range(1, counters + 1)),
        clerks=tuple(ClerkSpec(clerk_name(n), f"Cán bộ {n}", Role.CLERK) for n in range(1, counters + 1)),
    )


def clerk_name(counter: int) -> str:
    return f"clerk{counter}"


def _store(url: str, instant: datetime) -> Store:
    # Every process sees the same service day, whatever the wall clock says.
    return Store(connect(url, upgrade_sqlite=False), ManualClock(instant), "Asia/Ho_Chi_Minh")


def _run(worker: int, queue: Any, barrier: Any, body: Any) -> None:
    try:
        barrier.wait(timeout=120)
        queue.put(("ok", worker, body()))
    except BaseException:
        queue.put(("error", worker, traceback.format_exc()))


def call_until_empty(url: str, instant: datetime, counter: int, barrier: Any, queue: Any) -> None:
    """Call, start and finish tickets at ``counter`` until nobody waits; report (id, start, end) per call."""
    store = _store(url, instant)
    clerk = clerk_name(counter)
    store.sign_in(counter, clerk)  # warms up the connection before the barrier

    def body() -> list[tuple[int, float, float]]:
        calls = []
        while True:
            began = time.monotonic()
            ticket = store.call_next(counter, clerk)
            ended = time.monotonic()
            if ticket is None:
                return calls
            calls.append((ticket.id, began, ended))
            store.start_service(counter, clerk)
            store.finish_service(counter, clerk)

    _run(counter, queue, barrier, body)
    store.db.engine.dispose()


def issue_many(url: str, instant: datetime, worker: int, count: int, barrier: Any, queue: Any) -> None:
    """Issue ``count`` tickets, alternating services; report (service, number, id, token, start, end)."""
    store = _store(url, instant)
    store.services()  # warm up the connection before the barrier

    def body() -> list[tuple[str, int, int, str, float, float]]:
        out = []
        for i in range(count):
            began = time.monotonic()
            t = store.issue_ticket(SERVICES[(worker + i) % 2]).ticket
            out.append((t.service, int(t.code[1:]), t.id, t.token or "", began, time.monotonic()))
        return out

    _run(worker, queue, barrier, body)
    store.db.engine.dispose()


def sign_in_at_once(url: str, instant: datetime, counter: int, barrier: Any, queue: Any) -> None:
    """The first sign-ins of a new day, all at once: each closes the earlier days (expires their queue)."""
    store = _store(url, instant)
    store.services()  # warm up the connection before the barrier
    _run(counter, queue, barrier, lambda: store.sign_in(counter, clerk_name(counter)))
    store.db.engine.dispose()
