"""How good is the printed wait? The hall-wide forecast against the best estimator and the naive formula (issue 17).

    .venv/bin/python benchmarks/forecast_bench.py                 # both offices, 30 and 20 days
    .venv/bin/python benchmarks/forecast_bench.py --days 3 --mixed-days 3   # a smoke run (~1 min)
    .venv/bin/python benchmarks/forecast_bench.py --days 0 --mixed-days 0 --store 200   # issue_ticket's cost
    .venv/bin/python benchmarks/forecast_bench.py --days 0 --mixed-days 5 --seeds 1-12 --ab --decompose
        # a row per seed, the forecast with and without the office's typical durations on the same tickets, and where
        # the error comes from (docs/benchmarks/forecast4.md); --perfect N, --save/--saved: see --help

A small event simulation of the hall, of its own (store-free, seconds per simulated month):
Poisson arrivals, exponential services, clerks who call the moment they are free through
``common.core.rules.next_to_call``. At every arrival it builds the HallState the store would
build (the queue, counters with their current ticket and break, the last 300 service times
per service (the formula reads the latest 100 of them), the last hour's arrivals and priority share) and records:

- ``forecast``: the printed estimate, common.planning.forecast (its median; the formula when it
  falls back), under its real 30 ms CPU budget;
- ``naive``: (people ahead + 1) × recent mean service ÷ open counters (common.core.estimate);
- ``oracle`` (M/M/c office only): the best estimator given the number in the system. With c
  busy counters and q waiting ahead, the wait is Erlang(q + 1, c·μ) exactly (memoryless
  services, first come first served), and its median minimises the absolute error; with a
  free counter it is 0.

and then the real wait. It prints MAE ÷ mean wait for each, the ratio to the oracle, the
improvement on the naive formula, the share of citizens who waited 5+ minutes longer than
printed, and the forecast's CPU time per ticket (p50, p99) with how often it fell back.
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import pickle
import random
import statistics
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from common.core.rules import CounterState, Ordering, next_to_call
from common.planning.forecast import (
    FORECAST_SAMPLE,
    MAX_RUNS,
    PROFILE_AFTER_S,
    PROFILE_BEFORE_S,
    PROFILE_DAYS,
    Arrivals,
    Desk,
    HallState,
    Method,
    Waiting,
    forecast,
    formula_s,
    pooled_arrivals,
)

DAY_S = 8 * 3600.0  # arrivals for eight hours; the counters then serve whoever is still waiting
BASE = datetime(2026, 11, 2, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    per_hour: float
    mean_s: float


@dataclass(frozen=True)
class CounterSpec:
    number: int
    services: tuple[str, ...]
    ordering: Ordering = Ordering.OLDEST_FIRST
    breaks: tuple[tuple[float, float], ...] = ()  # (start, length) in seconds after opening


@dataclass(frozen=True)
class Office:
    name: str
    services: tuple[ServiceSpec, ...]
    counters: tuple[CounterSpec, ...]
    priority_share: float = 0.0
    default_service_s: float = 480.0

    def mean_of(self, code: str) -> float:
        return next(s.mean_s for s in self.services if s.code == code)


@dataclass
class _Desk:
    spec: CounterSpec
    state: CounterState = CounterState.OPEN
    since: float = 0.0
    current: str | None = None
    started: float = 0.0
    pending_break: float | None = None  # a break due while serving starts when the service ends

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def services(self) -> tuple[str, ...]:
        return self.spec.services

    @property
    def ordering(self) -> Ordering:
        return self.spec.ordering


@dataclass
class Record:
    actual: float
    forecast: int
    naive: int
    oracle: float | None
    method: Method
    cpu_s: float
    band: tuple[int, int] | None  # the forecast's p10..p90
    tags: frozenset[str] = frozenset()  # what the ticket met (for --decompose): see Hall.tags
    perfect: float | None = None  # --perfect: the forecast that knows the office's true rates and service times
    before: int | None = None  # --ab: the forecast as main printed it before this round (no typical durations)
    naive_typical: int | None = None  # the naive formula with the office's typical durations as its prior
    truth: list[float] | None = None  # --truth K: the ticket's wait in K replays of the hall itself, sorted

    @property
    def best(self) -> float:
        """The median of the replays: the best forecast from the hall's state (--truth)."""
        assert self.truth is not None
        return statistics.median(self.truth)


# What a ticket's record holds from its issue until it is called (see Record).
_Pending = tuple[
    float,
    int,
    int,
    float | None,
    Method,
    float,
    tuple[int, int] | None,
    set[str],
    float | None,
    int | None,
    int | None,
    list[float] | None,
]


