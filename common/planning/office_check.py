"""A per-hour plan checked on the office's *own* counters through the store-free engine (common/planning/engine.py).

The pooled check (verify.py) lets every counter serve every service. An office whose counters each serve a few
services, with `strict` or `oldest_first` orderings, is not one queue: a free land counter cannot take a justice
citizen. Here each day is played on :class:`~common.planning.engine.Engine` — the store's own ``call_next`` rule
(common/core/rules.next_to_call) on plain objects — with the plan's number of counters open each hour.

Which counters open: the plan says how many, not which. Counters are opened in :func:`counter_order`: one counter
of each distinct service set first (so that every service has somebody before any service has two), then the
rest, by number. A counter leaving the plan finishes its citizen first.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from common.core.clock import ManualClock
from common.core.model import Counter
from common.planning.engine import Engine
from common.planning.verify import DayResult, Plan, Verification, day_seed, summarise
from common.store import Store

DAY = date(2026, 1, 5)  # any Monday: the engine numbers tickets per day, and each simulated day is a fresh engine


def counter_order(counters: Sequence[Counter]) -> list[int]:
    """Active counters, one per distinct service set first, then the others; by number within each pass."""
    active = sorted((c for c in counters if c.active and c.services), key=lambda c: c.number)
    seen: set[frozenset[str]] = set()
    first: list[int] = []
    rest: list[int] = []
    for c in active:
        key = frozenset(c.services)
        (rest if key in seen else first).append(c.number)
        seen.add(key)
    return first + rest


def check_office(store: Store, plan: Plan, rates: Mapping[int, Mapping[str, float]], mean_s: Mapping[str, float],
                 windows: Sequence[tuple[float, float]], days: int, first_seed: int = 1, target_s: float = 1800,
                 overtime_s: float = 3600) -> Verification:
    """``days`` seeded days of per-service Poisson arrivals (``rates``: hour -> code -> per open hour) and
    exponential service (``mean_s`` per code) on the store's office, ``plan`` counters open each hour."""
    order = counter_order(store.counters())
    results = [_day(store, plan, rates, mean_s, windows, order, random.Random(day_seed(first_seed, i)), target_s,
                    overtime_s) for i in range(days)]
    return summarise(results, first_seed)


def _day(store: Store, plan: Plan, rates: Mapping[int, Mapping[str, float]], mean_s: Mapping[str, float],
         windows: Sequence[tuple[float, float]], order: list[int], rng: random.Random, target_s: float,
         overtime_s: float) -> DayResult:
    tz: ZoneInfo = store.tz
    midnight = datetime.combine(DAY, time(0), tz).timestamp()
    clock = ManualClock(datetime.fromtimestamp(midnight, tz))
    engine = Engine.for_store(store, clock, call_starts_service=True)
    serves = {n: set(d.services) for n, d in engine.counters.items()}
    events: list[tuple[float, int, str, object]] = []
    seq = 0

    def push(at: float, kind: str, arg: object) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (at, seq, kind, arg))

    for i, (a, b) in enumerate(windows):
        t, last = a, 0
        while t < b:
            hour = int(t // 3600)
            end = min(b, (hour + 1) * 3600.0)
            last = min(plan.get(hour, 0), len(order))
            push(midnight + t, "staff", last)
            for code, rate in rates.get(hour, {}).items():
                s = t
                while rate > 0:
                    s += rng.expovariate(rate / 3600)
                    if s >= end:
                        break
                    push(midnight + s, "arrive", (code, rng.expovariate(1 / mean_s[code])))
            t = end
        stop = b + overtime_s if i + 1 == len(windows) else min(b + overtime_s, windows[i + 1][0])
        push(midnight + stop, "staff", 0)
    planned: set[int] = set()
    busy: set[int] = set()
    service_s: dict[int, float] = {}

    def call(n: int, at: float) -> bool:
        ticket = engine.call_next(n, f"sim{n}")
        if ticket is None:
            return False
        busy.add(n)
        push(at + service_s.pop(ticket.id), "finish", n)
        return True

    last_at = midnight
    while events:
        at, _, kind, arg = heapq.heappop(events)
        last_at = at
        clock.set(datetime.fromtimestamp(at, tz))
        if kind == "arrive":
            assert isinstance(arg, tuple)
            code, seconds = str(arg[0]), float(arg[1])
            ticket = engine.issue_ticket(code, None, check_hours=False)
            service_s[ticket.id] = seconds
            for n in order:
                if n in planned and n not in busy and code in serves[n] and call(n, at):
                    break
        elif kind == "staff":
            wanted = set(order[:int(arg)])  # type: ignore[call-overload]
            for n in planned - wanted:
                if n not in busy:
                    engine.sign_out(n, f"sim{n}")
            for n in order:
                if n in wanted and n not in planned:
                    engine.sign_in(n, f"sim{n}")
            planned = wanted
            for n in order:
                if n in planned and n not in busy:
                    call(n, at)
        else:  # finish
            n = int(arg)  # type: ignore[call-overload]
            engine.finish_service(n, f"sim{n}")
            busy.discard(n)
            if n in planned:
                call(n, at)
            else:
                engine.sign_out(n, f"sim{n}")
    clock.set(datetime.fromtimestamp(last_at, tz))
    engine.close_day(DAY)
    within, wait_sum = 0, 0.0
    late: dict[int, int] = {}
    arrived: dict[int, int] = {}
    for done in engine.tickets:
        wait = float(done.wait_s or 0)
        wait_sum += wait
        hour = int((done.issued_at.timestamp() - midnight) // 3600)
        arrived[hour] = arrived.get(hour, 0) + 1
        if wait <= target_s:
            within += 1
        else:
            late[hour] = late.get(hour, 0) + 1
    return DayResult(len(engine.tickets), within, wait_sum, tuple(sorted(late.items())), tuple(sorted(arrived.items())))
