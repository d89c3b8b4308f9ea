"""The hall-wide forecast (common/planning/forecast.py) against theory, the call order and its budget."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from common.core import rules
from common.core.rules import CounterState, Ordering
from common.planning import forecast as fc
from common.planning.forecast import Arrivals, Desk, HallState, Method, Waiting, forecast, formula_s

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
MEAN_S = 240.0
OPEN, FIFO, STRICT = CounterState.OPEN, Ordering.OLDEST_FIRST, Ordering.STRICT


def exponential_samples(n: int = 3000, mean: float = MEAN_S, seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    return [rng.expovariate(1 / mean) for _ in range(n)]


def queue(n: int, service: str = "A", start: int = 1) -> tuple[Waiting, ...]:
    return tuple(Waiting(start + i, service, False, NOW - timedelta(seconds=n - i)) for i in range(n))


def erlang_quantile(k: int, rate: float, q: float) -> float:
    """The q-quantile of the sum of k exponentials of ``rate``: a wait in a busy M/M/c queue, k = (ahead − c) + 1."""

    def cdf(x: float) -> float:
        return 1 - sum(math.exp(-rate * x) * (rate * x) ** i / math.factorial(i) for i in range(k))

    lo, hi = 0.0, 100 * k / rate
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < q else (lo, mid)
    return lo


def busy_mmc(ahead: int, counters: int = 3) -> HallState:
    waiting = queue(ahead + 1)
    desks = tuple(Desk(n, ("A",), FIFO, OPEN, 0.0, "A", 100.0) for n in range(1, counters + 1))
    return HallState(
        NOW, waiting[-1], waiting, desks, {"A": exponential_samples()}, (Arrivals("A", 36.0),), default_service_s=MEAN_S
    )


@pytest.mark.parametrize("ahead", [0, 4, 9])
def test_a_busy_mmc_hall_waits_as_erlang_says(ahead: int) -> None:
    # c busy counters, exponential service: the ticket behind `ahead` others waits Erlang(ahead + 1, c·μ),
    # whatever the elapsed service (memoryless) and whatever arrives later (served after it).
    result = forecast(busy_mmc(ahead), seed=3, budget_s=60, max_runs=3000)
    assert result.method is Method.FORECAST and result.runs == 3000
    rate = 3 / MEAN_S
    for got, q in ((result.p10_s, 0.1), (result.p50_s, 0.5), (result.p90_s, 0.9)):
        want = erlang_quantile(ahead + 1, rate, q)
        assert got is not None and abs(got - want) <= 0.08 * want + 3, (q, got, want)
    assert result.printed_s == result.p50_s


def test_a_free_open_counter_and_nobody_ahead_means_no_wait() -> None:
    waiting = queue(1)
    desks = (Desk(1, ("A",), FIFO, OPEN), Desk(2, ("A",), FIFO, OPEN, 0.0, "A", 30.0))
    result = forecast(HallState(NOW, waiting[0], waiting, desks, {"A": exponential_samples()}), seed=1)
    assert (result.method, result.p50_s, result.p90_s) == (Method.FORECAST, 0, 0)


def test_the_order_is_rules_next_to_call_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fc.next_to_call is rules.next_to_call  # the same code call_next's SQL is kept equal to, not a copy
    calls: list[int] = []

    def spy(counter: rules.CallingCounter, waiting: list[Waiting]) -> Waiting | None:
        calls.append(counter.number)
        return rules.next_to_call(counter, waiting)

    monkeypatch.setattr(fc, "next_to_call", spy)
    forecast(busy_mmc(4), seed=1, max_runs=50, budget_s=60)
    assert calls and set(calls) <= {1, 2, 3}


def strict_hall(ordering: Ordering) -> HallState:
    # One counter lists B before A. Five B tickets queued *after* the A ticket.
    mine = Waiting(1, "A", False, NOW - timedelta(seconds=60))
    others = tuple(Waiting(2 + i, "B", False, NOW - timedelta(seconds=30 - i)) for i in range(5))
    desk = Desk(1, ("B", "A"), ordering, OPEN, 0.0, "B", 0.0)
    samples = {"A": exponential_samples(), "B": exponential_samples(seed=8)}
    return HallState(NOW, mine, (mine, *others), (desk,), samples, default_service_s=MEAN_S)


def test_a_strict_counter_serves_its_first_service_first() -> None:
    fifo = forecast(strict_hall(FIFO), seed=2, budget_s=60, max_runs=1000)
    strict = forecast(strict_hall(STRICT), seed=2, budget_s=60, max_runs=1000)
    assert fifo.p50_s is not None and strict.p50_s is not None
    # oldest_first: only the current B ticket's remaining service (median ≈ ln 2 · 240 s);
    # strict: five more B services first (median of Erlang(6) ≈ 5.67 · 240 s).
    assert fifo.p50_s == pytest.approx(math.log(2) * MEAN_S, rel=0.15)
    assert strict.p50_s == pytest.approx(erlang_quantile(6, 1 / MEAN_S, 0.5), rel=0.1)


def test_future_priority_arrivals_push_the_ticket_back() -> None:
    def hall(share: float) -> HallState:
        state = busy_mmc(6)
        return HallState(
            state.now,
            state.ticket,
            state.waiting,
            state.desks,
            state.samples,
            (Arrivals("A", 40.0, share),),
            default_service_s=MEAN_S,
        )

    none = forecast(hall(0.0), seed=4, budget_s=60, max_runs=1500)
    many = forecast(hall(0.5), seed=4, budget_s=60, max_runs=1500)
    assert none.p50_s is not None and many.p50_s is not None
    # 20 priority tickets an hour against 45 services an hour: the wait stretches by about 1/(1 − 20/45).
    assert many.p50_s > 1.4 * none.p50_s


def test_no_priority_arrivals_after_the_service_closes() -> None:
    def hall(until_s: float) -> HallState:
        state = busy_mmc(6)
        return HallState(
            state.now,
            state.ticket,
            state.waiting,
            state.desks,
            state.samples,
            (Arrivals("A", 40.0, 0.5, until_s),),
            default_service_s=MEAN_S,
        )

    open_ = forecast(hall(math.inf), seed=4, budget_s=60, max_runs=1500)
    closed = forecast(hall(0.0), seed=4, budget_s=60, max_runs=1500)
    assert open_.p50_s is not None and closed.p50_s is not None
    # Closed now: nobody can overtake, so the wait is the busy M/M/c one, Erlang(ahead + 1, c·μ).
    assert closed.p50_s == pytest.approx(erlang_quantile(7, 3 / MEAN_S, 0.5), rel=0.08)
    assert open_.p50_s > 1.3 * closed.p50_s


def test_pooled_arrivals_weigh_each_source_by_its_open_time() -> None:
    # Today: 6 A in the last hour (1 priority). Past days: 54 A (8 priority) over nine hours of the same window.
    counts = {("A", False): 5 + 46, ("A", True): 1 + 8, ("B", False): 0}
    got = fc.pooled_arrivals(counts, {"A": 3600.0 * 10, "B": 3600.0}, {"A": 1200.0})
    assert got == (Arrivals("A", 6.0, 9 / 60, 1200.0),)  # B saw nothing: no stream


def test_a_counter_on_break_comes_back_when_its_break_ends() -> None:
    waiting = queue(1)
    desks = (Desk(1, ("A",), FIFO, CounterState.BREAK, 600.0),)
    result = forecast(HallState(NOW, waiting[0], waiting, desks, {"A": exponential_samples()}, break_s=1800), seed=1)
    assert result.p10_s == result.p90_s == 1200


def constant_samples(seconds: float = 300.0) -> list[float]:
    return [seconds] * 100


def test_a_scheduled_break_is_taken_once_the_ticket_at_the_counter_is_done() -> None:
    # One counter, 100 s into a 300-s service, a 1800-s break due 60 s from now: the clerk finishes the
    # ticket (200 s more), takes the whole break, then calls: 2000 s. Without the schedule: 200 s.
    waiting = queue(1)

    def wait(breaks: tuple[tuple[float, float], ...]) -> int | None:
        desks = (Desk(1, ("A",), FIFO, OPEN, 0.0, "A", 100.0, breaks=breaks),)
        return forecast(HallState(NOW, waiting[0], waiting, desks, {"A": constant_samples()}), seed=1).p50_s

    assert wait(()) == 200
    assert wait(((60.0, 1800.0),)) == 2000
    assert wait(((0.0, 1800.0),)) == 2000  # a break already due waits for the ticket too
    assert wait(((500.0, 1800.0),)) == 200  # a break after the call changes nothing


def test_each_counter_takes_its_break_when_it_is_due() -> None:
    # Counter 2 is 50 s into a 300-s service, its break due at 100 s; counter 3 is free, its break due at 10 s.
    # Three waiting, the ticket last. Counter 3 calls the first at once (the break is not due yet) and leaves
    # once it is done: 300 → 1300. Counter 2 finishes at 250, takes its break until 850, calls the second
    # (850 → 1150), then the ticket at 1150. Without the schedule counter 3 calls the ticket at 300.
    waiting = queue(3)

    def wait(schedule: bool) -> int | None:
        desks = (
            Desk(2, ("A",), FIFO, OPEN, 0.0, "A", 50.0, breaks=((100.0, 600.0),) if schedule else ()),
            Desk(3, ("A",), FIFO, OPEN, breaks=((10.0, 1000.0),) if schedule else ()),
        )
        return forecast(HallState(NOW, waiting[-1], waiting, desks, {"A": constant_samples()}), seed=1).p50_s

    assert (wait(False), wait(True)) == (300, 1150)


def test_a_counter_idle_when_its_break_is_due_is_back_when_the_break_ends() -> None:
    # Counter 1 (B only) is idle, its break from 60 s for 900 s. A booking for B checks in at 300 s. Counter 2
    # (strict: B, then A) is busy with a C ticket: 700 s more (or 1000 s). The B citizen arriving at 300 s
    # finds counter 1 on its break until 960 s (it left at 60 s, idle), not 300 + 900 s.
    from common.planning.forecast import BookedArrival

    mine = Waiting(1, "A", False, NOW)
    samples = {"A": constant_samples(), "B": constant_samples(), "C": constant_samples(1000.0)}

    def wait(elapsed_c: float, breaks: tuple[tuple[float, float], ...]) -> int | None:
        desks = (Desk(1, ("B",), FIFO, OPEN, breaks=breaks), Desk(2, ("B", "A"), STRICT, OPEN, 0.0, "C", elapsed_c))
        state = HallState(NOW, mine, (mine,), desks, samples, booked=(BookedArrival("B", 300.0),))
        return forecast(state, seed=1).p50_s

    # 700 s more: counter 2 takes the B citizen first (counter 1 still away), then the ticket at 1000 s.
    assert (wait(300.0, ()), wait(300.0, ((60.0, 900.0),))) == (700, 1000)
    # 1000 s more: counter 1 is back at 960 s and takes the B citizen; counter 2 calls the ticket at 1000 s.
    assert wait(0.0, ((60.0, 900.0),)) == 1000
    assert wait(0.0, ((60.0, 1200.0),)) == 1300  # back at 1260 s: counter 2 takes B first


def fake_clock(step: float) -> Callable[[], float]:
    now = [0.0]

    def tick() -> float:
        now[0] += step
        return now[0]

    return tick


def test_out_of_budget_it_prints_the_formula() -> None:
    state = busy_mmc(4)
    result = forecast(state, seed=1, cpu_clock=fake_clock(fc.BUDGET_S))  # the budget is gone at the first check
    assert result.method is Method.FORMULA and result.runs < fc.MIN_RUNS
    assert (result.p10_s, result.p50_s, result.p90_s) == (None, None, None)
    assert result.printed_s == formula_s(state) == math.ceil(5 * state_mean(state) / 3)


def state_mean(state: HallState) -> float:
    samples = state.samples["A"][:100]  # the formula's sample: the latest 100
    return sum(samples) / len(samples)


def test_within_budget_it_runs_until_max_runs() -> None:
    result = forecast(busy_mmc(4), seed=1, max_runs=100, cpu_clock=fake_clock(0.0))
    assert (result.method, result.runs) == (Method.FORECAST, 100)


def test_it_stops_before_a_run_would_overrun_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each run costs 1/1024 s of (fake) CPU (exact in binary), the budget is 100 of them. Reading the clock once
    # per 8 runs and stopping once the budget was spent did 104 runs; the forecast stops at 99, within it.
    now = [0.0]
    real_run = fc._run

    def run(*args: object) -> float:
        now[0] += 1 / 1024
        return real_run(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(fc, "_run", run)
    result = forecast(busy_mmc(4), seed=1, budget_s=100 / 1024, cpu_clock=lambda: now[0])
    assert result.method is Method.FORECAST
    assert result.runs == 99 and result.cpu_s <= 100 / 1024


def test_with_no_counter_that_could_call_it_it_prints_the_formula() -> None:
    waiting = queue(3)
    desks = (Desk(1, ("A",), FIFO, CounterState.CLOSED), Desk(2, ("B",), FIFO, OPEN))
    state = HallState(NOW, waiting[-1], waiting, desks, {}, default_service_s=480)
    result = forecast(state)
    assert (result.method, result.printed_s) == (Method.FORMULA, 3 * 480)


def test_arrivals_that_busy_a_counter_elsewhere_count_too() -> None:
    # Counter 2 takes C first (strict), then B; the A ticket waits behind four B tickets at counter 1.
    # Later C tickets never pass it at counter 1, yet they keep counter 2 from the B tickets ahead of it.
    def hall(c_per_hour: float) -> HallState:
        bs = tuple(Waiting(1 + i, "B", False, NOW - timedelta(seconds=100 - i)) for i in range(4))
        mine = Waiting(9, "A", False, NOW - timedelta(seconds=10))
        desks = (Desk(1, ("A", "B"), FIFO, OPEN, 0.0, "A", 0.0), Desk(2, ("C", "B"), STRICT, OPEN, 0.0, "C", 0.0))
        samples = {code: exponential_samples() for code in "ABC"}
        return HallState(NOW, mine, (*bs, mine), desks, samples, (Arrivals("C", c_per_hour),), default_service_s=MEAN_S)

    quiet = forecast(hall(0.0), seed=5, budget_s=60, max_runs=1500)
    busy = forecast(hall(30.0), seed=5, budget_s=60, max_runs=1500)
    assert quiet.p50_s is not None and busy.p50_s is not None
    assert busy.p50_s > 1.3 * quiet.p50_s


def whole_queue_run(
    state: HallState,
    services: dict[str, fc._Service],
    streams: list[tuple[str, bool, float, float]],
    rng: random.Random,
) -> float:
    """The plain reading of a run: next_to_call over the whole remaining queue at every call (slow, obviously right)."""
    waiting = list(state.waiting)
    desks = [d for d in state.desks if d.state != CounterState.CLOSED]
    free_at = [
        (max(0.0, state.break_s - d.state_elapsed_s) if d.state != OPEN else 0.0)
        + (services[d.current_service].remaining(d.current_elapsed_s, rng) if d.current_service else 0.0)
        for d in desks
    ]
    total = sum(stream[2] for stream in streams)
    arrival = rng.expovariate(total) if total > 0 else math.inf
    next_id = max(w.id for w in waiting) + 1
    while True:
        t = min(free_at)
        if arrival < t:
            pick = rng.random() * total
            for stream in streams:
                pick -= stream[2]
                if pick <= 0:
                    break
            if arrival >= stream[3]:  # that service has closed
                arrival += rng.expovariate(total)
                continue
            new = Waiting(next_id, stream[0], stream[1], state.now + timedelta(seconds=arrival))
            next_id += 1
            waiting.append(new)
            for i, d in enumerate(desks):
                if free_at[i] == math.inf and rules.serves(d, new):
                    free_at[i] = arrival
            arrival += rng.expovariate(total)
            continue
        i = free_at.index(t)
        chosen = rules.next_to_call(desks[i], waiting)
        if chosen is None:
            free_at[i] = math.inf
        elif chosen is state.ticket:
            return t
        else:
            waiting.remove(chosen)
            free_at[i] = t + services[chosen.service].draw(rng)


def test_sorting_each_counter_s_order_once_calls_exactly_as_the_whole_queue_would() -> None:
    tickets = [
        Waiting(i, "ABC"[i % 3], i % 5 == 0, NOW - timedelta(seconds=400 - 10 * i), 2 if i == 7 else None)
        for i in range(1, 30)
    ]
    mine = tickets[20]
    desks = (
        Desk(1, ("A", "B"), FIFO, OPEN, 0.0, "A", 50.0),
        Desk(2, ("C", "B"), STRICT, OPEN),
        Desk(3, ("B", "A", "C"), STRICT, CounterState.BREAK, 900.0),
        Desk(4, ("A",), FIFO, OPEN, 0.0, "A", 10.0),
    )
    state = HallState(
        NOW,
        mine,
        tuple(tickets),
        desks,
        {c: exponential_samples(seed=ord(c)) for c in "ABC"},
        (Arrivals("A", 20, 0.2), Arrivals("B", 10, 0.1, until_s=600.0), Arrivals("C", 6, 0.3)),
        MEAN_S,
    )
    services = fc._prepare(state)
    streams = fc._overtaking(state)
    open_desks = [d for d in desks if d.state != CounterState.CLOSED]
    queues = [rules.call_order(d, state.waiting) for d in open_desks]
    fast, plain = random.Random(11), random.Random(11)
    for _ in range(300):
        assert fc._run(state, open_desks, queues, services, streams, fast, fc.HORIZON_S) == whole_queue_run(
            state, services, streams, plain
        )


def test_the_formula_counts_ahead_as_the_store_does() -> None:
    # Ordinary A1, A2; priority P3; then the ticket. As Tx.ahead_of: an ordinary ticket has all three
    # ahead, a priority one only the earlier priority ticket. One closed counter: nothing to run, so the formula.
    early = [Waiting(1, "A", False, NOW), Waiting(2, "A", False, NOW), Waiting(3, "A", True, NOW)]
    desks = (Desk(1, ("A",), FIFO, CounterState.CLOSED),)
    for priority, ahead in ((False, 3), (True, 1)):
        mine = Waiting(4, "A", priority, NOW + timedelta(seconds=1))
        state = HallState(NOW, mine, (*early, mine), desks, {}, default_service_s=100)
        assert forecast(state).printed_s == (ahead + 1) * 100
