"""What a counter window reads: the queue, this clerk's day and whether its session still holds.

One read transaction (``store.views.desk``, in common/store/reads/desk.py) returns a
:class:`DeskView`, so that the window never shows a queue from one instant beside a
clerk's figures from another. The clerk's "today" is aggregated in SQL over the
current service day's tickets (served = finished as done; the wait of the people they
served is each ticket's stored ``wait_s``).
"""

from __future__ import annotations

from dataclasses import dataclass

from common.core.model import CounterState, QueueSnapshot, Ticket


@dataclass(frozen=True)
class ClerkDay:
    """One clerk's figures for the current service day."""

    served: int
    no_shows: int
    transferred: int
    mean_service_seconds: float | None
    mean_wait_seconds: float | None


@dataclass(frozen=True)
class DeskView:
    """Everything the counter window shows, read in one transaction."""

    snapshot: QueueSnapshot
    today: ClerkDay
    current: Ticket | None
    on_hold: tuple[Ticket, ...]
    state: CounterState
    holder: str | None
    session_valid: bool  # False once another sign-in took this counter over
