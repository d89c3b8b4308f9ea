"""The what-if with bookings (issue 19): "what does opening 20% of slots to bookings do to walk-in waits?".

    booking_what_if(advice, counters, days, bookings) -> BookedWhatIf

The period's measured demand (StaffingAdvice: arrivals per open hour and service, service times) is
played on the store-free engine (common.planning.days) with ``counters`` counters that each take every
service, once with no bookings and once with ``bookings`` (a share of arrivals booked, a no-show rate;
common.planning.booked), on the same seeds. Each figure is the (5%, median, 95%) band across the
simulated days, as the plain what-if shows it, for walk-ins and booked citizens apart.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import time

from common.config import OfficeSpec
from common.core.model import Counter, Service
from common.planning.booked import NO_BOOKINGS, BookingMix
from common.planning.days import DayProfile, DayResult, simulate_days
from common.planning.simulate import ServiceTime
from common.planning.staffing import StaffingAdvice, band, demand
from common.planning.staffing import profile as staffing_profile
from common.planning.verify import day_seed

Band = tuple[float, float, float]


@dataclass(frozen=True)
class GroupFigures:
    """One group's (walk-in or booked) figures over the days: bands of % within target and mean wait (min)."""

    tickets: int
    within_pct: Band | None  # None: nobody of this group in any day
    wait_mean_min: Band | None


@dataclass(frozen=True)
class BookedWhatIf:
    counters: int
    days: int
    first_seed: int
    bookings: BookingMix
    without: GroupFigures  # everyone a walk-in: the same days with no bookings
    walk_in: GroupFigures
    booked: GroupFigures


def _clock(seconds: float) -> time:
    if seconds >= 86_400:
        return time.max
    s = int(seconds)
    return time(s // 3600, s % 3600 // 60, s % 60)


def profile_of(advice: StaffingAdvice, bookings: BookingMix = NO_BOOKINGS) -> tuple[OfficeSpec, DayProfile]:
    """The advice's day as an office of its services (no counters yet) and an engine profile.

    Per service when the advice measured them (its service rates and times), else one pooled service
    with the period's arrivals per hour and exponential service at its mean (what the plain what-if plays).
    """
    if advice.service_rates:
        dem, _ = demand(advice)
        rates = {h: dict(r) for h, r in dem.rates.items()}
        windows, priority, overtime_s = dem.windows, dem.priority_share, dem.overtime_s
        service_s: ServiceTime = dem.service_s
        default_s = statistics.fmean(dem.mean_s.values()) if dem.mean_s else 600.0
    else:
        pooled, _ = staffing_profile(advice)
        mean_s = pooled.mean_service_s
        rates = {h: {"*": r} for h, r in pooled.rates.items()}
        windows, priority, overtime_s, default_s = pooled.windows, pooled.priority_share, pooled.overtime_s, mean_s

        def exponential(rng: random.Random, _code: str) -> float:
            return rng.expovariate(1 / mean_s)
        service_s = exponential
    codes = sorted({code for r in rates.values() for code in r})
    services = tuple(Service(code, f"S{i}", code, code) for i, code in enumerate(codes))
    hours = tuple((_clock(a), _clock(b)) for a, b in windows)
    profile = DayProfile(lambda local: rates.get(local.hour, {}), service_s, hours=hours, priority_share=priority,
                         overtime_minutes=overtime_s / 60, default_service_s=default_s, bookings=bookings)
    return OfficeSpec(services=services), profile


def booking_what_if(advice: StaffingAdvice, counters: int, days: int, bookings: BookingMix,
                    first_seed: int = 1) -> BookedWhatIf:
    if counters < 1:
        raise ValueError("a what-if needs at least one counter")
    if days < 2:
        raise ValueError("a range needs at least two simulated days")
    office, profile = profile_of(advice, bookings)
    codes = tuple(s.code for s in office.services)
    office = OfficeSpec(services=office.services,
                        counters=tuple(Counter(n, f"Quầy {n}", codes) for n in range(1, counters + 1)))
    seeds = [day_seed(first_seed, i) for i in range(days)]
    target_s = advice.target_minutes * 60
    plain = simulate_days(office, replace(profile, bookings=NO_BOOKINGS), counters, seeds)
    mixed = simulate_days(office, profile, counters, seeds)
    return BookedWhatIf(counters, days, first_seed, bookings, figures(plain, False, target_s),
                        figures(mixed, False, target_s), figures(mixed, True, target_s))


def figures(results: Sequence[DayResult], booked: bool, target_s: float) -> GroupFigures:
    tickets = sum(r.count(booked) for r in results)
    present = [r for r in results if r.count(booked)]
    if not present:
        return GroupFigures(tickets, None, None)
    waits = [m / 60 for r in present if (m := r.mean_wait_of(booked)) is not None]
    return GroupFigures(tickets, band([100 * r.within(target_s, booked=booked) for r in present]),
                        band(waits) if waits else None)
