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
from datetime import datetime
from zoneinfo import ZoneInfo

from escpos.escpos import Escpos
from escpos.printer import File, Network, Serial, Usb

from common.config import AppConfig
from common.core.errors import ConfigError, MotcuaError, render, said
from common.core.model import PrintStatus, Ticket
from common.core.tokens import TOKEN_LEN
from common.devices import printer_status as pstatus
from common.devices.printer_links import Link, LinkClosed, open_link
from common.devices.printer_open import Unreachable, one_line
from common.devices.printer_status import PrinterState
from common.devices.ticket_layout import Slip, font_file, qr_payload, slip_for, ticket_bytes
from common.settings import DEFAULTS
from common.store import Store
from common.store.bootstrap import Context
from common.store.operations import STATUS_URL_SETTING

log = logging.getLogger(__name__)

_DECLARED = DEFAULTS.printer  # each default is declared once, in common/settings.py
PRINTABLE_DOTS = {58: 384, 80: 576}  # the printable width, not the paper's
PRINT_BYTES_PER_SECOND_FLOOR = 960  # 9600 baud, the slowest link we support: bounds the backstop timeout


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
    status: str = _DECLARED.status

    @classmethod
    def from_config(cls, config: AppConfig) -> PrinterSettings:
        kind = config.settings.printer.type
        if kind not in ("none", "usb", "network", "serial", "file"):
            kinds = "none, usb, network, serial, file"
            raise said(ConfigError, f"printer.type phải là một trong {kinds}, không phải {kind!r}",
                       f"printer.type must be one of {kinds}, not {kind!r}")
        settings = cls(
            type=kind,
            usb_vendor_id=_usb_id(config, "printer.usb_vendor_id", required=kind == "usb"),
            usb_product_id=_usb_id(config, "printer.usb_product_id", required=kind == "usb"),
            host=config.settings.printer.host.strip(), port=config.settings.printer.port,
            timeout_seconds=config.settings.printer.timeout_seconds,
            serial_device=config.settings.printer.serial_device, baudrate=config.settings.printer.baudrate,
            file_path=config.settings.printer.file_path, paper_mm=int(config.settings.printer.paper_mm),
            text_mode=config.settings.printer.text_mode, qr_mode=config.settings.printer.qr_mode,
            font=config.settings.printer.font, status=config.settings.printer.status,
        )
        if kind == "network" and not settings.host:
            raise said(ConfigError, "printer.host đang trống, nhưng printer.type = network cần địa chỉ máy in",
                       "printer.host is empty, but printer.type = network needs the printer's address")
        if kind == "file" and not settings.file_path:
            raise said(ConfigError, "printer.file_path đang trống, nhưng printer.type = file cần thiết bị hoặc tệp",
                       "printer.file_path is empty, but printer.type = file needs a device or file")
        if settings.paper_mm not in PRINTABLE_DOTS:
            raise said(ConfigError, f"printer.paper_mm phải là 58 hoặc 80, không phải {settings.paper_mm}",
                       f"printer.paper_mm must be 58 or 80, not {settings.paper_mm}")
        if settings.timeout_seconds <= 0:
            raise said(ConfigError, f"printer.timeout_seconds phải dương, không phải {settings.timeout_seconds}",
                       f"printer.timeout_seconds must be positive, not {settings.timeout_seconds}")
        font_file(settings.font)  # a missing font is a config error at start, not a failed ticket later
        return settings

    @property
    def width_dots(self) -> int:
        return PRINTABLE_DOTS[self.paper_mm]


def _usb_id(config: AppConfig, name: str, *, required: bool) -> int:
    text = str(getattr(config.settings.printer, name.removeprefix("printer."))).strip()
    if not text:
        if required:
            raise said(ConfigError, f"{name} đang trống, nhưng printer.type = usb cần nó (thập lục phân, ví dụ 0x0416)",
                       f"{name} is empty, but printer.type = usb needs it (hex, e.g. 0x0416)")
        return 0
    try:
        value = int(text, 16)
    except ValueError:
        value = -1
    if not 0 <= value <= 0xFFFF:
        raise said(ConfigError, f"{name} phải là mã USB dạng thập lục phân như 0x0416, không phải {text!r}",
                   f"{name} must be a hexadecimal USB id such as 0x0416, not {text!r}")
    return value