@dataclass
class Floor:
    """The hall during one day: its desks, who waits, and the events to come.

    The day (``Hall.run_day``) and its replays from a ticket's issue (``Hall.truth``) play the same rules
    through these methods: a free open desk calls ``next_to_call`` at once, a break due while serving starts
    when the service ends, a desk back from a break calls at once.
    """

    office: Office
    desks: list[_Desk]
    start: float  # the day's opening, in bench seconds
    waiting: list[Waiting] = field(default_factory=list)
    events: list[tuple[float, int, str, int]] = field(default_factory=list)
    seq: int = 0

    def push(self, at: float, kind: str, ref: int) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, kind, ref))

    def call(self, i: int, now: float, rng: random.Random) -> Waiting | None:
        """Desk ``i`` calls the next ticket if it is open and free; its service time is drawn at the call."""
        desk = self.desks[i]
        if desk.state is not CounterState.OPEN or desk.current is not None:
            return None
        chosen = next_to_call(desk, self.waiting)
        if chosen is None:
            return None
        self.waiting.remove(chosen)
        desk.current, desk.started = chosen.service, now
        self.push(now + rng.expovariate(1 / self.office.mean_of(chosen.service)), "finish", i)
        return chosen

    def finish(self, i: int, now: float, rng: random.Random) -> Waiting | None:
        desk = self.desks[i]
        desk.current = None
        if desk.pending_break is not None:
            desk.state, desk.since = CounterState.BREAK, now
            self.push(now + desk.pending_break, "back", i)
            desk.pending_break = None
            return None
        return self.call(i, now, rng)

    def take_break(self, i: int, now: float) -> None:
        desk = self.desks[i]
        length = next(length for at, length in desk.spec.breaks if self.start + at == now)
        if desk.current is not None:
            desk.pending_break = length
        else:
            desk.state, desk.since = CounterState.BREAK, now
            self.push(now + length, "back", i)

    def back(self, i: int, now: float, rng: random.Random) -> Waiting | None:
        desk = self.desks[i]
        desk.state, desk.since = CounterState.OPEN, now
        return self.call(i, now, rng)


