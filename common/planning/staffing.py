"""Staffing advice: per hour of day, how many counters keep 95% of waits within 30 minutes.

For each local hour of issue over a period of service days (only days with tickets count):

- **arrivals per hour**: transactions issued in that hour ÷ days (a transfer is an arrival at its new queue);
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

``what_if`` replays the observed hour-of-day arrival profile (arrivals per hour, in the hours that had any)
with another number of counters through the simulator (common/planning/simulate.py: the real store on a temporary
SQLite file, Poisson arrivals, exponential service at the period's mean) and reports the simulated day.
Every counter serves every service there, so it answers "how many counters in all", like the pooled column.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from common.config import OfficeSpec
from common.core.clock import local_midnight
from common.core.events import COUNTER_STATES, EventKind
from common.core.model import Counter
from common.planning import erlang
from common.planning.simulate import DEFAULT_SERVICE, OFFICE_HOURS, run, staff, workdays
from common.store import Store
from common.store.db import connect
from common.store.orm import EventRow, TicketRow
from common.views.report import Figures

TARGET_MINUTES = 30
SHARE = 0.95
STATE_EVENTS = tuple(sorted(COUNTER_STATES))


@dataclass(frozen=True)
class HourAdvice:
    hour: int
    arrivals_per_hour: float
    mean_service_s: float | None
    needed: int  # pooled: every counter serves every service
    needed_by_service: int  # each service on counters of its own
    open_counters: float  # time-weighted mean over the days
    within_pct_with_open: float | None  # Erlang C's % within target with the counters open (pooled)


@dataclass(frozen=True)
class StaffingAdvice:
    start: date
    end: date
    days: int
    target_minutes: int
    share: float
    hours: tuple[HourAdvice, ...]
    mean_service_s: float | None  # over the whole period, arrival-weighted


@dataclass(frozen=True)
class WhatIf:
    counters: int
    tickets: int
    figures: Figures
    wall_seconds: float


def staffing_advice(store: Store, start: date, end: date, target_minutes: int = TARGET_MINUTES,
                    share: float = SHARE) -> StaffingAdvice:
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    first, after = local_midnight(start, store.tz), local_midnight(end + timedelta(days=1), store.tz)
    with store.transaction(readonly=True) as tx:
        s = tx.session
        in_period = TicketRow.service_day.between(start, end)
        days = s.scalar(select(func.count(func.distinct(TicketRow.service_day))).where(in_period)) or 0
        rows = s.execute(select(TicketRow.local_hour, TicketRow.service_id, func.count(),
                                func.count(TicketRow.service_s), func.coalesce(func.sum(TicketRow.service_s), 0))
                         .where(in_period).group_by(TicketRow.local_hour, TicketRow.service_id)).all()
        events = s.execute(select(EventRow.counter_id, EventRow.at, EventRow.kind).where(
            EventRow.kind.in_(STATE_EVENTS), EventRow.at >= first - timedelta(days=1), EventRow.at < after,
            EventRow.counter_id.is_not(None)).order_by(EventRow.counter_id, EventRow.at, EventRow.id)).all()
        until = min(tx.now, after)
    open_s = _open_seconds(events, first, until, store)
    target_s = target_minutes * 60
    per_service: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for _, sid, n, served, total in rows:
        acc = per_service[sid]
        acc[0], acc[1], acc[2] = acc[0] + n, acc[1] + served, acc[2] + int(total)
    fallback = {sid: (acc[2] / acc[1] if acc[1] else store.default_service_s) for sid, acc in per_service.items()}
    by_hour: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for hour, sid, n, served, total in rows:
        by_hour[int(hour)].append((sid, int(n), int(served), int(total)))
    hours = []
    for hour in sorted(set(by_hour) | set(open_s)):
        cells = by_hour.get(hour, [])
        hours.append(_hour(hour, cells, fallback, days, open_s.get(hour, 0.0), target_s, share))
    arrivals = sum(h.arrivals_per_hour for h in hours)
    weighted = sum(h.arrivals_per_hour * h.mean_service_s for h in hours if h.mean_service_s)
    return StaffingAdvice(start, end, days, target_minutes, share, tuple(hours),
                          weighted / arrivals if arrivals else None)


def _hour(hour: int, cells: list[tuple[int, int, int, int]], fallback: dict[int, float], days: int,
          open_seconds: float, target_s: int, share: float) -> HourAdvice:
    per_day = max(days, 1)
    arrivals = sum(n for _, n, _, _ in cells) / per_day
    work = 0.0  # seconds of service demanded per day in this hour
    by_service = 0
    for sid, n, served, total in cells:
        mean = total / served if served else fallback[sid]
        work += n / per_day * mean
        by_service += erlang.counters_needed(n / per_day / 3600, mean, target_s, share)
    mean_service = work / arrivals if arrivals else None
    lam = arrivals / 3600
    needed = erlang.counters_needed(lam, mean_service, target_s, share) if mean_service else 0
    open_counters = open_seconds / 3600 / per_day
    within = None
    if mean_service and round(open_counters) >= 1:
        within = round(100 * erlang.share_within(round(open_counters), lam, mean_service, target_s), 1)
    return HourAdvice(hour, round(arrivals, 2), None if mean_service is None else round(mean_service, 1),
                      needed, by_service, round(open_counters, 2), within)


def _open_seconds(events: list[tuple[int, datetime, str]], first: datetime, until: datetime,
                  store: Store) -> dict[int, float]:
    """Seconds counters spent open, per local hour, between ``first`` and ``until``."""
    out: dict[int, float] = defaultdict(float)
    by_counter: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for counter_id, at, kind in events:
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
    """The whole hours in which citizens arrived, merged into intervals: the simulated day's opening hours.

    Whole hours keep each hour's observed count (07:00–08:00 at 13.8 an hour brings 13.8 citizens even if
    they all came after 07:30); the office's standard hours are the fallback.
    """
    hours = sorted(h.hour for h in advice.hours if h.arrivals_per_hour > 0)
    windows: list[tuple[time, time]] = []
    for hour in hours:
        if windows and windows[-1][1] == time(hour):
            windows[-1] = (windows[-1][0], _end_of(hour))
        else:
            windows.append((time(hour), _end_of(hour)))
    return windows or list(OFFICE_HOURS)


def _end_of(hour: int) -> time:
    return time(hour + 1) if hour < 23 else time(23, 59, 59)


def what_if(advice: StaffingAdvice, counters: int, seed: int = 1, tz: str = "Asia/Ho_Chi_Minh") -> WhatIf:
    """Simulate one day of the observed arrival profile with ``counters`` counters serving every service."""
    if counters < 1:
        raise ValueError("a what-if needs at least one counter")
    if not advice.hours or advice.mean_service_s is None:
        raise ValueError("no arrivals in the period: nothing to simulate")
    rates = {h.hour: h.arrivals_per_hour for h in advice.hours}
    mean_s = advice.mean_service_s
    scratch = Path(tempfile.mkdtemp(prefix="motcua-whatif-"))
    try:
        sim = Store(connect(f"sqlite:///{scratch / 'whatif.sqlite3'}"), tz=tz)
        sim.load_office(OfficeSpec(services=(DEFAULT_SERVICE,), counters=tuple(
            Counter(n, f"Quầy {n}", (DEFAULT_SERVICE.code,)) for n in range(1, counters + 1))))
        code = DEFAULT_SERVICE.code

        def demand(local: datetime) -> dict[str, float]:
            return {code: rates.get(local.hour, 0.0)}

        def service_time(rng: random.Random, _code: str) -> float:
            return rng.expovariate(1 / mean_s)

        result = run(sim, staff(sim, counters), workdays(sim.today, 1), open_windows(advice), demand=demand,
                     service_time=service_time, seed=seed)
        sim.db.engine.dispose()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return WhatIf(counters, result.tickets, result.report.overall, result.wall_seconds)
