"""The work a counter window sends to the worker thread: each function is one store call.

Nothing here touches Qt; each function runs on ``ui.worker.Runner``'s thread and
returns a frozen value (or raises a ``MotcuaError`` the window shows as one line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common.core import rules
from common.core.errors import DomainError
from common.core.model import Clerk, Counter, CounterState, Service, Ticket
from common.core.rules import Action
from common.store import Store
from counter.throttle import SignInThrottle


@dataclass(frozen=True)
class SignedIn:
    clerk: Clerk
    counter: int
    session_id: str


@dataclass(frozen=True)
class ActionDone:
    """An action that committed, and what the store returned (None when F2 found nobody waiting)."""

    action: Action
    result: Ticket | Counter | None


@dataclass(frozen=True)
class OfficeLists:
    """What the sign-in panel and the transfer dialog choose from."""

    counters: tuple[Counter, ...]
    services: tuple[Service, ...]
    call_starts_service: bool


class CounterHeld(DomainError):
    """Another clerk holds the counter: the window asks before taking it over."""


def office_lists(store: Store) -> OfficeLists:
    return OfficeLists(tuple(c for c in store.counters() if c.active), tuple(store.services()),
                       store.call_starts_service)


def sign_in(store: Store, throttle: SignInThrottle, username: str, password: str, counter: int,
            take_over: bool) -> SignedIn:
    # The store keeps the back-off (per user name and PC, across restarts); the throttle
    # waits it out here, on the worker thread.
    clerk = throttle.attempt(lambda: store.authenticate(username.strip(), password, app="counter"))
    try:
        session_id = store.sign_in(counter, clerk.username, take_over=take_over)
    except DomainError as exc:
        if type(exc) is DomainError and not take_over:  # NotFound (no such counter) is not a take-over
            raise CounterHeld(exc.vi, exc.en) from exc
        raise
    return SignedIn(clerk, counter, session_id)


def toggle_state(store: Store, counter: int, clerk: str, action: Action, current: CounterState) -> Counter:
    """Enter the break (or back-office work); pressing it again reopens the counter."""
    return store.set_counter_state(counter, clerk, rules.counter_state_after(action, current))


def transfer(store: Store, counter: int, clerk: str, target: tuple[str, str]) -> Ticket:
    kind, value = target
    if kind == "service":
        return store.transfer(counter, clerk, to_service=value)
    return store.transfer(counter, clerk, to_counter=int(value))


# The desk's actions: Action -> f(store, counter, clerk, *args). Actions double as worker tags,
# so the same action cannot be in flight twice.
ACTIONS: dict[Action, Callable[..., Any]] = {
    Action.CALL_NEXT: lambda s, n, k: s.call_next(n, k),
    Action.RECALL: lambda s, n, k: s.recall(n, k),
    Action.START: lambda s, n, k: s.start_service(n, k),
    Action.FINISH: lambda s, n, k: s.finish_service(n, k),
    Action.NO_SHOW: lambda s, n, k: s.mark_no_show(n, k),
    Action.TRANSFER: transfer,
    Action.HOLD: lambda s, n, k: s.hold(n, k),
    Action.RESUME: lambda s, n, k, ref: s.resume(ref, n, k),
    Action.CALL_SPECIFIC: lambda s, n, k, ref, reason: s.call_specific(ref, n, k, reason),
    Action.BREAK: lambda s, n, k, cur: toggle_state(s, n, k, Action.BREAK, cur),
    Action.BACK_OFFICE: lambda s, n, k, cur: toggle_state(s, n, k, Action.BACK_OFFICE, cur),
    Action.SIGN_OUT: lambda s, n, k: s.sign_out(n, k),
}
# Every action a clerk can take at the desk has its job, checked at import: a desk action without one fails here.
assert set(ACTIONS) == rules.DESK_ACTIONS, set(ACTIONS) ^ rules.DESK_ACTIONS
