"""The wire to the printer: write bytes, read the status answer, each with a deadline.

python-escpos's printer classes write but cannot tell us whether anything was
read, and its Network class blocks for up to 60 s. These links are thin: a TCP
socket, a pyserial port, a file, and python-escpos's Usb for its endpoints.
Each knows its speed so that the time a job may take comes from its size.
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING, Protocol

from common.devices.printer_open import Unreachable, why

if TYPE_CHECKING:
    from common.devices.printing import PrinterSettings

# A network printer drains its buffer at print speed, not at LAN speed: about 10 KB/s for
# a 576-dot raster at 150 mm/s. USB printers are bounded the same way.
PRINT_BYTES_PER_SECOND = 10_000


class LinkClosed(OSError):
    """The printer closed the connection (it read part of the job and went away)."""


class Link(Protocol):
    bytes_per_second: float
    can_read: bool

    def write(self, data: bytes, timeout: float) -> None: ...
    def read(self, count: int, timeout: float) -> bytes: ...
    def close(self) -> None: ...


class TcpLink:
    can_read = True
    bytes_per_second = float(PRINT_BYTES_PER_SECOND)

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)

    def write(self, data: bytes, timeout: float) -> None:
        self.sock.settimeout(timeout)
        self.sock.sendall(data)

    def read(self, count: int, timeout: float) -> bytes:
        deadline, got = time.monotonic() + timeout, b""
        while len(got) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.sock.settimeout(left)
            chunk = self.sock.recv(count - len(got))
            if not chunk:
                raise LinkClosed("the printer closed the connection")
            got += chunk
        return got

    def close(self) -> None:
        self.sock.close()


class SerialLink:
    can_read = True

    def __init__(self, device: str, baudrate: int, timeout: float) -> None:
        import serial  # pyserial comes with python-escpos[serial]; only a serial printer needs it

        self.port = serial.Serial(device, baudrate=baudrate, timeout=timeout, write_timeout=timeout)
        self.bytes_per_second = min(baudrate / 10, PRINT_BYTES_PER_SECOND)  # 8N1: ten bits a byte

    def write(self, data: bytes, timeout: float) -> None:
        import serial

        self.port.write_timeout = timeout
        try:
            self.port.write(data)
            self.port.flush()
        except serial.SerialTimeoutException as exc:
            raise TimeoutError(str(exc)) from exc
        except serial.SerialException as exc:  # the device went away (unplugged, the other end closed)
            raise LinkClosed(str(exc)) from exc

    def read(self, count: int, timeout: float) -> bytes:
        import serial

        self.port.timeout = timeout
        try:
            got = self.port.read(count)
        except serial.SerialException as exc:
            raise LinkClosed(str(exc)) from exc
        if len(got) < count:
            raise TimeoutError
        return bytes(got)

    def close(self) -> None:
        self.port.close()


class FileLink:
    """A device file (``/dev/usb/lp0``) or a plain file: writes only, so never a status."""

    can_read = False
    bytes_per_second = float(PRINT_BYTES_PER_SECOND)

    def __init__(self, path: str) -> None:
        self.file = open(path, "wb")  # noqa: SIM115 - closed by close()

    def write(self, data: bytes, timeout: float) -> None:
        self.file.write(data)
        self.file.flush()

    def read(self, count: int, timeout: float) -> bytes:
        raise TimeoutError

    def close(self) -> None:
        self.file.close()


class UsbLink:
    can_read = True
    bytes_per_second = float(PRINT_BYTES_PER_SECOND)

    def __init__(self, vendor: int, product: int, timeout: float) -> None:
        from escpos.printer import Usb

        self.device = Usb(vendor, product, timeout=int(timeout * 1000))
        self.device.open()

    def write(self, data: bytes, timeout: float) -> None:
        import usb.core  # type: ignore[import-untyped]  # pyusb comes with python-escpos

        try:
            self.device._raw(data)
        except usb.core.USBTimeoutError as exc:  # the printer stopped taking data
            raise TimeoutError(str(exc)) from exc
        except usb.core.USBError as exc:  # unplugged or switched off mid-job (ENODEV, EPIPE, EIO)
            raise LinkClosed(str(exc)) from exc

    def read(self, count: int, timeout: float) -> bytes:
        import usb.core

        deadline, got = time.monotonic() + timeout, b""
        while len(got) < count and time.monotonic() < deadline:
            try:
                got += bytes(self.device._read() or b"")
            except usb.core.USBTimeoutError:  # nothing to read yet: a silent printer, until the deadline
                continue
            except usb.core.USBError as exc:
                raise LinkClosed(str(exc)) from exc
        if len(got) < count:
            raise TimeoutError
        return got[:count]

    def close(self) -> None:
        self.device.close()


def open_link(settings: PrinterSettings) -> Link:
    """A new link for each job: a failed one is never reused.

    Unreachable (an OSError) when it cannot be opened, whatever the library raised: python-escpos's
    DeviceNotFoundError and pyusb's NoBackendError are not OSErrors, and their words are not staff's.
    """
    try:
        return _open(settings)
    except Exception as exc:
        raise Unreachable(why(settings, exc)) from exc


def _open(settings: PrinterSettings) -> Link:
    timeout = settings.timeout_seconds
    if settings.type == "network":
        return TcpLink(settings.host, settings.port, timeout)
    if settings.type == "serial":
        return SerialLink(settings.serial_device, settings.baudrate, timeout)
    if settings.type == "file":
        return FileLink(settings.file_path)
    if settings.type == "usb":
        return UsbLink(settings.usb_vendor_id, settings.usb_product_id, timeout)
    raise OSError("Chưa cấu hình máy in (printer.type = none)")
