"""The kiosk's booking check-in (issue 19), with real widgets over a real store: keypad, scanner, refusals."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from common.devices.ticket_layout import slip_for
from common.store import Store
from tests.conftest import TZ
from tests.kiosk.conftest import MakeWindow, office_config

SLOT = datetime(2026, 11, 25, 8, 15, tzinfo=TZ)  # the example office books TP; the clock is 08:00


def test_the_keypad_checks_a_booking_in_as_a_booked_ticket(qtbot: QtBot, store: Store,
                                                            make_window: MakeWindow) -> None:
    code = store.book("TP", SLOT, None).code
    window = make_window(store)
    qtbot.waitUntil(lambda: window.home.booking.isVisible(), timeout=10000)
    window.home.booking.click()
    assert window.stack.currentWidget() is window.checkin
    for ch in code:
        window.checkin.keys[ch].click()
    window.checkin.keys["A"].click()  # a ninth key is ignored: a code has eight
    assert window.checkin.code.text().replace(" ", "") == code
    window.checkin.confirm.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    ticket = window.confirm.issued.ticket  # type: ignore[union-attr]
    assert ticket.booked and ticket.booking_code == code
    assert "Hẹn" in window.confirm.facts.service.text() and window.confirm.reason.isVisible()
    assert "08:15" in window.confirm.reason.text()
    assert store.booking(code).ticket_code == ticket.code  # type: ignore[union-attr]


def test_a_scanner_types_the_qr_url_and_enter(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    code = store.book("TP", SLOT, None).code
    window = make_window(store)
    qtbot.waitUntil(lambda: window.home.booking.isVisible(), timeout=10000)
    window.home.booking.click()
    qtbot.waitUntil(window.checkin.hasFocus, timeout=5000)
    qtbot.keyClicks(window.checkin, f"http://192.168.1.20:8080/b/{code.lower()}")
    qtbot.keyClick(window.checkin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    assert window.confirm.issued.ticket.booked  # type: ignore[union-attr]


def test_an_unknown_code_gets_a_clear_line_and_no_ticket(qtbot: QtBot, store: Store,
                                                          make_window: MakeWindow) -> None:
    window = make_window(store)
    qtbot.waitUntil(lambda: window.home.booking.isVisible(), timeout=10000)
    window.home.booking.click()
    for ch in "KKKKMMMM":
        window.checkin.keys[ch].click()
    window.checkin.confirm.click()
    qtbot.waitUntil(lambda: "KKKKMMMM" in window.checkin.message.text(), timeout=10000)
    assert "Không tìm thấy lịch hẹn" in window.checkin.message.text()
    assert window.stack.currentWidget() is window.checkin and not window.checkin.busy
    assert store.tickets(store.today, store.today) == []


def test_the_slip_says_hen(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = store.check_in(store.book("TP", SLOT, None).code)
    texts = [text for text, _size, _bold in slip_for(done.ticket, office_config(tmp_path)).lines()]
    assert f"Hẹn · {done.booking.code}" in texts
    walk_in = store.issue_ticket("TP").ticket
    assert not any(t.startswith("Hẹn") for t, _s, _b in slip_for(walk_in, office_config(tmp_path)).lines())
