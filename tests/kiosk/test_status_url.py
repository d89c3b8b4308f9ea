"""A working QR out of the box: with office.public_url empty, kiosks print the address the display published."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from common.devices.lan import status_url
from common.store import Store
from tests.common.printer_emulator import TcpPrinter
from tests.kiosk.conftest import MakeWindow
from tests.kiosk.test_window import qr_data, today


def test_the_status_url_is_a_lan_address_not_loopback() -> None:
    assert status_url("192.168.1.20", 8080) == "http://192.168.1.20:8080"
    assert status_url("127.0.0.1", 8080) is None  # a phone in the hall cannot open the display's loopback
    url = status_url("0.0.0.0", 8080)
    assert url is None or (url.startswith("http://") and url.endswith(":8080") and "127." not in url)


def test_the_kiosk_prints_the_published_status_page(qtbot: QtBot, store: Store, make_window: MakeWindow,
                                                    tmp_path: Path) -> None:
    store.publish_status_url("http://192.168.1.20:8080")  # what the display does at start
    printer = TcpPrinter()
    try:
        window = make_window(store, f'type = "network"\nhost = "127.0.0.1"\nport = {printer.port}')
        window.home.buttons["TP"].click()
        qtbot.waitUntil(lambda: window.confirm.state == "printed", timeout=10000)
        [ticket] = today(store)
        expected = f"http://192.168.1.20:8080/t/{ticket.token}"
        assert window.confirm.qr.payload == expected
        assert qr_data(bytes(printer.behaviour.received)) == expected.encode()
    finally:
        printer.close()
