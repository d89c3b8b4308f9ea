"""simulate_days: the engine alone, one seeded day per seed, staffed by a count or a per-hour plan."""

from __future__ import annotations

from datetime import time

import pytest

from common.config import OfficeSpec
from common.core.errors import MotcuaError
from common.planning.days import DayProfile, off_hours, simulate_days
from tests.common.example_day import example_office, example_profile


@pytest.fixture(scope="module")
def office() -> OfficeSpec:
    return example_office()


@pytest.fixture(scope="module")
def profile(office: OfficeSpec) -> DayProfile:
    return example_profile(office)


def test_the_same_seed_gives_the_same_day_and_seeds_differ(office: OfficeSpec, profile: DayProfile) -> None:
    first, again = simulate_days(office, profile, 8, [1, 2, 3]), simulate_days(office, profile, 8, [1, 2, 3])
    assert first == again
    assert len({r.waits_s for r in first}) == 3
    for r in first:
        assert r.issued > 300  # an ordinary day of the example office
        assert len(r.waits_s) == len(r.hours) == r.served + r.no_shows + r.transferred
        assert 0 <= r.within(1800) <= 1


def test_fewer_counters_in_an_hour_lengthen_that_hour(office: OfficeSpec, profile: DayProfile) -> None:
    seeds = range(6)
    full = simulate_days(office, profile, 8, seeds)
    # Only 3 of 8 counters from 09:00 to 11:00 (the morning peak): those hours' waits must grow.
    thin = simulate_days(office, profile, {**dict.fromkeys(range(7, 17), 8), 9: 3, 10: 3}, seeds)
    mean = lambda rs, h: sum(w for r in rs for w, hh in zip(r.waits_s, r.hours, strict=True) if hh == h) / max(  # noqa: E731
        1, sum(1 for r in rs for hh in r.hours if hh == h))
    assert mean(thin, 10) > 2 * mean(full, 10)
    assert sum(r.within(1800, hour=10) for r in thin) < sum(r.within(1800, hour=10) for r in full)
    # The same citizens came (arrivals are drawn before the day is played): only the staffing differs.
    assert [r.issued for r in thin] == [r.issued for r in full]
    # A plan whose largest figure is 3 staffs the office's first 3 counters all day.
    assert simulate_days(office, profile, {9: 3}, seeds) == simulate_days(office, profile, 3, seeds)


def test_a_plan_becomes_breaks_for_the_counters_beyond_each_hours_figure() -> None:
    assert off_hours({9: 1, 10: 1, 14: 2}, [1, 2, 3]) == [
        (2, time(9), 120.0), (3, time(9), 120.0), (3, time(14), 60.0)]
    assert off_hours({}, [1, 2]) == []


def test_more_counters_than_the_office_has_is_one_clear_error(office: OfficeSpec, profile: DayProfile) -> None:
    with pytest.raises(MotcuaError, match="cannot staff 99"):
        simulate_days(office, profile, 99, [1])
