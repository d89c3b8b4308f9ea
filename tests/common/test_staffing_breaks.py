"""Issue 17: the staffing advice plans around the counters' scheduled breaks ([[counters]] breaks).

A plan that says "3 counters 10:00–11:00" while each of them takes a 20-minute break in that hour gives 2
counters of capacity, not 3. The advice counts capacity net of the breaks (Erlang C's start: a counter gives the
share of the hour it is not on a break) and its verifying simulations take the breaks."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import datetime, time
from zoneinfo import ZoneInfo

from common.config import OfficeSpec
from common.core.clock import ManualClock
from common.core.model import Counter, Service
from common.planning.group_plan import EXTRA_BASE, CounterPlan, Demand, Simulator, groups_of, plan_counters
from common.planning.open_hours import as_seconds, open_minutes
from common.planning.plan_search import available, erlang_plan, staffed_for
from common.planning.staffing import break_hours, break_seconds, plan_breaks, staffing_advice
from common.planning.verify import Profile, _capacity, simulate_day, summarise
from common.store import Store
from tests.common.test_cli_reports import motcua
from tests.dashboard.day import TZ, WED

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = tuple(as_seconds([(time(7, 30), time(11, 30))]))
A = (Service("A", "A", "A", "A"),)
# Three counters for A, each away 20 minutes in the 10:00 hour, one after the other.
STAGGERED = ((time(10, 0), time(10, 20)),), ((time(10, 20), time(10, 40)),), ((time(10, 40), time(11, 0)),)
PLAIN = tuple(Counter(n, f"Quầy {n}", ("A",)) for n in (1, 2, 3))
ON_BREAK = tuple(dataclasses.replace(c, breaks=b) for c, b in zip(PLAIN, STAGGERED, strict=True))


def capacity(found: CounterPlan, hour: int) -> float:
    """Counters' capacity in ``hour`` net of the scheduled breaks of those the plan opens (extras have none)."""
    h = next(h for h in found.hours if h.hour == hour)
    return sum(1.0 if c.number >= EXTRA_BASE else available(break_seconds(c.breaks), hour, h.open_minutes)
               for c in h.counters)


def test_the_counter_plan_keeps_its_capacity_in_the_break_hours() -> None:
    """The same demand on counters with breaks gets at least the capacity it gets without them, in every hour
    with a break. The advice before issue 17's breaks ignored them: the same plan, a third less at 10:00."""
    minutes = open_minutes(MORNING)
    dem = Demand({h: {"A": 15.0} for h in minutes}, MORNING, {"A": 480.0})  # 2 erlangs on 3 counters
    plain = plan_counters(A, PLAIN, dem, minutes, HCM, days=20, first_seed=5)
    breaks = plan_counters(A, ON_BREAK, dem, minutes, HCM, days=20, first_seed=5)
    assert plain.holds and breaks.holds
    assert capacity(breaks, 10) >= capacity(plain, 10)
    assert breaks.counter_hours >= plain.counter_hours
    for hour in (8, 9):  # no breaks there: nothing to add for them
        assert capacity(breaks, hour) <= capacity(plain, hour) + 1


def test_the_engine_days_take_the_breaks() -> None:
    """The same citizens wait longer when the counters take their breaks (a break is time away from the desk)."""
    minutes = open_minutes(MORNING)
    dem = Demand({h: {"A": 15.0} for h in minutes}, MORNING, {"A": 480.0})
    layout = {h: (3,) for h in minutes}
    without = Simulator(A, groups_of(PLAIN), dem, HCM).check(layout, 10, 7)
    with_breaks = Simulator(A, groups_of(ON_BREAK), dem, HCM).check(layout, 10, 7)
    assert with_breaks.tickets == without.tickets
    assert with_breaks.wait_mean_s > without.wait_mean_s


def test_erlang_c_counts_a_counter_hour_net_of_its_breaks() -> None:
    quarter = ((10 * 3600.0, 10 * 3600.0 + 900),)  # 10:00–10:15
    assert available(quarter, 10, 60) == 0.75 and available(quarter, 9, 60) == 1.0
    assert available(quarter, 10, 30) == 0.5  # a half-open hour: 15 of its 30 minutes
    assert staffed_for(3, 10, 60, [quarter] * 4) == 4  # 4 × 0.75 = 3
    assert staffed_for(3, 10, 60, [quarter] * 3) == 4  # 3 × 0.75 + one counter without breaks
    assert staffed_for(3, 9, 60, [quarter] * 4) == 3
    rates = {h: 18.0 for h in range(8, 11)}
    windows = ((8 * 3600.0, 11 * 3600.0),)
    mins = {8: 60.0, 9: 60.0, 10: 60.0}
    plain = erlang_plan(Profile(rates, windows, 480), mins, 1800, 0.95)
    breaks = erlang_plan(Profile(rates, windows, 480, breaks=(quarter,) * 6), mins, 1800, 0.95)
    assert breaks[8] == plain[8] and breaks[9] == plain[9] and breaks[10] > plain[10]


