"""The work a counter window sends to the worker thread: each function is one store call.

Nothing here touches Qt; each function runs on ``ui.worker.Runner``'s thread and
returns a frozen value (or raises a ``MotcuaError`` the window shows as one line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common.core.errors import DomainError
from common.core.model import Clerk, Counter, CounterState, Service
from common.store import Store
from counter.throttle import SignInThrottle


@dataclass(frozen=True)
class SignedIn:
    clerk: Clerk
    counter: int
    session_id: str


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


def toggle_state(store: Store, counter: int, clerk: str, wanted: CounterState, current: CounterState) -> Counter:
    """Enter ``wanted`` (break or back-office); pressing it again reopens the counter."""
    target = CounterState.OPEN if current == wanted else wanted
    return store.set_counter_state(counter, clerk, target)


def hold_or_resume(store: Store, counter: int, clerk: str, resume_ref: str | None) -> Any:
    if resume_ref is None:
        return store.hold(counter, clerk)
    return store.resume(resume_ref, counter, clerk)


def transfer(store: Store, counter: int, clerk: str, target: tuple[str, str]) -> Any:
    kind, value = target
    if kind == "service":
        return store.transfer(counter, clerk, to_service=value)
    return store.transfer(counter, clerk, to_counter=int(value))


# The desk's actions: name -> f(store, counter, clerk, *args). Names double as worker tags,
# so the same action cannot be in flight twice.
ACTIONS: dict[str, Callable[..., Any]] = {
    "call_next": lambda s, n, k: s.call_next(n, k),
    "recall": lambda s, n, k: s.recall(n, k),
    "start": lambda s, n, k: s.start_service(n, k),
    "finish": lambda s, n, k: s.finish_service(n, k),
    "no_show": lambda s, n, k: s.mark_no_show(n, k),
    "transfer": transfer,
    "hold": hold_or_resume,
    "call_specific": lambda s, n, k, ref, reason: s.call_specific(ref, n, k, reason),
    "break": lambda s, n, k, cur: toggle_state(s, n, k, CounterState.BREAK, cur),
    "back_office": lambda s, n, k, cur: toggle_state(s, n, k, CounterState.BACK_OFFICE, cur),
    "sign_out": lambda s, n, k: s.sign_out(n, k),
}
