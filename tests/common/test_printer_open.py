"""A printer that cannot be opened is one Vietnamese line with what to check, wherever it is read.

USB: the real pyusb and python-escpos, with ids no device has (nothing plugged in answers to
fffe:fffd), so DeviceNotFoundError is the library's own. What a machine here cannot show (a
device that denies access, no libusb, a printer unplugged mid-job) is made at the lowest level
only: ``usb.core.find``, the USB bus's answer, returns or raises what the bus would.
"""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import usb.core

from common.core.model import PrintStatus
from common.devices import printer_status as pstatus
from common.devices.printing import PrintError, PrinterSettings, TicketPrinter, deliver_job, query_status, send
from common.store import Store
from tests.common.test_printing import config_with
from tests.conftest import ROOT

ABSENT = 'type = "usb"\nusb_vendor_id = "0xfffe"\nusb_product_id = "0xfffd"\ntimeout_seconds = 0.5'
USB = PrinterSettings(type="usb", usb_vendor_id=0x0416, usb_product_id=0x5011, timeout_seconds=0.3)


def refusal(settings: PrinterSettings, *, status: bool = False) -> str:
    with pytest.raises(PrintError) as caught:
        query_status(settings) if status else send(settings, b"\x1b@ticket")
    return str(caught.value)


def test_an_unplugged_usb_printer_says_so_with_the_ids_as_lsusb_prints_them() -> None:
    absent = PrinterSettings(type="usb", usb_vendor_id=0xFFFE, usb_product_id=0xFFFD, timeout_seconds=0.3)
    for line in (refusal(absent), refusal(absent, status=True)):  # the kiosk's job and doctor's question
        assert line == ("không kết nối được máy in USB fffe:fffd: không thấy thiết bị (kiểm tra nguồn, cáp và mã "
                        "trong cấu hình; lệnh lsusb phải có dòng ID fffe:fffd)")


def test_the_kiosks_reason_and_the_supervisors_record_are_that_line(store: Store, tmp_path: Path) -> None:
    ticket = store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket
    failed, reason = deliver_job(store, TicketPrinter(config_with(tmp_path, ABSENT)), ticket)
    assert failed.print_status is PrintStatus.FAILED  # the kiosk's failure panel shows the reason as it is
    assert reason is not None and reason.startswith("không kết nối được máy in USB fffe:fffd: không thấy thiết bị")