def test_the_pooled_days_take_the_breaks() -> None:
    quarter = ((10 * 3600.0, 10 * 3600.0 + 900),)
    windows = ((8 * 3600.0, 11 * 3600.0),)
    prof = Profile({8: 18.0, 9: 18.0, 10: 18.0}, windows, 480, breaks=(quarter, (), quarter))
    plan = {8: 3, 9: 3, 10: 3}
    changes = _capacity(prof, plan)
    assert (10 * 3600.0, 1) in changes and (10 * 3600.0 + 900, 3) in changes  # counters 1 and 3 away 10:00–10:15
    day = simulate_day(prof, plan, random.Random(4))
    same = simulate_day(dataclasses.replace(prof, breaks=()), plan, random.Random(4))
    assert day.tickets == same.tickets and day.wait_sum_s > same.wait_sum_s
    # a 4th counter's break: it is not staffed, so nothing changes
    assert simulate_day(dataclasses.replace(prof, breaks=((), (), (), quarter)), plan, random.Random(4)) == same


def test_the_advice_reads_the_schedule_and_says_which_hours_lose_capacity(store: Store, clock: ManualClock) -> None:
    counters = store.counters()
    first = dataclasses.replace(counters[0], breaks=((time(9, 30), time(9, 45)),))
    store.load_office(OfficeSpec(counters=(first,)))
    store.load_office(OfficeSpec())  # as the simulator's clerks do: a spec without counters keeps the schedule
    assert store.office_setting("counter_breaks") == {"1": ["09:30-09:45"]}
    assert store.counters()[0].breaks == ((time(9, 30), time(9, 45)),)
    for minute in range(0, 60, 6):
        clock.set(datetime.combine(WED, time(9, minute), TZ))
        store.issue_ticket("TP")
    clock.set(datetime.combine(WED, time(18), TZ))
    advice = staffing_advice(store, WED, WED)
    assert dict(advice.counter_breaks)[1] == ((9.5 * 3600, 9.75 * 3600),)
    assert {h.hour: h.break_counters for h in advice.hours}[9] == 0.25
    lost = break_hours({9: (1, 2), 10: (1, 2)}, {1: ((9.5 * 3600, 9.75 * 3600),)}, {9: 60.0, 10: 60.0})
    assert [(b.hour, b.counters, b.breaks) for b in lost] == [(9, 0.25, ((1, 9.5 * 3600, 9.75 * 3600),))]
    assert plan_breaks(dataclasses.replace(advice, counter_breaks=()), _empty_plan()) == []


def _empty_plan() -> CounterPlan:
    nothing = summarise([], 1)
    return CounterPlan((), (), 0.0, 0.0, nothing, nothing, nothing, 1800, 0.95, 0.0, 0)


def test_staffing_text_names_the_hours_that_lose_capacity_to_breaks(store: Store, clock: ManualClock,
                                                                    db_url: str) -> None:
    first = dataclasses.replace(store.counters()[0], breaks=((time(8, 0), time(8, 15)),))
    store.load_office(OfficeSpec(counters=(first,)))
    store.sign_in(1, "lan")
    for minute in range(30, 120, 9):
        clock.set(datetime.combine(WED, time(7, 0), TZ).replace(hour=7 + minute // 60, minute=minute % 60))
        store.issue_ticket("TP")
    clock.set(datetime.combine(WED, time(18), TZ))
    run = motcua("staffing", "--from", WED.isoformat(), "--to", WED.isoformat(), "--days", "5",
                 "--counter-days", "5", db=db_url)
    assert run.returncode == 0, run.stderr
    assert "Giờ nghỉ theo lịch làm giảm số quầy phục vụ" in run.stdout
    assert "08:00-09:00  -0.25 quầy: quầy 1 nghỉ 08:00-08:15" in run.stdout
    as_json = motcua("staffing", "--from", WED.isoformat(), "--to", WED.isoformat(), "--days", "5",
                     "--counter-days", "5", "--json", db=db_url)
    out = json.loads(as_json.stdout)
    assert {"hour": 8, "counters_lost": 0.25, "breaks": [{"counter": 1, "start": "08:00", "end": "08:15"}]} \
        in out["break_hours"]
