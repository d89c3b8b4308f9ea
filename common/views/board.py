"""What the hall display and the ticket status page show, read from the store without Qt.

``read_board`` is what the board needs after each change (cheap: one snapshot and
the recent calls). ``read_statuses`` is the public status of every ticket of the
day, keyed by QR token, so the status page answers from memory and never makes the
GUI thread wait on the database. Neither holds any personal data: a ticket is its
number, its service and where it stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from common.core.clock import local_midnight
from common.core.model import CounterState, Event, TicketStatus
from common.store import Store
from common.store.orm import EventRow, TicketRow
from common.store.rating import PHONE_WINDOW, rated_scores

CALL_KINDS = frozenset({"called", "recalled"})
# secrets.token_urlsafe(16) gives 22 characters of [A-Za-z0-9_-]; anything else is not a token.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class CallView:
    event_id: int
    ticket: str
    counter: int
    recall: bool
    at: datetime


@dataclass(frozen=True)
class CounterView:
    number: int
    name: str
    open: bool
    serving: str | None
    state: str = "open"  # CounterState's value: the board says "Tạm nghỉ" for a break, as the counter does


@dataclass(frozen=True)
class WaitingView:
    service: str
    name_vi: str
    prefix: str
    waiting: int
    estimated_wait_seconds: int
    open_now: bool


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
    state: str  # waiting | called | serving | served | closed
    counter: int | None
    people_ahead: int
    estimated_wait_seconds: int
    # The satisfaction rating (common.store.rating): the score given, if any, and whether the page
    # may still offer the choices (served, unrated, within 24 hours of service).
    rating: int | None = None
    rating_open: bool = False


def call_view(event: Event) -> CallView | None:
    if event.kind not in CALL_KINDS or not event.ticket_code or event.counter is None:
        return None
    return CallView(event.id, event.ticket_code, event.counter, event.kind == "recalled", event.at)


def distinct_calls(calls: tuple[CallView, ...], limit: int) -> tuple[CallView, ...]:
    """Newest first, one per ticket (its newest call, so a recall shows as the recall), at most ``limit``."""
    seen: set[str] = set()
    out: list[CallView] = []
    for call in calls:
        if call.ticket not in seen:
            seen.add(call.ticket)
            out.append(call)
    return tuple(out[:limit])


def read_board(store: Store, recent: int = 6) -> BoardState:
    """The snapshot and the recent calls in ONE transaction, so a call never shows in one and not the other."""
    with store.transaction(readonly=True, consistent=True) as tx:
        snap = tx.snapshot()
        rows = tx.session.scalars(
            select(EventRow)
            .where(EventRow.kind.in_(tuple(CALL_KINDS)), EventRow.at >= local_midnight(tx.day, store.tz))
            .order_by(EventRow.id.desc())
            .limit(recent * 3))  # room for recalls: the calls kept are one per ticket (distinct_calls)
        events = [tx.event(r) for r in rows]
    calls = distinct_calls(tuple(v for v in (call_view(e) for e in events) if v is not None), recent)
    counters = tuple(
        CounterView(c.counter.number, c.counter.name, c.counter.state == CounterState.OPEN,
                    c.current.code if c.current else None, c.counter.state.value)
        for c in snap.counters if c.counter.active)
    waiting = tuple(
        WaitingView(s.service.code, s.service.name_vi, s.service.prefix, s.waiting, s.estimated_wait_seconds,
                    s.open_now)
        for s in snap.services if s.service.active)
    return BoardState(snap.at, calls, counters, waiting)


_STATE = {
    TicketStatus.WAITING: "waiting",
    TicketStatus.ON_HOLD: "waiting",
    TicketStatus.CALLED: "called",
    TicketStatus.SERVING: "serving",
    TicketStatus.DONE: "served",
}


def read_statuses(store: Store) -> dict[str, PublicStatus]:
    """Today's tickets by token, and those served in the last 24 hours (they may still be rated).

    A transferred visit shows its newest transaction.
    """
    out: dict[str, PublicStatus] = {}
    with store.transaction(readonly=True, consistent=True) as tx:
        since = tx.now - PHONE_WINDOW
        recent = (TicketRow.status == TicketStatus.DONE.value) & (TicketRow.finished_at >= since)
        rows = list(tx.session.scalars(
            select(TicketRow).where(
                TicketRow.service_day >= tx.day - timedelta(days=1),  # the day index bounds the scan
                (TicketRow.service_day == tx.day) | recent,
                TicketRow.token.is_not(None))
            .order_by(TicketRow.id)))
        rated = rated_scores(tx, [r.id for r in rows if r.status == TicketStatus.DONE])
        estimates: dict[tuple[int, int], int] = {}
        for row in rows:
            status = TicketStatus(row.status)
            ahead, wait = 0, 0
            if status == TicketStatus.WAITING:
                ahead = tx.ahead_of(row)
                key = (row.service_id, ahead)
                if key not in estimates:
                    estimates[key] = tx.estimate(tx.service_by_id(row.service_id), ahead)
                wait = estimates[key]
            svc = tx.service_by_id(row.service_id)
            score = rated.get(row.id)
            open_ = (status == TicketStatus.DONE and score is None and row.finished_at is not None
                     and row.finished_at >= since)
            out[row.token] = PublicStatus(
                row.code, svc.name_vi, _STATE.get(status, "closed"), tx.counter_number(row.counter_id), ahead, wait,
                int(score) if score is not None else None, open_)
    return out


def public_status(statuses: Mapping[str, PublicStatus], token: str) -> PublicStatus | None:
    """The status for a token from the page's cache; None for a malformed or unknown one."""
    return statuses.get(token) if TOKEN.match(token) else None
