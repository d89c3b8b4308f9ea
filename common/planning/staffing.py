"""Staffing advice: per hour of day, how many counters keep 95% of waits within 30 minutes.

For each local hour of issue over a period of service days (only days with tickets count):

- **arrivals per hour**: the rate *while open*: transactions issued in that hour ÷ the hour's open time
  (common/planning/open_hours.py), so that the 07:00 hour of an office opening at 07:30 shows its 9 arrivals as
  18 an hour, not 9 (issue 17). Open time is the union of the services' opening hours, per day, cut at the end
  of the observed time (today's hour in progress); an hour with arrivals that the hours say is closed counts as
  fully open. A transfer is an arrival at its new queue;
- **mean service time**: of the transactions issued in that hour that were served (falling back to the
  service's period mean, then to the office default);
- **needed (pooled)**: Erlang C (common/planning/erlang.py) for the whole office as one queue, as if every counter
  served every service: the lower bound;
- **needed (per service)**: the sum of each service's own Erlang C answer, as if each service had its own
  counters: the upper bound. The truth lies between, depending on how counters share services;
- **open**: the counters actually open in that hour, averaged over the days, reconstructed from the audit log
  (``counter_open`` / ``counter_break`` / ``counter_back_office`` / ``counter_closed`` events), time-weighted:
  a counter open for the half hour from 9:30 adds 0.5 to 9:00. The log, rather than tickets' ``counter_id``,
  because an open counter that nobody came to is still an open counter (and idle counters are what the
  director pays for). A counter's state at the start of the period is its last state change in the 24 hours
  before; older changes are not read (counters are closed every evening).

**Scheduled breaks** ([[counters]] breaks): the advice carries each counter's schedule (``counter_breaks``) and the
capacity it takes per hour (``HourAdvice.break_counters``); the plans count a counter-hour net of its breaks
(Erlang C's start: a 15-minute break gives 0.75 of a counter) and their verifying simulations take the breaks,
so a plan says "4 counters" where 3 would do without breaks. ``plan_breaks`` names the hours that lose capacity.

``plan`` turns the advice into a per-hour plan verified over many simulated days (common/planning/plan_search.py),
and ``what_if`` runs a fixed number of counters over many seeded days and reports the range (median and 5–95%
band) rather than one run (common/planning/verify.py: pooled, every counter serves every service, like the
pooled column).
"""

from __future__ import annotations

import dataclasses
import math
import random
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.core.clock import local_midnight
from common.core.events import COUNTER_STATES, EventKind
from common.core.model import Counter, Service
from common.planning import erlang
from common.planning.group_plan import CounterPlan, Demand, Sampler, plan_counters
from common.planning.open_hours import as_seconds, merge, open_minutes, rate_while_open
from common.planning.plan_search import StaffingPlan, advise, available
from common.planning.simulate import OFFICE_HOURS
from common.planning.verify import Profile, quantile, verify
from common.store import Store

TARGET_MINUTES = 30
SHARE = 0.95
STATE_EVENTS = tuple(sorted(COUNTER_STATES))
BOOKED_DAYS = 14  # days ahead whose bookings `motcua staffing` shows (the plan's default booking horizon)


@dataclass(frozen=True)
class HourAdvice:
    hour: int
    arrivals_per_hour: float
    mean_service_s: float | None
    needed: int  # pooled: every counter serves every service
    needed_by_service: int  # each service on counters of its own
    open_counters: float  # time-weighted mean over the days
    within_pct_with_open: float | None  # Erlang C's % within target with the counters open (pooled)
    open_minutes: float = 60.0  # the office's open minutes in this hour, per day
    # Counters' capacity the scheduled breaks take in this hour with every counter open (a 15-minute break in a
    # full hour: 0.25); the plans staff around it (plan_search.erlang_plan, the simulations take the breaks).
    break_counters: float = 0.0


