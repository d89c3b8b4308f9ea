"""Erlang C against independent computation and a published worked example."""

from __future__ import annotations

import math

import pytest

from common.planning import erlang


def erlang_c_by_factorials(c: int, a: float) -> float:
    """The textbook formula, written out independently of the module's Erlang B recursion."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (2, 1.5), (3, 2.1), (8, 6.4), (14, 10.0), (30, 27.0)])
def test_matches_the_factorial_formula(c: int, a: float) -> None:
    mean_service = 300.0
    assert erlang.probability_of_waiting(c, a / mean_service, mean_service) == pytest.approx(
        erlang_c_by_factorials(c, a), rel=1e-12)


def test_one_counter_is_mm1() -> None:
    lam, mu = 1 / 600, 1 / 480  # one citizen every 10 minutes, 8 minutes each
    rho = lam / mu
    assert erlang.probability_of_waiting(1, lam, 1 / mu) == pytest.approx(rho)
    assert erlang.mean_wait(1, lam, 1 / mu) == pytest.approx(rho / (mu - lam))
    # M/M/1: P(W > t) = ρ·e^(−(μ−λ)t)
    assert erlang.share_within(1, lam, 1 / mu, 900) == pytest.approx(1 - rho * math.exp(-(mu - lam) * 900))


def test_two_counters_closed_form() -> None:
    # c = 2, a = 1.5: C = (a²/2 · 2/(2−a)) / (1 + a + a²/2 · 2/(2−a)) = 4.5 / 7 = 0.642857…
    assert erlang.probability_of_waiting(2, 1.5 / 60, 60) == pytest.approx(4.5 / 7)


def test_published_call_centre_example() -> None:
    """callcentrehelper.com, "Erlang C Formula – Made Simple": 100 calls in 30 minutes, 180 s each
    (10 erlangs), answer 80% within 20 s. With 14 agents: Pw = 17.41%, service level 88.84%,
    ASA 7.83 s (0.1741 × 180 / 4); 13 agents reach only 79.56%, so 14 are needed."""
    lam, aht = 100 / 1800, 180.0
    assert round(erlang.probability_of_waiting(14, lam, aht), 4) == 0.1741
    assert round(erlang.share_within(14, lam, aht, 20), 4) == 0.8884
    assert round(erlang.share_within(13, lam, aht, 20), 4) == 0.7956
    assert erlang.mean_wait(14, lam, aht) == pytest.approx(7.83, abs=0.01)
    assert erlang.counters_needed(lam, aht, 20, share=0.80) == 14


def test_counters_needed_for_the_30_minute_target() -> None:
    # 60 citizens an hour at 8 minutes each is 8 erlangs: at least 9 counters for a stable queue
    lam, service = 60 / 3600, 480.0
    needed = erlang.counters_needed(lam, service, 30 * 60, share=0.95)
    assert erlang.share_within(needed, lam, service, 1800) >= 0.95
    assert erlang.share_within(needed - 1, lam, service, 1800) < 0.95
    assert needed >= 9


def test_overload_and_empty_office() -> None:
    assert erlang.probability_of_waiting(2, 3 / 60, 60) == 1.0
    assert erlang.mean_wait(2, 3 / 60, 60) == math.inf
    assert erlang.share_within(2, 3 / 60, 60, 1800) == 0.0
    assert erlang.counters_needed(0.0, 480, 1800) == 0
    with pytest.raises(ValueError):
        erlang.counters_needed(1 / 60, 480, 1800, share=1.0)
