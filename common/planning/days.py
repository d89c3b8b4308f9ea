"""Many simulated days, fast: the store-free engine run once per seed, for staffing plans and what-ifs.

    simulate_days(office, profile, counters_plan, seeds) -> list[DayResult]

No store, no database and no audit trail: each seed is one day of ``profile`` played by
common.planning.engine.Engine through the simulator's own day loop (common.planning.simulate),
the loop the exact-replay test checks against the real store. A day of the example office
(~450 citizens) takes a few milliseconds.

``counters_plan`` is either a number of counters (the office's first N, open all day) or a
plan per local hour (hour → counters open in it): the office's first max(plan) counters are
staffed, an hour missing from the plan has all of them, and those beyond an hour's figure
are on break for that hour (a clerk finishes the citizen in front of them first, as at a
real desk).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from common.config import OfficeSpec
from common.core.clock import ManualClock
from common.core.errors import MotcuaError
from common.core.model import TicketStatus
from common.planning.booked import NO_BOOKINGS, BookingMix
from common.planning.engine import Engine
from common.planning.simulate import OFFICE_HOURS, Breaks, Demand, ServiceTime, _Day

W = TicketStatus
CountersPlan = int | Mapping[int, int]


@dataclass(frozen=True)
class DayProfile:
    """One kind of day: when the office opens, who comes (``demand``: local time → arrivals an hour per
    service code) and how long they take (``service_time``: rng, code → seconds)."""

    demand: Demand
    service_time: ServiceTime
    day: date = date(2026, 11, 25)  # a Wednesday; the weekday matters only if ``demand`` looks at it
    hours: Sequence[tuple[time, time]] = OFFICE_HOURS
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    walk_seconds: float | Callable[[random.Random], float] = 0.0
    no_show_share: float = 0.0
    priority_share: float = 0.0
    transfer_share: float = 0.0
    overtime_minutes: float = 60
    default_service_s: float = 600.0  # what the printed estimate assumes before any service is done
    bookings: BookingMix = NO_BOOKINGS  # issue 19: a share of arrivals booked, and their no-show rate


@dataclass(frozen=True)
class DayResult:
    """What one seeded day gave. ``waits_s[i]`` was the wait of a ticket issued in local hour ``hours[i]``.

    Every transaction that was called counts (a transferred citizen's second queue is its own
    wait); ``expired_waits_s`` are the censored waits of those still waiting at closing time.
    """

    seed: int
    day: date
    issued: int
    served: int
    no_shows: int
    transferred: int
    waits_s: tuple[int, ...]
    hours: tuple[int, ...]
    expired_waits_s: tuple[int, ...]
    # issue 19: whether each of ``waits_s`` / ``expired_waits_s`` was a booked ticket ("Hẹn"); empty: none was
    booked: tuple[bool, ...] = ()
    expired_booked: tuple[bool, ...] = ()

    def within(self, target_s: float, *, hour: int | None = None, booked: bool | None = None) -> float:
        """Share of waits (expired ones included, as failures) within ``target_s``; 1.0 when nobody waited.

        ``booked`` True/False: only the booked tickets, or only the walk-ins.
        """
        waits = [w for w, h, b in zip(self.waits_s, self.hours, self._flags(), strict=True)
                 if (hour is None or h == hour) and (booked is None or b == booked)]
        expired = 0 if hour is not None else sum(1 for b in self._expired_flags() if booked is None or b == booked)
        total = len(waits) + expired
        return sum(1 for w in waits if w <= target_s) / total if total else 1.0

    @property
    def mean_wait_s(self) -> float:
        return sum(self.waits_s) / len(self.waits_s) if self.waits_s else 0.0

    def mean_wait_of(self, booked: bool) -> float | None:
        """Mean wait of the called booked tickets (or walk-ins); None when there was none."""
        waits = [w for w, b in zip(self.waits_s, self._flags(), strict=True) if b == booked]
        return sum(waits) / len(waits) if waits else None

    def count(self, booked: bool) -> int:
        return sum(1 for b in self._flags() if b == booked) + sum(1 for b in self._expired_flags() if b == booked)

    def _flags(self) -> tuple[bool, ...]:
        return self.booked or (False,) * len(self.waits_s)

    def _expired_flags(self) -> tuple[bool, ...]:
        return self.expired_booked or (False,) * len(self.expired_waits_s)


def simulate_days(office: OfficeSpec, profile: DayProfile, counters_plan: CountersPlan,
                  seeds: Iterable[int]) -> list[DayResult]:
    """One day of ``profile`` per seed, in the office ``office`` staffed by ``counters_plan``."""
    counters = sorted((c for c in office.counters if c.active and c.services), key=lambda c: c.number)
    wanted = counters_plan if isinstance(counters_plan, int) else max(counters_plan.values(), default=0)
    if wanted < 1 or wanted > len(counters):
        raise MotcuaError(f"the office has {len(counters)} counters; cannot staff {wanted}")
    staffed = counters[:wanted]
    breaks = [] if isinstance(counters_plan, int) else off_hours(counters_plan, [c.number for c in staffed])
    instant = not callable(profile.walk_seconds) and profile.walk_seconds == 0 and profile.no_show_share == 0
    walk = profile.walk_seconds if callable(profile.walk_seconds) else (
        lambda _rng, w=float(profile.walk_seconds): w)
    clock = ManualClock(datetime.combine(profile.day, profile.hours[0][0], profile.tz))  # unused by the engine
    results = []
    for seed in seeds:
        engine = Engine.for_office(office.services, staffed, profile.tz, profile.default_service_s,
                                   call_starts_service=instant, record_events=False, estimates=False)
        loop = _Day(engine, clock, staffed, random.Random(seed), profile.service_time, walk, profile.no_show_share,
                    profile.priority_share, profile.transfer_share, breaks, profile.bookings,
                    {s.code: s.hours for s in office.services})
        loop.run(profile.day, profile.hours, profile.demand, profile.overtime_minutes)
        results.append(_result(seed, profile.day, engine, loop.issued))
    return results


def off_hours(plan: Mapping[int, int], numbers: Sequence[int]) -> Breaks:
    """The plan as breaks: counter i is away in each run of hours whose figure is ≤ i."""
    out = []
    for i, number in enumerate(numbers):
        start: int | None = None
        for hour in [*range(24), 24]:
            off = hour < 24 and plan.get(hour, len(numbers)) <= i
            if off and start is None:
                start = hour
            elif not off and start is not None:
                out.append((number, time(start), (hour - start) * 60.0))
                start = None
    return out


def _result(seed: int, day: date, engine: Engine, issued: int) -> DayResult:
    waits: list[int] = []
    hours: list[int] = []
    expired: list[int] = []
    booked: list[bool] = []
    expired_booked: list[bool] = []
    served = no_shows = transferred = 0
    done, no_show, moved, gone = W.DONE, W.NO_SHOW, W.TRANSFERRED, W.EXPIRED
    for t in engine.tickets:
        status = t.status
        if status is gone:
            expired.append(t.wait_s or 0)
            expired_booked.append(t.booked)
            continue
        wait = t.wait_s
        if wait is not None:
            waits.append(wait)
            hours.append(t.local_hour)
            booked.append(t.booked)
        if status is done:
            served += 1
        elif status is no_show:
            no_shows += 1
        elif status is moved:
            transferred += 1
    if not any(booked) and not any(expired_booked):  # no bookings: the result as before issue 19
        booked, expired_booked = [], []
    return DayResult(seed, day, issued, served, no_shows, transferred, tuple(waits), tuple(hours), tuple(expired),
                     tuple(booked), tuple(expired_booked))
