"""The board and the public statuses, read in one transaction each (the values are in common/views/board.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from common.core.clock import local_midnight
from common.core.model import CounterState, TicketStatus
from common.core.wording import PUBLIC
from common.store.orm import EventRow, TicketRow, read_kinds
from common.store.rating import PHONE_WINDOW, rated_scores
from common.store.tx import staffed
from common.views.board import (
    CALL_KINDS,
    BoardState,
    CounterView,
    PublicStatus,
    WaitingView,
    call_view,
    distinct_calls,
)

if TYPE_CHECKING:
    from common.store import Store


def read_board(store: Store, recent: int) -> BoardState:
    """The snapshot and the recent calls in ONE transaction, so a call never shows in one and not the other."""
    with store.transaction(readonly=True, consistent=True) as tx:
        snap = tx.snapshot()
        rows = list(tx.session.scalars(
            select(EventRow)
            .where(EventRow.kind.in_(sorted(CALL_KINDS)), read_kinds(EventRow.kind),
                   EventRow.at >= local_midnight(tx.day, store.tz))
            .order_by(EventRow.id.desc())
            .limit(recent * 3)))  # room for recalls: the calls kept are one per ticket (distinct_calls)
        # The calls' tickets in one statement, not one per call in tx.event (the snapshot reads its tickets
        # as plain rows, which leave none in the session). Held here: the session keeps only weak references.
        ids = sorted({r.ticket_id for r in rows if r.ticket_id is not None})
        tickets = {t.id: t for t in tx.session.scalars(select(TicketRow).where(TicketRow.id.in_(ids)))} if ids else {}
        events = [tx.event(r) for r in rows]
        booked = {e.id for e in events if e.ticket_id in tickets and tickets[e.ticket_id].booked}
    views = (call_view(e) for e in events)
    calls = distinct_calls(tuple(replace(v, booked=v.event_id in booked) for v in views if v is not None), recent)
    counters = tuple(
        CounterView(c.counter.number, c.counter.name, c.counter.state == CounterState.OPEN,
                    c.current.code if c.current else None, c.counter.state,
                    bool(c.current and c.current.booked))
        for c in snap.counters if c.counter.active)
    waiting = tuple(
        WaitingView(s.service.code, s.service.name_vi, s.service.prefix, s.waiting, s.estimated_wait_seconds,
                    s.open_now, s.staffed)
        for s in snap.services if s.service.active)
    return BoardState(snap.at, calls, counters, waiting)


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
        # People ahead from the rows already read, in the queue's order (tx.ahead_of's rule): one query
        # per waiting ticket made this read, which runs on every change, grow with the queue.
        booked_first = tx.snap.booked_first  # rules.rank: priority, then checked-in bookings, then the rest
        queue = sorted((r for r in rows if r.status == TicketStatus.WAITING.value),
                       key=lambda r: (0 if r.priority else 1 if r.booked and booked_first else 2, r.queued_at, r.id))
        place: dict[int, int] = {}
        seen: dict[int, int] = {}
        for r in queue:
            place[r.id] = seen.get(r.service_id, 0)
            seen[r.service_id] = place[r.id] + 1
        # per service, read once: its counters, what they serve now, whether any is open or on a break
        where: dict[int, tuple[tuple[int, ...], tuple[tuple[str, int], ...], bool]] = {}
        for row in rows:
            status = TicketStatus(row.status)
            ahead, wait = 0, 0
            if status == TicketStatus.WAITING:
                ahead = place[row.id]
                key = (row.service_id, ahead)
                if key not in estimates:
                    estimates[key] = tx.estimate(tx.service_by_id(row.service_id), ahead)
                wait = estimates[key]
            svc = tx.service_by_id(row.service_id)
            score = rated.get(row.id)
            open_ = (status == TicketStatus.DONE and score is None and row.finished_at is not None
                     and row.finished_at >= since)
            if row.service_id not in where:
                counters = tx.counters_serving(row.service_id)
                now = ((t.code, c.number) for c, t in ((c, tx.at_counter(c)) for c in counters) if t is not None)
                where[row.service_id] = (tuple(c.number for c in counters), tuple(now), staffed(counters))
            numbers, serving_now, anyone = where[row.service_id]
            out[row.token] = PublicStatus(
                row.code, svc.name_vi, PUBLIC[status], tx.counter_number(row.counter_id), ahead, wait,
                int(score) if score is not None else None, open_,
                svc.name_en, numbers, serving_now, row.issued_at, row.last_called_at or row.called_at,
                row.recall_count > 0, row.transfer_seq > 0, tx.counter_number(row.target_counter_id),
                row.service_day == tx.day, bool(row.booked), tx.booking_code(row.booking_id) if row.booked else None,
                status == TicketStatus.WAITING and not anyone)
    return out