@dataclass(frozen=True)
class StaffingAdvice:
    start: date
    end: date
    days: int
    target_minutes: int
    share: float
    hours: tuple[HourAdvice, ...]
    mean_service_s: float | None  # over the whole period, arrival-weighted
    windows: tuple[tuple[float, float], ...] = ()  # the office's open intervals, seconds since local midnight
    # Per service, for the plan on the office's own counters (common/planning/group_plan.py):
    service_rates: tuple[tuple[int, tuple[tuple[str, float], ...]], ...] = ()  # hour -> (code, per open hour)
    service_mean_s: tuple[tuple[str, float], ...] = ()  # code -> mean service seconds over the period
    priority_share: float = 0.0  # share of the period's transactions with a priority category
    service_cv: tuple[tuple[str, float], ...] = ()  # code -> coefficient of variation of service time (2+ served)
    # The office's active counters with services, by number, and their scheduled daily breaks ([[counters]]
    # breaks, via `setup load`) as (start, end) seconds since local midnight; () for a counter without breaks.
    counter_breaks: tuple[tuple[int, tuple[tuple[float, float], ...]], ...] = ()


@dataclass(frozen=True)
class BookedHour:
    """An hour of a day to come with bookings already taken, beside the advice's usual load for that hour."""

    day: date
    hour: int
    booked: int
    usual_arrivals: float | None  # the advice's arrivals in that hour per day (rate × open minutes); None: no such hour

    @property
    def booked_share(self) -> float | None:
        return self.booked / self.usual_arrivals if self.usual_arrivals else None


@dataclass(frozen=True)
class WhatIf:
    """``counters`` counters in every open hour over ``days`` seeded days: each figure as (5%, median, 95%)."""

    counters: int
    days: int
    first_seed: int
    tickets: int  # over all days
    within_pct: tuple[float, float, float]  # share of waits within target, per day
    wait_mean_min: tuple[float, float, float]  # mean wait per day, minutes
    overall_within_pct: float  # all days pooled


def staffing_advice(store: Store, start: date, end: date, target_minutes: int = TARGET_MINUTES,
                    share: float = SHARE) -> StaffingAdvice:
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    first = local_midnight(start, store.tz)
    days, rows, events, until = store.views.staffing_inputs(start, end, STATE_EVENTS)
    open_s = _open_seconds(events, first, until, store)
    target_s = target_minutes * 60
    per_service: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    squares: dict[int, float] = defaultdict(float)
    for _, sid, n, served, total, _, _, square in rows:
        acc = per_service[sid]
        acc[0], acc[1], acc[2] = acc[0] + n, acc[1] + served, acc[2] + int(total or 0)  # COALESCEd: never NULL
        squares[sid] += float(square or 0)
    fallback = {sid: (acc[2] / acc[1] if acc[1] else store.default_service_s) for sid, acc in per_service.items()}
    by_hour: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    code_of: dict[int, str] = {}
    for hour, sid, n, served, total, code, *_ in rows:
        by_hour[int(hour)].append((sid, int(n), int(served), int(total or 0)))
        code_of[sid] = str(code)
    windows = office_windows(store)
    minutes = _minutes_open(windows, days, local_midnight(end + timedelta(days=1), store.tz), until, store)
    counter_breaks = tuple((c.number, break_seconds(c.breaks)) for c in store.counters() if c.active and c.services)
    hours = []
    for hour in sorted(set(by_hour) | set(open_s)):
        cells = by_hour.get(hour, [])
        h = _hour(hour, cells, fallback, days, open_s.get(hour, 0.0), target_s, share, minutes.get(hour, 0.0))
        lost = sum(1 - available(spans, hour, h.open_minutes) for _, spans in counter_breaks if spans) \
            if h.open_minutes > 0 else 0.0
        hours.append(dataclasses.replace(h, break_counters=round(lost, 2)) if lost > 0 else h)
    # Arrival-weighted by arrivals per day (rate × open hours), not by the rate: a half-open hour brings half.
    arrivals = sum(h.arrivals_per_hour * h.open_minutes for h in hours)
    weighted = sum(h.arrivals_per_hour * h.open_minutes * h.mean_service_s for h in hours if h.mean_service_s)
    busy = [(h.hour * 3600.0, h.hour * 3600.0 + 3600) for h in hours if h.arrivals_per_hour > 0
            and minutes.get(h.hour, 0.0) <= 0]  # arrivals outside the hours: that hour counts as open
    per_day = max(days, 1)
    service_rates = tuple(
        (h.hour, tuple(sorted((code_of[sid], round(rate_while_open(n / per_day, h.open_minutes), 3))
                              for sid, n, _, _ in by_hour.get(h.hour, []))))
        for h in hours if by_hour.get(h.hour))
    priority = sum(int(r[6]) for r in rows)
    total_n = sum(int(r[2]) for r in rows)
    return StaffingAdvice(start, end, days, target_minutes, share, tuple(hours),
                          weighted / arrivals if arrivals else None, tuple(merge([*windows, *busy])), service_rates,
                          tuple(sorted((code_of[sid], round(m, 1)) for sid, m in fallback.items())),
                          round(priority / total_n, 4) if total_n else 0.0,
                          tuple(sorted((code_of[sid], round(cv, 3)) for sid, acc in per_service.items()
                                       if (cv := _cv(acc[1], acc[2], squares[sid])) is not None)),
                          counter_breaks)