@dataclass
class Hall:
    office: Office
    rng: random.Random
    budget_s: float
    samples: dict[str, deque[float]] = field(default_factory=dict)
    recent: deque[tuple[float, str, bool]] = field(default_factory=deque)  # arrivals: (absolute s, service, priority)
    records: list[Record] = field(default_factory=list)
    next_id: int = 1
    start: float = 0.0  # the current day's opening, in bench seconds
    profile: bool = True  # the past days' arrivals at this time of day too (False: the last hour only)
    days: list[list[tuple[float, str, bool]]] = field(default_factory=list)  # past days' arrivals (time of day)
    schedule: bool = True  # the forecast knows the counters' scheduled breaks (False: only a break under way)
    perfect_every: int = 0  # --perfect N: every Nth ticket also gets the forecast with the true parameters
    perfect_knows: str = "both"  # --perfect-knows: the true arrival rates, the true service laws, or both
    ab: bool = False  # --ab: every ticket also gets the forecast without the typical durations, on the same hall
    # The office's own figure for each service's duration ([[services]] typical_minutes), seconds; empty: none
    typical_s: dict[str, float] = field(default_factory=dict)
    truth_runs: int = 0  # --truth K: every truth_every-th ticket also gets K replays of the hall itself
    truth_every: int = 0
    sample: int = FORECAST_SAMPLE  # --sample N: the latest N services per service (the store reads FORECAST_SAMPLE)

    def run_day(self, day: int) -> None:
        office, rng = self.office, self.rng
        start = day * 86400.0
        self.start = start
        self.days.append([])
        floor = Floor(office, [_Desk(c, since=start) for c in office.counters], start)
        pending: dict[int, _Pending] = {}
        for s_index, svc in enumerate(office.services):
            t = start + rng.expovariate(svc.per_hour / 3600)
            while t < start + DAY_S:
                floor.push(t, "arrive", s_index)
                t += rng.expovariate(svc.per_hour / 3600)
        for i, c in enumerate(office.counters):
            for at, _length in c.breaks:
                floor.push(start + at, "break", i)

        def record(i: int, chosen: Waiting | None, now: float) -> None:
            if chosen is None:
                return
            if chosen.priority:  # the ordinary tickets it overtook at this counter
                for w in floor.waiting:
                    if not w.priority and w.queued_at < chosen.queued_at and w.service in floor.desks[i].services:
                        pending[w.id][7].add("overtaken by a later priority ticket")
            issued, printed, naive, oracle, method, cpu, band, tags, perfect, before, naive_typical, truth = (
                pending.pop(chosen.id)
            )
            self.records.append(
                Record(
                    now - issued,
                    printed,
                    naive,
                    oracle,
                    method,
                    cpu,
                    band,
                    frozenset(tags),
                    perfect,
                    before,
                    naive_typical,
                    truth,
                )
            )

        while floor.events:
            now, _, kind, ref = heapq.heappop(floor.events)
            if kind == "arrive":
                svc = office.services[ref]
                priority = rng.random() < office.priority_share
                ticket = Waiting(self.next_id, svc.code, priority, BASE + timedelta(seconds=now))
                self.next_id += 1
                floor.waiting.append(ticket)
                self.recent.append((now, svc.code, priority))
                self.days[-1].append((now - start, svc.code, priority))
                state = self.state(now, ticket, floor.waiting, floor.desks)
                result = forecast(state, seed=ticket.id, budget_s=self.budget_s)
                band = (result.p10_s, result.p90_s) if result.p10_s is not None and result.p90_s is not None else None
                checked = bool(self.perfect_every) and ticket.id % self.perfect_every == 0
                pending[ticket.id] = (
                    now,
                    result.printed_s,
                    formula_s(state),
                    self.oracle(state),
                    result.method,
                    result.cpu_s,
                    band,
                    self.tags(now, ticket, floor.desks, day, result.runs, floor.waiting),
                    self.perfect(state) if checked else None,
                    self.before(state) if self.ab else None,
                    formula_s(replace(state, default_service_s=self.typical_s[svc.code]))
                    if svc.code in self.typical_s
                    else None,
                    self.truth(floor, ticket, now)
                    if self.truth_runs and self.truth_every and ticket.id % self.truth_every == 0
                    else None,
                )
                for i, desk in enumerate(floor.desks):
                    if svc.code in desk.services:
                        record(i, floor.call(i, now, rng), now)
            elif kind == "finish":
                desk = floor.desks[ref]
                assert desk.current is not None
                self.samples.setdefault(desk.current, deque(maxlen=self.sample)).append(now - desk.started)
                record(ref, floor.finish(ref, now, rng), now)
            elif kind == "break":
                floor.take_break(ref, now)
            elif kind == "back":
                record(ref, floor.back(ref, now, rng), now)
        assert not floor.waiting and not pending

    def truth(self, floor: Floor, ticket: Waiting, now: float) -> list[float]:
        """The ticket's wait in ``truth_runs`` replays of this very hall from now, each with a future of its own.

        The hall's own code (:class:`Floor`) plays the rest of the day again from the floor as it is at issue:
        the same desks, queue and break schedule; the services under way end after a fresh exponential draw
        (memoryless: exactly the law of what is left of them, whatever has elapsed), every later service is a
        fresh draw, and new arrivals are fresh Poisson draws at the true rates and priority share. Nothing of
        the forecast (common.planning.forecast) is used, so the median of these waits is what the best forecast
        from the hall's state would print, and how far the perfect forecast is from it is how far the
        forecast's model of the hall is from the hall.
        """
        office = self.office
        rng = random.Random(f"truth {ticket.id}")
        total = sum(s.per_hour for s in office.services) / 3600
        weights = [s.per_hour / 3600 for s in office.services]
        close = floor.start + DAY_S
        waits = []
        for _ in range(self.truth_runs):
            copy = Floor(
                office,
                [replace(d) for d in floor.desks],
                floor.start,
                list(floor.waiting),
                [e for e in floor.events if e[2] in ("break", "back")],
                floor.seq,
            )
            heapq.heapify(copy.events)
            for i, d in enumerate(copy.desks):
                if d.current is not None:
                    copy.push(now + rng.expovariate(1 / office.mean_of(d.current)), "finish", i)
            copy.push(now + rng.expovariate(total), "arrive", -1)
            new_id = 1 << 40
            called = [copy.call(i, now, rng) for i, d in enumerate(copy.desks) if ticket.service in d.services]
            at = now
            while not any(c is ticket for c in called):
                at, _, kind, ref = heapq.heappop(copy.events)
                if kind == "arrive":
                    if at >= close:  # the last arrival: the day takes no more tickets
                        called = []
                        continue
                    copy.push(at + rng.expovariate(total), "arrive", -1)
                    svc = rng.choices(office.services, weights)[0]
                    new = Waiting(new_id, svc.code, rng.random() < office.priority_share, BASE + timedelta(seconds=at))
                    new_id += 1
                    copy.waiting.append(new)
                    called = [copy.call(i, at, rng) for i, d in enumerate(copy.desks) if svc.code in d.services]
                elif kind == "finish":
                    called = [copy.finish(ref, at, rng)]
                elif kind == "break":
                    copy.take_break(ref, at)
                    called = []
                else:
                    called = [copy.back(ref, at, rng)]
            waits.append(at - now)
        return sorted(waits)

    def tags(
        self, now: float, ticket: Waiting, desks: list[_Desk], day: int, runs: int, waiting: Sequence[Waiting] = ()
    ) -> set[str]:
        """What the ticket meets at issue, for the error decomposition (--decompose)."""
        tod = now - self.start
        tags = {f"service {ticket.service}", "priority ticket" if ticket.priority else "ordinary ticket"}
        tags.add(f"hour {int(tod // 3600) + 1} of the day")
        ahead = len(waiting) - 1  # everyone waiting in the hall when it joins
        band = next(
            label for top, label in ((0, "0"), (2, "1-2"), (5, "3-5"), (10, "6-10"), (math.inf, "11+")) if ahead <= top
        )
        tags.add(f"hall queue at issue {band}")
        mine = [d for d in desks if ticket.service in d.services]
        if any(d.state is CounterState.BREAK for d in mine):
            tags.add("a counter serving it on a break")
        if any(
            0 <= at - tod < 3600 and d.state is not CounterState.BREAK for d in mine for at, _length in d.spec.breaks
        ):
            tags.add("a break of a counter serving it starts within the hour")
        if any(d.ordering is Ordering.STRICT and d.services[0] != ticket.service for d in mine):
            tags.add("a strict counter serving it puts another service first")
        if day == 0:
            tags.add("first day (no service-time history)")
        if tod < 1800:
            tags.add("first 30 min of a day")
        if tod > DAY_S - 1800:
            tags.add("last 30 min of arrivals")
        if 0 < runs < MAX_RUNS:
            tags.add("budget cut the runs short")
        return tags

    def breaks_ahead(self, desk: _Desk, now: float) -> tuple[tuple[float, float], ...]:
        """The desk's breaks still to come today, as the office's schedule gives them."""
        due = ((0.0, desk.pending_break),) if desk.pending_break is not None else ()
        return due + tuple((self.start + at - now, length) for at, length in desk.spec.breaks if self.start + at > now)

    def state(self, now: float, ticket: Waiting, waiting: list[Waiting], desks: list[_Desk]) -> HallState:
        while self.recent and self.recent[0][0] < now - 3600:
            self.recent.popleft()
        # As common/store/hall.py reads them: today's last hour (or since the first ticket, at least
        # 15 min), pooled with the window around this time of day on the past days, clipped to the
        # opening hours [0, DAY_S]; every service closes at DAY_S.
        window = min(3600.0, max(900.0, now - self.recent[0][0]))
        counts: dict[tuple[str, bool], int] = {}
        for _, code, priority in self.recent:
            counts[code, priority] = counts.get((code, priority), 0) + 1
        tod = now - self.start
        exposure = dict.fromkeys((s.code for s in self.office.services), window)
        if self.profile:
            lo, hi = max(0.0, tod - PROFILE_BEFORE_S), min(DAY_S, tod + PROFILE_AFTER_S)
            for past in self.days[-1 - PROFILE_DAYS : -1]:  # one a calendar day: the bench has no weekends
                for code in exposure:
                    exposure[code] += max(0.0, hi - lo)
                for at, code, priority in past:
                    if lo <= at < hi:
                        counts[code, priority] = counts.get((code, priority), 0) + 1
        until = dict.fromkeys(exposure, DAY_S - tod)
        arrivals = pooled_arrivals(counts, exposure, until)
        # With --no-schedule no breaks are passed at all, so that the bench also runs over the earlier forecast.
        hall_desks = tuple(
            Desk(
                d.number,
                d.services,
                d.ordering,
                d.state,
                now - d.since,
                d.current,
                now - d.started if d.current else 0.0,
                **({"breaks": self.breaks_ahead(d, now)} if self.schedule else {}),
            )
            for d in desks
        )
        samples = {code: list(reversed(times)) for code, times in self.samples.items()}  # newest first
        return HallState(
            BASE + timedelta(seconds=now),
            ticket,
            tuple(waiting),
            hall_desks,
            samples,
            arrivals,
            self.office.default_service_s,
            typical_s=self.typical_s,
        )

    def before(self, state: HallState) -> int:
        """The forecast as main printed it before this round: the same hall state, no typical durations."""
        return forecast(replace(state, typical_s={}), seed=state.ticket.id, budget_s=self.budget_s).printed_s

    def perfect(self, state: HallState) -> float:
        """The same forecast knowing what no office knows: the true rates and service-time laws, 1,000 runs.

        What is left of its error is the randomness still to come (and a median of 1,000 runs): how far
        any forecast from the hall's state can go on this office.
        """
        laws = {s.code: [s.mean_s * -math.log(1 - (i + 0.5) / 2000) for i in range(2000)] for s in self.office.services}
        until = {a.service: a.until_s for a in state.arrivals}
        rates = tuple(
            Arrivals(s.code, s.per_hour, self.office.priority_share, until.get(s.code, math.inf))
            for s in self.office.services
        )
        exact = replace(
            state,
            samples=laws if self.perfect_knows in ("both", "laws") else state.samples,
            arrivals=rates if self.perfect_knows in ("both", "rates") else state.arrivals,
        )
        return forecast(exact, seed=state.ticket.id, budget_s=10.0, max_runs=1000).printed_s

    def oracle(self, state: HallState) -> float | None:
        """The median wait given the number in system, for a one-service office of identical counters."""
        if len(self.office.services) != 1:
            return None
        c = len(state.desks)
        if any(d.current_service is None for d in state.desks):
            return 0.0
        ahead = len(state.waiting) - 1
        return erlang_median(ahead + 1, c / self.office.services[0].mean_s)


