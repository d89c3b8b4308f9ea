"""Staffing advice: Erlang C checked against published values and an independent (factorial) computation,
the hand-built Wednesday's hourly figures, counters open from the audit log, and the simulated what-if."""

from __future__ import annotations

import math

import pytest

from common.core.clock import ManualClock
from common.planning import erlang
from common.planning.staffing import HourAdvice, StaffingAdvice, staffing_advice, what_if
from common.store import Store
from tests.dashboard.day import WED, build_day


def textbook_erlang_c(c: int, a: float) -> float:
    """The closed form with factorials (Gross & Harris, Fundamentals of Queueing Theory, eq. 2.35)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def textbook_needed(lam_per_s: float, service_s: float, target_s: float, share: float = 0.95) -> int:
    a = lam_per_s * service_s
    for c in range(1, 200):
        if c > a and 1 - textbook_erlang_c(c, a) * math.exp(-(c - a) * target_s / service_s) >= share:
            return c
    raise AssertionError("no answer below 200 counters")


@pytest.mark.parametrize(("c", "a", "published"), [
    (2, 1.0, 1 / 3),  # M/M/2 at ρ = 0.5: P(wait) = 1/3 (Kleinrock, Queueing Systems I, §3.5)
    (3, 2.0, 4 / 9),  # M/M/3 with 2 erlangs: 0.4444
    (10, 8.0, 0.4092),  # 10 agents, 8 erlangs: 40.9% wait (standard Erlang C tables)
])
def test_erlang_c_matches_published_values(c: int, a: float, published: float) -> None:
    assert erlang.probability_of_waiting(c, a / 100, 100) == pytest.approx(published, abs=5e-5)
    assert textbook_erlang_c(c, a) == pytest.approx(published, abs=5e-5)


def test_hourly_advice_of_the_hand_built_day(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    advice = staffing_advice(store, WED, WED)
    assert advice.days == 1 and advice.target_minutes == 30 and advice.share == 0.95
    hours = {h.hour: h for h in advice.hours}
    assert sorted(hours) == [7, 8, 9]
    # 07: A001 (served in 600 s), in the half hour the office is open (from 07:30): 2 an open hour.
    # Counters 1, 2 and 8 open from 07:30: 3 × half an hour.
    assert (hours[7].arrivals_per_hour, hours[7].mean_service_s, hours[7].open_counters) == (2, 600, 1.5)
    assert hours[7].open_minutes == 30 and hours[8].open_minutes == 60
    # 08: TP A002 480, A003 720, A004 not served (TP mean 600 stands in); CT B001 240 → (3·600 + 240) / 4 = 510 s.
    # Open: counter 1 all hour, 2 until its break at 08:35, 8 until sign-out at 08:50.
    h8 = hours[8]
    assert (h8.arrivals_per_hour, h8.mean_service_s) == (4, 510)
    assert h8.open_counters == round(1 + 35 / 60 + 50 / 60, 2)
    assert h8.needed == textbook_needed(4 / 3600, 510, 1800)
    assert h8.needed_by_service == textbook_needed(3 / 3600, 600, 1800) + textbook_needed(1 / 3600, 240, 1800)
    assert h8.within_pct_with_open == round(
        100 * (1 - textbook_erlang_c(2, 4 * 510 / 3600) * math.exp(-(2 - 4 * 510 / 3600) * 1800 / 510)), 1)
    # 09 (until now, 09:30: 30 minutes open so far): TP A005 → TP's period mean 600; CT B002 → 240;
    # KD D001, D002 → office default 480. 4 arrivals in half an hour: 8 an hour.
    h9 = hours[9]
    assert (h9.arrivals_per_hour, h9.mean_service_s, h9.open_minutes) == (8, (600 + 240 + 2 * 480) / 4, 30)
    assert h9.open_counters == 1.0  # counters 1 and 4, half an hour each


def test_busy_hours_need_more_counters() -> None:
    hour = HourAdvice(9, 40, 480, 0, 0, 0, None)
    assert textbook_needed(40 / 3600, 480, 1800) == erlang.counters_needed(40 / 3600, 480, 1800) == 7
    assert hour.arrivals_per_hour * hour.mean_service_s / 3600 == pytest.approx(5.33, abs=0.01)


def test_empty_period_has_no_advice_and_no_what_if(store: Store) -> None:
    advice = staffing_advice(store, WED, WED)
    assert advice.hours == () and advice.days == 0
    with pytest.raises(ValueError, match="nothing to simulate"):
        what_if(advice, 3)


def test_what_if_more_counters_shortens_the_simulated_wait() -> None:
    rush = tuple(HourAdvice(h, 30, 480, 0, 0, 0, None) for h in (7, 8, 9, 10, 11, 13, 14, 15, 16))
    advice = StaffingAdvice(WED, WED, 1, 30, 0.95, rush, 480)
    few, many = what_if(advice, 3, days=30, first_seed=7), what_if(advice, 7, days=30, first_seed=7)
    assert few.counters == 3 and many.counters == 7 and few.days == 30
    assert 30 * 150 < few.tickets < 30 * 330 and few.tickets == many.tickets  # the same citizens: same seeds
    assert many.wait_mean_min[1] < few.wait_mean_min[1]
    assert many.within_pct[0] >= few.within_pct[0] and many.within_pct[1] == 100.0


def test_what_if_opens_the_hours_that_had_arrivals() -> None:
    from datetime import time

    from common.planning.staffing import open_windows
    hours = tuple(HourAdvice(h, 0 if h == 12 else 10, 300, 0, 0, 0, None) for h in (7, 8, 9, 10, 11, 12, 13, 14))
    advice = StaffingAdvice(WED, WED, 1, 30, 0.95, hours, 300)
    assert open_windows(advice) == [(time(7), time(12)), (time(13), time(15))]