def break_seconds(spans: Sequence[tuple[time, time]]) -> tuple[tuple[float, float], ...]:
    """A counter's breaks (times of day) as (start, end) seconds since local midnight."""
    return tuple((_seconds_of(a), _seconds_of(b)) for a, b in spans)


def _seconds_of(at: time) -> float:
    return 86400.0 if at == time.max else at.hour * 3600.0 + at.minute * 60 + at.second


@dataclass(frozen=True)
class BreakHour:
    """An hour of a plan whose open counters lose capacity to their scheduled breaks."""

    hour: int
    counters: float  # capacity lost, in counters (a 15-minute break in a full hour: 0.25)
    breaks: tuple[tuple[int, float, float], ...]  # (counter number, start, end seconds since local midnight)


def break_hours(open_by_hour: Mapping[int, Sequence[int]], counter_breaks: Mapping[int, Sequence[tuple[float, float]]],
                minutes: Mapping[int, float]) -> list[BreakHour]:
    """The hours in which the counters a plan opens (by number) are on scheduled breaks, and how much it costs."""
    out = []
    for hour in sorted(open_by_hour):
        a, b = hour * 3600.0, (hour + 1) * 3600.0
        taken = tuple((n, s, e) for n in sorted(open_by_hour[hour]) for s, e in counter_breaks.get(n, ())
                      if s < b and e > a)
        lost = sum(1 - available(counter_breaks.get(n, ()), hour, minutes.get(hour, 60.0))
                   for n in {n for n, _, _ in taken})
        if taken:
            out.append(BreakHour(hour, round(lost, 2), taken))
    return out


def plan_breaks(advice: StaffingAdvice, found: CounterPlan) -> list[BreakHour]:
    """The hours in which the counters the counter plan opens are on their scheduled breaks."""
    schedule = {n: spans for n, spans in advice.counter_breaks if spans}
    return break_hours({h.hour: h.own for h in found.hours}, schedule, {h.hour: h.open_minutes for h in found.hours})


