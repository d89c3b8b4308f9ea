"""The counter's bookings (issue 19): today's list for its services, "Hẹn" in its queue, and Ctrl+H to book."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from common.config import AppConfig
from common.core.bookings import BookingState
from common.store import Store
from counter.booking_dialog import BookingDialog
from tests.booking_office import with_plan
from tests.counter.conftest import WAIT_MS, WindowFactory, act, sign_in
from ui.screenshot import save_png

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hhmm: str, day: int = 25) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(2026, 11, day, h, m, tzinfo=TZ)


def test_todays_bookings_and_the_booked_ticket_in_the_queue(qtbot: QtBot, clerks: Store, example_config: AppConfig,
                                                             open_window: WindowFactory, tmp_path: Path) -> None:
    with_plan(clerks, example_config)
    walk_in = clerks.issue_ticket("TP").ticket
    early = clerks.book("TP", at("08:15"), "0912345678")
    later = clerks.book("TP", at("09:00"), None)
    copy = clerks.book("CT", at("10:00"), None)
    clerks.book("TP", at("09:00", day=26), None)  # tomorrow: not in today's list
    booked = clerks.check_in(early.code).ticket
    window = open_window()
    sign_in(qtbot, window)
    panel = window.bookings
    qtbot.waitUntil(lambda: panel.day is not None and len(panel.day.bookings) == 3, timeout=WAIT_MS)
    lines = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert lines[0] == f"08:15  ·  …{early.code[-4:]}  ·  TP  ·  Đã lấy số"
    assert lines[1] == f"09:00  ·  …{later.code[-4:]}  ·  TP  ·  Chưa đến"
    assert lines[2].startswith("10:00") and copy.code[-4:] in lines[2]
    assert all(early.code not in line for line in lines)  # never the whole code: it cancels
    assert panel.count.text() == "Còn 2 lượt hẹn sắp đến"
    rows = window.queue.model.rows
    assert rows[0].code == booked.code and rows[0].priority == "Hẹn" and rows[0].next
    assert rows[1].code == walk_in.code and rows[1].priority == ""
    folder = Path(os.environ.get("MOTCUA_SHOTS", tmp_path))
    for size in ((1366, 768), (1280, 800)):
        save_png(window, folder / f"counter-bookings-{size[0]}x{size[1]}.png", size)
    act(qtbot, window, "call_next")
    assert window.card.code.text() == booked.code


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on a dialog shown for its PNG
def test_the_clerk_books_for_a_citizen_on_the_phone_by_keyboard(qtbot: QtBot, clerks: Store,
                                                                example_config: AppConfig,
                                                                open_window: WindowFactory, monkeypatch,
                                                                tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with_plan(clerks, example_config)
    window = open_window()
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.bookings.day is not None, timeout=WAIT_MS)
    asked: list[BookingDialog] = []

    def drive(_cls, parent, offer, tz):  # type: ignore[no-untyped-def]
        # The real dialog, driven only by keys, as a clerk with a headset does it.
        dialog = BookingDialog(parent, offer, tz)
        asked.append(dialog)
        assert dialog.day.hasFocus() or dialog.focusWidget() is dialog.day
        qtbot.keyClick(dialog.day, Qt.Key.Key_Down)  # tomorrow (today's first slots may be gone)
        qtbot.keyClick(dialog.day, Qt.Key.Key_Tab)
        qtbot.keyClick(dialog.slots, Qt.Key.Key_Down)  # the second free slot
        qtbot.keyClick(dialog.slots, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.contact, "0987 654 321")
        folder = Path(os.environ.get("MOTCUA_SHOTS", tmp_path))
        save_png(dialog, folder / "counter-booking-dialog.png")
        qtbot.keyClick(dialog.contact, Qt.Key.Key_Return)
        assert dialog.result() == BookingDialog.DialogCode.Accepted
        return dialog.choice()

    monkeypatch.setattr(BookingDialog, "ask", classmethod(drive))
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Đã đặt lịch" in window.message.text(), timeout=WAIT_MS)
    code = window.message.text().split("mã hẹn ")[1].split()[0]
    made = clerks.booking(code)
    assert made is not None and made.state == BookingState.BOOKED and made.contact == "0987654321"
    assert made.slot_start.astimezone(TZ).strftime("%d %H:%M") == "26 07:45"
    assert asked and asked[0].service.currentData() == "TP"
