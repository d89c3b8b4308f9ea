"""The dashboard's bookings read (issue 19): one read-only transaction for a period of service days.

The tickets of the period (booked or not), the bookings whose slot falls in it, and the places the
plan offered on each of its days (computed from the plan, since the slot rows exist only once booked).
The figures themselves are common.views.bookings_report's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from common.store.orm import TicketRow

if TYPE_CHECKING:
    from common.store import Store
    from common.views.bookings_report import BookingsReport


def bookings_report(store: Store, start: date, end: date) -> BookingsReport:
    # Imported here, as operations.py imports common.store.bookings: the store loads without the bookings code.
    from common.core.bookings import Slot
    from common.store import bookings
    from common.views.bookings_report import build

    with store.transaction(readonly=True) as tx:
        tickets = [tx.ticket(r) for r in tx.session.scalars(
            select(TicketRow).where(TicketRow.service_day.between(start, end)).order_by(TicketRow.id))]
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        made = [b for day in days for b in bookings.bookings_for_day(store, tx, day, None, contact=False)]
        plan = bookings.plan_of(tx)
        # The places offered (reserved_share counted, as the booking page offers them), for the utilisation.
        offered = {code: bookings.places(tx, info, sp) for code, sp in plan.services.items()
                   if (info := tx.snap.services.get(code)) is not None}
        places = [Slot(code, at, at + timedelta(minutes=sp.slot_minutes), offered.get(code, sp.capacity), 0)
                  for code, sp in plan.services.items() for day in days if plan.open_on(sp, day)
                  for at in sp.slot_starts(day, store.tz)]
        names = {code: info.name_vi for code, info in tx.snap.services.items()}
        return build(start, end, tx.now, names, tickets, made, places)
