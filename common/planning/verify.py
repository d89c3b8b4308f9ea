"""Check a staffing plan by simulating many days of its arrival profile (issue 17).

Erlang C assumes each hour is a steady state of its own; a real day carries the queue of a busy hour into the
next, and a plan that changes the number of counters every hour is not what Erlang C models. So a plan is
*verified* here: many simulated days, each with its own seed, and the share of waits within target per day.

The day is pooled (every open counter takes the next citizen, priority citizens first), with Poisson arrivals at
each hour's rate while open and exponential service. Each citizen's service time is drawn when they arrive, so
two plans run with the same seed face the *same* citizens (common random numbers): a plan with one counter more
is compared with the same day, not with luck. Pure Python and store-free: tens of days in a fraction of a second.

A counter that is still serving when its hour ends finishes that citizen first; after a window closes the last
hour's counters keep calling for ``overtime_s`` (as the simulator's day does), and whoever is still waiting then
counts as a wait up to that moment (an expired ticket: beyond target if it waited that long).

Scheduled breaks (``Profile.breaks``, the office's counters in the order a plan opens them) take a counter out
of the pool from its break's start to its end; a busy counter finishes its citizen first (then the break is
that much shorter here: the pooled counters have no identities; the engine's days in group_plan.py keep it whole).
"""

from __future__ import annotations

import heapq
import random
import statistics
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Plan = Mapping[int, int]  # local hour -> counters open


@dataclass(frozen=True)
class Profile:
    """One day's demand: arrivals per *open* hour by local hour, and the office's open windows."""

    rates: Mapping[int, float]
    windows: tuple[tuple[float, float], ...]  # seconds since local midnight, merged and sorted
    mean_service_s: float
    priority_share: float = 0.0
    overtime_s: float = 3600.0
    # Scheduled breaks of the counters in the order a plan opens them (the office's counters by number):
    # breaks[i] are counter i's (start, end), seconds since local midnight. A plan's n counters are the first n.
    breaks: tuple[tuple[tuple[float, float], ...], ...] = ()


@dataclass(frozen=True)
class DayResult:
    tickets: int
    within: int
    wait_sum_s: float
    late_by_hour: tuple[tuple[int, int], ...]  # (arrival hour, waits beyond target)
    tickets_by_hour: tuple[tuple[int, int], ...] = ()  # (arrival hour, arrivals)

    @property
    def share(self) -> float:
        return self.within / self.tickets if self.tickets else 1.0


@dataclass(frozen=True)
class Verification:
    """Many simulated days of one plan."""

    days: int
    first_seed: int
    shares: tuple[float, ...]  # per day, in seed order
    day_wait_means_s: tuple[float, ...]  # per day, in seed order
    tickets: int
    within: int
    wait_mean_s: float
    late_by_hour: tuple[tuple[int, int], ...]
    tickets_by_hour: tuple[tuple[int, int], ...] = ()

    @property
    def overall(self) -> float:
        return self.within / self.tickets if self.tickets else 1.0

    def worst_hour_share(self) -> float:
        """The lowest share within target among the arrival hours, all days pooled (1.0 with no arrivals)."""
        late = dict(self.late_by_hour)
        return min((1 - late.get(h, 0) / n for h, n in self.tickets_by_hour if n), default=1.0)

    def quantile(self, q: float) -> float:
        return quantile(self.shares, q)

    @property
    def p5(self) -> float:
        return self.quantile(0.05)

    @property
    def median(self) -> float:
        return statistics.median(self.shares)

    @property
    def p95(self) -> float:
        return self.quantile(0.95)


def quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default), so 5% of 20 days is defined."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def counter_hours(plan: Plan, minutes: Mapping[int, float]) -> float:
    """Counter-hours a plan pays for: counters × open minutes of the hour ÷ 60."""
    return sum(n * minutes.get(h, 0.0) / 60 for h, n in plan.items())


def day_seed(first_seed: int, i: int) -> int:
    return first_seed * 1_000_003 + i


def verify(profile: Profile, plan: Plan, days: int, first_seed: int = 1, target_s: float = 1800) -> Verification:
    if days < 1:
        raise ValueError("verify at least one day")
    results = [simulate_day(profile, plan, random.Random(day_seed(first_seed, i)), target_s) for i in range(days)]
    return summarise(results, first_seed)


