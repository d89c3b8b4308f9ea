from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from common.config import AppConfig, load_config
from common.core.errors import ConfigError
from common.core.model import PrintStatus
from common.devices.printing import PrintError, PrinterSettings, TicketPrinter, deliver, print_and_record, send
from common.devices.ticket_layout import cp1258_text, qr_payload, slip_for, ticket_bytes
from common.store import Store
from common.store.bootstrap import Context
from tests.conftest import EXAMPLE_OFFICE, ROOT

RASTER = b"\x1dv0"  # GS v 0: a raster bit image
NATIVE_QR = b"\x1d(k"  # GS ( k: the printer draws the QR code


def config_with(tmp_path: Path, printer: str, office: str = "", *, always_open: bool = False) -> AppConfig:
    text = EXAMPLE_OFFICE.read_text(encoding="utf-8").replace('[printer]\ntype = "none"\npaper_mm = 80\n', "")
    if always_open:  # the CLI runs on the real clock: open TP all day, every day
        week = 'hours = ["07:30-11:30", "13:30-17:00"]\nweekdays = [1, 2, 3, 4, 5, 6]\n'
        text = text.replace(week, 'hours = ["00:00-23:59"]\nweekdays = [1, 2, 3, 4, 5, 6, 7]\n', 1)
    path = tmp_path / "office.toml"
    path.write_text(text.replace("[office]\n", f"[office]\n{office}\n", 1) + f"\n[printer]\n{printer}\n",
                    encoding="utf-8")
    return load_config(path)


def qr_data(stream: bytes) -> bytes:
    """The payload of the native QR 'store data' command (GS ( k pL pH 1 P 0 data)."""
    m = re.search(rb"\x1d\(k(..)1P0", stream, re.S)
    assert m, "no native QR in the stream"
    length = m.group(1)[0] + 256 * m.group(1)[1] - 3
    return stream[m.end():m.end() + length]


def test_qr_payload_is_the_status_address_or_the_token() -> None:
    assert qr_payload("abc", "http://10.0.0.5:8080/") == "http://10.0.0.5:8080/t/abc"
    assert qr_payload("abc", "") == "abc"


def test_image_mode_prints_a_raster_and_a_native_qr(store: Store, tmp_path: Path) -> None:
    config = config_with(tmp_path, 'type = "file"\nfile_path = "/dev/null"',
                         'public_url = "http://192.168.1.20:8080"')
    ticket = store.issue_ticket("TP").ticket
    data = TicketPrinter(config).bytes_for(ticket)
    assert data.startswith(b"\x1b@") and data.count(RASTER) > 10  # a strip per line of text, blanks between
    assert qr_data(data) == f"http://192.168.1.20:8080/t/{ticket.token}".encode()
    assert ticket.code.encode() not in data  # the text is pixels, not characters


def test_codepage_mode_sends_cp1258_text(store: Store, tmp_path: Path) -> None:
    config = config_with(tmp_path, 'type = "file"\nfile_path = "/dev/null"\ntext_mode = "codepage"')
    ticket = store.issue_ticket("CT", "elderly").ticket
    data = TicketPrinter(config).bytes_for(ticket)
    assert b"\x1bt4" in data  # ESC t 52: CP1258
    assert ticket.code.encode() in data and RASTER not in data
    assert "Người cao tuổi".encode("cp1258", errors="ignore") not in data  # precomposed would be lossy…
    assert cp1258_text("Người cao tuổi").encode("cp1258") in data  # …tones are combining marks
    assert qr_data(data) == ticket.token.encode()


def test_raster_qr_mode_has_no_native_qr(store: Store, tmp_path: Path, example_config: AppConfig) -> None:
    ticket = store.issue_ticket("TP").ticket
    slip = slip_for(ticket, example_config)
    native = ticket_bytes(slip, PrinterSettings(qr_mode="native"))
    raster = ticket_bytes(slip, PrinterSettings(qr_mode="raster"))
    assert NATIVE_QR not in raster and raster.count(RASTER) == native.count(RASTER) + 3  # quiet, code, quiet
    assert len(raster) > len(native)


def test_58mm_paper_makes_a_narrower_image(store: Store, example_config: AppConfig) -> None:
    slip = slip_for(store.issue_ticket("TP").ticket, example_config)
    wide, narrow = (ticket_bytes(slip, PrinterSettings(paper_mm=mm)) for mm in (80, 58))
    assert max(raster_widths(wide)) <= 576 // 8 and max(raster_widths(narrow)) <= 384 // 8
    assert max(raster_widths(narrow)) < max(raster_widths(wide))  # the office name wraps on 58 mm


def raster_widths(data: bytes) -> list[int]:
    """GS v 0 m xL xH yL yH: each raster's width in bytes."""
    return [int.from_bytes(m.group(1), "little") for m in re.finditer(rb"\x1dv0\x00(..)", data, flags=re.S)]


@pytest.mark.parametrize(("printer", "setting"), [
    ('type = "usb"\nusb_vendor_id = "0xZZ"\nusb_product_id = "0x5011"', "printer.usb_vendor_id"),
    ('type = "usb"\nusb_vendor_id = "0x0416"', "printer.usb_product_id"),
    ('type = "network"\nhost = " "', "printer.host"),
    ('type = "file"', "printer.file_path"),
    ('type = "network"\nhost = "10.0.0.9"\nfont = "No Such Font"', "printer.font"),
])
def test_bad_printer_settings_name_the_setting(tmp_path: Path, printer: str, setting: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(setting)) as info:
        PrinterSettings.from_config(config_with(tmp_path, printer))
    assert "\n" not in str(info.value)


