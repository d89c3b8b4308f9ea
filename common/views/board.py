"""What the hall display and the ticket status page show, as plain values without Qt.

``store.views.board()`` (common/store/reads/board.py) is what the board needs after
each change (cheap: one snapshot and the recent calls). ``store.views.statuses()`` is
the public status of every ticket of the day, keyed by QR token, so the status page
answers from memory and never makes the GUI thread wait on the database. Neither holds
any personal data: a ticket is its number, its service and where it stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from common.core.events import CALLS, EventKind
from common.core.model import CounterState, Event
from common.core.wording import PublicState, counter_state_text

CALL_KINDS = CALLS  # the hall display lists calls and recalls
# A token is 26 characters (common.core.tokens: the hour in [0-9a-z], then token_urlsafe(16)); those issued
# before were the 22 random ones alone. Anything else is not a token.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class CallView:
    event_id: int
    ticket: str
    counter: int
    recall: bool
    at: datetime
    booked: bool = False  # a checked-in booking: the board shows "Hẹn" beside it (issue 19)


@dataclass(frozen=True)
class CounterView:
    number: int
    name: str
    open: bool
    serving: str | None
    state: CounterState = CounterState.OPEN
    serving_booked: bool = False  # the ticket at the counter is a checked-in booking ("Hẹn")

    @property
    def state_text(self) -> str:
        """The counter's state in the same words as on the counter itself (a break is "Tạm nghỉ", not "Đóng")."""
        return counter_state_text(self.state)


@dataclass(frozen=True)
class WaitingView:
    service: str
    name_vi: str
    prefix: str
    waiting: int
    estimated_wait_seconds: int
    open_now: bool
    staffed: bool = True  # some counter of the service is open or on a break (else no wait is promised)


@dataclass(frozen=True)
class BoardState:
    at: datetime
    calls: tuple[CallView, ...]  # newest first, one per ticket (its newest call: a recall shows as one)
    counters: tuple[CounterView, ...]
    waiting: tuple[WaitingView, ...]

    @property
    def latest(self) -> CallView | None:
        return self.calls[0] if self.calls else None


@dataclass(frozen=True)
class PublicStatus:
    """A ticket as anyone holding its QR code may see it."""

    code: str
    service_name_vi: str
    state: PublicState  # common.core.wording.PUBLIC
    counter: int | None
    people_ahead: int
    estimated_wait_seconds: int
    # The satisfaction rating (common.store.rating): the score given, if any, and whether the page
    # may still offer the choices (served, unrated, within 24 hours of service).
    rating: int | None = None
    rating_open: bool = False
    # What the phone page words for a citizen (display.pages): where to go, what is being served, when.
    # state is then also on_hold | no_show | expired | cancelled (closed stays for anything else).
    service_name_en: str = ""
    counters: tuple[int, ...] = ()  # the counters that serve this ticket's service
    serving_now: tuple[tuple[str, int], ...] = ()  # (number, counter) now called or served at those counters
    issued_at: datetime | None = None  # UTC; the page shows it in the office's zone
    called_at: datetime | None = None  # the last call (a no-show's "Đã gọi lúc 09:12")
    recalled: bool = False
    transferred: bool = False  # this is the visit's transaction after a transfer
    target_counter: int | None = None  # a transfer to one counter
    today: bool = True  # False: served yesterday, still rateable
    booked: bool = False  # a checked-in booking ("Hẹn", issue 19)
    booking_code: str | None = None
    # Waiting, and no counter of its service is open or on a break now: the page promises no wait
    # and says so (common.core.estimate.NO_COUNTER); it changes as soon as a counter opens.
    no_counter: bool = False


def call_view(event: Event) -> CallView | None:
    if event.kind not in CALL_KINDS or not event.ticket_code or event.counter is None:
        return None
    return CallView(event.id, event.ticket_code, event.counter, event.kind == EventKind.RECALLED, event.at)


def distinct_calls(calls: tuple[CallView, ...], limit: int) -> tuple[CallView, ...]:
    """Newest first, one per ticket (its newest call, so a recall shows as the recall), at most ``limit``."""
    seen: set[str] = set()
    out: list[CallView] = []
    for call in calls:
        if call.ticket not in seen:
            seen.add(call.ticket)
            out.append(call)
    return tuple(out[:limit])


def public_status(statuses: Mapping[str, PublicStatus], token: str) -> PublicStatus | None:
    """The status for a token from the page's cache; None for a malformed or unknown one."""
    return statuses.get(token) if TOKEN.match(token) else None