def summarise(results: Sequence[DayResult], first_seed: int) -> Verification:
    """Many days' results as one Verification (shares in seed order, hours pooled)."""
    late: dict[int, int] = {}
    arrived: dict[int, int] = {}
    for r in results:
        for h, n in r.late_by_hour:
            late[h] = late.get(h, 0) + n
        for h, n in r.tickets_by_hour:
            arrived[h] = arrived.get(h, 0) + n
    tickets = sum(r.tickets for r in results)
    return Verification(len(results), first_seed, tuple(r.share for r in results),
                        tuple(r.wait_sum_s / r.tickets if r.tickets else 0.0 for r in results), tickets,
                        sum(r.within for r in results),
                        sum(r.wait_sum_s for r in results) / tickets if tickets else 0.0, tuple(sorted(late.items())),
                        tuple(sorted(arrived.items())))


def _arrivals(profile: Profile, rng: random.Random) -> list[tuple[float, bool, float]]:
    """(time, priority, service seconds) per citizen: piecewise-constant Poisson, hour by hour."""
    out: list[tuple[float, bool, float]] = []
    mean, pshare = profile.mean_service_s, profile.priority_share
    for a, b in profile.windows:
        t = a
        while t < b:
            hour = int(t // 3600)
            end = min(b, (hour + 1) * 3600.0)
            rate = profile.rates.get(hour, 0.0) / 3600
            if rate > 0:
                s = t
                while True:
                    s += rng.expovariate(rate)
                    if s >= end:
                        break
                    out.append((s, pshare > 0 and rng.random() < pshare, rng.expovariate(1 / mean)))
            t = end
    return out


def _capacity(profile: Profile, plan: Plan) -> list[tuple[float, int]]:
    """(time, counters open from then on): each hour's plan inside the windows, less the counters on a scheduled
    break (the pooled model has no identities, so a break here runs from its scheduled start to its scheduled
    end: a busy counter finishes its citizen first, as the store's counters do, and comes back on time), then
    the last hour's counters for the overtime after the windows."""
    changes: list[tuple[float, int]] = []
    windows, breaks = profile.windows, profile.breaks
    for i, (a, b) in enumerate(windows):
        points = {a, *(h * 3600.0 for h in range(int(a // 3600) + 1, int(b // 3600) + 1) if h * 3600.0 < b)}
        points.update(t for spans in breaks for span in spans for t in span if a < t < b)
        staffed = 0
        for t in sorted(points):
            staffed = plan.get(int(t // 3600), 0)
            away = sum(1 for spans in breaks[:staffed] if any(s <= t < e for s, e in spans))
            changes.append((t, staffed - away))
        stop = b + profile.overtime_s
        if i + 1 < len(windows):
            stop = min(stop, windows[i + 1][0])
        if stop > b:
            changes.append((b, staffed))
        changes.append((stop, 0))
    return changes


def simulate_day(profile: Profile, plan: Plan, rng: random.Random, target_s: float = 1800) -> DayResult:
    arrivals = _arrivals(profile, rng)
    changes = _capacity(profile, plan)
    urgent: deque[tuple[float, float]] = deque()  # (arrived, service seconds)
    normal: deque[tuple[float, float]] = deque()
    finishes: list[float] = []
    cap = busy = within = 0
    wait_sum = 0.0
    late: dict[int, int] = {}
    ia = ic = 0
    inf = float("inf")
    while True:
        ta = arrivals[ia][0] if ia < len(arrivals) else inf
        tc = changes[ic][0] if ic < len(changes) else inf
        tf = finishes[0] if finishes else inf
        now = min(ta, tc, tf)
        if now == inf:
            break
        if tf == now:  # a counter frees first, so a change at the same instant sees it free
            heapq.heappop(finishes)
            busy -= 1
        elif tc == now:
            cap = changes[ic][1]
            ic += 1
        else:
            at, prio, service = arrivals[ia]
            ia += 1
            (urgent if prio else normal).append((at, service))
        while busy < cap and (urgent or normal):
            at, service = (urgent or normal).popleft()
            wait = now - at
            wait_sum += wait
            if wait <= target_s:
                within += 1
            else:
                late[int(at // 3600)] = late.get(int(at // 3600), 0) + 1
            busy += 1
            heapq.heappush(finishes, now + service)
    end = changes[-1][0] if changes else 0.0
    for at, _ in (*urgent, *normal):  # still waiting when the last counter closed: expired
        wait = max(0.0, end - at)
        wait_sum += wait
        if wait <= target_s:
            within += 1
        else:
            late[int(at // 3600)] = late.get(int(at // 3600), 0) + 1
    arrived: dict[int, int] = {}
    for at, _, _ in arrivals:
        arrived[int(at // 3600)] = arrived.get(int(at // 3600), 0) + 1
    return DayResult(len(arrivals), within, wait_sum, tuple(sorted(late.items())), tuple(sorted(arrived.items())))
