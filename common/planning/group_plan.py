"""Which of the office's own counters to open, hour by hour, judged on the store-free engine (issue 17).

The pooled plan (plan_search.py) counts counters as if every counter served every service. An office whose
counters serve a few services each (the example office: 8 counters, KĐ and CA on one counter each, ``strict``
orderings) is not one queue, and that plan reached only 77.7 % within target on the example office's counters.
Here a plan says, per hour, how many counters of each *counter group* (counters with the same set of services)
are open, and each plan is played on :class:`~common.planning.engine.Engine` — the store's ``call_next`` rule
(common/core/rules.next_to_call) on plain objects — with each service's own arrivals and service times.

- **Groups.** Counters with the same services form a group; within a group counters open by number. When every
  counter of a group is already open, the plan may ask for an *extra* counter of that group (a spare desk and a
  clerk set up like the group's first counter): an office whose counters cannot keep the promise even all open
  is told so, and told where one more counter helps most.
- **Components.** Groups that share no service (through any chain of counters) never serve each other's
  citizens, so each component is simulated on its own and the day's figures are the sums. A change to one group
  re-plays only its component; results are cached per component plan.
- **Common random numbers.** Each service's arrivals, priority draws and service times come from a stream of
  their own (seeded by day and service code), drawn before the day is played: two plans face the same citizens.
- **Search.** Start with all of the office's counters open; add counters (extras once a group is full) where
  arrivals waited beyond target most often, to whichever of the groups serving them brings the most waits
  within target (a multi-service counter can take several queues' overflow), until the plan is accepted;
  take counter-hours away one at a time, cheapest to lose first, keeping each removal the check accepts;
  re-check on as many other days and, if that fails, add counters again and trim on both sets (trimming on one
  sample of days overfits it). Accepted means the rule of plan_search.accepted: the 5th-percentile day keeps
  ``share`` within target and no arrival hour is below HOUR_FLOOR. Every service with arrivals in an hour keeps
  at least one counter that serves it.

Scheduled breaks ([[counters]] breaks, carried by the office's Counter values) are taken as the simulator's day
and the hall forecast take them: at the break's start if the counter is free, else once its citizen leaves, for
the break's whole length; a counter the plan does not open that hour has no break to take. Extra desks have no
schedule (the office would give them one when it sets them up), so in a break hour the search may prefer one.

What the model leaves out: walking to the counter, no-shows and transfers (a transfer couples components).
Service times are exponential at each service's mean unless a sampler is given; the staffing advice gives one
fitted to each service's measured mean and spread (common/planning/staffing.sampler: lognormal).
"""

from __future__ import annotations

import heapq
import random
import time as clock_time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import cast
from zoneinfo import ZoneInfo

from common.core.model import Counter, Service
from common.planning.engine import Engine
from common.planning.plan_search import accepted
from common.planning.verify import DayResult, Verification, counter_hours, day_seed, summarise

DAY = date(2026, 1, 5)  # any Monday: each simulated day is a fresh engine
EXTRA_BASE = 900  # extra counters are numbered 900 + 10 × group + i: never an office's own number
MAX_STEPS = 800  # a guard on the number of plays of one component
VALIDATION_SEED_OFFSET = 100_000

Sampler = Callable[[random.Random, str], float]  # (rng, service code) -> service seconds


@dataclass(frozen=True)
class Group:
    """Counters with the same services; they open in number order."""

    services: tuple[str, ...]  # as the first counter lists them (its order matters to a ``strict`` counter)
    counters: tuple[Counter, ...]

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(c.number for c in self.counters)

    @property
    def size(self) -> int:
        return len(self.counters)


@dataclass(frozen=True)
class Demand:
    """Who comes: arrivals per *open* hour by local hour and service, and how long each service takes."""

    rates: Mapping[int, Mapping[str, float]]
    windows: tuple[tuple[float, float], ...]  # seconds since local midnight, merged and sorted
    mean_s: Mapping[str, float]
    priority_share: float = 0.0
    overtime_s: float = 3600.0
    sampler: Sampler | None = None  # default: exponential at mean_s

    def service_s(self, rng: random.Random, code: str) -> float:
        if self.sampler is not None:
            return self.sampler(rng, code)
        return rng.expovariate(1 / self.mean_s[code])


