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
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import qrcode
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont, ImageOps

from common.config import AppConfig
from common.core.errors import ConfigError, said
from common.core.model import DEFAULT_PRIORITY_CATEGORIES, Ticket

if TYPE_CHECKING:
    from common.devices.printing import PrinterSettings

FOOTER_VI = "Vui lòng chờ đến lượt"
QR_HINT_VI = "Quét mã QR để theo dõi lượt của bạn"
VALID_TODAY_VI = "Vé chỉ có giá trị trong ngày"
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # the five CP1258 combining tones
DETAIL_DOTS = 26  # detail text height: above the printer's own 24-dot font, whatever the paper
BIG_NUMBER = 230  # the number's share of the width, in thousandths


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
    counters: tuple[int, ...] = ()
    hotline: str = ""

    def lines(self) -> list[tuple[str, int, bool]]:
        """(text, size, bold) above the QR, top to bottom; size is a share of the width in thousandths."""
        rows = [(self.office, 42, True), ("—" * 3, 30, False), (self.service, 50, True),
                ("SỐ THỨ TỰ", 40, False), (self.code, BIG_NUMBER, True)]
        if self.priority:
            rows.append((f"Ưu tiên: {self.priority}", 44, True))
        if self.counters:
            rows.append((f"Mời đến quầy {', '.join(str(n) for n in self.counters)}", 50, True))
        rows += [(f"Số người chờ trước bạn: {self.people_ahead}", 40, False),
                 (f"Thời gian chờ dự kiến: khoảng {self.wait_minutes} phút", 40, False),
                 (f"Giờ lấy số: {self.issued:%H:%M  %d/%m/%Y}", 40, False)]
        return rows

    def foot(self) -> list[tuple[str, int, bool]]:
        """The lines under the QR: what it is for, the day's validity, the hotline, the courtesy line."""
        rows = [(QR_HINT_VI, 40, False), (VALID_TODAY_VI, 40, True)]
        if self.hotline.strip():
            rows.append((f"Hỗ trợ: {self.hotline.strip()}", 40, False))
        rows.append((self.footer, 46, True))
        return rows


def qr_payload(token: str | None, public_url: str) -> str:
    """``{public_url}/t/{token}`` when the office publishes a status page, else the token alone."""
    token = token or ""
    return f"{public_url.rstrip('/')}/t/{token}" if public_url.strip() else token


def slip_for(ticket: Ticket, config: AppConfig, categories: dict[str, tuple[str, str]] | None = None,
             counters: tuple[int, ...] = (), public_url: str | None = None) -> Slip:
    """The slip of a committed ticket; ``public_url`` overrides office.public_url (the display's published one)."""
    names = categories or dict(config.office.priority_categories) or DEFAULT_PRIORITY_CATEGORIES
    category = ticket.priority_category
    return Slip(
        office=config.settings.office.name, service=ticket.service_name_vi, code=ticket.code,
        priority=(names.get(category, (category, category))[0] if category else None),
        people_ahead=ticket.people_ahead, wait_minutes=max(1, round(ticket.estimated_wait_seconds / 60)),
        issued=ticket.issued_at.astimezone(ZoneInfo(config.settings.office.timezone)),
        qr=qr_payload(ticket.token, public_url if public_url is not None else config.settings.office.public_url),
        counters=counters, hotline=config.settings.office.hotline,
    )


# ---------------------------------------------------------------- the layout
def ticket_bytes(slip: Slip, settings: PrinterSettings) -> bytes:
    """The whole job as ESC/POS bytes."""
    if settings.text_mode == "image":
        top = _raster(slip.lines(), settings)
        foot = _raster(slip.foot(), settings)
    else:
        top = _codepage_bytes(slip.lines(), settings.paper_mm)
        foot = _codepage_bytes(slip.foot(), settings.paper_mm)
    return b"".join((b"\x1b@", top, b"\x1ba\x01", _qr_bytes(slip.qr, settings), foot, b"\x1ba\x00", _CUT))


_CUT = b"\n" * 6 + b"\x1dV\x00"  # feed past the cutter, then a full cut (python-escpos's cut())