# ---------------------------------------------------------------- the printers
def open_device(settings: PrinterSettings) -> Escpos:
    """A python-escpos printer object (kept for callers that want one; jobs go through printer_links)."""
    if settings.type == "usb":
        return Usb(settings.usb_vendor_id, settings.usb_product_id, timeout=int(settings.timeout_seconds * 1000))
    if settings.type == "network":
        return Network(settings.host, settings.port, timeout=settings.timeout_seconds)
    if settings.type == "serial":
        return Serial(settings.serial_device, baudrate=settings.baudrate, timeout=settings.timeout_seconds)
    if settings.type == "file":
        return File(settings.file_path)
    raise PrintError("Chưa cấu hình máy in (printer.type = none)")


@dataclass(frozen=True)
class PrintOutcome:
    """How a job ended when the printer did not refuse it: printed (it said so) or sent (it cannot say)."""

    status: PrintStatus
    warning: str | None = None  # e.g. paper near its end: printed, but the supervisor should know


def transfer_seconds(nbytes: int, bytes_per_second: float, margin: float) -> float:
    """How long ``nbytes`` may take on a link: their time at its speed, a quarter more, plus the margin.

    A flat timeout failed both ways: 5 s cut off a 20 KB image ticket at 9600 baud
    (about 21 s) while it was still printing, and let a dead printer hold the kiosk.
    """
    return nbytes / bytes_per_second * 1.25 + margin


def _ask_status(link: Link, timeout: float, silent: str) -> PrinterState:
    link.write(pstatus.QUERY, timeout)
    try:
        answer = link.read(pstatus.ANSWER_BYTES, timeout)
    except TimeoutError:
        raise PrintError(silent) from None
    try:
        return PrinterState.decode(answer)
    except ValueError:
        raise PrintError(silent) from None


def _wait_processed(link: Link, timeout: float) -> str | None:
    """Ask ``GS r 1`` and wait for its answer; PrintError when it does not come or says the paper is out."""
    link.write(pstatus.GS_R_PAPER, timeout)
    try:
        answer = pstatus.decode_paper_sensor(link.read(1, timeout))
    except (TimeoutError, ValueError):
        raise PrintError(pstatus.DONE_TIMEOUT) from None
    if answer == pstatus.PAPER_OUT:
        raise PrintError(pstatus.PAPER_OUT)
    return answer


def _run_job(settings: PrinterSettings, data: bytes) -> PrintOutcome:
    margin = settings.timeout_seconds
    try:
        link = open_link(settings)
    except Unreachable as exc:  # its one line says which printer and what to check
        raise PrintError(str(exc)) from exc
    try:
        ask = settings.status in ("escpos", "escpos-done") and link.can_read
        if ask:
            before = _ask_status(link, margin, pstatus.NO_ANSWER)
            if before.fault:
                raise PrintError(before.fault)
        budget = transfer_seconds(len(data), link.bytes_per_second, margin)
        try:
            link.write(data, budget)
        except TimeoutError:
            raise PrintError(pstatus.STALLED) from None
        if not ask:
            return PrintOutcome(PrintStatus.SENT)
        near_end = False
        if settings.status == "escpos-done":
            # GS r is answered in turn, once the job before it is processed: the ticket came out
            near_end = _wait_processed(link, budget + margin) == pstatus.PAPER_NEAR_END
        # DLE EOT is answered as it arrives (real time): after the whole job, it proves the bytes were taken.
        after = _ask_status(link, budget, pstatus.STALLED)
        if after.fault:
            raise PrintError(after.fault)
        warning = pstatus.PAPER_NEAR_END if after.paper_near_end or near_end else None
        return PrintOutcome(PrintStatus.PRINTED, warning)
    except (LinkClosed, ConnectionError, BrokenPipeError) as exc:
        raise PrintError(pstatus.CONNECTION_LOST) from exc
    except OSError as exc:
        raise PrintError(f"lỗi máy in: {one_line(exc)}") from exc
    finally:
        try:
            link.close()
        except OSError:  # closing a broken link must not hide why it broke
            log.debug("closing the printer failed", exc_info=True)


