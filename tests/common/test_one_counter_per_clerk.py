"""One counter per clerk, however the counter was opened: signing in (the counter app) or acting at a closed
counter (the command line's `call 5 --clerk lan`). A clerk left open at two desks was counted at both."""

from __future__ import annotations

import pytest

from common.core.errors import DomainError
from common.core.rules import CounterState
from common.store import Store


def two_counters_of_one_service(store: Store) -> tuple[int, int, str]:
    counters = store.counters()
    for a in counters:
        for b in counters:
            shared = set(a.services) & set(b.services)
            if a.number < b.number and shared:
                return a.number, b.number, sorted(shared)[0]
    raise AssertionError("the example office has two counters sharing a service")


def states(store: Store) -> dict[int, tuple[CounterState, str | None]]:
    return {c.number: (c.state, c.clerk) for c in store.counters()}


def test_acting_at_a_closed_counter_moves_the_clerk_there(store: Store) -> None:
    first, second, service = two_counters_of_one_service(store)
    for _ in range(3):
        store.issue_ticket(service)
    called = store.call_next(first, "lan")
    assert called is not None and states(store)[first] == (CounterState.OPEN, "lan")
    with pytest.raises(DomainError, match=f"còn vé {called.code} ở quầy {first}"):
        store.call_next(second, "lan")  # a citizen is still called to the first desk
    assert states(store)[second][0] == CounterState.CLOSED
    store.mark_no_show(first, "lan")
    assert store.call_next(second, "lan") is not None
    now = states(store)
    assert now[second] == (CounterState.OPEN, "lan") and now[first] == (CounterState.CLOSED, None)
    assert sum(1 for state, clerk in now.values() if clerk == "lan") == 1