Layout = Mapping[int, Sequence[int]]  # local hour -> counters open per group (index as in the groups)


def groups_of(counters: Sequence[Counter]) -> tuple[Group, ...]:
    """Active counters with services, grouped by their set of services; groups in order of their first counter."""
    by_key: dict[frozenset[str], list[Counter]] = {}
    for c in sorted((c for c in counters if c.active and c.services), key=lambda c: c.number):
        by_key.setdefault(frozenset(c.services), []).append(c)
    return tuple(Group(cs[0].services, tuple(cs)) for cs in by_key.values())


def components(groups: Sequence[Group]) -> list[list[int]]:
    """Group indices joined by shared services (directly or through other groups), in order."""
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, g in enumerate(groups):
        for code in g.services:
            if code in owner:
                parent[root(i)] = root(owner[code])
            else:
                owner[code] = i
    out: dict[int, list[int]] = {}
    for i in range(len(groups)):
        out.setdefault(root(i), []).append(i)
    return list(out.values())


def desk(groups: Sequence[Group], g: int, i: int) -> Counter:
    """The i-th counter (0-based) of group g: one of the office's own, or an extra set up like the first."""
    group = groups[g]
    if i < group.size:
        return group.counters[i]
    first = group.counters[0]
    return Counter(EXTRA_BASE + 10 * g + (i - group.size), f"{first.name} (+{i - group.size + 1})", first.services,
                   first.ordering)


@dataclass
class _CompDay:
    tickets: int = 0
    within: int = 0
    wait_sum: float = 0.0
    late: dict[tuple[int, str], int] = field(default_factory=dict)  # (arrival hour, code) -> waits beyond target
    arrived: dict[int, int] = field(default_factory=dict)