def clock(seconds: float) -> str:
    """Seconds since local midnight as HH:MM."""
    m = round(seconds / 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def booked_ahead(store: Store, advice: StaffingAdvice, start: date, days: int = BOOKED_DAYS) -> list[BookedHour]:
    """Bookings already taken per hour on ``start`` and the ``days - 1`` days after it (issue 19).

    The advice itself comes from history, where a checked-in booking is a ticket like any other
    (and a no-show brings nobody), so it counts the booked load already. For the days to come,
    these are the citizens known to be coming: shown beside the hour's usual arrivals, so a
    supervisor sees an hour whose bookings alone fill much of its usual load.
    """
    usual = {h.hour: h.arrivals_per_hour * h.open_minutes / 60.0 for h in advice.hours}
    return [BookedHour(day, hour, n, usual.get(hour))
            for day, hour, n in store.views.booked_by_hour(start, start + timedelta(days=days - 1))]


def _cv(served: int, total: float, squares: float) -> float | None:
    """Standard deviation ÷ mean of the served service times (None with fewer than two, or a zero mean)."""
    if served < 2 or total <= 0:
        return None
    mean = total / served
    var = max(0.0, (squares - served * mean * mean) / (served - 1))
    return math.sqrt(var) / mean


def office_windows(store: Store) -> list[tuple[float, float]]:
    """The union of the active services' opening hours (seconds since local midnight)."""
    return as_seconds([w for svc in store.services() if svc.active for w in svc.hours.intervals])


def _minutes_open(windows: Sequence[tuple[float, float]], days: int, after: datetime, until: datetime,
                  store: Store) -> dict[int, float]:
    """Open minutes per hour, per day on average over the ``days`` days with tickets.

    Today's hour in progress was open only until now: the time after ``until`` on its date is taken off
    (assuming today is one of the days with tickets, as it is whenever the office has issued today).
    """
    per_day = open_minutes(windows)
    if days < 1:
        return per_day
    local = until.astimezone(store.tz)
    now_s = local.hour * 3600 + local.minute * 60 + local.second
    # ``until`` is the midnight after the period unless the period runs into today: only then is a day cut short.
    # Before today's opening, today has no open time and (normally) no tickets: it is not among ``days``.
    opened_today = any(a < now_s for a, _ in windows)
    cut = open_minutes([(max(a, now_s), b) for a, b in windows if b > now_s]) \
        if until < after and opened_today else {}
    return {h: max(0.0, m - cut.get(h, 0.0) / days) for h, m in per_day.items()}


def _hour(hour: int, cells: list[tuple[int, int, int, int]], fallback: dict[int, float], days: int,
          open_seconds: float, target_s: int, share: float, minutes_open: float) -> HourAdvice:
    per_day = max(days, 1)
    if minutes_open <= 0 and cells:
        minutes_open = 60.0  # arrivals in an hour the office's hours call closed: take the hour as open
    arrivals = rate_while_open(sum(n for _, n, _, _ in cells) / per_day, minutes_open)
    work = 0.0  # seconds of service demanded per open hour
    by_service = 0
    for sid, n, served, total in cells:
        mean = total / served if served else fallback[sid]
        rate = rate_while_open(n / per_day, minutes_open)
        work += rate * mean
        by_service += erlang.counters_needed(rate / 3600, mean, target_s, share)
    mean_service = work / arrivals if arrivals else None
    lam = arrivals / 3600
    needed = erlang.counters_needed(lam, mean_service, target_s, share) if mean_service else 0
    open_counters = open_seconds / 3600 / per_day
    within = None
    if mean_service and round(open_counters) >= 1:
        within = round(100 * erlang.share_within(round(open_counters), lam, mean_service, target_s), 1)
    return HourAdvice(hour, round(arrivals, 2), None if mean_service is None else round(mean_service, 1),
                      needed, by_service, round(open_counters, 2), within, round(minutes_open, 1))


def _open_seconds(events: Sequence[tuple[int | None, datetime, str]], first: datetime, until: datetime,
                  store: Store) -> dict[int, float]:
    """Seconds counters spent open, per local hour, between ``first`` and ``until``."""
    out: dict[int, float] = defaultdict(float)
    by_counter: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for counter_id, at, kind in events:
        if counter_id is not None:  # the query asks for counter events only; the column is nullable
            by_counter[counter_id].append((at, kind))
    for changes in by_counter.values():
        opened: datetime | None = None
        for at, kind in changes:
            if opened is not None:
                _spread(out, max(opened, first), min(at, until), store)
            opened = at if kind == EventKind.COUNTER_OPEN else None
        if opened is not None:
            _spread(out, max(opened, first), until, store)
    return out


def _spread(out: dict[int, float], a: datetime, b: datetime, store: Store) -> None:
    """Add the interval a..b to its local hours."""
    while a < b:
        local = a.astimezone(store.tz)
        boundary = (local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).astimezone(a.tzinfo)
        step_end = min(boundary, b)
        out[local.hour] += (step_end - a).total_seconds()
        a = step_end


def open_windows(advice: StaffingAdvice) -> list[tuple[time, time]]:
    """The whole hours in which citizens arrived, merged into intervals: the simulated day's opening hours
    when the advice carries no office hours (the office's standard hours are the last fallback)."""
    hours = sorted(h.hour for h in advice.hours if h.arrivals_per_hour > 0)
    windows: list[tuple[time, time]] = []
    for hour in hours:
        if windows and windows[-1][1] == time(hour):
            windows[-1] = (windows[-1][0], _end_of(hour))
        else:
            windows.append((time(hour), _end_of(hour)))
    return windows or list(OFFICE_HOURS)


def _end_of(hour: int) -> time:
    return time(hour + 1) if hour < 23 else time.max


def profile(advice: StaffingAdvice, priority_share: float = 0.0) -> tuple[Profile, dict[int, float]]:
    """The advice's day as a simulation profile, and the open minutes of each hour a plan staffs."""
    if not advice.hours or advice.mean_service_s is None:
        raise ValueError("no arrivals in the period: nothing to simulate")
    windows = tuple(advice.windows) or tuple(as_seconds(open_windows(advice)))
    rates = {h.hour: h.arrivals_per_hour for h in advice.hours}
    minutes = {h: m for h, m in open_minutes(windows).items() if m > 0}
    return Profile(rates, windows, advice.mean_service_s, priority_share,
                   breaks=tuple(spans for _, spans in advice.counter_breaks)), minutes


def plan(advice: StaffingAdvice, days: int = 100, first_seed: int = 1) -> StaffingPlan:
    """A per-hour plan (Erlang C, then verified and trimmed over ``days`` simulated days, checked on as many others)."""
    prof, minutes = profile(advice)
    return advise(prof, minutes, days=days, first_seed=first_seed, target_s=advice.target_minutes * 60,
                  share=advice.share)


def demand(advice: StaffingAdvice) -> tuple[Demand, dict[int, float]]:
    """The advice's day per service (for the plan on the office's own counters), and each hour's open minutes."""
    if not advice.service_rates:
        raise ValueError("no arrivals in the period: nothing to simulate")
    windows = tuple(advice.windows) or tuple(as_seconds(open_windows(advice)))
    rates = {h: dict(cells) for h, cells in advice.service_rates}
    minutes = {h: m for h, m in open_minutes(windows).items() if m > 0}
    means = dict(advice.service_mean_s)
    return Demand(rates, windows, means, advice.priority_share, sampler=sampler(means, dict(advice.service_cv))), \
        minutes


def sampler(means: dict[str, float], cvs: dict[str, float]) -> Sampler:
    """Service times with each service's measured mean and spread: lognormal (a long right tail, as at real
    desks), fitted by its two moments; exponential (the cautious guess) where the spread is unknown."""
    params = {code: (math.log(means[code]) - s2 / 2, math.sqrt(s2)) for code, cv in cvs.items()
              if code in means and means[code] > 0 and cv > 0 for s2 in [math.log(1 + cv * cv)]}

    def draw(rng: random.Random, code: str) -> float:
        p = params.get(code)
        return rng.lognormvariate(*p) if p else rng.expovariate(1 / means[code])

    return draw


def counter_plan(advice: StaffingAdvice, services: Sequence[Service], counters: Sequence[Counter], store_tz: ZoneInfo,
                 days: int = 60, first_seed: int = 1, default_service_s: float = 600.0,
                 progress: Callable[[int, int], None] | None = None) -> CounterPlan:
    """Which of the office's counters to open each hour (common/planning/group_plan.py), judged on the engine."""
    dem, minutes = demand(advice)
    return plan_counters(services, counters, dem, minutes, store_tz, days=days, first_seed=first_seed,
                         target_s=advice.target_minutes * 60, share=advice.share,
                         default_service_s=default_service_s, progress=progress)


def store_counter_plan(store: Store, advice: StaffingAdvice, days: int = 60, first_seed: int = 1,
                       progress: Callable[[int, int], None] | None = None) -> CounterPlan:
    return counter_plan(advice, store.services(), store.counters(), store.tz, days, first_seed,
                        store.default_service_s, progress)


def what_if(advice: StaffingAdvice, counters: int, days: int = 40, first_seed: int = 1) -> WhatIf:
    """``counters`` counters serving every service in every open hour, over ``days`` seeded days."""
    if counters < 1:
        raise ValueError("a what-if needs at least one counter")
    if days < 2:
        raise ValueError("a range needs at least two simulated days")
    prof, minutes = profile(advice)
    check = verify(prof, dict.fromkeys(minutes, counters), days, first_seed, advice.target_minutes * 60)
    return WhatIf(counters, days, first_seed, check.tickets, band([100 * s for s in check.shares]),
                  band([w / 60 for w in check.day_wait_means_s]), round(100 * check.overall, 1))


def band(values: Sequence[float]) -> tuple[float, float, float]:
    """(5th percentile, median, 95th percentile), rounded for display."""
    return (round(quantile(values, 0.05), 1), round(statistics.median(values), 1), round(quantile(values, 0.95), 1))