def typical_durations(office: Office, seed: int, how: str) -> dict[str, float]:
    """What an office would write as each service's ``typical_minutes``, in seconds.

    "guess": the true mean times a factor drawn log-uniformly between 3/4 and 4/3, rounded to a whole
    minute: a clerk's round figure, not a measurement. Drawn from its own generator, so the hall's
    arrivals and services are the same whatever is chosen here.
    """
    if how == "none" or len(office.services) < 2:  # the M/M/c office's default_service_s is already its own
        return {}
    rng = random.Random(f"typical {seed}")
    spread = math.log(4 / 3)
    return {
        s.code: 60.0 * max(1, round(s.mean_s / 60 * math.exp(rng.uniform(-spread, spread))))
        if how == "guess"
        else s.mean_s
        for s in office.services
    }


_MEDIANS: dict[tuple[int, float], float] = {}


def erlang_median(k: int, rate: float) -> float:
    key = (k, rate)
    if key not in _MEDIANS:

        def cdf(x: float) -> float:
            term, total = 1.0, 1.0
            for i in range(1, k):
                term *= rate * x / i
                total += term
            return 1 - math.exp(-rate * x) * total

        lo, hi = 0.0, 50 * k / rate
        for _ in range(80):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if cdf(mid) < 0.5 else (lo, mid)
        _MEDIANS[key] = lo
    return _MEDIANS[key]