class Simulator:
    """Plays layouts on the engine, component by component, with a cache per component plan."""

    def __init__(self, services: Sequence[Service], groups: Sequence[Group], demand: Demand, tz: ZoneInfo,
                 default_service_s: float = 600.0, target_s: float = 1800,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.services = {s.code: s for s in services}
        self.groups, self.demand, self.tz, self.target_s = tuple(groups), demand, tz, target_s
        self.default_service_s = default_service_s
        self.components = components(self.groups)
        self.cache: dict[tuple[object, ...], list[_CompDay]] = {}
        self.plays = 0
        self.cpu_s = 0.0
        self.progress = progress  # called after each component play: (plays so far, days per play)

    def check(self, layout: Layout, days: int, first_seed: int) -> Verification:
        return self.summary(layout, days, first_seed)[0]

    def summary(self, layout: Layout, days: int, first_seed: int) -> tuple[Verification, dict[tuple[int, str], int]]:
        """The layout's days (all components summed) and its late waits by (arrival hour, service)."""
        per_comp = [self._component(k, layout, days, first_seed) for k in range(len(self.components))]
        results: list[DayResult] = []
        late: dict[tuple[int, str], int] = {}
        for i in range(days):
            tickets = within = 0
            wait_sum = 0.0
            by_hour: dict[int, int] = {}
            arrived: dict[int, int] = {}
            for comp in per_comp:
                d = comp[i]
                tickets, within, wait_sum = tickets + d.tickets, within + d.within, wait_sum + d.wait_sum
                for (h, code), n in d.late.items():
                    by_hour[h] = by_hour.get(h, 0) + n
                    late[(h, code)] = late.get((h, code), 0) + n
                for h, n in d.arrived.items():
                    arrived[h] = arrived.get(h, 0) + n
            results.append(DayResult(tickets, within, wait_sum, tuple(sorted(by_hour.items())),
                                     tuple(sorted(arrived.items()))))
        return summarise(results, first_seed), late

    def _component(self, k: int, layout: Layout, days: int, first_seed: int) -> list[_CompDay]:
        comp = self.components[k]
        hours = sorted(layout)
        key = (k, days, first_seed, tuple((h, tuple(layout[h][g] for g in comp)) for h in hours))
        found = self.cache.get(key)
        if found is None:
            began = clock_time.process_time()
            found = [self._day(comp, layout, day_seed(first_seed, i)) for i in range(days)]
            self.cpu_s += clock_time.process_time() - began
            self.plays += 1
            self.cache[key] = found
            if self.progress is not None:
                self.progress(self.plays, days)
        return found

    def _day(self, comp: Sequence[int], layout: Layout, seed: int) -> _CompDay:
        demand, groups = self.demand, self.groups
        codes = sorted({code for g in comp for code in groups[g].services})
        most = {g: max((layout[h][g] for h in layout), default=0) for g in comp}
        desks = [desk(groups, g, i) for g in comp for i in range(most[g])]
        engine = Engine.for_office([self.services[c] for c in codes if c in self.services], desks, self.tz,
                                   self.default_service_s, call_starts_service=True, record_events=False)
        midnight = datetime.combine(DAY, time(0), self.tz).timestamp()
        # (at, order, kind, arg); kinds: 0 staff, 1 arrive, 2 finish, 3 a scheduled break begins, 4 back from it
        events: list[tuple[float, int, int, object]] = []
        for code in codes:  # each service's own stream: the same citizens whatever the other services' counters
            rng = random.Random(seed * 7919 + zlib.crc32(code.encode()))
            for a, b in demand.windows:
                t = a
                while t < b:
                    hour = int(t // 3600)
                    end = min(b, (hour + 1) * 3600.0)
                    rate = demand.rates.get(hour, {}).get(code, 0.0)
                    s = t
                    while rate > 0:
                        s += rng.expovariate(rate / 3600)
                        if s >= end:
                            break
                        prio = demand.priority_share > 0 and rng.random() < demand.priority_share
                        events.append((s, 0, 1, (code, prio, demand.service_s(rng, code))))
                    t = end
        for d in desks:  # scheduled breaks, after the staffing changes at the same instant (extras have none)
            for off, on in d.breaks:
                leaves = off.hour * 3600.0 + off.minute * 60 + off.second
                back = 86400.0 if on == time.max else on.hour * 3600.0 + on.minute * 60 + on.second
                events.append((leaves, -1, 3, (d.number, back - leaves)))
        for i, (a, b) in enumerate(demand.windows):
            t = a
            last: frozenset[int] = frozenset()
            while t < b:
                hour = int(t // 3600)
                counts = layout.get(hour)
                last = frozenset(desk(groups, g, j).number for g in comp for j in range(counts[g])) if counts \
                    else last
                events.append((t, -1, 0, last))  # a staffing change before an arrival at the same instant
                t = min(b, (hour + 1) * 3600.0)
            nxt = demand.windows[i + 1][0] if i + 1 < len(demand.windows) else b + demand.overtime_s
            events.append((min(b + demand.overtime_s, nxt), -1, 0, frozenset()))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        heap = [(at, n, kind, arg) for n, (at, _, kind, arg) in enumerate(events)]
        seq = len(heap)
        order = [d.number for d in desks]
        serves = {d.number: set(d.services) for d in desks}
        planned: frozenset[int] = frozenset()
        busy: set[int] = set()
        away: set[int] = set()  # on a scheduled break: signed out until it ends
        due: dict[int, float] = {}  # a break due while the counter serves: taken, whole, once the citizen leaves
        service_s: dict[int, float] = {}

        def leave(n: int, at: float, seconds: float) -> None:
            nonlocal seq
            engine.sign_out(n, "sim")
            away.add(n)
            seq += 1
            heapq.heappush(heap, (at + seconds, seq, 4, n))

        def call(n: int, at: float) -> bool:
            nonlocal seq
            ticket = engine.call_next(n, "sim")
            if ticket is None:
                return False
            busy.add(n)
            seq += 1
            heapq.heappush(heap, (at + service_s.pop(ticket.id), seq, 2, n))
            return True

        last_at = midnight
        while heap:
            at, _, kind, arg = heapq.heappop(heap)
            last_at = at
            engine.set_time(midnight + at)
            if kind == 1:
                code, prio, seconds = cast(tuple[str, bool, float], arg)
                issued = engine.issue_ticket(code, "elderly" if prio else None, check_hours=False)
                service_s[issued.id] = seconds
                for n in order:
                    if n in planned and n not in busy and n not in away and code in serves[n] and call(n, at):
                        break
            elif kind == 0:
                wanted: frozenset[int] = arg  # type: ignore[assignment]
                for n in planned - wanted:
                    due.pop(n, None)
                    if n not in busy and n not in away:
                        engine.sign_out(n, "sim")
                for n in order:
                    if n in wanted and n not in planned and n not in away:
                        engine.sign_in(n, "sim")
                planned = wanted
                for n in order:
                    if n in planned and n not in busy and n not in away:
                        call(n, at)
            elif kind == 2:
                n = int(arg)  # type: ignore[call-overload]
                engine.finish_service(n, "sim")
                busy.discard(n)
                if n in due:
                    leave(n, at, due.pop(n))
                elif n in planned:
                    call(n, at)
                else:
                    engine.sign_out(n, "sim")
            elif kind == 3:  # a scheduled break (as the simulator's day and the forecast take one)
                n, seconds = cast(tuple[int, float], arg)
                if n in planned and n not in away:  # a counter not staffed now has no break to take
                    if n in busy:
                        due[n] = seconds
                    else:
                        leave(n, at, seconds)
            else:  # back from the break
                n = int(arg)  # type: ignore[call-overload]
                away.discard(n)
                if n in planned:
                    engine.sign_in(n, "sim")
                    call(n, at)
        out = _CompDay()
        end_us = round((midnight + last_at) * 1_000_000)
        target = self.target_s
        for ticket in engine.tickets:  # still waiting at the end: a wait up to then (an expired ticket)
            wait = float(ticket.wait_s) if ticket.wait_s is not None else \
                max(0.0, (end_us - ticket.issued_us) / 1_000_000)
            out.tickets += 1
            out.wait_sum += wait
            hour = ticket.local_hour
            out.arrived[hour] = out.arrived.get(hour, 0) + 1
            if wait <= target:
                out.within += 1
            else:
                out.late[(hour, ticket.service)] = out.late.get((hour, ticket.service), 0) + 1
        return out


@dataclass(frozen=True)
class HourCounters:
    hour: int
    open_minutes: float
    counts: tuple[int, ...]  # per group
    counters: tuple[Counter, ...]  # which to open: the office's own first, then extras (number ≥ EXTRA_BASE)

    @property
    def extras(self) -> int:
        return sum(1 for c in self.counters if c.number >= EXTRA_BASE)

    @property
    def own(self) -> tuple[int, ...]:
        """The office's own counters to open, by number."""
        return tuple(sorted(c.number for c in self.counters if c.number < EXTRA_BASE))

    def extra_desks(self, groups: Sequence[Group]) -> list[tuple[int, Counter]]:
        """(how many, set up like which counter) for the desks the office does not have."""
        return [(n - g.size, g.counters[0]) for g, n in zip(groups, self.counts, strict=True) if n > g.size]

    def describe(self, groups: Sequence[Group], *, names: bool = False) -> str:
        """The counters to open. Short, for a table cell: '1–5, 7 + thêm như quầy 3, 2×4' (an extra desk set up
        like counter 3, two like counter 4); with the counters' names, for a CLI line:
        '1, 2, 3, 4, 5, 7 + thêm 1 như Quầy 3 – Đất đai; 2 như Quầy 4 – Kinh doanh'."""
        extras = self.extra_desks(groups)
        if names:
            text = ", ".join(map(str, self.own)) or "-"
            extra = "; ".join(f"{n} như {c.name}" for n, c in extras)
            return f"{text} + thêm {extra}" if extra else text
        text = _ranges(self.own) or "-"
        extra = ", ".join(f"{n}×{c.number}" if n > 1 else str(c.number) for n, c in extras)
        return f"{text} + thêm như quầy {extra}" if extra else text


def _ranges(numbers: Sequence[int]) -> str:
    """1, 2, 3, 5 -> '1–3, 5'."""
    out: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(f"{numbers[i]}–{numbers[j]}" if j - i >= 2 else ", ".join(map(str, numbers[i:j + 1])))
        i = j + 1
    return ", ".join(out)


@dataclass(frozen=True)
class CounterPlan:
    groups: tuple[Group, ...]
    hours: tuple[HourCounters, ...]
    counter_hours: float
    extra_counter_hours: float  # counter-hours on counters the office does not have
    check: Verification  # the search's own days
    validation: Verification  # as many other days
    all_open: Verification  # every one of the office's counters open in every hour, on the search's days
    target_s: float
    share: float
    cpu_s: float  # CPU seconds of the engine plays
    plays: int  # component plays (each ``days`` days)

    @property
    def layout(self) -> dict[int, tuple[int, ...]]:
        return {h.hour: h.counts for h in self.hours}

    @property
    def holds(self) -> bool:
        return accepted(self.check, self.share) and accepted(self.validation, self.share)

    @property
    def own_counters_hold(self) -> bool:
        """Whether the office's own counters, all open all day, keep the promise."""
        return accepted(self.all_open, self.share)


def layout_hours(layout: Layout, minutes: Mapping[int, float]) -> float:
    return counter_hours({h: sum(c) for h, c in layout.items()}, minutes)


def extra_hours(layout: Layout, groups: Sequence[Group], minutes: Mapping[int, float]) -> float:
    return counter_hours({h: sum(max(0, n - groups[g].size) for g, n in enumerate(c)) for h, c in layout.items()},
                         minutes)


def plan_counters(services: Sequence[Service], counters: Sequence[Counter], demand: Demand,
                  minutes: Mapping[int, float], tz: ZoneInfo, *, days: int = 60, first_seed: int = 1,
                  target_s: float = 1800, share: float = 0.95, max_extra: int = 2,
                  default_service_s: float = 600.0,
                  progress: Callable[[int, int], None] | None = None) -> CounterPlan:
    """The search described in the module docstring. ``progress(plays, days)`` is called after every component
    play (from the calling thread: the dashboard runs the search on its worker thread and shows the count)."""
    groups = groups_of(counters)
    if not groups:
        raise ValueError("the office has no active counter with services")
    sim = Simulator(services, groups, demand, tz, default_service_s, target_s, progress)
    hours = sorted(h for h, m in minutes.items() if m > 0)
    other = first_seed + VALIDATION_SEED_OFFSET
    layout: dict[int, list[int]] = {h: [g.size for g in groups] for h in hours}
    all_open = sim.check(layout, days, first_seed)
    layout = grow(sim, layout, [first_seed], days, share, max_extra)
    layout = trim(sim, layout, [first_seed], days, share, minutes)
    grown = grow(sim, layout, [first_seed, other], days, share, max_extra)
    if grown != layout:  # counters added for the other days may make some of the first trim's keepers redundant
        layout = trim(sim, grown, [first_seed, other], days, share, minutes)
    frozen = {h: tuple(c) for h, c in layout.items()}
    out = tuple(HourCounters(h, round(minutes[h], 1), frozen[h],
                             tuple(desk(groups, g, i) for g, n in enumerate(frozen[h]) for i in range(n)))
                for h in hours)
    return CounterPlan(groups, out, round(layout_hours(frozen, minutes), 2),
                       round(extra_hours(frozen, groups, minutes), 2), sim.check(frozen, days, first_seed),
                       sim.check(frozen, days, other), all_open, target_s, share, round(sim.cpu_s, 2), sim.plays)


def grow(sim: Simulator, layout: dict[int, list[int]], seeds: Sequence[int], days: int, share: float,
         max_extra: int) -> dict[int, list[int]]:
    """Add counters where arrivals waited beyond target most often, until every seed set accepts the layout."""
    groups = sim.groups
    while sim.plays < MAX_STEPS:
        checks = [sim.summary(layout, days, s) for s in seeds]
        if all(accepted(v, share) for v, _ in checks):
            break
        late: dict[tuple[int, str], int] = {}
        for _, by in checks:
            for k, n in by.items():
                late[k] = late.get(k, 0) + n
        added = False
        for (h, code), _ in sorted(late.items(), key=lambda kv: -kv[1]):
            if h not in layout:
                continue
            able = [g for g, grp in enumerate(groups) if code in grp.services
                    and layout[h][g] < grp.size + max_extra]
            if not able:
                continue
            trials = {g: {**layout, h: [n + (i == g) for i, n in enumerate(layout[h])]} for g in able}
            if len(able) == 1:
                g = able[0]
            else:
                # The group whose counter brings the most waits within target over all the seed sets. Choosing
                # the most specialised group instead (the first rule) added a desk per late queue where one
                # more multi-service counter takes the overflow of several: +3.5 counter-hours on the example
                # office (docs/benchmarks/decide3.md). Ties: own counters before extras, fewer services.
                g = min(able, key=lambda g: (-sum(sim.check(trials[g], days, s).within for s in seeds),
                                             layout[h][g] >= groups[g].size, len(groups[g].services), g))
            layout = trials[g]
            added = True
            break
        if not added:
            break  # nothing left to add: the plan does not hold (CounterPlan.holds says so)
    return layout


def trim(sim: Simulator, layout: dict[int, list[int]], seeds: Sequence[int], days: int, share: float,
         minutes: Mapping[int, float]) -> dict[int, list[int]]:
    """Take counter-hours away, cheapest to lose first, while the check (every seed set) still accepts the layout."""
    groups = sim.groups
    rates = sim.demand.rates

    def judge(lay: Mapping[int, Sequence[int]]) -> tuple[list[Verification], dict[tuple[int, str], int]]:
        checks: list[Verification] = []
        late: dict[tuple[int, str], int] = {}
        for seed in seeds:
            v, by = sim.summary(lay, days, seed)
            checks.append(v)
            for k, n in by.items():
                late[k] = late.get(k, 0) + n
        return checks, late

    current, late = judge(layout)
    holds = all(accepted(v, share) for v in current)

    def keeps(trial: list[Verification]) -> bool:
        if holds:
            return all(accepted(v, share) for v in trial)
        # A plan that cannot hold still sheds counter-hours that help nobody (no fewer waits within target).
        return all(t.within >= c.within and t.p5 >= c.p5 for t, c in zip(trial, current, strict=True))

    improved = True
    while improved and sim.plays < MAX_STEPS:
        improved = False
        # Cheapest to lose first: the fewest late waits among the hour's citizens the group serves, then the
        # fully open hours (a whole counter-hour saved), then the later groups (multi-service counters last).
        cost = {(h, g): (sum(n for (hh, code), n in late.items() if hh == h and code in groups[g].services),
                         -minutes.get(h, 0.0), -g)
                for h in layout for g in range(len(groups)) if layout[h][g] > 0}
        for h, g in sorted(cost, key=cost.__getitem__):
            trial = {**layout, h: [n - (i == g) for i, n in enumerate(layout[h])]}
            if not _covered(trial[h], groups, rates.get(h, {})):
                continue
            result, trial_late = judge(trial)
            if keeps(result):
                layout, late, improved = trial, trial_late, True
                current = current if holds else result
            if sim.plays >= MAX_STEPS:
                break
    return layout


def _covered(counts: Sequence[int], groups: Sequence[Group], rates: Mapping[str, float]) -> bool:
    """Every service with arrivals in the hour keeps a counter that serves it."""
    open_codes = {code for g, n in zip(groups, counts, strict=True) if n > 0 for code in g.services}
    return all(code in open_codes for code, rate in rates.items() if rate > 0)