def _qr_bytes(payload: str, settings: PrinterSettings) -> bytes:
    """The QR at error correction M (a smudged or folded slip still scans), native or raster."""
    if settings.qr_mode == "native":
        p = _dummy(settings.width_dots)
        p.qr(payload, ec=QR_ECLEVEL_M, native=True, size=8 if settings.paper_mm == 80 else 6)
        return bytes(p.output)
    # raster: drawn straight into packed bits, centred on the full width (python-escpos's image path costs ~5 ms)
    code = _qr_image(payload, settings.width_dots // 2)
    canvas = Image.new("1", (settings.width_dots, code.height), 0)
    canvas.paste(ImageOps.invert(code.convert("L")).convert("1"), ((settings.width_dots - code.width) // 2, 0))
    return _gs_v_0(canvas.tobytes(), settings.width_dots, code.height)


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
    raise said(ConfigError, f"chưa cài phông printer.font {family!r} (cài fonts-dejavu-core)",
               f"printer.font {family!r} is not installed (install fonts-dejavu-core)")


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


def font_px(size: int, width_dots: int) -> int:
    """A row's font size in dots: its share of the width, never below the detail floor (24-dot printer font)."""
    return max(DETAIL_DOTS, size * width_dots // 1000)


def _raster(rows: list[tuple[str, int, bool]], settings: PrinterSettings) -> bytes:
    """Centred lines of text as ``GS v 0`` raster bytes exactly as wide as the printable area.

    Each line is rendered to its own strip and cached: the office, the service names,
    "SỐ THỨ TỰ" and the foot repeat on every slip, so a slip renders only its number,
    queue figures and time. A strip's bytes do not depend on its neighbours, which is
    what keeps the cached slip byte-for-byte the same as a fresh one.
    """
    strips = [strip for text, size, bold in rows
              for strip in _row_strips(text, settings.font, font_px(size, settings.width_dots), bold,
                                       settings.width_dots)]
    height = sum(rows_ for rows_, _ in strips) + 2 * _PAD
    blank = bytes(settings.width_dots // 8 * _PAD)
    return _gs_v_0(blank + b"".join(data for _, data in strips) + blank, settings.width_dots, height)


_PAD = 4  # blank dot rows above and below a block of text


def clear_caches() -> None:
    """Forget the rendered strips (a test compares a cold slip with a warm one; the benchmark times both)."""
    _row_strips.cache_clear()


@lru_cache(maxsize=1024)
def _row_strips(text: str, family: str, px: int, bold: bool, width: int) -> tuple[tuple[int, bytes], ...]:
    """One row of text, wrapped to the width, as (dot rows, packed bits with 1 = black) per line."""
    font = _font(family, px, bold)
    out = []
    for line in _wrap(text, font, width - 8):
        left, _top, right, _bottom = font.getbbox(line)
        height = int(font.size) * 6 // 5  # FreeTypeFont.size is a float
        image = Image.new("1", (width, height), 0)  # 0 = white here, so tobytes() is already ESC/POS's 1 = black
        ImageDraw.Draw(image).text(((width - (right - left)) // 2 - left, 0), line, font=font, fill=1)
        out.append((height, image.tobytes()))
    return tuple(out)


_FRAGMENT_ROWS = 960  # python-escpos's fragment height: some printers' buffers take no taller raster


def _gs_v_0(bits: bytes, width: int, height: int) -> bytes:
    """``GS v 0`` commands for a packed 1-bit image, in fragments of at most 960 rows."""
    row_bytes, out = width // 8, []
    for top in range(0, height, _FRAGMENT_ROWS):
        rows = min(_FRAGMENT_ROWS, height - top)
        header = b"\x1dv0\x00" + row_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out.append(header + bits[top * row_bytes:(top + rows) * row_bytes])
    return b"".join(out)


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
    """Text CP1258 can encode: each character as CP1258 has it precomposed (á, ê, đ, ư), else its
    precomposed base letter followed by the combining tone (ế = ê + U+0301), which CP1258 printers overstrike."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS)) + tones)
    return "".join(out)


COLUMNS = {58: 32, 80: 48}  # font A (12 x 24 dots) columns on the printable width


def _codepage_bytes(rows: list[tuple[str, int, bool]], paper_mm: int) -> bytes:
    """Rows as CP1258 text: every row sets its own size and bold and resets them after, wrapped to the columns.

    ``GS !`` and ``ESC E`` stay set until changed, so a row that does not reset them
    makes the next lines inherit the big number's 4x size.
    """
    out = [b"\x1bt\x34", b"\x1ba\x01"]  # ESC t 52: CP1258 (Epson's table); ESC a 1: centred
    for text, size, bold in rows:
        scale = 4 if size >= BIG_NUMBER else 2 if size >= 50 else 1
        out.append(b"\x1d!" + bytes((((scale - 1) << 4) | (scale - 1),)) + b"\x1bE" + (b"\x01" if bold else b"\x00"))
        for line in _wrap_columns(cp1258_text(text), COLUMNS[paper_mm] // scale):
            out.append(line.encode("cp1258", errors="replace") + b"\n")
        out.append(b"\x1d!\x00\x1bE\x00")
    return b"".join(out)


def _wrap_columns(text: str, columns: int) -> list[str]:
    """Word-wrap to ``columns`` printed characters; a combining tone takes no column of its own."""
    def width(s: str) -> int:
        return sum(1 for c in s if c not in _TONE_MARKS)

    lines: list[str] = []
    for word in text.split():
        while width(word) > columns:  # a word longer than a line is cut (a URL, a long code)
            lines.append(word[:columns])
            word = word[columns:]
        if lines and width(f"{lines[-1]} {word}") <= columns:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]
