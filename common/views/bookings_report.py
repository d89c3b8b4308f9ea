"""The dashboard's bookings figures for a period (issue 19): booked against walk-in waits, no-shows, slot use.

Pure computation over plain values (tickets, bookings, slots); common.store.reads.bookings reads them.
Definitions (docs and the dashboard's note say the same):
- wait = first call − ticket issued, as everywhere (DOMAIN.md); a booked ticket is issued at check-in.
  "Có hẹn" are tickets checked in within their window (``Ticket.booked``); all others are walk-ins.
- booking no-show rate = bookings not checked in / bookings due (not cancelled, slot ended).
- slot utilisation = places booked (not cancelled) / places offered by the plan in the period. The places are
  those of the plan loaded now (the store keeps no history of plans): after a plan change, earlier days are
  counted with the new plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from common.core.bookings import Booking, BookingState, Slot
from common.core.model import Ticket

TOTAL = ""  # the key of the all-services row


@dataclass(frozen=True)
class BookingFigures:
    service: str  # TOTAL for the total row
    name_vi: str
    booked_waits: int  # booked tickets called at least once
    booked_mean_wait_s: float | None
    walkin_waits: int
    walkin_mean_wait_s: float | None
    bookings: int  # made for slots in the period, cancelled included
    cancelled: int
    due: int  # not cancelled, slot ended
    checked_in: int
    no_shows: int  # due and never checked in
    places: int  # offered by the plan
    taken: int  # booked, not cancelled

    @property
    def no_show_pct(self) -> float | None:
        return None if not self.due else 100.0 * self.no_shows / self.due

    @property
    def utilisation_pct(self) -> float | None:
        return None if not self.places else 100.0 * self.taken / self.places


@dataclass(frozen=True)
class BookingsReport:
    start: date
    end: date
    at: datetime
    rows: tuple[BookingFigures, ...]  # one per service with a booking plan or a booking, then the total

    @property
    def total(self) -> BookingFigures:
        return self.rows[-1]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def figures(service: str, name_vi: str, tickets: Iterable[Ticket], bookings: Iterable[Booking],
            slots: Iterable[Slot], at: datetime) -> BookingFigures:
    booked: list[float] = []
    walkin: list[float] = []
    for t in tickets:
        if t.first_called_at is None:
            continue
        wait = max(0.0, (t.first_called_at - t.issued_at).total_seconds())
        (booked if t.booked else walkin).append(wait)
    made = list(bookings)
    cancelled = sum(1 for b in made if b.state == BookingState.CANCELLED)
    due = [b for b in made if b.state != BookingState.CANCELLED and b.slot_end <= at]
    checked = sum(1 for b in made if b.state == BookingState.CHECKED_IN)
    no_shows = sum(1 for b in due if b.state != BookingState.CHECKED_IN)
    return BookingFigures(service, name_vi, len(booked), _mean(booked), len(walkin), _mean(walkin), len(made),
                          cancelled, len(due), checked, no_shows, sum(s.capacity for s in slots),
                          len(made) - cancelled)


def build(start: date, end: date, at: datetime, names: dict[str, str], tickets: Sequence[Ticket],
          bookings: Sequence[Booking], slots: Sequence[Slot]) -> BookingsReport:
    """One row per service that has slots or bookings in the period, then the total (all tickets)."""
    codes = sorted({s.service for s in slots} | {b.service for b in bookings})
    rows = [figures(code, names.get(code, code), [t for t in tickets if t.service == code],
                    [b for b in bookings if b.service == code], [s for s in slots if s.service == code], at)
            for code in codes]
    rows.append(figures(TOTAL, "Tổng", tickets, bookings, slots, at))
    return BookingsReport(start, end, at, tuple(rows))
