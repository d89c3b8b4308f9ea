"""Why a printer could not be opened, in one Vietnamese line that says what to check.

The libraries under the links say it their own way: python-escpos's ``DeviceNotFoundError`` is
two lines with the USB ids in decimal (``Unable to open USB printer on (1046, 20497):`` then
pyusb's reason), pyusb's ``NoBackendError`` is not even an OSError, pyserial wraps the errno
twice, sockets give the C library's English. The kiosk shows the reason to staff, the store
records it for the supervisor, ``print-test`` and ``doctor`` print it: one line, ids as ``lsusb``
prints them (``0416:5011``), and what to do about it.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from common.devices.printing import PrinterSettings

NOT_REACHED = "không kết nối được máy in"  # every reason starts so: tests, logs and staff look for it
_DENIED = (errno.EACCES, errno.EPERM)
_GONE = (errno.ENOENT, errno.ENODEV, errno.ENXIO)


class Unreachable(OSError):
    """The printer could not be opened; ``str()`` is the one line to show (see :func:`why`)."""


def usb_ids(settings: PrinterSettings) -> str:
    """``0416:5011``, as lsusb lists the device (python-escpos says ``(1046, 20497)``)."""
    return f"{settings.usb_vendor_id:04x}:{settings.usb_product_id:04x}"


def one_line(exc: BaseException) -> str:
    """The whole message on one line (the first line alone cut python-escpos's mid-sentence)."""
    return " ".join(str(exc).split()).rstrip(":") or type(exc).__name__


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # escpos raises inside an except: the cause is context
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _errno(exc: BaseException) -> int | None:
    codes = (getattr(e, "errno", None) for e in _chain(exc))
    return next((c for c in codes if isinstance(c, int)), None)


def _named(exc: BaseException, *names: str) -> bool:
    return any(type(e).__name__ in names for e in _chain(exc))


def why(settings: PrinterSettings, exc: BaseException) -> str:
    """The line for a printer of ``settings`` that raised ``exc`` while opening."""
    code = _errno(exc)
    if settings.type == "usb":
        where = f"USB {usb_ids(settings)}"
        if code in _DENIED:
            reason = ("tài khoản chạy chương trình không có quyền dùng thiết bị "
                      "(cần luật udev cho máy in, xem docs/multi-pc.md)")
        elif code == errno.EBUSY:
            reason = "thiết bị đang bị chương trình khác giữ (driver usblp hoặc CUPS)"
        elif _named(exc, "NoBackendError") or isinstance(exc, RuntimeError | ImportError):
            reason = "máy này thiếu thư viện libusb (cài gói libusb-1.0-0)"
        elif _named(exc, "DeviceNotFoundError", "USBNotFoundError") or code in _GONE:
            reason = (f"không thấy thiết bị (kiểm tra nguồn, cáp và mã trong cấu hình; "
                      f"lệnh lsusb phải có dòng ID {usb_ids(settings)})")
        else:
            reason = one_line(exc)
    elif settings.type == "serial":
        where = f"ở cổng {settings.serial_device}"
        if isinstance(exc, ImportError):
            reason = "máy này thiếu gói pyserial (python-escpos[serial])"
        elif code in _DENIED:
            reason = "không có quyền mở cổng (thêm tài khoản chạy chương trình vào nhóm dialout)"
        elif code in _GONE:
            reason = "không có cổng này (kiểm tra cáp và printer.serial_device)"
        elif code == errno.EBUSY:
            reason = "cổng đang bị chương trình khác dùng"
        else:
            reason = one_line(exc)
    elif settings.type == "network":
        where = f"{settings.host}:{settings.port}"
        if isinstance(exc, socket.gaierror):
            reason = "không tìm ra địa chỉ này (kiểm tra printer.host)"
        elif isinstance(exc, ConnectionRefusedError):
            reason = "máy in từ chối kết nối (kiểm tra printer.port, thường là 9100, và máy in đã bật)"
        elif isinstance(exc, TimeoutError):
            reason = (f"không trả lời sau {settings.timeout_seconds:g} giây "
                      "(kiểm tra nguồn, cáp mạng và địa chỉ)")
        elif code in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            reason = "không có đường tới địa chỉ này (kiểm tra cáp mạng và địa chỉ)"
        else:
            reason = one_line(exc)
    elif settings.type == "file":
        where = settings.file_path
        if code in _DENIED:
            reason = "không có quyền ghi (thêm tài khoản chạy chương trình vào nhóm lp)"
        elif code in _GONE:
            reason = "không có thiết bị hay tệp này (máy in chưa cắm, hoặc printer.file_path sai)"
        else:
            reason = one_line(exc)
    else:
        return f"{NOT_REACHED}: {one_line(exc)}"
    return f"{NOT_REACHED} {where}: {reason}"
