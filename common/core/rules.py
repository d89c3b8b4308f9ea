"""The ticket's rules in one place: its states, the moves between them, and who is called next.

Plain Python on purpose (standard library only): the store applies these rules to
its rows, the counter's action bar asks them which buttons make sense, the queue
table sorts with them, and the tests check them without a database.

- "What may a clerk do when a ticket is on hold?" → ``MOVES`` (and ``desk_actions``).
- "Who is called next?" → ``call_key`` / ``next_to_call``; ``Tx.next_candidate``
  is the same order written in SQL, and a test on a real store keeps the two equal.

The words for each state (clerk, board, refusals) live in ``common.core.wording``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    ON_HOLD = "on_hold"
    EXPIRED = "expired"

    @property
    def at_counter(self) -> bool:
        """A ticket in one of these states occupies its counter (one at a time: a unique index says so)."""
        return self in AT_COUNTER

    @property
    def final(self) -> bool:
        """No move leaves a final state (the property tests check the table agrees)."""
        return self in FINAL


AT_COUNTER = frozenset({TicketStatus.CALLED, TicketStatus.SERVING})
FINAL = frozenset({TicketStatus.DONE, TicketStatus.TRANSFERRED, TicketStatus.CANCELLED, TicketStatus.EXPIRED})


class CounterState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    BREAK = "break"
    BACK_OFFICE = "back_office"


class Ordering(StrEnum):
    """How a counter that serves several services picks the next ticket."""

    OLDEST_FIRST = "oldest_first"  # the longest-waiting ticket across all its services
    STRICT = "strict"  # the first service in the counter's list that has anyone waiting


class Action(StrEnum):
    """Everything that moves a ticket or a counter: the clerk's keys, the CLI's commands, the day's close.

    A StrEnum so that it can tag worker jobs and key dicts, while a misspelt member
    (``Action.CAL_NEXT``) fails at import and a bare string fails the type check.
    """

    CALL_NEXT = "call_next"
    CALL_SPECIFIC = "call_specific"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    HOLD = "hold"
    RESUME = "resume"
    CANCEL = "cancel"
    EXPIRE = "expire"  # the day's close, never a clerk
    BREAK = "break"
    BACK_OFFICE = "back_office"
    SIGN_OUT = "sign_out"


W = TicketStatus
A = Action


@dataclass(frozen=True)
class Move:
    """Where a move leads; ``once_started`` when it depends on whether service had begun (a held citizen)."""

    to: TicketStatus
    once_started: TicketStatus | None = None

    def target(self, started: bool) -> TicketStatus:
        return self.once_started if started and self.once_started is not None else self.to


# (state, action) → move. Anything not listed is refused, with the state's reason
# (common.core.wording.refusal). A held citizen whose service had begun comes back
# to service, not to a new call.
MOVES: dict[tuple[TicketStatus, Action], Move] = {
    (W.WAITING, A.CALL_NEXT): Move(W.CALLED),
    (W.WAITING, A.CALL_SPECIFIC): Move(W.CALLED),
    (W.NO_SHOW, A.CALL_SPECIFIC): Move(W.CALLED),
    (W.ON_HOLD, A.CALL_SPECIFIC): Move(W.CALLED, once_started=W.SERVING),
    (W.CALLED, A.RECALL): Move(W.CALLED),
    (W.CALLED, A.START): Move(W.SERVING),
    (W.SERVING, A.FINISH): Move(W.DONE),
    (W.CALLED, A.NO_SHOW): Move(W.NO_SHOW),
    (W.CALLED, A.TRANSFER): Move(W.TRANSFERRED),
    (W.SERVING, A.TRANSFER): Move(W.TRANSFERRED),
    (W.CALLED, A.HOLD): Move(W.ON_HOLD),
    (W.SERVING, A.HOLD): Move(W.ON_HOLD),
    (W.ON_HOLD, A.RESUME): Move(W.CALLED, once_started=W.SERVING),
    # A citizen may give up at any point before service begins; once served, the record stays.
    (W.WAITING, A.CANCEL): Move(W.CANCELLED),
    (W.CALLED, A.CANCEL): Move(W.CANCELLED),
    (W.NO_SHOW, A.CANCEL): Move(W.CANCELLED),
    (W.ON_HOLD, A.CANCEL): Move(W.CANCELLED),
    # Whoever still waits (or is set aside) when the day closes is "removed at end of day".
    (W.WAITING, A.EXPIRE): Move(W.EXPIRED),
    (W.ON_HOLD, A.EXPIRE): Move(W.EXPIRED),
}

TICKET_ACTIONS = frozenset(action for _, action in MOVES)
# What a clerk does at the counter PC (each has a job in counter/jobs.py). Other actions
# (cancelling from the command line, the day's close) move tickets without a desk.
DESK_ACTIONS = frozenset({
    A.CALL_NEXT, A.CALL_SPECIFIC, A.RECALL, A.START, A.FINISH, A.NO_SHOW, A.TRANSFER, A.HOLD, A.RESUME,
    A.BREAK, A.BACK_OFFICE, A.SIGN_OUT,
})


def move(status: TicketStatus, action: Action, *, started: bool = False) -> TicketStatus | None:
    """The state ``action`` leads to from ``status``, or None if the rules refuse it."""
    found = MOVES.get((status, action))
    return found.target(started) if found else None


def allowed(status: TicketStatus, action: Action) -> bool:
    return (status, action) in MOVES


def from_states(action: Action) -> frozenset[TicketStatus]:
    """The states ``action`` may start from (for the store's queries)."""
    return frozenset(status for status, a in MOVES if a == action)


def desk_actions(state: CounterState, current: TicketStatus | None, held: bool) -> frozenset[Action]:
    """What a clerk may do at a counter in ``state`` with ``current`` at it and ``held`` tickets set aside.

    The counter can hold one ticket at a time, so calling, resuming and leaving for a
    break all need it free; calling also needs it open (on a break, F2 does nothing
    until the clerk reopens). Moves on the current ticket come from ``MOVES``.
    """
    actions = {Action.SIGN_OUT}
    if current is not None:
        actions |= {a for a in TICKET_ACTIONS & DESK_ACTIONS if allowed(current, a)}
        return frozenset(actions)
    actions |= {Action.BREAK, Action.BACK_OFFICE}
    if state == CounterState.OPEN:
        actions |= {Action.CALL_NEXT, Action.CALL_SPECIFIC}
    if held and allowed(TicketStatus.ON_HOLD, Action.RESUME):
        actions.add(Action.RESUME)
    return frozenset(actions)


def counter_state_after(action: Action, current: CounterState) -> CounterState:
    """F10/F11 toggle: enter the break (or back-office work); pressing it again reopens the counter."""
    wanted = {Action.BREAK: CounterState.BREAK, Action.BACK_OFFICE: CounterState.BACK_OFFICE}[action]
    return CounterState.OPEN if current == wanted else wanted


# ---------------------------------------------------------------------------- who is called next
class Queued(Protocol):
    """What the order needs of a waiting ticket (``common.core.model.Ticket`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def priority(self) -> bool: ...
    @property
    def service(self) -> str: ...
    @property
    def queued_at(self) -> datetime: ...
    @property
    def target_counter(self) -> int | None: ...
    @property
    def booked(self) -> bool: ...


class CallingCounter(Protocol):
    """What the order needs of a counter (``common.core.model.Counter`` has it)."""

    @property
    def number(self) -> int: ...
    @property
    def services(self) -> tuple[str, ...]: ...
    @property
    def ordering(self) -> Ordering: ...


T = TypeVar("T", bound=Queued)


def serves(counter: CallingCounter, ticket: Queued) -> bool:
    """Transferred to this counter by number, or waiting for one of its services (and for no counter in particular)."""
    if ticket.target_counter is not None:
        return ticket.target_counter == counter.number
    return ticket.service in counter.services


def rank(counter: CallingCounter, ticket: Queued) -> int:
    """0 a priority category, 1 a booking checked in within its window ("Hẹn"), 2 everyone else.

    A counter of an office whose [appointments] order is ``with_walkins`` (``booked_first``
    false) ranks a booking with the walk-ins. ``hotpath.rank_sql`` is the same rule in SQL.
    """
    if ticket.priority:
        return 0
    # getattr: a plain test double of a ticket or a counter need not know about bookings.
    return 1 if getattr(ticket, "booked", False) and getattr(counter, "booked_first", True) else 2


def call_key(counter: CallingCounter, ticket: Queued) -> tuple[int, int, datetime, int]:
    """Smaller is called first.

    1. priority tickets before all others, then checked-in bookings (issue 19; ``rank``);
    2. on a ``strict`` counter, a ticket transferred to this counter, then its services
       in the counter's listed order (on ``oldest_first`` this step ties);
    3. then the queue time (a transferred citizen keeps the original one), then the id.
    """
    position = 0
    if counter.ordering == Ordering.STRICT:
        if ticket.target_counter == counter.number:
            position = -1
        elif ticket.service in counter.services:
            position = counter.services.index(ticket.service)
    return (rank(counter, ticket), position, ticket.queued_at, ticket.id)


def call_order(counter: CallingCounter, waiting: Iterable[T]) -> list[T]:
    """The waiting tickets this counter may call, in the order it calls them."""
    return sorted((t for t in waiting if serves(counter, t)), key=lambda t: call_key(counter, t))


def next_to_call(counter: CallingCounter, waiting: Iterable[T]) -> T | None:
    mine = [t for t in waiting if serves(counter, t)]
    return min(mine, key=lambda t: call_key(counter, t)) if mine else None