MMC = Office(
    "M/M/c: 3 counters, 36 arrivals/h, 4-min exponential service",
    (ServiceSpec("A", 36, 240),),
    tuple(CounterSpec(n, ("A",)) for n in (1, 2, 3)),
    default_service_s=240,
)
MIXED = Office(
    "mixed: 3 services, 5 counters (oldest_first and strict), 15% priority, two 30-min breaks",
    (ServiceSpec("A", 18, 300), ServiceSpec("B", 10, 480), ServiceSpec("C", 5, 720)),
    (
        CounterSpec(1, ("A", "B")),
        CounterSpec(2, ("A",), breaks=((2.5 * 3600, 1800),)),
        CounterSpec(3, ("B", "A"), Ordering.STRICT),
        CounterSpec(4, ("C", "B"), Ordering.STRICT, breaks=((6 * 3600, 1800),)),
        CounterSpec(5, ("A", "B", "C")),
    ),
    priority_share=0.15,
    default_service_s=480,
)
# The mixed office with its C service far from the office-wide 8-minute default: 24 min, 2.5 an hour (the same
# load as C's 12 min at 5 an hour). Where a service's own typical duration should matter (--office long).
LONG = replace(
    MIXED,
    name="mixed, C 24 min: 3 services, 5 counters (oldest_first and strict), 15% priority, two 30-min breaks",
    services=(ServiceSpec("A", 18, 300), ServiceSpec("B", 10, 480), ServiceSpec("C", 2.5, 1440)),
)


def mae(records: list[Record], pick: str) -> float:
    return statistics.fmean(abs(getattr(r, pick) - r.actual) for r in records)


def report(
    office: Office,
    days: int,
    seed: int,
    budget_s: float,
    profile: bool = True,
    schedule: bool = True,
    perfect_every: int = 0,
    perfect_knows: str = "both",
    ab: bool = False,
    typical: str = "guess",
    truth_runs: int = 0,
    truth_every: int = 0,
    sample: int = FORECAST_SAMPLE,
) -> list[Record]:
    hall = Hall(
        office,
        random.Random(seed),
        budget_s,
        profile=profile,
        schedule=schedule,
        perfect_every=perfect_every,
        perfect_knows=perfect_knows,
        ab=ab,
        typical_s=typical_durations(office, seed, typical),
        truth_runs=truth_runs,
        truth_every=truth_every,
        sample=sample,
    )
    if hall.typical_s:
        print(
            "  the office's typical minutes: "
            + ", ".join(f"{s.code} {hall.typical_s[s.code] / 60:.0f} (true {s.mean_s / 60:g})" for s in office.services)
        )
    started = time.perf_counter()
    for day in range(days):
        hall.run_day(day)
    records = hall.records
    mean_wait = statistics.fmean(r.actual for r in records)
    print(
        f"\n{office.name}: {days} days, {len(records)} tickets, mean wait {mean_wait:.0f} s "
        f"({time.perf_counter() - started:.0f} s wall)"
    )
    figures = {"forecast": mae(records, "forecast"), "naive": mae(records, "naive")}
    if records[0].before is not None:
        figures["before"] = mae(records, "before")
    if records[0].naive_typical is not None:
        figures["naive+typ"] = mae(records, "naive_typical")
    if records[0].oracle is not None:
        figures["oracle"] = mae(records, "oracle")
    checked = [r for r in records if r.perfect is not None]
    if checked:
        mean_checked = statistics.fmean(r.actual for r in checked)
        print(
            f"  every {len(records) // len(checked)}th ticket ({len(checked)}), MAE ÷ mean wait: "
            + ", ".join(f"{pick} {mae(checked, pick) / mean_checked:.3f}" for pick in ("forecast", "naive", "perfect"))
            + f"; the perfect forecast {1 - mae(checked, 'perfect') / mae(checked, 'naive'):+.1%} below naive, "
            f"ours {1 - mae(checked, 'forecast') / mae(checked, 'naive'):+.1%}"
        )
    replayed = [r for r in records if r.truth is not None]
    if replayed:
        print(f"  {versus_truth(replayed)}")
    for name, value in figures.items():
        print(f"  MAE ÷ mean wait, {name:8}: {value / mean_wait:.3f}")
    if "oracle" in figures:
        print(f"  forecast ÷ best estimator: {figures['forecast'] / figures['oracle']:.3f}×  (target ≤ 1.03×)")
    print(
        f"  forecast's MAE vs the naive formula: {1 - figures['forecast'] / figures['naive']:+.1%} lower "
        f"(target ≥ 20% on the mixed office)"
    )
    late = sum(r.actual - r.forecast > 300 for r in records) / len(records)
    late_naive = sum(r.actual - r.naive > 300 for r in records) / len(records)
    print(f"  waited 5+ min longer than printed: forecast {late:.1%}, naive {late_naive:.1%}")
    banded = [r for r in records if r.band is not None]
    inside = sum(r.band[0] <= r.actual <= r.band[1] for r in banded if r.band) / max(1, len(banded))
    print(f"  real wait within the stored p10–p90 band: {inside:.1%} (80% if calibrated; ties at 0 count inside)")
    return records


