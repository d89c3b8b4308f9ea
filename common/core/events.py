"""The kinds of event in the append-only audit log, as one enum.

The store writes them, the ORM maps the ``events.kind`` column to this enum (same
VARCHAR(32), so no migration), and the board, the rating panel and the staffing
advice match on its members: a misspelt kind fails at import, not silently.
"""

from __future__ import annotations

from enum import StrEnum

from common.core.rules import Action, CounterState


class EventKind(StrEnum):
    OFFICE_LOADED = "office_loaded"
    CLERK_SAVED = "clerk_saved"
    ISSUED = "issued"
    PRINT_PENDING = "print_pending"
    PRINT_PRINTED = "print_printed"
    PRINT_FAILED = "print_failed"
    PRINT_NOT_PRINTED = "print_not_printed"
    PRINT_SENT = "print_sent"  # sent to a printer that cannot report back (printer.status = none, a file)
    CALLED = "called"
    RECALLED = "recalled"
    STARTED = "started"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    TRANSFER_QUEUED = "transfer_queued"
    HELD = "held"
    RESUMED = "resumed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    RATED = "rated"
    COUNTER_OPEN = "counter_open"
    COUNTER_CLOSED = "counter_closed"
    COUNTER_BREAK = "counter_break"
    COUNTER_BACK_OFFICE = "counter_back_office"
    SIGNIN_OK = "signin_ok"
    SIGNIN_FAILED = "signin_failed"
    SIGNIN_THROTTLED = "signin_throttled"

    @classmethod
    def counter(cls, state: CounterState) -> EventKind:
        """The event a counter's change of state writes (the staffing advice reads them back)."""
        return cls("counter_" + state.value)

    @classmethod
    def printed(cls, status: str) -> EventKind:
        """The event for a ticket's print status (a ``PrintStatus`` value)."""
        return cls("print_" + status)


KIND_LENGTH = 32  # the column's width: a test checks every kind fits
CALLS = frozenset({EventKind.CALLED, EventKind.RECALLED})  # what the hall display lists
COUNTER_STATES = frozenset(EventKind.counter(state) for state in CounterState)

# The event each ticket move writes.
OF_ACTION: dict[Action, EventKind] = {
    Action.CALL_NEXT: EventKind.CALLED,
    Action.CALL_SPECIFIC: EventKind.CALLED,
    Action.RECALL: EventKind.RECALLED,
    Action.START: EventKind.STARTED,
    Action.FINISH: EventKind.FINISHED,
    Action.NO_SHOW: EventKind.NO_SHOW,
    Action.TRANSFER: EventKind.TRANSFERRED,
    Action.HOLD: EventKind.HELD,
    Action.RESUME: EventKind.RESUMED,
    Action.CANCEL: EventKind.CANCELLED,
    Action.EXPIRE: EventKind.EXPIRED,
}
