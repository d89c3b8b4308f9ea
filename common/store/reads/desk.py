"""A counter's desk and a clerk's day, each read in one transaction (the values are in common/views/clerk_stats.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from common.core.model import CounterState, TicketStatus
from common.store.orm import TicketRow
from common.store.tx import Tx
from common.views.clerk_stats import ClerkDay, DeskView

if TYPE_CHECKING:
    from common.store import Store


def desk_view(store: Store, counter: int, clerk: str, session_id: str | None) -> DeskView:
    with store.transaction(readonly=True, consistent=True) as tx:
        row = tx.counter_row(counter)
        snapshot = tx.snapshot()
        mine = next(c for c in snapshot.counters if c.counter.number == counter)
        return DeskView(
            snapshot=snapshot,
            today=_clerk_day(tx, tx.clerk_row(clerk).id),
            current=mine.current,
            on_hold=mine.on_hold,
            state=CounterState(row.state),
            holder=tx.clerk_name(row.clerk_id),
            session_valid=session_id is not None and row.session_id == session_id,
        )


def _clerk_day(tx: Tx, clerk_id: int) -> ClerkDay:
    mine = (TicketRow.clerk_id == clerk_id) & (TicketRow.service_day == tx.day)
    done = TicketRow.status == TicketStatus.DONE.value
    served, mean_service, mean_wait = tx.session.execute(
        select(func.count(), func.avg(TicketRow.service_s), func.avg(TicketRow.wait_s)).where(mine, done)).one()
    by_status = dict(tx.session.execute(
        select(TicketRow.status, func.count()).where(
            mine, TicketRow.status.in_((TicketStatus.NO_SHOW.value, TicketStatus.TRANSFERRED.value)))
        .group_by(TicketRow.status)).all())
    return ClerkDay(
        served=int(served or 0),
        no_shows=int(by_status.get(TicketStatus.NO_SHOW.value, 0)),
        transferred=int(by_status.get(TicketStatus.TRANSFERRED.value, 0)),
        mean_service_seconds=float(mean_service) if mean_service is not None else None,
        mean_wait_seconds=float(mean_wait) if mean_wait is not None else None,
    )

