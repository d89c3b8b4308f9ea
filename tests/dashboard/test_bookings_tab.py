"""The Bookings tab (issue 19) on a hand-built Wednesday morning: every figure against a hand count."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from common.config import AppConfig
from common.core.bookings import AppointmentPlan
from common.core.clock import ManualClock
from common.store import Store
from dashboard.window import TABS
from tests.booking_office import with_plan
from tests.dashboard.conftest import WAIT_MS, Open
from ui.screenshot import save_png

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 11, 25)


def at(hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(2026, 11, 25, h, m, tzinfo=TZ)


@pytest.fixture
def morning(store: Store, clock: ManualClock, example_config: AppConfig) -> Store:
    """TP: 4 bookings (08:15 checked in, 08:30 and 08:45 missed, 09:15 cancelled); CT: 09:00 missed.

    A walk-in takes a number at 08:00; the 08:15 booking checks in at 08:10. At 08:14 counter 1
    calls (the booked ticket: 4 min wait) and counter 2 calls (the walk-in: 14 min). At 09:40 the
    missed ones expire. The plan offers TP 14 + 12 slots x 2 = 52 places and CT 7 + 6 slots x 1 = 13.
    """
    with_plan(store, example_config)
    store.issue_ticket("TP")
    first = store.book("TP", at("08:15"), None)
    for hhmm in ("08:30", "08:45"):
        store.book("TP", at(hhmm), None)
    store.cancel_booking(store.book("TP", at("09:15"), None).code)
    store.book("CT", at("09:00"), None)
    clock.set(at("08:10"))
    store.check_in(first.code)
    clock.set(at("08:14"))
    assert store.call_next(1, "lan").booked  # type: ignore[union-attr]
    assert not store.call_next(2, "minh").booked  # type: ignore[union-attr]
    clock.set(at("09:40"))
    assert store.expire_bookings() == 3
    return store


def texts(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note when the PNGs resize the window
def test_booked_and_walk_in_waits_no_shows_and_slot_use(qtbot: QtBot, morning: Store, open_dashboard: Open,
                                                        tmp_path: Path) -> None:
    window = open_dashboard(morning)
    window.resize(1920, 1080)
    tab = window.bookings
    window.select("bookings")
    tab.bar.kind.setCurrentIndex(tab.bar.kind.findData("today"))
    qtbot.waitUntil(lambda: tab.report is not None and tab.report.start == DAY, timeout=WAIT_MS)
    assert TABS["bookings"] == "Lịch hẹn"
    assert texts(tab.table) == [
        ["CT · Chứng thực bản sao", "–", "–", "1", "0", "0", "1", "100,0", "13", "7,7"],
        ["TP · Tư pháp – Hộ tịch", "4,0", "14,0", "4", "1", "1", "2", "66,7", "52", "5,8"],
        ["Tổng", "4,0", "14,0", "5", "1", "1", "3", "75,0", "65", "6,2"],
    ]
    assert tab.tiles["booked"].value.text() == "4,0 phút"
    assert tab.tiles["walkin"].value.text() == "14,0 phút"
    assert tab.tiles["no_show"].value.text() == "75,0 %"
    assert tab.tiles["use"].value.text() == "6,2 %"
    folder = Path(os.environ.get("MOTCUA_SHOTS", tmp_path))
    save_png(window, folder / "dashboard-bookings-1920x1080.png", (1920, 1080))
    save_png(window, folder / "dashboard-bookings-1366x768.png", (1366, 768))


def test_the_read_on_an_office_without_bookings(store: Store, example_config: AppConfig) -> None:
    with_plan(store, example_config, AppointmentPlan())  # no [appointments.services.*]: nothing to book
    report = store.views.bookings(DAY, DAY)
    total = report.total
    assert report.rows == (total,) and total.places == 0 and total.utilisation_pct is None
    assert total.no_show_pct is None and total.booked_mean_wait_s is None
