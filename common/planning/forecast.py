"""The hall-wide wait forecast printed on a ticket (issue 17): the hall run forward many times.

Store-free and standard library only (plus common.core). The store builds a :class:`HallState`
(common/store/hall.py), the benchmark builds one from its own simulated hall, and both call
:func:`forecast`.

One run plays the hall from now until the new ticket is called:

- the counters free up when their current ticket's *remaining* service ends (drawn from the
  service's recent times longer than what has already elapsed), or when a break ends;
- a counter's scheduled breaks (``Desk.breaks``, known in advance) are taken in each run: at the
  break's start if the counter is idle, else once its ticket is done, for the break's length;
- a free counter calls ``common.core.rules.next_to_call``: the very code ``call_next``'s
  SQL is kept equal to, so priority, ``strict``/``oldest_first`` and transfers behave alike;
- future arrivals come from the recent arrival rate per service, priority share included.
  Only those that some counter could call before the new ticket are drawn (a later ordinary
  ticket at a counter that serves the new one comes after it), which keeps a run short;
- bookings still to come today (issue 19) are known arrivals: each run has each of them check
  in at its slot's start with the office's show-up share, as a booked ticket (called before
  walk-ins where the office ranks bookings first). The store then counts only walk-ins in the
  random rate, so the booked load replaces part of the random arrivals instead of adding to it;
- service times are drawn from the service's recent finished services; until it has
  TRUSTED_SAMPLE of them, an exponential with the service's typical duration (``typical_s``,
  the config's ``[[services]] typical_minutes``; else the office-wide default) fills the rest,
  the same prior weight that ``common.core.estimate.blended_service_s`` gives its default.

The quantiles of the runs' waits are the forecast; the median is printed, since it minimises
the mean absolute error. The runs stop at ``max_runs`` or when the CPU budget (thread time,
since the kiosk forecasts off its GUI thread) is spent; with fewer than ``min_runs`` done the
printed estimate falls back to the simple formula of common.core.estimate.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from common.core.estimate import RECENT_SERVICE_SAMPLE, TRUSTED_SAMPLE, blended_service_s, wait_seconds
from common.core.rules import CounterState, Ordering, call_key, call_order, next_to_call, serves

BUDGET_S = 0.030  # the kiosk's CPU budget for the whole forecast (issue 17)
MAX_RUNS = 400  # enough for the median to within ~3% of the spread; more buys little
MIN_RUNS = 40  # fewer than this and the quantiles are noise: print the formula instead
BREAK_S = 1800.0  # how long a break is assumed to last when the counter went on it
HORIZON_S = 10 * 3600.0  # a run that has not called the ticket by then stops there
# Service times behind the forecast, per service. More than the formula's 100: a mean from 100
# exponential times is off by ±10%, which moves every forecast with it (the M/M/c benchmark lost
# ~2.5% of MAE to it); 300 halve that and still follow a service that changes within the day or two.
FORECAST_SAMPLE = 300


class Method(StrEnum):
    """Which rule produced the printed estimate (stored on the ticket, for the accuracy audit)."""

    FORECAST = "forecast"
    FORMULA = "formula"


@dataclass(frozen=True, slots=True)
class Waiting:
    """A waiting ticket, as ``common.core.rules`` needs it (the Queued protocol)."""

    id: int
    service: str
    priority: bool
    queued_at: datetime
    target_counter: int | None = None
    booked: bool = False  # a checked-in booking (issue 19): called after priority, before walk-ins


@dataclass(frozen=True, slots=True)
class Desk:
    """A counter (the CallingCounter protocol) with its state and what it is doing now."""

    number: int
    services: tuple[str, ...]
    ordering: Ordering
    state: CounterState
    state_elapsed_s: float = 0.0  # time in the current state (how long the break has lasted)
    current_service: str | None = None  # the ticket at the counter, called or serving
    current_elapsed_s: float = 0.0  # since it was called (or started)
    booked_first: bool = True  # the office's [appointments] order (rules.rank)
    # Breaks the counter will take, known in advance (an office's schedule): (start, length) in seconds
    # from now, by start. A start at or before 0 is a break already due that waits for the current
    # ticket to finish. The counter leaves at the start, or when the ticket it is serving then is done.
    breaks: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class BookedArrival:
    """A booking still to come today: it checks in ``at_s`` from now (its slot's start) with ``show_share``."""

    service: str
    at_s: float
    show_share: float = 1.0


@dataclass(frozen=True, slots=True)
class Arrivals:
    service: str
    per_hour: float
    priority_share: float = 0.0
    until_s: float = math.inf  # seconds from now until the service stops taking tickets (closing time)


# The arrival rate ahead, from the day's profile: the same time of day on recent working days,
# PROFILE_BEFORE_S before now to PROFILE_AFTER_S after (the forecast looks ahead, so mostly
# after), pooled with today's own last hour. Ten days of a 90-minute window hold ~15 hours of
# arrivals: the rate to ±8% for a service of 18 an hour, where the last hour alone gives ±24%.
PROFILE_DAYS = 14  # calendar days looked back (about ten working days)
PROFILE_BEFORE_S = 1800.0
PROFILE_AFTER_S = 3600.0


def pooled_arrivals(
    counts: Mapping[tuple[str, bool], int], exposure_s: Mapping[str, float], until_s: Mapping[str, float] | None = None
) -> tuple[Arrivals, ...]:
    """Each service's arrival rate and priority share from counts over the time its tickets were open.

    ``counts[(service, priority)]`` adds today's last hour and the past days' window at this
    time of day; ``exposure_s[service]`` the seconds of opening time they cover (today's
    window plus each past day that issued the service). Pooling the counts weighs each source
    by how much time it saw. ``until_s`` is when each service stops taking tickets.
    """
    totals: dict[str, list[int]] = {}
    for (code, priority), n in counts.items():
        totals.setdefault(code, [0, 0])[1 if priority else 0] += n
    out = []
    for code, (plain, urgent) in sorted(totals.items()):
        seconds = exposure_s.get(code, 0.0)
        if plain + urgent == 0 or seconds <= 0:
            continue
        out.append(
            Arrivals(
                code,
                (plain + urgent) * 3600.0 / seconds,
                urgent / (plain + urgent),
                (until_s or {}).get(code, math.inf),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class HallState:
    """Everything the forecast reads, as plain values; ``ticket`` is also among ``waiting``."""

    now: datetime
    ticket: Waiting
    waiting: tuple[Waiting, ...]
    desks: tuple[Desk, ...]
    samples: Mapping[str, Sequence[float]]  # recent service times per service, seconds, newest first
    arrivals: tuple[Arrivals, ...] = ()
    default_service_s: float = 480.0
    break_s: float = BREAK_S
    booked: tuple[BookedArrival, ...] = ()  # bookings still to come today, by slot
    # A service's typical duration from the office config (seconds): its prior in place of default_service_s.
    typical_s: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Forecast:
    printed_s: int
    method: Method
    p10_s: int | None = None
    p50_s: int | None = None
    p90_s: int | None = None
    runs: int = 0
    cpu_s: float = 0.0


def formula_s(state: HallState) -> int:
    """The simple estimate (common.core.estimate) from the same hall state: the fallback and the baseline."""
    t = state.ticket
    # Tx.ahead_of's count: same service; priority tickets first, then by queue time and id.
    ahead = sum(
        1
        for w in state.waiting
        if w.service == t.service and w.id != t.id and (w.priority, t.queued_at, t.id) > (t.priority, w.queued_at, w.id)
    )
    recent = list(state.samples.get(t.service, ()))[:RECENT_SERVICE_SAMPLE]  # the formula's own sample
    mean = blended_service_s(recent, state.typical_s.get(t.service, state.default_service_s))
    serving = [d for d in state.desks if t.service in d.services]
    open_ = [d for d in serving if d.state == CounterState.OPEN]
    free = any(d.current_service is None for d in open_)
    return wait_seconds(ahead, mean, len(open_), len(serving), free)


@dataclass
class _Service:
    """A service's recent times, ready for drawing."""

    ordered: list[float]
    missing: int  # how many default-time services stand in for a short history
    default_s: float
    mean_s: float = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.ordered)
        self.mean_s = (
            (sum(self.ordered) + self.missing * self.default_s) / (n + self.missing)
            if n + self.missing
            else self.default_s
        )

    def draw(self, rng: random.Random) -> float:
        n = len(self.ordered)
        if rng.random() * (n + self.missing) < self.missing:
            return rng.expovariate(1.0 / self.default_s)
        return self.ordered[int(rng.random() * n)]

    def remaining(self, elapsed: float, rng: random.Random) -> float:
        """Service left for a ticket already ``elapsed`` in: drawn from the times longer than that."""
        n = len(self.ordered)
        first = bisect_right(self.ordered, elapsed)
        tail = n - first
        prior = self.missing * math.exp(-elapsed / self.default_s)  # exponential prior: memoryless
        if tail + prior <= 0:
            return rng.expovariate(1.0 / self.mean_s)  # longer than anything seen: assume memoryless
        if rng.random() * (tail + prior) < prior:
            return rng.expovariate(1.0 / self.default_s)
        return self.ordered[first + int(rng.random() * tail)] - elapsed


def _prepare(state: HallState) -> dict[str, _Service]:
    codes = {d_svc for d in state.desks for d_svc in d.services} | {w.service for w in state.waiting}
    codes |= {d.current_service for d in state.desks if d.current_service} | {a.service for a in state.arrivals}
    codes |= {b.service for b in state.booked}
    prepared = {}
    for code in codes:
        recent = sorted(float(x) for x in state.samples.get(code, ()))
        prior = state.typical_s.get(code, state.default_service_s)
        prepared[code] = _Service(recent, max(0, TRUSTED_SAMPLE - len(recent)), prior)
    return prepared


def _overtaking(state: HallState) -> list[tuple[str, bool, float, float]]:
    """(service, priority, rate per second, until) of the future arrivals that could matter before the ticket is called.

    An arrival matters unless every counter that may call it would call the ticket first: then
    no counter ever takes it while the ticket waits. (One that a counter not serving the ticket
    takes first, a ``strict`` counter's first service say, still matters: that counter then
    serves fewer of those ahead of the ticket.)
    """
    t = state.ticket
    later = t.queued_at + timedelta(days=365)  # any future arrival queues after the ticket
    desks = [d for d in state.desks if d.state != CounterState.CLOSED]
    streams = []
    for a in state.arrivals:
        for priority, share in ((True, a.priority_share), (False, 1.0 - a.priority_share)):
            rate = a.per_hour * share / 3600.0
            probe = Waiting(1 << 62, a.service, priority, later)
            if (
                rate > 0
                and a.until_s > 0
                and any(serves(d, probe) and not (serves(d, t) and call_key(d, t) < call_key(d, probe)) for d in desks)
            ):
                streams.append((a.service, priority, rate, a.until_s))
    return streams


def _booked_overtaking(state: HallState) -> list[BookedArrival]:
    """The bookings to come that some counter could call before the ticket, by check-in time.

    A booked ticket is called before walk-ins (``rules.rank``) where the office ranks bookings
    first, so one that checks in after the ticket still overtakes it; elsewhere it queues by time
    and, like a later walk-in, never matters at a counter that serves the ticket.
    """
    t = state.ticket
    desks = [d for d in state.desks if d.state != CounterState.CLOSED]
    out = []
    for b in state.booked:
        probe = Waiting(1 << 62, b.service, False, state.now + timedelta(seconds=max(0.0, b.at_s)), booked=True)
        if b.show_share > 0 and any(
            serves(d, probe) and not (serves(d, t) and call_key(d, t) < call_key(d, probe)) for d in desks
        ):
            out.append(b)
    return sorted(out, key=lambda b: b.at_s)


def _run(
    state: HallState,
    desks: list[Desk],
    queues: list[list[Waiting]],
    services: dict[str, _Service],
    streams: list[tuple[str, bool, float, float]],
    rng: random.Random,
    horizon_s: float,
    booked: Sequence[BookedArrival] = (),
) -> float:
    """One run of the hall: seconds until a counter calls the ticket (``horizon_s`` if none does).

    ``queues[i]`` is ``rules.call_order`` of the waiting tickets for ``desks[i]``, sorted once per
    forecast. The next call at a desk is then ``next_to_call`` over the first of them not yet
    taken and the run's arrivals still waiting: the same choice as over the whole queue (the
    minimum of the same key), in time that does not grow with the queue.
    """
    target = state.ticket
    taken: set[int] = set()
    heads = [0] * len(desks)
    arrived: list[Waiting] = []
    free_at: list[float] = []
    pause = [0] * len(desks)  # each desk's next scheduled break
    idle_since: list[float | None] = [None] * len(desks)  # since when a desk has had nobody to call
    for d in desks:
        at = 0.0
        if d.state != CounterState.OPEN:  # on a break or in back-office work: back when the break ends
            at = max(0.0, state.break_s - d.state_elapsed_s)
        if d.current_service is not None:
            at += services[d.current_service].remaining(d.current_elapsed_s, rng)
        free_at.append(at)
    total_rate = sum(stream[2] for stream in streams)
    next_arrival = rng.expovariate(total_rate) if total_rate > 0 else math.inf
    next_id = first_new = max(w.id for w in state.waiting) + 1
    inf = math.inf
    k = 0  # the next booking to check in; whether it shows is drawn when its time comes
    while True:
        t = min(free_at) if free_at else inf
        due = max(0.0, booked[k].at_s) if k < len(booked) else inf
        if due < t and due <= next_arrival:
            if due >= horizon_s:
                return horizon_s
            b = booked[k]
            k += 1
            if rng.random() >= b.show_share:  # a no-show
                continue
            new = Waiting(next_id, b.service, False, state.now + timedelta(seconds=due), booked=True)
            next_id += 1
            arrived.append(new)
            for i, d in enumerate(desks):
                if free_at[i] == inf and serves(d, new):
                    free_at[i] = due
            continue
        if next_arrival < t:
            if next_arrival >= horizon_s:
                return horizon_s
            pick = rng.random() * total_rate
            for stream in streams:
                pick -= stream[2]
                if pick <= 0:
                    break
            if next_arrival >= stream[3]:  # after that service's closing time: no such arrival (thinning)
                next_arrival += rng.expovariate(total_rate)
                continue
            new = Waiting(next_id, stream[0], stream[1], state.now + timedelta(seconds=next_arrival))
            next_id += 1
            arrived.append(new)
            for i, d in enumerate(desks):  # an idle counter that serves it calls at once
                if free_at[i] == inf and serves(d, new):
                    free_at[i] = next_arrival
            next_arrival += rng.expovariate(total_rate)
            continue
        if t >= horizon_s:
            return horizon_s
        i = free_at.index(t)
        if pause[i] < len(desks[i].breaks) and desks[i].breaks[pause[i]][0] <= t:  # a break is due: take it first
            start, length = desks[i].breaks[pause[i]]
            pause[i] += 1
            idle = idle_since[i]
            free_at[i] = max(t, (t if idle is None else max(start, idle)) + length)
            continue
        queue, head = queues[i], heads[i]
        while head < len(queue) and queue[head].id in taken:
            head += 1
        heads[i] = head
        candidates = [queue[head], *arrived] if head < len(queue) else arrived
        chosen = next_to_call(desks[i], candidates)  # the ordering code call_next itself follows
        if chosen is None:
            free_at[i] = inf  # idle until an arrival it serves
            if idle_since[i] is None:
                idle_since[i] = t
        elif chosen is target:
            return t
        else:
            idle_since[i] = None
            if chosen.id >= first_new:
                arrived.remove(chosen)
            else:
                taken.add(chosen.id)
            free_at[i] = t + services[chosen.service].draw(rng)


def quantile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between the closest ranks, on sorted values."""
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def forecast(
    state: HallState,
    *,
    seed: int = 0,
    budget_s: float = BUDGET_S,
    max_runs: int = MAX_RUNS,
    min_runs: int = MIN_RUNS,
    horizon_s: float = HORIZON_S,
    cpu_clock: Callable[[], float] = time.thread_time,
) -> Forecast:
    """The ticket's wait quantiles from up to ``max_runs`` runs within ``budget_s`` of CPU.

    Falls back to :func:`formula_s` when no counter that could call the ticket is open or on a
    break (nothing to run forward), or when fewer than ``min_runs`` runs fit in the budget.
    """
    started = cpu_clock()
    if not any(serves(d, state.ticket) and d.state != CounterState.CLOSED for d in state.desks):
        return Forecast(formula_s(state), Method.FORMULA, cpu_s=cpu_clock() - started)
    rng = random.Random(seed)
    services = _prepare(state)
    streams = _overtaking(state)
    booked = _booked_overtaking(state)
    desks = [d for d in state.desks if d.state != CounterState.CLOSED]
    queues = [call_order(d, state.waiting) for d in desks]
    waits: list[float] = []
    now = cpu_clock()
    longest = 0.0  # the costliest run so far
    # Stop before one more run as costly as the costliest so far would overrun the budget. Reading the clock
    # every run costs about a microsecond against 0.1–1 ms a run; reading it once per 8 runs and stopping once
    # the budget was spent overran it by up to a batch (p99 31 ms against 30: docs/benchmarks/forecast2.md).
    while len(waits) < max_runs and now - started + longest < budget_s:
        waits.append(_run(state, desks, queues, services, streams, rng, horizon_s, booked))
        before, now = now, cpu_clock()
        longest = max(longest, now - before)
    spent = cpu_clock() - started
    if len(waits) < min_runs:
        return Forecast(formula_s(state), Method.FORMULA, runs=len(waits), cpu_s=spent)
    waits.sort()
    p10, p50, p90 = (round(quantile(waits, q)) for q in (0.1, 0.5, 0.9))
    return Forecast(p50, Method.FORECAST, p10, p50, p90, len(waits), spent)