def query_status(settings: PrinterSettings) -> PrinterState:
    """Ask the printer for its status alone (``motcua doctor``); PrintError if it cannot be reached or is silent."""
    try:
        link = open_link(settings)
    except Unreachable as exc:  # its one line says which printer and what to check
        raise PrintError(str(exc)) from exc
    try:
        if not link.can_read:
            raise PrintError(pstatus.NO_ANSWER)
        return _ask_status(link, settings.timeout_seconds, pstatus.NO_ANSWER)
    except (LinkClosed, ConnectionError) as exc:
        raise PrintError(pstatus.CONNECTION_LOST) from exc
    except OSError as exc:
        raise PrintError(f"lỗi máy in: {one_line(exc)}") from exc
    finally:
        try:
            link.close()
        except OSError:
            log.debug("closing the printer failed", exc_info=True)


def send(settings: PrinterSettings, data: bytes) -> PrintOutcome:
    """Send ``data`` and ask the printer whether it took it; raises PrintError with the reason in Vietnamese.

    The job runs on a daemon thread: a device that blocks forever (a stuck USB
    endpoint, a FIFO nobody reads) keeps only that thread, never the caller.
    """
    outcome: list[PrintOutcome | BaseException] = []

    def job() -> None:
        try:
            outcome.append(_run_job(settings, data))
        except BaseException as exc:  # escpos raises bare AssertionErrors, USBErrors...
            outcome.append(exc)

    worker = threading.Thread(target=job, name="motcua-print", daemon=True)
    worker.start()
    # connect + status before + data + status after, each bounded on its own; this is the backstop
    # (escpos-done waits once more, for the paper sensor's answer after the job is processed)
    done = settings.status == "escpos-done"
    backstop = ((5 if done else 3) * settings.timeout_seconds
                + (3 if done else 2) * transfer_seconds(len(data), PRINT_BYTES_PER_SECOND_FLOOR, 0))
    worker.join(backstop)
    if worker.is_alive():
        raise PrintError(f"máy in không phản hồi sau {backstop:.0f} giây")
    result = outcome[0]
    if isinstance(result, PrintError):
        raise result
    if isinstance(result, BaseException):
        raise PrintError(f"lỗi máy in: {one_line(result)}") from result
    return result


class TicketPrinter:
    """Lays out and prints tickets for one office with one printer configuration."""

    def __init__(self, config: AppConfig, settings: PrinterSettings | None = None) -> None:
        self.config = config
        self.settings = settings or PrinterSettings.from_config(config)
        # office.public_url, or when that is empty the address the display published in the store
        self.public_url: str | None = None

    def warm(self, services: tuple[str, ...] = ()) -> None:
        """Render the rows every slip repeats (fonts, office, labels, foot, service names) before the first tap.

        A cold first slip costs about 10 ms of font loading and rendering; the kiosk calls this at
        start so that the first citizen's tap costs what every later one does. The bytes are thrown away.
        The QR is a status link of a real token's length: a raster QR builds its version's tables once
        (about 15 ms). A status address published later by the display may be another version: its
        first slip builds that one.
        """
        when = datetime(2000, 1, 1, tzinfo=ZoneInfo(self.config.settings.office.timezone))  # no clock: discarded
        qr = qr_payload("x" * TOKEN_LEN, self.public_url or self.config.settings.office.public_url)
        for service in services or ("",):
            ticket_bytes(Slip(office=self.config.settings.office.name, service=service, code="A000", priority=None,
                              people_ahead=0, wait_minutes=1, issued=when, qr=qr, counters=(1,),
                              hotline=self.config.settings.office.hotline), self.settings)

    @property
    def enabled(self) -> bool:
        return self.settings.type != "none"

    def bytes_for(self, ticket: Ticket, counters: tuple[int, ...] = ()) -> bytes:
        return ticket_bytes(slip_for(ticket, self.config, counters=counters, public_url=self.public_url),
                            self.settings)

    def print(self, ticket: Ticket, counters: tuple[int, ...] = ()) -> PrintOutcome:
        """Raises PrintError when the printer did not take the ticket."""
        return send(self.settings, self.bytes_for(ticket, counters))

    def print_slip(self, slip: Slip) -> tuple[int, PrintOutcome]:
        """Print any slip (the installer's test page); returns the number of bytes sent and the outcome."""
        data = ticket_bytes(slip, self.settings)
        return len(data), send(self.settings, data)


