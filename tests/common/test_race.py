"""Counters and kiosks racing each other from REAL separate processes (spawn), on SQLite and PostgreSQL.

The failures earlier systems shipped (NovoSGA #290/#367, MADO-queue #1) were two
counters getting one ticket and two kiosks printing one number. Each test starts
its processes behind a barrier so that they hit the database together, then
checks the database: every ticket called exactly once, numbers unique and gapless.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter as Tally
from collections.abc import Callable
from datetime import timedelta
from itertools import combinations
from typing import Any

import pytest
from sqlalchemy import text

from common.core.clock import ManualClock
from common.store import Store
from common.store.db import connect
from tests.common import race_workers
from tests.conftest import MORNING

pytestmark = pytest.mark.slow
SPAWN = multiprocessing.get_context("spawn")


def run_processes(target: Callable[..., None], args_for: list[tuple[Any, ...]]) -> dict[int, Any]:
    """Start one spawned process per args tuple (plus barrier and queue); return each worker's result."""
    barrier, queue = SPAWN.Barrier(len(args_for)), SPAWN.Queue()
    procs = [SPAWN.Process(target=target, args=(*args, barrier, queue)) for args in args_for]
    for p in procs:
        p.start()
    results: dict[int, Any] = {}
    errors = []
    for _ in procs:
        status, worker, payload = queue.get(timeout=180)
        if status == "error":
            errors.append(f"worker {worker}:\n{payload}")
        results[worker] = payload
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0, f"process {p.pid} exited with {p.exitcode}"
    assert not errors, "\n".join(errors)
    return results


def overlapping(spans: dict[int, list[tuple[float, float]]]) -> int:
    """How many pairs of operations from different processes were in flight at the same time."""
    pairs = 0
    for (_, a), (_, b) in combinations(spans.items(), 2):
        pairs += sum(1 for s1, e1 in a for s2, e2 in b if s1 < e2 and s2 < e1)
    return pairs


def fresh_store(url: str, counters: int) -> Store:
    store = Store(connect(url), ManualClock(MORNING), "Asia/Ho_Chi_Minh")
    store.load_office(race_workers.race_office(counters))
    return store


@pytest.mark.parametrize("processes", [8])
def test_counters_calling_at_once_never_share_a_ticket(db_url: str, processes: int) -> None:
    store = fresh_store(db_url, processes)
    tickets = 30 * processes
    issued = {store.issue_ticket(race_workers.SERVICES[i % 2]).ticket.id for i in range(tickets)}
    store.db.engine.dispose()

    results = run_processes(race_workers.call_until_empty,
                            [(db_url, MORNING, counter) for counter in range(1, processes + 1)])

    called = [ticket_id for calls in results.values() for ticket_id, _, _ in calls]
    assert len(called) == len(set(called)), "a ticket was called by two counters"
    assert set(called) == issued, "a ticket was never called"
    assert sum(1 for calls in results.values() if calls) >= 2, "only one counter got work: no race happened"
    assert overlapping({w: [(s, e) for _, s, e in calls] for w, calls in results.items()}) > 0
    with store.db.engine.connect() as conn:
        statuses = Tally(s for (s,) in conn.execute(text("SELECT status FROM tickets")))
        call_events = Tally(t for (t,) in conn.execute(text("SELECT ticket_id FROM events WHERE kind = 'called'")))
        counter_of = dict(conn.execute(text("SELECT id, counter_id FROM tickets")).all())
    assert statuses == {"done": tickets}
    assert set(call_events.values()) == {1} and set(call_events) == issued  # the audit log agrees
    assert all(counter_of[t] is not None for t in issued)
    store.db.engine.dispose()


@pytest.mark.parametrize("processes", [6])
def test_kiosks_issuing_at_once_get_unique_gapless_numbers(db_url: str, processes: int) -> None:
    store = fresh_store(db_url, 1)
    per_process = 25
    store.db.engine.dispose()

    results = run_processes(race_workers.issue_many,
                            [(db_url, MORNING, worker, per_process) for worker in range(processes)])

    rows = [row for issued in results.values() for row in issued]
    assert len(rows) == processes * per_process
    for service in race_workers.SERVICES:
        numbers = sorted(number for svc, number, *_ in rows if svc == service)
        assert numbers == list(range(1, len(numbers) + 1)), f"{service}: numbers repeat or skip"
    assert len({r[2] for r in rows}) == len(rows) and len({r[3] for r in rows}) == len(rows)
    assert overlapping({w: [(s, e) for *_, s, e in issued] for w, issued in results.items()}) > 0
    with store.db.engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*), count(DISTINCT code) FROM tickets")).one()
        issued_events = conn.execute(text("SELECT count(*) FROM events WHERE kind = 'issued'")).scalar()
        counters = dict(conn.execute(text(
            "SELECT s.code, d.issued FROM daily_numbers d JOIN services s ON s.id = d.service_id")).all())
    assert tuple(stored) == (len(rows), len(rows))
    assert issued_events == len(rows)
    assert sum(counters.values()) == len(rows)
    store.db.engine.dispose()


def test_first_sign_ins_of_the_day_expire_yesterday_once(db_url: str) -> None:
    processes, waiting = 8, 300
    store = fresh_store(db_url, processes)
    for i in range(waiting):
        store.issue_ticket(race_workers.SERVICES[i % 2])
    store.db.engine.dispose()
    next_morning = MORNING + timedelta(days=1)

    run_processes(race_workers.sign_in_at_once, [(db_url, next_morning, c) for c in range(1, processes + 1)])

    with store.db.engine.connect() as conn:
        statuses = Tally(s for (s,) in conn.execute(text("SELECT status FROM tickets")))
        expired = Tally(t for (t,) in conn.execute(text("SELECT ticket_id FROM events WHERE kind = 'expired'")))
    assert statuses == {"expired": waiting}
    assert len(expired) == waiting and set(expired.values()) == {1}, "a ticket was expired twice in the audit log"
    store.db.engine.dispose()
