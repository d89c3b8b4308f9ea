from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.core.model import PrintStatus
from common.store import Store
from kiosk.pin import PinDialog
from tests.common.printer_emulator import TcpPrinter
from tests.kiosk.conftest import MakeWindow

RASTER = b"\x1dv0"


def file_printer(path: Path) -> str:
    return f'type = "file"\nfile_path = "{path}"\ntimeout_seconds = 3'


def qr_data(stream: bytes) -> bytes:
    m = re.search(rb"\x1d\(k(..)1P0", stream, re.S)
    assert m, "no native QR in the stream"
    length = m.group(1)[0] + 256 * m.group(1)[1] - 3
    return stream[m.end():m.end() + length]


def today(store: Store) -> list:
    return store.tickets(store.today, store.today)


def test_a_tap_gives_one_ticket_and_prints_it(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    printer = TcpPrinter()
    try:
        window = make_window(store, f'type = "network"\nhost = "127.0.0.1"\nport = {printer.port}')
        window.home.buttons["TP"].click()
        qtbot.waitUntil(lambda: window.confirm.state == "printed", timeout=10000)
        [ticket] = today(store)
        assert ticket.print_status == PrintStatus.PRINTED  # the printer answered after the job
        assert window.stack.currentWidget() is window.confirm
        assert window.confirm.facts.number.text() == ticket.code
        assert window.confirm.qr.payload == ticket.token
        data = bytes(printer.behaviour.received)
        assert RASTER in data and qr_data(data) == ticket.token.encode()
    finally:
        printer.close()


def test_a_file_printer_is_sent_not_printed(qtbot: QtBot, store: Store, make_window: MakeWindow,
                                            tmp_path: Path) -> None:
    out = tmp_path / "lp0.bin"
    window = make_window(store, file_printer(out))
    window.home.buttons["TP"].click()
    qtbot.waitUntil(lambda: window.confirm.state == "sent", timeout=10000)
    [ticket] = today(store)
    assert ticket.print_status == PrintStatus.SENT  # a file cannot say whether paper came out
    assert qr_data(out.read_bytes()) == ticket.token.encode()


def test_a_double_tap_gives_one_ticket(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store)
    button = window.home.buttons["CT"]
    button.click()
    button.click()  # the worker still has the first tap in flight
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    window.go_home()
    button.click()  # within the debounce second after the accepted tap
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)
    assert len(today(store)) == 1


def test_printer_failure_keeps_the_ticket_and_reprints_the_same(qtbot: QtBot, store: Store,
                                                                make_window: MakeWindow, tmp_path: Path) -> None:
    out = tmp_path / "unplugged" / "lp0"  # its folder does not exist: the device is not there
    window = make_window(store, file_printer(out))
    window.home.buttons["TP"].click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.failure, timeout=10000)
    [ticket] = today(store)
    assert ticket.print_status == PrintStatus.FAILED and ticket.status.value == "waiting"
    assert "Máy in đang gặp sự cố" in window.failure.message.text()
    assert "Lý do: không kết nối được máy in" in window.failure.hint.text()
    assert window.failure.facts.number.text() == ticket.code and window.failure.qr.payload == ticket.token

    out.parent.mkdir()  # the printer is back
    window.failure.reprint.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    assert [t.id for t in today(store)] == [ticket.id]  # no new number
    assert store.ticket(ticket.id).print_status == PrintStatus.SENT
    assert qr_data(out.read_bytes()) == ticket.token.encode()


def test_a_closed_service_cannot_be_chosen(qtbot: QtBot, store: Store, make_window: MakeWindow,
                                           clock: ManualClock) -> None:
    clock.advance(timedelta(hours=4))  # 12:00, the lunch break
    window = make_window(store)
    button = window.home.buttons["TP"]
    assert not button.isEnabled() and "Ngoài giờ tiếp nhận" in button.detail.text()
    assert "07:30–11:30, 13:30–17:00" in button.detail.text()
    button.click()
    window.choose_service("TP")  # even if a tap got through: a submitted issue would be in flight right now
    assert not window.runner.in_flight("issue") and today(store) == []


def test_a_sold_out_service_says_so(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    for _ in range(60):  # XD's daily cap in the example office
        store.issue_ticket("XD")
    window = make_window(store)
    button = window.home.buttons["XD"]
    assert not button.isEnabled() and button.detail.text() == "Đã hết số hôm nay"


def test_the_buttons_follow_the_queue_live(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store, live=True)
    store.issue_ticket("DD")
    store.issue_ticket("DD")
    qtbot.waitUntil(lambda: "Đang chờ: 2 người" in window.home.buttons["DD"].detail.text(), timeout=10000)


def test_the_language_switch(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store)
    assert window.home.buttons["TP"].title.text() == "Tư pháp – Hộ tịch"
    window.header.switch.click()
    assert window.home.buttons["TP"].title.text() == "Justice – Civil status"
    assert window.header.switch.text() == "Tiếng Việt" and window.home.priority_title.text() == "Priority"
    window.header.switch.click()
    assert window.header.subtitle.text() == "Mời chọn dịch vụ"


def test_the_next_citizen_starts_in_vietnamese(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store)
    window.header.switch.click()
    window.home.buttons["TP"].click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    assert window.lang == "en"
    window.go_home()
    assert window.lang == "vi" and window.home.buttons["TP"].title.text() == "Tư pháp – Hộ tịch"


def test_the_priority_path_issues_a_priority_ticket(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    store.issue_ticket("TP")
    window = make_window(store)
    window.home.priority.click()
    assert window.stack.currentWidget() is window.priority
    window.priority.buttons["elderly"].click()
    assert "Người cao tuổi" in window.home.banner_text.text()
    window.home.buttons["TP"].click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    ticket = next(t for t in today(store) if t.priority)
    assert ticket.priority_category == "elderly" and ticket.people_ahead == 0  # served before the earlier one
    assert "Ưu tiên: Người cao tuổi" in window.confirm.facts.service.text()


def test_it_returns_home_after_the_configured_seconds(qtbot: QtBot, store: Store, make_window: MakeWindow) -> None:
    window = make_window(store)
    window.home.buttons["TP"].click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    assert window.return_timer.isActive() and window.return_timer.interval() == 8000  # kiosk.return_seconds
    qtbot.mouseClick(window.confirm, Qt.MouseButton.LeftButton)  # a tap anywhere
    assert window.stack.currentWidget() is window.home


def test_only_the_admin_pin_closes_it(qtbot: QtBot, store: Store, make_window: MakeWindow, monkeypatch) -> None:
    window = make_window(store)
    answers = iter(["1111", None, "2468"])
    monkeypatch.setattr(PinDialog, "ask", classmethod(lambda cls, parent, lang="vi": next(answers)))
    for _ in range(2):
        window.header.clock.long_pressed.emit()
        assert window.isVisible()
    window.header.clock.long_pressed.emit()
    assert not window.isVisible()
