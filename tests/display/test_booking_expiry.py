"""The display turns missed bookings into no-shows once a minute of the store's clock (issue 19).

A real store (SQLite and PostgreSQL), the real controller and worker; the clock is the injectable one,
so "a minute later" is set, not waited for.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from common.config import AppConfig
from common.core.bookings import BookingState
from common.core.clock import ManualClock
from common.store import Store
from display.board_window import BoardWindow
from display.controller import DisplayController
from tests.booking_office import with_plan

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_missed_booking_becomes_a_no_show_while_the_display_runs(qtbot: QtBot, store: Store, clock: ManualClock,
                                                                   example_config: AppConfig) -> None:
    with_plan(store, example_config)
    missed = store.book("TP", datetime(2026, 11, 25, 8, 15, tzinfo=TZ), None)  # the clock is 08:00
    later = store.book("TP", datetime(2026, 11, 25, 9, 0, tzinfo=TZ), None)
    board = BoardWindow("Bộ phận Một cửa", TZ, "Thông báo")
    qtbot.addWidget(board)
    controller = DisplayController(store, board, parent=board)
    expiry = controller.expiry
    try:
        controller.start()  # the first run is at once: nothing is due at 08:00
        assert expiry.runs == 1
        qtbot.waitUntil(lambda: not controller.runner.in_flight("expire-bookings"), timeout=10000)
        assert not expiry.tick()  # within the minute: no second run, however often the timer fires
        clock.set(datetime(2026, 11, 25, 8, 30, 30, tzinfo=TZ))  # 08:15 slot ended at 08:30
        with qtbot.waitSignal(expiry.expired, timeout=10000) as done:
            assert expiry.tick()
        assert done.args == [1]
        assert store.booking(missed.code).state == BookingState.NO_SHOW  # type: ignore[union-attr]
        assert store.booking(later.code).state == BookingState.BOOKED  # type: ignore[union-attr]
        clock.advance(timedelta(seconds=59))
        assert not expiry.tick()
        assert expiry.runs == 2
    finally:
        controller.stop()
