"""The simulator drives the real store; over a long run it agrees with Erlang C."""

from __future__ import annotations

import heapq
import math
import statistics
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from common.core.clock import ManualClock
from common.core.errors import MotcuaError
from common.core.model import TicketStatus
from common.planning import erlang
from common.planning.simulate import OFFICE_HOURS, fill_history, simulate, workdays
from common.store import Store
from common.store.db import connect

MONDAY = date(2026, 11, 23)


def empty_store(url: str) -> Store:
    return Store(connect(url), tz="Asia/Ho_Chi_Minh")


def test_a_simulated_day_goes_through_the_real_store(db_url: str) -> None:
    store = empty_store(db_url)
    result = simulate(store, days=1, counters=2, arrivals_per_hour=14, mean_service_minutes=6, seed=7, start=MONDAY)
    tickets = store.tickets(MONDAY, MONDAY)
    assert [s.code for s in store.services()] == ["TT"]  # the default one-service office
    assert [c.number for c in store.counters()] == [1, 2]
    assert len(tickets) == result.tickets == result.report.overall.tickets > 50
    assert all(t.status is TicketStatus.DONE and t.clerk in ("sim1", "sim2") for t in tickets)
    issued_local = [t.issued_at.astimezone(store.tz).time() for t in tickets]
    assert all(any(a <= at < b for a, b in OFFICE_HOURS) for at in issued_local)
    waits = [round((t.called_at - t.issued_at).total_seconds()) for t in tickets]  # the store rounds to seconds
    assert result.report.overall.wait_mean_s == round(sum(waits) / len(waits), 1)
    assert store.events_since(0, limit=100000)[-1].kind == "counter_closed"  # clerks signed out at day end


def test_same_seed_same_day_and_more_counters_wait_less(tmp_path: Path) -> None:
    def mean_wait(name: str, counters: int) -> float | None:
        store = empty_store(f"sqlite:///{tmp_path / name}.sqlite3")
        return simulate(store, days=1, counters=counters, arrivals_per_hour=20,
                        mean_service_minutes=8, seed=11, start=MONDAY).report.overall.wait_mean_s

    three = mean_wait("a", 3)
    assert three is not None and three > 0
    assert mean_wait("b", 3) == three
    four = mean_wait("c", 4)
    assert four is not None and four < three


def test_weekends_are_skipped_and_days_closed(sqlite_url: str) -> None:
    store = empty_store(sqlite_url)
    friday = MONDAY + timedelta(days=4)
    result = simulate(store, days=2, counters=1, arrivals_per_hour=30, mean_service_minutes=4, seed=1,
                      start=friday, overtime_minutes=0)
    assert result.days == (friday, friday + timedelta(days=3))
    # one counter at 30/h × 4 min is ρ = 2: the queue cannot drain, the rest expire at day end
    assert result.report.overall.expired > 0
    assert result.report.overall.waiting == 0


def test_staffs_an_existing_office_and_keeps_its_settings(store: Store) -> None:
    before = store.office_setting("priority_categories")
    result = simulate(store, days=1, counters=2, arrivals_per_hour=10, seed=3, start=MONDAY)
    assert result.counters == (1, 2)
    assert {t.service for t in store.tickets(MONDAY, MONDAY)} == {"TP", "CT"}  # the services of counters 1 and 2
    assert store.office_setting("priority_categories") == before
    with pytest.raises(MotcuaError, match="cannot staff 9"):
        simulate(store, counters=9)


def test_history_has_peaks_mid_morning_and_early_afternoon(store: Store, clock: ManualClock) -> None:
    result = fill_history(store, days=2, seed=5)
    assert result.days == tuple(workdays(date(2026, 11, 23), 2))  # the two working days before Wednesday
    by_hour = {h: 0 for h in range(24)}
    for t in store.tickets(result.days[0], result.days[-1]):
        by_hour[t.issued_at.astimezone(store.tz).hour] += 1
    assert by_hour[9] > by_hour[8] > by_hour[7] and by_hour[14] > by_hour[13]
    assert by_hour[12] == 0 and sum(by_hour.values()) == result.tickets
    assert result.report.overall.no_show > 0 and result.report.overall.walk_mean_s > 0


@pytest.mark.slow
def test_long_mmc_run_agrees_with_erlang_c(sqlite_url: str) -> None:
    """c = 3 counters, ρ = 0.7, 2-minute mean service: Erlang C gives Wq = 65.6 s.

    Waits of successive citizens are correlated, so the tolerance comes from batch
    means: 20 consecutive batches of ~180 citizens are close to independent, their
    means give a standard error, and the simulated mean must lie within
    t(0.995, 19) = 2.86 standard errors (a 99% interval) of the formula. Each day
    starts with an empty office; with 14-hour days and 2-minute services that
    start-up bias is far inside the interval. Honest caveat: waits at ρ = 0.7 are so
    variable that ~3,600 citizens give a standard error of about 15–25% of the mean
    (measured over 20 seeds of a plain M/M/c recursion: 15% on average), so this
    check catches a wrong model, not a 10% bias; test_waits_follow_the_c_server_queue
    checks the mechanics exactly.
    """
    c, mean_s, rho = 3, 120.0, 0.7
    lam = rho * c / mean_s
    store = empty_store(sqlite_url)
    result = simulate(store, days=4, counters=c, arrivals_per_hour=lam * 3600, mean_service_minutes=mean_s / 60,
                      seed=2026, start=MONDAY, hours=((time(6), time(20)),), weekdays=range(1, 8))
    waits = [t.wait_seconds for t in sorted(store.tickets(result.days[0], result.days[-1]), key=lambda t: t.id)]
    assert len(waits) > 3000
    size = len(waits) // 20
    batches = [statistics.fmean(waits[i * size:(i + 1) * size]) for i in range(20)]
    se = statistics.stdev(batches) / math.sqrt(len(batches))
    theory = erlang.mean_wait(c, lam, mean_s)
    assert theory == pytest.approx(65.6, abs=0.1)
    assert se < 0.3 * theory  # the interval is narrow enough to tell a wrong model
    assert abs(statistics.fmean(waits) - theory) <= 2.86 * se
    # the share waiting at all agrees with P(wait) = 0.492 as well
    waited = sum(1 for w in waits if w > 0) / len(waits)
    assert waited == pytest.approx(erlang.probability_of_waiting(c, lam, mean_s), abs=0.05)


def test_waits_follow_the_c_server_queue(sqlite_url: str) -> None:
    """Given the recorded arrivals and service times, a first-come-first-served queue with c
    servers determines every wait (w = max(0, earliest free counter − arrival)): the
    simulated day through the store must reproduce each one to the rounding second."""
    c = 3
    store = empty_store(sqlite_url)
    simulate(store, days=1, counters=c, arrivals_per_hour=63, mean_service_minutes=2.0, seed=9, start=MONDAY,
             hours=((time(8), time(12)),))
    tickets = sorted(store.tickets(MONDAY, MONDAY), key=lambda t: t.issued_at)
    free = [tickets[0].issued_at.timestamp() - 1] * c
    mismatches = 0
    for t in tickets:
        arrival = t.issued_at.timestamp()
        earliest = heapq.heappop(free)
        start = max(arrival, earliest)
        heapq.heappush(free, start + (t.finished_at - t.started_at).total_seconds())
        mismatches += abs((start - arrival) - (t.called_at - t.issued_at).total_seconds()) > 1
    assert len(tickets) > 200 and sum(1 for t in tickets if t.called_at > t.issued_at) > 50
    assert mismatches == 0
