"""The ticket's layout: from a committed Ticket to the ESC/POS bytes of one job.

The default ``image`` text mode renders the lines with Pillow in the configured
font (DejaVu Sans draws every Vietnamese diacritic) into a 1-bit image exactly as
wide as the printable area, and prints it with ``GS v 0``. ``codepage`` mode sends
the text in CP1258 (precomposed base letters, combining tone marks) for printers
that really have that code page. The QR code is the printer's own ``GS ( k``
(about 60 bytes) or a raster image (a few KB) for printers without it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import qrcode
from escpos.escpos import Escpos
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from common.config import AppConfig
from common.core.errors import ConfigError
from common.core.model import DEFAULT_PRIORITY_CATEGORIES, Ticket

if TYPE_CHECKING:
    from common.devices.printing import PrinterSettings

FOOTER_VI = "Vui lòng chờ đến lượt"
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # the five CP1258 combining tones


@dataclass(frozen=True)
class Slip:
    """What goes on the paper, already in the office's words and zone."""

    office: str
    service: str
    code: str
    priority: str | None
    people_ahead: int
    wait_minutes: int
    issued: datetime
    qr: str
    footer: str = FOOTER_VI

    def lines(self) -> list[tuple[str, int, bool]]:
        """(text, size as a share of the width in thousandths, bold) from top to bottom, QR excluded."""
        rows = [(self.office, 42, True), ("—" * 3, 30, False), (self.service, 50, True),
                ("SỐ THỨ TỰ", 40, False), (self.code, 230, True)]
        if self.priority:
            rows.append((f"Ưu tiên: {self.priority}", 44, True))
        rows += [(f"Số người chờ trước bạn: {self.people_ahead}", 40, False),
                 (f"Thời gian chờ dự kiến: khoảng {self.wait_minutes} phút", 40, False),
                 (f"Giờ lấy số: {self.issued:%H:%M  %d/%m/%Y}", 40, False)]
        return rows


def qr_payload(token: str | None, public_url: str) -> str:
    """``{public_url}/t/{token}`` when the office publishes a status page, else the token alone."""
    token = token or ""
    return f"{public_url.rstrip('/')}/t/{token}" if public_url.strip() else token


def slip_for(ticket: Ticket, config: AppConfig, categories: dict[str, tuple[str, str]] | None = None) -> Slip:
    names = categories or dict(config.office.priority_categories) or DEFAULT_PRIORITY_CATEGORIES
    category = ticket.priority_category
    return Slip(
        office=config.settings.office.name, service=ticket.service_name_vi, code=ticket.code,
        priority=(names.get(category, (category, category))[0] if category else None),
        people_ahead=ticket.people_ahead, wait_minutes=max(1, round(ticket.estimated_wait_seconds / 60)),
        issued=ticket.issued_at.astimezone(ZoneInfo(config.settings.office.timezone)),
        qr=qr_payload(ticket.token, config.settings.office.public_url),
    )


# ---------------------------------------------------------------- the layout
def ticket_bytes(slip: Slip, settings: PrinterSettings) -> bytes:
    """The whole job as ESC/POS bytes."""
    p = _dummy(settings.width_dots)
    p._raw(b"\x1b@")  # ESC @: forget whatever the last job left set
    if settings.text_mode == "image":
        p.image(_text_image(slip.lines(), settings), impl="bitImageRaster")
    else:
        _codepage_text(p, slip)
    p.set(align="center")
    if settings.qr_mode == "native":
        p.qr(slip.qr, native=True, size=8 if settings.paper_mm == 80 else 6)
    else:
        p.image(_qr_image(slip.qr, settings.width_dots // 2), impl="bitImageRaster", center=True)
    if settings.text_mode == "image":
        p.image(_text_image([(slip.footer, 46, True)], settings), impl="bitImageRaster")
    else:
        p.set(align="center", bold=True)
        p.text(cp1258_text(slip.footer) + "\n")
    p.cut()
    return bytes(p.output)


def _dummy(width_dots: int) -> Dummy:
    """A byte collector whose profile knows the paper width (so centring works and escpos prints no warning)."""
    p = Dummy()
    data = dict(p.profile.profile_data)  # the profile's dict is shared between instances: copy, don't mutate
    data["media"] = {"width": {"pixels": width_dots, "mm": width_dots // 8}}
    p.profile.profile_data = data
    return p


@cache
def font_file(family: str, bold: bool = False) -> str:
    """The TrueType file of ``family`` (DejaVu Sans by default); a clear error if it is not installed."""
    names = {"DejaVu Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")}
    regular, heavy = names.get(family, (f"{family}.ttf", f"{family}-Bold.ttf"))
    for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype", "C:/Windows/Fonts", ""):
        path = f"{folder}/{heavy if bold else regular}" if folder else (heavy if bold else regular)
        try:
            ImageFont.truetype(path, 10)
            return path
        except OSError:
            continue
    raise ConfigError(f"printer.font {family!r} is not installed (install fonts-dejavu-core)")


@cache
def _font(family: str, px: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_file(family, bold), px)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _text_image(rows: list[tuple[str, int, bool]], settings: PrinterSettings) -> Image.Image:
    """Centred lines of text as a 1-bit image exactly as wide as the printable area."""
    width = settings.width_dots
    laid_out = []
    for text, size, bold in rows:
        font = _font(settings.font, max(12, size * width // 1000), bold)
        for line in _wrap(text, font, width - 8):
            left, _top, right, _bottom = font.getbbox(line)
            laid_out.append((line, font, right - left, left, int(font.size) * 6 // 5))  # FreeTypeFont.size: float
    image = Image.new("1", (width, sum(row[-1] for row in laid_out) + 8), 1)
    draw, y = ImageDraw.Draw(image), 4
    for line, font, w, left, height in laid_out:
        draw.text(((width - w) // 2 - left, y), line, font=font, fill=0)
        y += height
    return image


def _qr_image(payload: str, side: int) -> Image.Image:
    """The QR code as a square 1-bit image at most ``side`` dots wide, in whole dots per module."""
    code = qrcode.QRCode(border=2, box_size=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    matrix = code.get_matrix()
    box = max(2, side // len(matrix))
    image = Image.new("1", (len(matrix), len(matrix)), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return image.resize((box * len(matrix),) * 2, Image.Resampling.NEAREST)


def cp1258_text(text: str) -> str:
    """Text CP1258 can encode: base letters precomposed (ư, ê, đ), tones as combining marks after them."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS)) + tones)
    return "".join(out)


def _codepage_text(p: Escpos, slip: Slip) -> None:
    p.charcode("CP1258")  # ESC t 52 on the profile; the printer must actually have CP1258
    p.set(align="center")
    for text, size, bold in slip.lines():
        big = size >= 200
        p.set(align="center", bold=bold, double_width=big, double_height=big or size >= 50)
        if big:
            p.set(align="center", bold=True, custom_size=True, width=4, height=4)
        p.text(cp1258_text(text) + "\n")
    p.set(align="center", normal_textsize=True)
