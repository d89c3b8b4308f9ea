"""Erlang C: the M/M/c queue behind the staffing advice.

Citizens arrive at random (Poisson, rate ``arrival_rate`` per second), each takes
an exponentially distributed ``mean_service`` seconds, and ``counters`` clerks
call the next ticket whenever they are free. These formulas answer "how many
counters keep 95% of waits within 30 minutes?".

The probability of waiting is computed from the Erlang B recursion
``B(k) = a·B(k−1) / (k + a·B(k−1))`` rather than from factorials, so that it stays
exact for hundreds of counters without overflow.
"""

from __future__ import annotations

import math


def offered_load(arrival_rate: float, mean_service: float) -> float:
    """Traffic in erlangs: how many counters would be busy on average."""
    if arrival_rate < 0 or mean_service <= 0:
        raise ValueError("arrival rate must be ≥ 0 and mean service time > 0")
    return arrival_rate * mean_service


def erlang_b(counters: int, load: float) -> float:
    """Blocking probability of an M/M/c/c system (the stable base of Erlang C)."""
    if counters < 0:
        raise ValueError("counters must be ≥ 0")
    b = 1.0
    for k in range(1, counters + 1):
        b = load * b / (k + load * b)
    return b


def probability_of_waiting(counters: int, arrival_rate: float, mean_service: float) -> float:
    """Erlang C: the chance that an arriving citizen finds every counter busy.

    1.0 when the office is overloaded (load ≥ counters): the queue never empties.
    """
    a = offered_load(arrival_rate, mean_service)
    if counters <= a:
        return 1.0
    b = erlang_b(counters, a)
    return counters * b / (counters - a * (1 - b))


def mean_wait(counters: int, arrival_rate: float, mean_service: float) -> float:
    """Wq, the mean wait in seconds (infinite when overloaded)."""
    a = offered_load(arrival_rate, mean_service)
    if counters <= a:
        return math.inf
    if arrival_rate == 0:
        return 0.0
    return probability_of_waiting(counters, arrival_rate, mean_service) * mean_service / (counters - a)


def share_within(counters: int, arrival_rate: float, mean_service: float, target_seconds: float) -> float:
    """P(wait ≤ target) = 1 − C·exp(−(c − a)·t / S): the share of citizens served within target."""
    a = offered_load(arrival_rate, mean_service)
    if counters <= a:
        return 0.0
    c_prob = probability_of_waiting(counters, arrival_rate, mean_service)
    return 1.0 - c_prob * math.exp(-(counters - a) * target_seconds / mean_service)


def counters_needed(arrival_rate: float, mean_service: float, target_seconds: float, share: float = 0.95) -> int:
    """The fewest counters that keep ``share`` of waits within ``target_seconds``.

    0 when nobody arrives. Arrival rate is per second, service and target in seconds.
    """
    if not 0 < share < 1:
        raise ValueError("share must be between 0 and 1")
    if arrival_rate == 0:
        return 0
    a = offered_load(arrival_rate, mean_service)
    c = max(1, math.floor(a) + 1)
    while share_within(c, arrival_rate, mean_service, target_seconds) < share:
        c += 1
    return c
