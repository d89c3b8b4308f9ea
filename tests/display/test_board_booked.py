"""The board marks a checked-in booking's number "Hẹn" (issue 19), read from the store, and stays legible."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from common.config import AppConfig
from common.store import Store
from display.widgets import BOOKED
from tests.booking_office import with_plan
from tests.display.board import open_board
from ui.screenshot import save_png

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_booked_number_says_hen_on_the_board(qtbot: QtBot, store: Store, example_config: AppConfig,
                                               tmp_path: Path) -> None:
    with_plan(store, example_config)
    walk_in = store.issue_ticket("TP").ticket
    booking = store.book("TP", datetime(2026, 11, 25, 8, 15, tzinfo=TZ), None)
    booked = store.check_in(booking.code).ticket
    assert booked.booked
    board, controller = open_board(qtbot, store)
    called = store.call_next(2, "minh")
    assert called is not None and called.code == booked.code  # booked before the earlier walk-in
    qtbot.waitUntil(lambda: board.latest.counter.text().startswith(BOOKED), timeout=10000)
    assert board.latest.counter.text() == f"{BOOKED} · đến Quầy số 2"
    store.call_next(1, "lan")
    qtbot.waitUntil(lambda: board.recent.rows[0][0].text() == walk_in.code, timeout=10000)
    assert board.recent.rows[0][1].text() == "Quầy 1"  # the walk-in: no mark
    assert board.recent.rows[1][0].text() == booked.code and board.recent.rows[1][1].text() == f"{BOOKED} · Quầy 2"
    save_png(board, str(tmp_path / "board-hen.png"), (1920, 1080))
    controller.stop()