def test_unknown_printer_type_is_refused_when_the_config_is_read(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"printer\.type must be one of"):
        config_with(tmp_path, 'type = "bluetooth"')


def test_a_printer_that_blocks_times_out(tmp_path: Path) -> None:
    fifo = tmp_path / "printer.fifo"
    os.mkfifo(fifo)  # opening a FIFO for writing blocks until somebody reads: a hung device
    settings = PrinterSettings(type="file", file_path=str(fifo), timeout_seconds=0.3)
    with pytest.raises(PrintError, match="không phản hồi"):
        send(settings, b"\x1b@")
    # Release the stuck job thread so that it ends with the test.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    for thread in threading.enumerate():
        if thread.name == "motcua-print":
            thread.join(5)
    os.close(reader)


def test_print_and_record_marks_printed_and_failed(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "ticket.bin"
    good = Context(config_with(tmp_path, f'type = "file"\nfile_path = "{out}"'), store)
    ticket = store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket
    # a file cannot answer a status query: the bytes went out, which is "sent", never "printed"
    assert print_and_record(good, ticket)[0].print_status == PrintStatus.SENT
    assert qr_data(out.read_bytes()) == ticket.token.encode()

    bad = Context(config_with(tmp_path, f'type = "file"\nfile_path = "{tmp_path}/missing/dir/lp0"'), store)
    second = store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket
    failed, reason = print_and_record(bad, second)  # no exception
    assert failed.print_status == PrintStatus.FAILED and reason and reason.startswith("không kết nối được máy in")
    assert store.ticket(second.id).print_status == PrintStatus.FAILED
    assert store.ticket(second.id).status.value == "waiting"  # the ticket stays valid


def run_cli(*args: str, env_db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "common.cli.main", "--db", env_db, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_cli_issue_print_writes_real_bytes(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "lp0.bin"
    config = tmp_path / "office.toml"
    if datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M") == "23:59":
        pytest.skip("TP closes for the last minute of the day")
    config_with(tmp_path, f'type = "file"\nfile_path = "{out}"', always_open=True)  # writes office.toml
    assert run_cli("--config", str(config), "setup", "load", str(config), env_db=sqlite_url).returncode == 0
    result = run_cli("--config", str(config), "issue", "TP", "--print", "--json", env_db=sqlite_url)
    assert result.returncode == 0, result.stderr
    ticket = json.loads(result.stdout)["ticket"]
    assert ticket["print_status"] == "sent"
    assert qr_data(out.read_bytes()) == ticket["token"].encode()


def test_cli_print_test(tmp_path: Path) -> None:
    out = tmp_path / "test.bin"
    config_with(tmp_path, f'type = "file"\nfile_path = "{out}"\ntext_mode = "codepage"')
    result = subprocess.run([sys.executable, "-m", "common.cli.main", "--config", str(tmp_path / "office.toml"),
                             "print-test"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("đã gửi vé in thử ") and f"tới máy in file {out}" in result.stdout
    assert "chế độ codepage" in result.stdout and "codepage mode" not in result.stdout  # vi, the office's language
    assert b"A000" in out.read_bytes() and qr_data(out.read_bytes()) == b"IN-THU-0000"


def test_cli_print_test_without_a_printer_says_so(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "common.cli.main", "--config", str(EXAMPLE_OFFICE), "print-test"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2 and result.stderr.strip().startswith("motcua: printer.type là none")


def test_a_layout_bug_is_a_failed_print_not_a_stuck_kiosk(store: Store, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Fault injection: a bug in laying out the slip (not the printer) must still end as "not printed",
    # so the kiosk shows the number on screen instead of waiting for a print that never comes.
    def broken_layout(*_args: object) -> bytes:
        raise RuntimeError("layout bug")

    monkeypatch.setattr("common.devices.printing.ticket_bytes", broken_layout)
    out = tmp_path / "ticket.bin"
    config = config_with(tmp_path, f'type = "file"\nfile_path = "{out}"')
    ticket = store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket
    printed = deliver(store, TicketPrinter(config), ticket)  # the kiosk's print job
    assert printed.print_status == PrintStatus.FAILED
    assert store.ticket(ticket.id).print_status == PrintStatus.FAILED and not out.exists()


def test_a_warmed_printer_lays_out_the_first_slip_from_the_cache(store: Store, example_config: AppConfig) -> None:
    """warm() renders the repeated rows at start: the first tap's slip is then built from cached strips."""
    from common.devices import ticket_layout

    printer = TicketPrinter(example_config, PrinterSettings(type="file", file_path="/dev/null"))
    ticket = store.issue_ticket("TP").ticket
    ticket_layout.clear_caches()
    cold = printer.bytes_for(ticket, (1, 2, 8))
    ticket_layout.clear_caches()
    printer.warm(tuple(service.name_vi for service in example_config.office.services))
    misses = ticket_layout._row_strips.cache_info().misses
    assert printer.bytes_for(ticket, (1, 2, 8)) == cold
    rendered = ticket_layout._row_strips.cache_info().misses - misses
    assert rendered <= 5  # the number, the queue figures, the time and the counters: not the office or the service
