"""What the engine's speed rests on, checked against the code it stands for.

- Each counter's call order is derived once from the shared rule (engine.call_groups); here the
  engine's ``call_next`` is compared with ``common.core.rules.next_to_call`` over every waiting
  ticket, on random halls: strict and oldest_first counters, priority, booked check-ins (either
  [appointments] order), transfers to a service (keeping an earlier queue time) and to a counter,
  and many tickets queued at the same instant (the id decides).
- The day loop draws its arrivals, service times and walks in its own arithmetic instead of calling
  random.expovariate, random.choices, random.lognormvariate and random.uniform: the same draws from
  the stream must give the same values, so the same seed gives the same days.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, datetime

import pytest

from common.core.clock import ManualClock
from common.core.model import Counter, Ordering, Service, TicketStatus
from common.core.rules import next_to_call
from common.planning.engine import Engine, SimTicket
from common.planning.simulate import HourlyDemand, _Day, example_traffic, example_walk
from tests.conftest import TZ

CODES = ("TP", "CT", "DD", "KD")


def random_hall(rng: random.Random) -> tuple[list[Counter], list[Service]]:
    services = [Service(code, code[0], code, code) for code in CODES]
    booked_first = rng.random() < 0.5
    counters = [
        Counter(
            n,
            f"Quầy {n}",
            tuple(rng.sample(CODES, rng.randint(1, 3))),
            rng.choice([Ordering.STRICT, Ordering.OLDEST_FIRST]),
            booked_first=booked_first,
        )
        for n in range(1, 6)
    ]
    return counters, services


@pytest.mark.parametrize("seed", range(12))
def test_every_call_is_the_shared_rules_pick_over_all_waiting_tickets(seed: int) -> None:
    rng = random.Random(seed)
    counters, services = random_hall(rng)
    engine = Engine.for_office(services, counters, TZ, 300.0)
    at = datetime(2026, 11, 25, 7, 30, tzinfo=TZ).timestamp()
    engine.set_time(at)
    for c in counters:
        engine.sign_in(c.number, "sim")
    by_number = {c.number: c for c in counters}
    calls = transfers = ties = 0
    for _ in range(400):
        if rng.random() < 0.7:  # several tickets at one instant now and then: their ids decide
            at += rng.choice([0, 0, 1, 7, 30])
            ties += engine.now_us == round(at * 1_000_000)
        engine.set_time(at)
        if rng.random() < 0.55:
            kind = rng.random()
            engine.issue_ticket(
                rng.choice(CODES), "elderly" if kind < 0.15 else None, check_hours=False, booked=0.15 <= kind < 0.4
            )
            continue
        number = rng.choice(sorted(by_number))
        if engine.counters[number].current is not None:
            continue
        waiting = [t for t in engine.tickets if t.status is TicketStatus.WAITING]
        expected = next_to_call(by_number[number], waiting)
        got = engine.call_next(number, "sim")
        assert got is expected
        if got is None:
            continue
        calls += 1
        move = rng.random()
        if move < 0.2:  # back in line for another service, with the first queue time
            transfers += 1
            engine.transfer(number, "sim", to_service=rng.choice(CODES))
        elif move < 0.3:  # to one counter in particular
            transfers += 1
            engine.transfer(number, "sim", to_counter=rng.choice(sorted(by_number)))
        else:
            engine.start_service(number, "sim")
            engine.finish_service(number, "sim")
    assert calls > 60 and transfers > 10 and ties > 20


def reference_arrivals(rng: random.Random, a: float, b: float, demand) -> list[tuple[float, str]]:  # type: ignore[no-untyped-def]
    """The thinning as it was written with the random module's own methods (before issue 17's speed-up)."""
    rates = [demand(datetime.fromtimestamp(t, TZ)) for t in range(int(a), int(b), 900)]
    peak = max((sum(r.values()) for r in rates), default=0.0) / 3600
    out: list[tuple[float, str]] = []
    t = a
    while peak > 0:
        t += rng.expovariate(peak)
        if t >= b:
            break
        rate = demand(datetime.fromtimestamp(t, TZ))
        total = sum(rate.values()) / 3600
        if rng.random() * peak < total:
            codes = list(rate)
            out.append((t, rng.choices(codes, weights=[rate[c] for c in codes])[0]))
    return out


@pytest.mark.parametrize("hourly", [True, False])
def test_the_day_loops_arrivals_are_the_random_modules_draws(hourly: bool) -> None:
    def rates(hour: int, weekday: int) -> dict[str, float]:
        return {"TP": 3.0 + hour % 5, "CT": 0.5 * weekday, "DD": 7.0 if 9 <= hour < 11 else 0.0}

    def plain(local: datetime) -> dict[str, float]:  # not marked hourly: asked once per candidate
        return rates(local.hour, local.isoweekday())

    demand = HourlyDemand(rates) if hourly else plain
    for seed in range(5):
        engine = Engine.for_office([], [], TZ, 300.0)
        day = _Day(
            engine,
            ManualClock(datetime(2026, 11, 25, 7, 0, tzinfo=TZ)),
            [],
            random.Random(seed),
            lambda _rng, _code: 60.0,
            example_walk,
            0.0,
        )
        for d in (date(2026, 11, 23), date(2026, 11, 28)):
            a = datetime(d.year, d.month, d.day, 7, 30, tzinfo=TZ).timestamp()
            b = datetime(d.year, d.month, d.day, 17, 0, tzinfo=TZ).timestamp()
            day.rng = random.Random(seed)
            got = day._arrivals(a, b, demand)
            assert got == reference_arrivals(random.Random(seed), a, b, plain)
            assert len(got) > 40 and {code for _, code in got} == {"TP", "CT", "DD"}


def test_the_example_service_times_and_walks_are_the_random_modules_draws() -> None:
    mix = {"TP": (9.0, 8.0), "CT": (9.0, 4.0)}
    _, service_time = example_traffic(mix)
    sigma = 0.6
    ours, theirs = random.Random(5), random.Random(5)
    for code in itertools.islice(itertools.cycle(mix), 5000):
        mu = math.log(mix[code][1] * 60) - sigma**2 / 2
        assert service_time(ours, code) == theirs.lognormvariate(mu, sigma)
        assert example_walk(ours) == theirs.uniform(10, 60)
    assert ours.random() == theirs.random()  # the same number of draws


def test_a_tickets_edge_values_are_made_when_asked() -> None:
    ticket = SimTicket(
        1, 1, "TP", "TP", date(2026, 11, 25), 7, 0, "A", None, 1_700_000_000_123_456, 1_700_000_000_123_456, 9
    )
    assert ticket.code == "A007" and ticket.queued_at == ticket.issued_at
    assert ticket.queued_at.timestamp() == 1_700_000_000.123456 and not ticket.priority and ticket.rank == 2
