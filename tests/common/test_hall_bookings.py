"""The hall forecast counts the booked load (issue 19), on SQLite and PostgreSQL.

Bookings still to come today are known arrivals at their slots, called before walk-ins; a
checked-in booking's ticket is not counted again in the random walk-in rate.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from common.config import AppConfig
from common.core.clock import ManualClock
from common.planning.forecast import Forecast, HallState, Method, Waiting, forecast
from common.store import Store
from common.store.hall import NEW_TICKET_ID, PRIOR_BOOKINGS, PRIOR_SHOWS, hall_state
from tests.booking_office import with_plan
from tests.common.test_hall import hall  # noqa: F401 (the fixture: a store with the hall forecast on)
from tests.conftest import TZ


def walk_in_forecast(store: Store, clock: ManualClock) -> tuple[int, tuple[tuple[str, float, float], ...]]:
    me = Waiting(NEW_TICKET_ID, "TP", False, clock.now())
    with store.transaction(readonly=True) as tx:
        state = hall_state(tx, me)
    result = forecast(state, seed=7, budget_s=10.0)  # a generous budget: the runs, not the CPU, decide
    assert result.method is Method.FORECAST and result.p50_s is not None
    return result.p50_s, tuple((b.service, b.at_s, b.show_share) for b in state.booked)


def test_a_booking_due_in_ten_minutes_lengthens_a_walk_ins_forecast(hall: Store, clock: ManualClock,  # noqa: F811
                                                                   example_config: AppConfig) -> None:
    with_plan(hall, example_config)
    hall.sign_in(1, "lan")  # one TP counter open, two walk-ins waiting, one at the counter
    for _ in range(3):
        hall.issue_ticket("TP")
    hall.call_next(1, "lan")
    clock.set(datetime(2026, 11, 25, 8, 5, tzinfo=TZ))
    without, none = walk_in_forecast(hall, clock)
    assert none == ()
    hall.book("TP", datetime(2026, 11, 25, 8, 15, tzinfo=TZ), None)
    hall.book("TP", datetime(2026, 11, 25, 14, 0, tzinfo=TZ), None)  # this afternoon: after the walk-in's call
    hall.book("TP", datetime(2026, 11, 26, 8, 15, tzinfo=TZ), None)  # tomorrow: not today's load
    with_booking, booked = walk_in_forecast(hall, clock)
    share = PRIOR_SHOWS / PRIOR_BOOKINGS  # no history yet: the prior show-up share
    assert booked == (("TP", 600.0, pytest.approx(share)), ("TP", pytest.approx(5.92 * 3600, abs=60), share))
    # The booked citizen checks in at 08:15 and is called before the walk-in: about one service longer.
    print(f"p50 without {without} s, with the booking {with_booking} s")
    assert with_booking > without + 120, (without, with_booking)


def test_a_checked_in_booking_is_not_counted_again_as_a_walk_in(hall: Store, clock: ManualClock,  # noqa: F811
                                                                example_config: AppConfig) -> None:
    with_plan(hall, example_config)
    hall.sign_in(1, "lan")
    hall.issue_ticket("TP")
    clock.advance(timedelta(minutes=5))
    booking = hall.book("TP", datetime(2026, 11, 25, 8, 15, tzinfo=TZ), None)
    clock.set(datetime(2026, 11, 25, 8, 14, tzinfo=TZ))
    assert hall.check_in(booking.code).ticket.booked
    me = Waiting(NEW_TICKET_ID, "TP", False, clock.now())
    with hall.transaction(readonly=True) as tx:
        state = hall_state(tx, me)
    (tp,) = state.arrivals
    assert tp.per_hour == pytest.approx(1 * 3600 / 900)  # the one walk-in over the 15-minute minimum window
    assert state.booked == ()  # checked in: in the queue now, not still to come


def test_the_booking_checking_in_is_not_also_a_booking_to_come(hall: Store, clock: ManualClock,  # noqa: F811
                                                               example_config: AppConfig,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from common.store import hall as hall_module

    seen: list[HallState] = []
    real = hall_module.forecast

    def watched(state: HallState, **kwargs: Any) -> Forecast:
        seen.append(state)
        return real(state, **kwargs)

    monkeypatch.setattr(hall_module, "forecast", watched)
    with_plan(hall, example_config)
    hall.sign_in(1, "lan")
    mine = hall.book("TP", datetime(2026, 11, 25, 8, 15, tzinfo=TZ), None)
    other = hall.book("TP", datetime(2026, 11, 25, 8, 30, tzinfo=TZ), None)
    clock.set(datetime(2026, 11, 25, 8, 14, tzinfo=TZ))
    assert hall.check_in(mine.code).ticket.booked
    (state,) = seen  # the check-in's slip was forecast once, in its own transaction
    assert [b.at_s for b in state.booked] == [16 * 60.0]  # the other booking only, due at 08:30
    assert hall.booking(other.code) is not None
