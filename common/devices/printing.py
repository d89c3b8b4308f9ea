"""The printed ticket: its layout in ESC/POS bytes, and the printers those bytes go to.

Vietnamese on thermal printers is the classic trap: most models have no usable
Vietnamese code page, and python-escpos's default profile switches code pages per
character and prints garbage for what it cannot map. So the default ``image`` text
mode renders the lines with Pillow in the configured font (DejaVu Sans) and prints
a raster image; ``codepage`` mode uses the printer's own CP1258 for the models that
have one.

A job is built into bytes first (fast, no I/O: the kiosk's ticket is committed and
its bytes are ready in a few milliseconds), then sent on a thread of its own that
we stop waiting for after ``printer.timeout_seconds``: a printer that hangs, even a
device file whose ``open`` blocks, never hangs the caller.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace

from escpos.escpos import Escpos
from escpos.printer import File, Network, Serial, Usb

from common.config import AppConfig
from common.core.errors import ConfigError, MotcuaError
from common.core.model import PrintStatus, Ticket
from common.devices.ticket_layout import Slip, font_file, slip_for, ticket_bytes
from common.settings import DEFAULTS
from common.store import Store
from common.store.bootstrap import Context

log = logging.getLogger(__name__)

_DECLARED = DEFAULTS.printer  # each default is declared once, in common/settings.py
PRINTABLE_DOTS = {58: 384, 80: 576}  # the printable width, not the paper's


class PrintError(MotcuaError):
    """The printer could not print this job (down, paper out, timed out)."""


@dataclass(frozen=True)
class PrinterSettings:
    """The ``printer.*`` settings, checked once at start."""

    type: str = _DECLARED.type
    usb_vendor_id: int = 0
    usb_product_id: int = 0
    host: str = ""
    port: int = _DECLARED.port
    timeout_seconds: float = _DECLARED.timeout_seconds
    serial_device: str = _DECLARED.serial_device
    baudrate: int = _DECLARED.baudrate
    file_path: str = ""
    paper_mm: int = _DECLARED.paper_mm
    text_mode: str = _DECLARED.text_mode
    qr_mode: str = _DECLARED.qr_mode
    font: str = _DECLARED.font

    @classmethod
    def from_config(cls, config: AppConfig) -> PrinterSettings:
        kind = config.settings.printer.type
        if kind not in ("none", "usb", "network", "serial", "file"):
            raise ConfigError(f"printer.type must be one of none, usb, network, serial, file, not {kind!r}")
        settings = cls(
            type=kind,
            usb_vendor_id=_usb_id(config, "printer.usb_vendor_id", required=kind == "usb"),
            usb_product_id=_usb_id(config, "printer.usb_product_id", required=kind == "usb"),
            host=config.settings.printer.host.strip(), port=config.settings.printer.port,
            timeout_seconds=config.settings.printer.timeout_seconds,
            serial_device=config.settings.printer.serial_device, baudrate=config.settings.printer.baudrate,
            file_path=config.settings.printer.file_path, paper_mm=int(config.settings.printer.paper_mm),
            text_mode=config.settings.printer.text_mode, qr_mode=config.settings.printer.qr_mode,
            font=config.settings.printer.font,
        )
        if kind == "network" and not settings.host:
            raise ConfigError("printer.host is empty, but printer.type = network needs the printer's address")
        if kind == "file" and not settings.file_path:
            raise ConfigError("printer.file_path is empty, but printer.type = file needs a device or file")
        if settings.paper_mm not in PRINTABLE_DOTS:
            raise ConfigError(f"printer.paper_mm must be 58 or 80, not {settings.paper_mm}")
        if settings.timeout_seconds <= 0:
            raise ConfigError(f"printer.timeout_seconds must be positive, not {settings.timeout_seconds}")
        font_file(settings.font)  # a missing font is a config error at start, not a failed ticket later
        return settings

    @property
    def width_dots(self) -> int:
        return PRINTABLE_DOTS[self.paper_mm]


def _usb_id(config: AppConfig, name: str, *, required: bool) -> int:
    text = str(getattr(config.settings.printer, name.removeprefix("printer."))).strip()
    if not text:
        if required:
            raise ConfigError(f"{name} is empty, but printer.type = usb needs it (hex, e.g. 0x0416)")
        return 0
    try:
        value = int(text, 16)
    except ValueError:
        value = -1
    if not 0 <= value <= 0xFFFF:
        raise ConfigError(f"{name} must be a hexadecimal USB id such as 0x0416, not {text!r}")
    return value


# ---------------------------------------------------------------- the printers
def open_device(settings: PrinterSettings) -> Escpos:
    """A new printer object for each job: after a failed open, python-escpos objects only raise AssertionError."""
    if settings.type == "usb":
        return Usb(settings.usb_vendor_id, settings.usb_product_id, timeout=int(settings.timeout_seconds * 1000))
    if settings.type == "network":
        return Network(settings.host, settings.port, timeout=settings.timeout_seconds)
    if settings.type == "serial":
        return Serial(settings.serial_device, baudrate=settings.baudrate, timeout=settings.timeout_seconds)
    if settings.type == "file":
        return File(settings.file_path)
    raise PrintError("Chưa cấu hình máy in (printer.type = none)")


def send(settings: PrinterSettings, data: bytes) -> None:
    """Write ``data`` to the printer, giving up after ``timeout_seconds`` whatever the device does.

    The job runs on a daemon thread: a device that blocks forever (a stuck USB
    endpoint, a FIFO nobody reads) keeps only that thread, never the caller.
    """
    outcome: list[BaseException | None] = []

    def job() -> None:
        device = None
        try:
            device = open_device(settings)
            device.open()
            device._raw(data)
            outcome.append(None)
        except BaseException as exc:  # escpos raises bare AssertionErrors, OSErrors, USBErrors...
            outcome.append(exc)
        finally:
            if device is not None:
                try:
                    device.close()
                except Exception:  # closing a broken device must not hide why it broke
                    log.debug("closing the printer failed", exc_info=True)

    worker = threading.Thread(target=job, name="motcua-print", daemon=True)
    worker.start()
    worker.join(settings.timeout_seconds)
    if worker.is_alive():
        raise PrintError(f"máy in không phản hồi sau {settings.timeout_seconds:g} giây")
    error = outcome[0] if outcome else None
    if error is not None:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PrintError(f"lỗi máy in: {detail}") from error


class TicketPrinter:
    """Lays out and prints tickets for one office with one printer configuration."""

    def __init__(self, config: AppConfig, settings: PrinterSettings | None = None) -> None:
        self.config = config
        self.settings = settings or PrinterSettings.from_config(config)

    @property
    def enabled(self) -> bool:
        return self.settings.type != "none"

    def bytes_for(self, ticket: Ticket) -> bytes:
        return ticket_bytes(slip_for(ticket, self.config), self.settings)

    def print(self, ticket: Ticket) -> None:
        """Raises PrintError when the ticket did not reach the printer."""
        send(self.settings, self.bytes_for(ticket))

    def print_slip(self, slip: Slip) -> int:
        """Print any slip (the installer's test page); returns the number of bytes sent."""
        data = ticket_bytes(slip, self.settings)
        send(self.settings, data)
        return len(data)


def deliver(store: Store, printer: TicketPrinter, ticket: Ticket) -> Ticket:
    """Print a committed ticket and record whether it printed; never raises for the printer's sake.

    If even the store cannot be told, the returned ticket still carries the outcome.
    """
    status, detail = PrintStatus.PRINTED, None
    try:
        printer.print(ticket)
    except PrintError as exc:
        status, detail = PrintStatus.FAILED, str(exc)
        log.warning("ticket %s not printed: %s", ticket.code, exc)
    except Exception as exc:  # a layout or driver bug: for the citizen it is the same unprinted ticket
        status, detail = PrintStatus.FAILED, f"{type(exc).__name__}: {exc}"
        log.exception("ticket %s not printed: unexpected error", ticket.code)
    try:
        return store.set_print_status(ticket.id, status, detail)
    except MotcuaError as exc:
        log.warning("could not record the print status of %s: %s", ticket.code, exc)
        return replace(ticket, print_status=status)


def print_and_record(ctx: Context, ticket: Ticket) -> Ticket:
    """`motcua issue --print`: print through the configured printer and record the outcome on the ticket."""
    try:
        printer = TicketPrinter(ctx.config)
    except ConfigError as exc:
        ctx.store.set_print_status(ticket.id, PrintStatus.FAILED, str(exc))
        raise ConfigError(f"{ticket.code} was issued but not printed: {exc}") from exc
    if not printer.enabled:
        log.warning("ticket %s not printed: no printer configured (printer.type = none)", ticket.code)
        return ctx.store.set_print_status(ticket.id, PrintStatus.NOT_PRINTED)
    return deliver(ctx.store, printer, ticket)
