"""`motcua doctor`: one line per check, against a real printer emulator, a real HTTP server and the real stores."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.cli.doctor import check_clock, check_printer, check_status_page, check_timezone, run_checks
from common.store import Store
from tests.common.printer_emulator import TcpPrinter
from tests.common.test_printing import config_with
from tests.conftest import ROOT


@pytest.fixture
def page() -> Iterator[str]:
    """The display's own page server (no board yet: "/" answers 503 "Đang khởi động", still motcua's)."""
    from display.change_hub import ChangeHub
    from display.http_front import HttpFront
    from display.status_site import StatusSite

    site = StatusSite("Bộ phận Một cửa")
    front = HttpFront(site, ChangeHub(site.event_data), "127.0.0.1", 0)
    port = front.start()
    assert port, front.error
    yield f"http://127.0.0.1:{port}"
    front.close()


@pytest.fixture
def other_page() -> Iterator[str]:
    """Some other program on the address: it answers HTTP (404 at "/" of an empty folder), but is not the display."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_printer_verdicts_follow_the_printer(tmp_path: Path) -> None:
    printer = TcpPrinter()
    try:
        config = config_with(tmp_path, f'type = "network"\nhost = "127.0.0.1"\nport = {printer.port}')
        assert check_printer(config).level == "ok"
        printer.behaviour.paper_out()
        verdict = check_printer(config)
        assert verdict.level == "fail" and "máy in hết giấy" in verdict.line()
        printer.behaviour.reset()
        printer.behaviour.paper_near_end()
        assert check_printer(config).level == "warn"
    finally:
        printer.close()
    gone = config_with(tmp_path, f'type = "network"\nhost = "127.0.0.1"\nport = {printer.port}\ntimeout_seconds = 0.5')
    assert check_printer(gone).level == "fail"


def test_the_status_page_is_checked_at_the_printed_address(tmp_path: Path, store: Store, page: str) -> None:
    config = config_with(tmp_path, 'type = "none"')
    assert check_status_page(config, store).level == "warn"  # nothing configured, nothing published
    store.publish_status_url(page)
    verdict = check_status_page(config, store)
    assert verdict.level == "ok" and page in verdict.detail
    store.publish_status_url("http://127.0.0.1:1")
    assert check_status_page(config, store).level == "fail"


def test_another_web_server_is_not_the_status_page(tmp_path: Path, store: Store, other_page: str) -> None:
    store.publish_status_url(other_page)
    verdict = check_status_page(config_with(tmp_path, 'type = "none"'), store)
    assert verdict.level == "fail" and "không phải trang tra cứu của motcua" in verdict.detail, verdict


def test_clock_and_zone(tmp_path: Path, store: Store) -> None:
    assert check_clock(store).level == "ok"  # SQLite: same clock; PostgreSQL: the real server's
    assert check_timezone(config_with(tmp_path, 'type = "none"')).level == "ok"


def test_every_check_has_one_line_and_a_failure_fails_the_command(tmp_path: Path) -> None:
    config = config_with(tmp_path, 'type = "network"\nhost = "127.0.0.1"\nport = 1\ntimeout_seconds = 0.5')
    verdicts = run_checks(config, f"sqlite:///{tmp_path}/doctor.sqlite3")
    assert [v.check for v in verdicts] == ["database", "printer", "status page", "speech", "audio", "clock",
                                           "time zone", "office zone"]
    result = subprocess.run([sys.executable, "-m", "common.cli.main", "--db", f"sqlite:///{tmp_path}/d.sqlite3",
                             "--config", str(tmp_path / "office.toml"), "doctor"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 8
    assert lines[1].startswith("FAIL máy in: không kết nối được máy in")
    assert [line.split(":")[0] for line in lines] == [
        "OK   cơ sở dữ liệu", "FAIL máy in", "WARN trang tra cứu", lines[3].split(":")[0], lines[4].split(":")[0],
        "OK   đồng hồ", "OK   múi giờ", "OK   múi giờ đơn vị"]  # the office's language: vi


def test_an_unplugged_usb_printer_is_the_printer_line_not_a_crash(tmp_path: Path) -> None:
    """python-escpos raises its own DeviceNotFoundError (two lines, ids in decimal) when no such device is
    plugged in: the installer's most common case must read as one printer line, with the ids as lsusb shows."""
    config = config_with(tmp_path, 'type = "usb"\nusb_vendor_id = "0xfffe"\nusb_product_id = "0xfffd"\n'
                                   'timeout_seconds = 0.5')  # no such USB device exists
    verdict = check_printer(config)
    assert verdict.level == "fail" and verdict.check == "printer"
    assert "\n" not in verdict.line() and "fffe:fffd" in verdict.detail
