"""What the staffing advice is computed from, read in one transaction (Erlang C: common/planning/staffing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, cast, func, select

from common.core.bookings import BookingState
from common.core.clock import local_midnight
from common.store.orm import BookingRow, EventRow, ServiceRow, TicketRow, read_kinds

if TYPE_CHECKING:
    from common.store import Store


def staffing_inputs(store: Store, start: date, end: date, state_events: Sequence[str]
                    ) -> tuple[int, list[Any], list[Any], datetime]:
    """(days with tickets, (local hour, service id, tickets, served, service seconds, service code, priority
    tickets, sum of squared service seconds) rows, counter state events
    from the day before ``start`` (a counter opened then is open at midnight), the end of the observed time)."""
    first, after = local_midnight(start, store.tz), local_midnight(end + timedelta(days=1), store.tz)
    with store.transaction(readonly=True) as tx:
        s = tx.session
        in_period = TicketRow.service_day.between(start, end)
        days = s.scalar(select(func.count(func.distinct(TicketRow.service_day))).where(in_period)) or 0
        # The code and the priority count: the per-counter-group plan draws each service's citizens, priority first.
        rows = s.execute(select(TicketRow.local_hour, TicketRow.service_id, func.count(),
                                func.count(TicketRow.service_s), func.coalesce(func.sum(TicketRow.service_s), 0),
                                ServiceRow.code, func.count(TicketRow.priority_category),
                                # squares as floats: an integer square overflows on PostgreSQL for a forgotten ticket
                                func.coalesce(func.sum(cast(TicketRow.service_s, Float) * TicketRow.service_s), 0))
                         .join(ServiceRow, ServiceRow.id == TicketRow.service_id)
                         .where(in_period).group_by(TicketRow.local_hour, TicketRow.service_id, ServiceRow.code)).all()
        events = s.execute(select(EventRow.counter_id, EventRow.at, EventRow.kind).where(
            EventRow.kind.in_(tuple(state_events)), read_kinds(EventRow.kind),
            EventRow.at >= first - timedelta(days=1), EventRow.at < after,
            EventRow.counter_id.is_not(None)).order_by(EventRow.counter_id, EventRow.at, EventRow.id)).all()
        return int(days), list(rows), list(events), min(tx.now, after)


def booked_by_hour(store: Store, start: date, end: date) -> list[tuple[date, int, int]]:
    """(local day, local hour, bookings) of the bookings still to come (state booked) on ``start``..``end``.

    One statement on the (state, slot_start) index; the slots are bucketed by the office's local
    hour here, which works alike on SQLite and PostgreSQL. A checked-in booking is a ticket by then,
    and the tickets are what the advice's history counts already.
    """
    first, after = local_midnight(start, store.tz), local_midnight(end + timedelta(days=1), store.tz)
    counts: dict[tuple[date, int], int] = {}
    with store.transaction(readonly=True) as tx:
        for (at,) in tx.session.execute(select(BookingRow.slot_start).where(
                BookingRow.state == BookingState.BOOKED.value, BookingRow.slot_start >= first,
                BookingRow.slot_start < after)):
            local = at.astimezone(store.tz)
            key = (local.date(), local.hour)
            counts[key] = counts.get(key, 0) + 1
    return [(day, hour, n) for (day, hour), n in sorted(counts.items())]