def store_cost(tickets: int) -> None:
    """Wall time of Store.issue_ticket with and without the forecast, on a SQLite file (the example office)."""
    import tempfile
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from common.config import load_config
    from common.core.clock import ManualClock
    from common.store import Store
    from common.store.db import connect

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    config = load_config(Path(__file__).resolve().parents[1] / "assets" / "office.example.toml")
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as scratch:
        clock = ManualClock(datetime(2026, 11, 25, 8, 0, tzinfo=tz))
        plain = Store(connect(f"sqlite:///{scratch}/bench.sqlite3"), clock, tz)
        plain.load_office(config.office)
        hall = Store(plain.db, clock, tz, hall_forecast=True)
        for counter, clerk in ((1, "lan"), (2, "hoa")):
            plain.sign_in(counter, clerk)
        timings: dict[bool, list[float]] = {False: [], True: []}
        for i in range(tickets):
            store = hall if i % 2 else plain
            started = time.perf_counter()
            store.issue_ticket(rng.choice(("TP", "TP", "CT")), check_hours=False)
            timings[store is hall].append(time.perf_counter() - started)
            clock.advance(rng.expovariate(1 / 20))
            if i % 3 == 0:  # the counters keep up with two thirds: the queue grows through the run
                for counter, clerk in ((1, "lan"), (2, "hoa")):
                    if plain.call_next(counter, clerk) is not None:
                        plain.start_service(counter, clerk)
                        clock.advance(rng.expovariate(1 / 30))
                        plain.finish_service(counter, clerk)
        plain.db.engine.dispose()
    print(f"\nStore.issue_ticket on SQLite, {tickets} tickets (queue growing to ~{tickets // 3}):")
    for on, values in timings.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(
            f"  forecast {'on ' if on else 'off'}: p50 {statistics.median(values) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms (wall)"
        )


def seeds_arg(text: str) -> list[int]:
    """``1-12`` or ``4,5,6``."""
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return out


def below_median(records: list[Record]) -> float:
    """The share who waited less than printed, a tie counting half: 50% where the printed median is calibrated.

    The bias of a median is no sign of a wrong model (a skewed wait's median lies below its mean); this is.
    """
    return statistics.fmean(1.0 if r.actual < r.forecast else 0.5 if r.actual == r.forecast else 0.0 for r in records)


def blind_mae(records: list[Record]) -> str:
    known = [r.before for r in records if r.before is not None]
    if len(known) != len(records):
        return ""
    return f"{statistics.fmean(abs(u - r.actual) for u, r in zip(known, records, strict=True)):.0f}"


def versus(records: list[Record], other: str) -> str:
    """On the tickets that have ``other`` ("perfect": --perfect; "best": --truth's replays): ours ÷ its MAE,
    and each below naive."""
    checked = [r for r in records if (r.perfect if other == "perfect" else r.truth) is not None]
    if not checked:
        return ""
    ours, theirs, naive = mae(checked, "forecast"), mae(checked, other), mae(checked, "naive")
    if not theirs or not naive:  # every such ticket here was called at once
        return f"{len(checked)}: MAE ours {ours:.0f} s, {other} {theirs:.0f} s, naive {naive:.0f} s"
    return f"{len(checked)}: {ours / theirs:.3f} ({1 - ours / naive:+.1%} / {1 - theirs / naive:+.1%})"


def versus_truth(records: list[Record]) -> str:
    """On the replayed tickets: our forecast's MAE below naive beside the best's (the replays' median).

    Where the perfect forecast ran too (told the true laws, but playing the hall with the forecast's own model):
    its MAE beside the best's, and how far its median is from the replays' median (the forecast's model of the
    hall against the hall itself). And the share who waited less than the best (50 % if the replays are right).
    """
    mine = [r for r in records if r.truth is not None]
    if not mine:
        return ""
    naive = mae(mine, "naive")
    out = (
        f"{len(mine)} tickets replayed {len(mine[0].truth or ())} times: below naive, ours "
        f"{1 - mae(mine, 'forecast') / naive:+.1%}, best (the replays' median) {1 - mae(mine, 'best') / naive:+.1%}; "
        f"waited less than the best {below(mine, 'best'):.1%}"
    )
    both = [r for r in mine if r.perfect is not None]
    if both:
        naive = mae(both, "naive")
        out += (
            f"; on the {len(both)} the perfect forecast also ran: below naive, ours "
            f"{1 - mae(both, 'forecast') / naive:+.1%}, perfect {1 - mae(both, 'perfect') / naive:+.1%}, best "
            f"{1 - mae(both, 'best') / naive:+.1%}; |perfect − best| "
            f"{statistics.fmean(abs(r.perfect - r.best) for r in both if r.perfect is not None):.1f} s (signed "
            f"{statistics.fmean(r.perfect - r.best for r in both if r.perfect is not None):+.1f} s)"
        )
    return out


