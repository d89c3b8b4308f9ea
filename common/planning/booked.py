"""Booked citizens in a simulated day (issue 19): "what does opening 20% of slots to bookings do to walk-ins?".

A share of the day's arrivals book instead of walking in. The citizen's slot is the one their
walk-in arrival falls in (bookings do not change *when* people want to come, only how they are
called); on the day they arrive around the slot:

- a ``no_show`` share never comes (the booking expires at the slot's end; nobody is issued);
- the others arrive at the slot start plus an offset drawn from a triangular distribution
  from ``early_minutes + 5`` before to ``late_minutes + 10`` after, most likely 5 minutes early.
  Too early, the kiosk refuses the check-in until the window opens (Store.check_in, "early"), so
  they check in at the window's opening (and not before the hall opens); within
  [slot − early, slot + late] the ticket is booked ("Hẹn", called after priority and before
  walk-ins, rules.call_key); later, it is a normal ticket.

The decisions come from their own random stream (derived from the day's seed without drawing
from it), so a day with bookings faces the same walk-in arrival times as the same seed without.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from common.core.bookings import AppointmentPlan
from common.core.errors import MotcuaError, said


@dataclass(frozen=True)
class BookingMix:
    """The booking share of arrivals, their no-show rate, and the plan's slot grid and check-in window."""

    share: float = 0.0
    no_show: float = 0.0
    slot_minutes: int = 15
    early_minutes: int = 15
    late_minutes: int = 10
    services: frozenset[str] | None = None  # the services that take bookings; None: every one

    @classmethod
    def for_plan(cls, plan: AppointmentPlan, share: float, no_show: float, *, every_service: bool = False
                 ) -> BookingMix:
        """``share`` and ``no_show`` with the office's window and slot length (its first service plan's),
        for the services its plan books (all of them with ``every_service``, or when it books none)."""
        slot = next(iter(plan.services.values())).slot_minutes if plan.services else 15
        services = None if every_service or not plan.services else frozenset(plan.services)
        return cls(share, no_show, slot, plan.early_minutes, plan.late_minutes, services)

    def __post_init__(self) -> None:
        for name, value in (("share", self.share), ("no_show", self.no_show)):
            if not 0.0 <= value <= 1.0:
                raise said(MotcuaError, f"tỉ lệ {name} phải trong khoảng 0–1, không phải {value}",
                           f"the {name} rate must be within 0–1, not {value}")
        if self.slot_minutes < 1 or self.early_minutes < 0 or self.late_minutes < 0:
            raise said(MotcuaError, "khung giờ hẹn phải dương và cửa sổ check-in không âm",
                       "the slot must be positive and the check-in window not negative")

    @property
    def active(self) -> bool:
        return self.share > 0


NO_BOOKINGS = BookingMix()


def booking_rng(rng: random.Random) -> random.Random:
    """A stream of its own for the booking decisions, fixed by ``rng``'s state without drawing from it."""
    return random.Random(repr(rng.getstate()[1][:16]))


def arrivals(mix: BookingMix, rng: random.Random, opens: float, wanted: list[tuple[float, str]]
             ) -> list[tuple[float, str, bool]]:
    """``wanted`` (instant, service) walk-in arrivals of a window opening at ``opens`` → (instant, service, booked).

    Booked citizens arrive around their slot (see the module); no-shows are dropped. Not sorted.
    """
    return [(at, code, booked) for at, code, booked, _slot in with_slots(mix, rng, opens, wanted)]


def with_slots(mix: BookingMix, rng: random.Random, opens: float, wanted: list[tuple[float, str]]
               ) -> list[tuple[float, str, bool, float | None]]:
    """As ``arrivals``, with each booked citizen's slot start (None for a walk-in): the store's replay books
    that slot before the day, then checks the citizen in at the instant (a late one gets a normal ticket)."""
    if not mix.active:
        return [(at, code, False, None) for at, code in wanted]
    slot_s, early_s, late_s = mix.slot_minutes * 60, mix.early_minutes * 60, mix.late_minutes * 60
    out: list[tuple[float, str, bool, float | None]] = []
    for at, code in wanted:
        if (mix.services is not None and code not in mix.services) or rng.random() >= mix.share:
            out.append((at, code, False, None))
            continue
        if rng.random() < mix.no_show:
            continue
        slot = opens + (at - opens) // slot_s * slot_s
        arrive = slot + 60 * rng.triangular(-mix.early_minutes - 5, mix.late_minutes + 10, -5)
        arrive = max(arrive, slot - early_s, opens)  # refused "early" (or the hall shut): in at the opening
        out.append((arrive, code, arrive <= slot + late_s, slot))
    return out