def deliver(store: Store, printer: TicketPrinter, ticket: Ticket, counters: tuple[int, ...] = ()) -> Ticket:
    """Print a committed ticket and record what the printer said; never raises for the printer's sake."""
    return deliver_job(store, printer, ticket, counters)[0]


def deliver_job(store: Store, printer: TicketPrinter, ticket: Ticket,
                counters: tuple[int, ...] = ()) -> tuple[Ticket, str | None]:
    """Print, record, and return the ticket with the printer's reason or warning (in Vietnamese) if any.

    A failure's reason (and a printed ticket's paper-near-end warning) goes into the
    ticket's event log, where the supervisor's live view reads it. If even the store
    cannot be told, the returned ticket still carries the outcome.
    """
    status: PrintStatus
    detail: str | None
    try:
        done = printer.print(ticket, counters)
        status, detail = done.status, done.warning
    except PrintError as exc:
        status, detail = PrintStatus.FAILED, str(exc)
        # info, not warning: the reason is recorded and shown; the CLI's one line must stay one line
        log.info("ticket %s not printed: %s", ticket.code, exc)
    except Exception as exc:  # a layout or driver bug: for the citizen it is the same unprinted ticket
        status, detail = PrintStatus.FAILED, f"{type(exc).__name__}: {exc}"
        log.exception("ticket %s not printed: unexpected error", ticket.code)
    if detail is not None and status != PrintStatus.FAILED:
        log.warning("printer: %s (ticket %s)", detail, ticket.code)
    try:
        return store.set_print_status(ticket.id, status, detail), detail
    except MotcuaError as exc:
        log.warning("could not record the print status of %s: %s", ticket.code, exc)
        return replace(ticket, print_status=status), detail


def print_and_record(ctx: Context, ticket: Ticket, counters: tuple[int, ...] = ()) -> tuple[Ticket, str | None]:
    """`motcua issue --print`: print through the configured printer, record the outcome, return it and its reason."""
    try:
        printer = TicketPrinter(ctx.config)
    except ConfigError as exc:
        ctx.store.set_print_status(ticket.id, PrintStatus.FAILED, str(exc))
        raise said(ConfigError, f"{ticket.code} đã cấp nhưng chưa in được: {render(exc)}",
                   f"{ticket.code} was issued but not printed: {exc}") from exc
    if not printer.enabled:
        log.warning("ticket %s not printed: no printer configured (printer.type = none)", ticket.code)
        return ctx.store.set_print_status(ticket.id, PrintStatus.NOT_PRINTED), "printer.type = none"
    printer.public_url = effective_public_url(ctx.config.settings.office.public_url, ctx.store)
    return deliver_job(ctx.store, printer, ticket, counters)


def effective_public_url(configured: str, store: Store) -> str:
    """office.public_url when set; else the status page address the display published; else empty (bare token)."""
    if configured.strip():
        return configured
    try:
        return str(store.office_setting(STATUS_URL_SETTING) or "")
    except MotcuaError:
        return ""