def best_limit(records: list[Record]) -> str:
    """The best forecast with endless replays, from the median of half of them.

    A median of N draws misses the law's median by a little, which costs MAE in proportion to 1/N; so the median
    of 100 of the 200 replays (drawn without replacement, five times over) lies about twice as far above the
    limit as the median of all 200.
    """
    mine = [r for r in records if r.truth is not None]
    rng = random.Random(1)
    naive, best = mae(mine, "naive"), mae(mine, "best")
    half = statistics.fmean(
        statistics.fmean(
            abs(statistics.median(rng.sample(r.truth or [], len(r.truth or []) // 2)) - r.actual) for r in mine
        )
        for _ in range(5)
    )
    limit = 2 * best - half
    return (
        f"the best from half the replays: MAE {half:.1f} s against {best:.1f} s; with endless replays about "
        f"{limit:.1f} s, {1 - limit / naive:+.1%} below naive"
    )


def below(records: list[Record], pick: str) -> float:
    return statistics.fmean(
        1.0 if r.actual < getattr(r, pick) else 0.5 if r.actual == getattr(r, pick) else 0.0 for r in records
    )


def decompose(records: list[Record]) -> None:
    """Where the forecast's absolute error comes from: per tag, its share, MAE and bias against the naive formula."""
    total = sum(abs(r.forecast - r.actual) for r in records)
    total_naive = sum(abs(r.naive - r.actual) for r in records)
    print(f"\nerror decomposition, {len(records)} tickets (a ticket may carry several tags):")
    print(
        "  | tag | tickets | share of forecast's abs error | MAE forecast / naive (s) | below naive "
        "| bias forecast / naive (s) | waited less than printed | MAE before (s) "
        "| checked: ours ÷ perfect (below naive: ours / perfect) | replayed: ours ÷ best (below naive: ours / best) |"
    )
    print("  |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    first = "first day (no service-time history)"
    tags = [*sorted({t for r in records for t in r.tags}), "not the first day"]
    for tag in tags:
        mine = [r for r in records if (first not in r.tags if tag == "not the first day" else tag in r.tags)]
        if not mine:
            continue
        err = sum(abs(r.forecast - r.actual) for r in mine)
        err_naive = sum(abs(r.naive - r.actual) for r in mine)
        bias = statistics.fmean(r.forecast - r.actual for r in mine)
        bias_naive = statistics.fmean(r.naive - r.actual for r in mine)
        print(
            f"  | {tag} | {len(mine)} | {err / total:.1%} | {err / len(mine):.0f} / {err_naive / len(mine):.0f} "
            f"| {1 - err / err_naive:+.1%} | {bias:+.0f} / {bias_naive:+.0f} | {below_median(mine):.0%} | "
            f"{blind_mae(mine)} | {versus(mine, 'perfect')} | {versus(mine, 'best')} |"
        )
    print(
        f"  | all | {len(records)} | 100% | {total / len(records):.0f} / {total_naive / len(records):.0f} "
        f"| {1 - total / total_naive:+.1%} | {statistics.fmean(r.forecast - r.actual for r in records):+.0f} / "
        f"{statistics.fmean(r.naive - r.actual for r in records):+.0f} | {below_median(records):.0%} | "
        f"{blind_mae(records)} | {versus(records, 'perfect')} | {versus(records, 'best')} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=30, help="days of the M/M/c office (issue 17: 30)")
    parser.add_argument("--mixed-days", type=int, default=20, help="days of the mixed office")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seeds",
        type=seeds_arg,
        default=None,
        metavar="1-12",
        help="several seeds, one after another, with a table per seed (overrides --seed)",
    )
    parser.add_argument(
        "--decompose",
        action="store_true",
        help="the forecast's absolute error by what the ticket met (breaks ahead, priority, ...)",
    )
    parser.add_argument("--budget-ms", type=float, default=30.0, help="the forecast's CPU budget per ticket")
    parser.add_argument(
        "--last-hour",
        action="store_true",
        help="arrival rates from the last hour only, not the day's profile (the earlier method)",
    )
    parser.add_argument(
        "--no-schedule",
        action="store_true",
        help="the forecast does not know the breaks before they begin (the earlier method)",
    )
    parser.add_argument(
        "--perfect-knows",
        choices=("both", "rates", "laws"),
        default="both",
        help="what the --perfect forecast is told: the true arrival rates, the true service laws, or both",
    )
    parser.add_argument(
        "--perfect",
        type=int,
        default=0,
        metavar="N",
        help="every Nth ticket also gets the forecast that knows the true rates and service times (slow)",
    )
    parser.add_argument(
        "--ab",
        action="store_true",
        help="every ticket also gets the forecast without the typical durations, on the same hall (paired A/B)",
    )
    parser.add_argument(
        "--typical",
        choices=("guess", "exact", "none"),
        default="guess",
        help="the office's [[services]] typical_minutes: a round guess off the true mean by up to a third "
        "(drawn per seed), the true mean, or none (the office-wide default only)",
    )
    parser.add_argument(
        "--office",
        choices=("mixed", "long"),
        default="mixed",
        help="the second office: the mixed one, or the same with its C service at 24 min (2.5 an hour)",
    )
    parser.add_argument(
        "--truth",
        type=int,
        default=0,
        metavar="K",
        help="every --truth-every'th ticket is also replayed K times through the hall's own code (the best forecast)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=FORECAST_SAMPLE,
        metavar="N",
        help=f"the latest N service times per service go to the forecast (the store: {FORECAST_SAMPLE})",
    )
    parser.add_argument("--truth-every", type=int, default=0, metavar="N", help="which tickets --truth replays")
    parser.add_argument("--save", metavar="FILE", help="also write the records (pickle), for --saved")
    parser.add_argument(
        "--saved",
        nargs="*",
        metavar="FILE",
        help="no simulation: the per-seed table and the decomposition of runs saved with --save",
    )
    parser.add_argument("--store", type=int, default=0, metavar="N", help="also time N issue_ticket calls")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    records: list[Record] = []
    rows: list[str] = []
    runs: list[tuple[str, int, int, list[Record]]] = []
    for path in args.saved or ():
        with open(path, "rb") as saved:
            runs += pickle.load(saved)
    for seed in args.seeds or [args.seed] if args.saved is None else ():
        for office, days in ((MMC, args.days), (LONG if args.office == "long" else MIXED, args.mixed_days)):
            if days > 0:
                mine = report(
                    office,
                    days,
                    seed,
                    args.budget_ms / 1000,
                    profile=not args.last_hour,
                    schedule=not args.no_schedule,
                    perfect_every=args.perfect,
                    perfect_knows=args.perfect_knows,
                    ab=args.ab,
                    typical=args.typical,
                    truth_runs=args.truth,
                    truth_every=args.truth_every,
                    sample=args.sample,
                )
                runs.append((office.name, seed, days, mine))
    if args.save:
        with open(args.save, "wb") as out:
            pickle.dump(runs, out)
    for name, seed, days, mine in sorted(runs, key=lambda run: (run[0], run[1])):
        records += mine
        rows.append(row(name, days, seed, mine))
    if args.store:
        store_cost(args.store)
    if not records:
        return
    if len(rows) > 1:
        print(
            "\n| office | seed | days | tickets | mean wait | MAE÷mean: forecast | naive | oracle | below naive "
            "| ÷ oracle | CPU p99 |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print("\n".join(rows))
        mixed = [r for r in records if r.oracle is None]
        if mixed and len(rows) > 1:
            print(row("pooled", runs[0][2], 0, mixed))
            if all(r.naive_typical is not None for r in mixed):
                naive_typical = mae(mixed, "naive_typical")
                print(
                    f"pooled: against the naive formula given the same typical durations, "
                    f"{1 - mae(mixed, 'forecast') / naive_typical:+.1%} lower"
                    + (
                        f" (before: {1 - mae(mixed, 'before') / naive_typical:+.1%})"
                        if mixed[0].before is not None
                        else ""
                    )
                )
            if any(r.truth is not None for r in mixed):
                print(f"pooled, {versus_truth(mixed)}")
                print(f"pooled, {best_limit(mixed)}")
                for name, seed, _days, mine in sorted(runs, key=lambda run: (run[0], run[1])):
                    if name == runs[0][0] and any(r.truth is not None for r in mine):
                        print(f"  seed {seed}: {versus(mine, 'best')}")
    if args.decompose:
        decompose([r for r in records if r.oracle is None] or records)
    cpu = sorted(r.cpu_s for r in records)
    fell_back = sum(r.method is Method.FORMULA for r in records) / len(records)
    print(
        f"\nforecast CPU per ticket (thread time), {len(cpu)} tickets: p50 {statistics.median(cpu) * 1000:.1f} ms, "
        f"p99 {p99_of(cpu) * 1000:.1f} ms, max {cpu[-1] * 1000:.1f} ms (budget {args.budget_ms:.0f} ms); "
        f"formula printed for {fell_back:.1%} (no counter to run, or budget spent)"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def p99_of(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def row(name: str, days: int, seed: int, records: list[Record]) -> str:
    """One line of the per-seed table."""
    mean_wait = statistics.fmean(r.actual for r in records)
    ours, naive = mae(records, "forecast"), mae(records, "naive")
    before = f"{1 - mae(records, 'before') / naive:+.1%} → " if records[0].before is not None else ""
    oracle = mae(records, "oracle") if records[0].oracle is not None else None
    cpu = sorted(r.cpu_s for r in records)
    return (
        f"| {name.split(':')[0]} | {seed} | {days} | {len(records)} | {mean_wait:.0f} s | "
        f"{ours / mean_wait:.3f} | {naive / mean_wait:.3f} | "
        f"{'' if oracle is None else f'{oracle / mean_wait:.3f}'} | {before}{1 - ours / naive:+.1%} | "
        f"{'' if oracle is None else f'{ours / oracle:.3f}×'} | {p99_of(cpu) * 1000:.1f} ms |"
    )


if __name__ == "__main__":
    main()
