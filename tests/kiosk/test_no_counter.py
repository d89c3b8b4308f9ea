"""No counter serves the service now: the kiosk, the slip and the phone page promise no wait, and say why.

A service inside its hours whose counters are all closed (nobody signed in) still gives tickets, but
"Chờ khoảng 9 phút" would be made up. The ticket is marked (estimate_method ``no_counter``) and every
place a citizen reads it says "Hiện chưa có quầy mở cho dịch vụ này"; a counter on a break still counts
(it comes back, and the forecast knows when). The phone page is live: it gives the wait once a counter opens.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from common.core.estimate import NO_COUNTER, NO_COUNTER_SHORT, NO_COUNTER_TEXT, NO_ESTIMATE_TEXT
from common.core.model import CounterState
from common.devices.printing import PrinterSettings
from common.devices.ticket_layout import cp1258_text, slip_for, ticket_bytes
from common.store import Store
from display.ticket_page import live_part
from tests.conftest import TZ
from tests.kiosk.conftest import MakeWindow, office_config

NO_COUNTER_VI, NO_COUNTER_EN = NO_COUNTER_TEXT


def codepage(text: str) -> bytes:
    return cp1258_text(text).encode("cp1258")


def test_the_ticket_says_no_counter_is_open_on_the_slip_bytes(store: Store, tmp_path: Path) -> None:
    ticket = store.issue_ticket("TP").ticket  # 08:00, every counter closed
    assert ticket.no_counter_open and ticket.estimate_method == NO_COUNTER
    assert not store.snapshot().service("TP").staffed
    texts = [text for text, _size, _bold in slip_for(ticket, office_config(tmp_path)).lines()]
    assert NO_COUNTER_VI in texts and NO_ESTIMATE_TEXT[0] in texts
    assert not any(t.startswith("Thời gian chờ dự kiến") for t in texts)
    data = ticket_bytes(slip_for(ticket, office_config(tmp_path)), PrinterSettings(text_mode="codepage"))
    assert codepage(NO_COUNTER_VI) in data and codepage("Thời gian chờ dự kiến") not in data
    store.sign_in(1, "lan")  # now somebody serves TP: the next ticket gets a wait again
    later = store.issue_ticket("TP").ticket
    assert not later.no_counter_open and store.snapshot().service("TP").staffed
    data = ticket_bytes(slip_for(later, office_config(tmp_path)), PrinterSettings(text_mode="codepage"))
    assert codepage(NO_COUNTER_VI) not in data and codepage("Thời gian chờ dự kiến") in data


def test_a_counter_on_a_break_still_promises_a_wait(store: Store) -> None:
    store.sign_in(1, "lan")
    store.set_counter_state(1, "lan", CounterState.BREAK)
    ticket = store.issue_ticket("TP").ticket
    assert not ticket.no_counter_open and ticket.estimated_wait_seconds > 0
    assert store.snapshot().service("TP").staffed


def test_the_phone_page_says_so_until_a_counter_opens(store: Store) -> None:
    ticket = store.issue_ticket("TP").ticket
    page = live_part(store.views.statuses()[ticket.token or ""], en=False, tz=TZ).html
    assert NO_COUNTER_VI in page and "chưa ước tính được" in page and "khoảng" not in page
    english = live_part(store.views.statuses()[ticket.token or ""], en=True, tz=TZ).html
    assert NO_COUNTER_EN in english
    store.issue_ticket("TP")
    behind = store.views.statuses()
    store.sign_in(1, "lan")
    statuses = store.views.statuses()
    assert not statuses[ticket.token or ""].no_counter
    last = max(statuses.values(), key=lambda s: s.people_ahead)
    assert behind and last.people_ahead == 1 and "khoảng" in live_part(last, en=False, tz=TZ).html
    assert NO_COUNTER_VI not in live_part(last, en=False, tz=TZ).html


def test_the_kiosk_button_and_confirmation_say_no_counter_is_open(qtbot: QtBot, store: Store,
                                                                 make_window: MakeWindow) -> None:
    window = make_window(store)
    button = window.home.buttons["TP"]
    assert NO_COUNTER_SHORT[0] in button.detail.text() and "phút" not in button.detail.text()
    assert button.isEnabled()  # the number is still given: a clerk may sign in any moment
    button.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    shown = [label.text() for label in window.confirm.facts.lines]
    assert NO_COUNTER_VI in shown and not any("phút" in line for line in shown)
    window.set_language("en")
    assert NO_COUNTER_EN in [label.text() for label in window.confirm.facts.lines]
    window.go_home(reset_language=True)
    store.sign_in(1, "lan")
    window.home.show_snapshot(store.snapshot())
    assert NO_COUNTER_SHORT[0] not in button.detail.text() and "Đang chờ: 1 người" in button.detail.text()