def test_print_test_and_doctor_print_one_vietnamese_line(tmp_path: Path) -> None:
    config_with(tmp_path, ABSENT)
    base = [sys.executable, "-m", "common.cli.main", "--db", f"sqlite:///{tmp_path}/p.sqlite3",
            "--config", str(tmp_path / "office.toml")]
    printed = subprocess.run([*base, "print-test"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert printed.returncode != 0 and printed.stderr.count("\n") == 1, printed.stderr
    assert "không kết nối được máy in USB fffe:fffd: không thấy thiết bị" in printed.stderr
    assert "Device not found" not in printed.stderr and "65534" not in printed.stderr
    doctor = subprocess.run([*base, "doctor"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    line = next(x for x in doctor.stdout.splitlines() if " máy in: " in x)  # doctor's labels are Vietnamese
    assert line.startswith("FAIL máy in: không kết nối được máy in USB fffe:fffd: không thấy thiết bị"), line


class Libusb1:
    __module__ = "usb.backend.libusb1"  # python-escpos claims the interface only on this backend


class Bus:
    """What ``usb.core.find`` finds: one printer whose calls fail as told (pyusb's own error types)."""

    def __init__(self, *, claim: Exception | None = None, write: Exception | None = None) -> None:
        self.claim, self.write_error = claim, write
        self.backend = Libusb1()
        self._ctx = self  # usb.util.dispose_resources(device) calls device._ctx.dispose(device)

    def is_kernel_driver_active(self, interface: int) -> bool:
        if self.claim is not None:
            raise self.claim
        return False

    def set_configuration(self) -> None: ...
    def reset(self) -> None: ...
    def dispose(self, device: object) -> None: ...

    def write(self, endpoint: int, data: bytes, timeout: int) -> int:
        if self.write_error is not None:
            raise self.write_error
        return len(data)

    def read(self, endpoint: int, size: int, timeout: int | None = None) -> Any:
        raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)


@pytest.mark.parametrize(("found", "says"), [
    (Bus(claim=usb.core.USBError("Access denied (insufficient permissions)", -3, errno.EACCES)),
     "không kết nối được máy in USB 0416:5011: tài khoản chạy chương trình không có quyền dùng thiết bị "
     "(cần luật udev cho máy in, xem docs/multi-pc.md)"),
    (Bus(claim=usb.core.USBError("Resource busy", -6, errno.EBUSY)),
     "không kết nối được máy in USB 0416:5011: thiết bị đang bị chương trình khác giữ (driver usblp hoặc CUPS)"),
    (usb.core.NoBackendError("No backend available"),
     "không kết nối được máy in USB 0416:5011: máy này thiếu thư viện libusb (cài gói libusb-1.0-0)"),
], ids=["access-denied", "busy", "no-libusb"])
def test_usb_open_failures_name_their_cause(monkeypatch: pytest.MonkeyPatch, found: object, says: str) -> None:
    def find(**_wanted: int) -> object:
        if isinstance(found, Exception):
            raise found
        return found

    monkeypatch.setattr(usb.core, "find", find)
    assert refusal(USB) == says
    assert refusal(USB, status=True) == says


@pytest.mark.parametrize(("error", "says"), [
    (usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV), pstatus.CONNECTION_LOST),
    (usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT), pstatus.STALLED),
], ids=["unplugged", "stalled"])
def test_a_usb_printer_that_fails_mid_job_says_what_happened(monkeypatch: pytest.MonkeyPatch,
                                                              error: Exception, says: str) -> None:
    monkeypatch.setattr(usb.core, "find", lambda **_wanted: Bus(write=error))
    assert refusal(PrinterSettings(type="usb", usb_vendor_id=0x0416, usb_product_id=0x5011, timeout_seconds=0.3,
                                   status="none")) == says


def test_a_usb_printer_that_never_answers_is_silent_not_an_errno(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usb.core, "find", lambda **_wanted: Bus())  # takes the bytes, each read times out
    assert refusal(USB) == pstatus.NO_ANSWER
    assert refusal(USB, status=True) == pstatus.NO_ANSWER


@pytest.mark.parametrize(("settings", "says"), [
    (PrinterSettings(type="network", host="127.0.0.1", port=1, timeout_seconds=0.5),
     "không kết nối được máy in 127.0.0.1:1: máy in từ chối kết nối (kiểm tra printer.port, thường là 9100, "
     "và máy in đã bật)"),
    (PrinterSettings(type="network", host="may-in.invalid", port=9100, timeout_seconds=0.5),
     "không kết nối được máy in may-in.invalid:9100: không tìm ra địa chỉ này (kiểm tra printer.host)"),
    (PrinterSettings(type="serial", serial_device="/dev/motcua-no-such-tty", timeout_seconds=0.5),
     "không kết nối được máy in ở cổng /dev/motcua-no-such-tty: không có cổng này "
     "(kiểm tra cáp và printer.serial_device)"),
    (PrinterSettings(type="file", file_path="/nonexistent/lp0", timeout_seconds=0.5),
     "không kết nối được máy in /nonexistent/lp0: không có thiết bị hay tệp này "
     "(máy in chưa cắm, hoặc printer.file_path sai)"),
], ids=["refused", "no-such-host", "no-such-port", "no-such-file"])
def test_network_serial_and_file_open_failures_are_one_line_too(settings: PrinterSettings, says: str) -> None:
    assert refusal(settings) == says
