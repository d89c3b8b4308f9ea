"""The ticket's layout: from a committed Ticket to the ESC/POS bytes of one job.

The default ``image`` text mode renders each line with Pillow in the configured
font (DejaVu Sans draws every Vietnamese diacritic) into a 1-bit strip only as wide
and as tall as its ink, and prints the strips centred with ``GS v 0``; the rows that
repeat on every slip are cached. ``codepage`` mode sends the text in CP1258
(precomposed base letters, combining tone marks) for printers that really have that
code page. The QR code is the printer's own ``GS ( k`` (about 60 bytes) or a raster
built straight from its module matrix for printers without it. The bytes equal the
straightforward path's (tests/common/slip_reference.py); figures in docs/benchmarks/slip.md.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import qrcode
import qrcode.base
import qrcode.exceptions
import qrcode.LUT
import qrcode.util
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from common.config import AppConfig
from common.core.errors import ConfigError, said
from common.core.estimate import NO_COUNTER_TEXT, NO_ESTIMATE_TEXT
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
    booking: str | None = None  # issue 19: a booking checked in within its window prints "Hẹn" and its code
    no_counter: bool = False  # no counter open or on a break at issue: no wait is printed (NO_COUNTER)

    def lines(self) -> list[tuple[str, int, bool]]:
        """(text, size, bold) above the QR, top to bottom; size is a share of the width in thousandths."""
        rows = [(self.office, 42, True), ("—" * 3, 30, False), (self.service, 50, True),
                ("SỐ THỨ TỰ", 40, False), (self.code, BIG_NUMBER, True)]
        if self.priority:
            rows.append((f"Ưu tiên: {self.priority}", 44, True))
        if self.booking is not None:
            rows.append((f"Hẹn · {self.booking}" if self.booking else "Hẹn", 44, True))
        if self.counters:
            rows.append((f"Mời đến quầy {', '.join(str(n) for n in self.counters)}", 50, True))
        rows.append((f"Số người chờ trước bạn: {self.people_ahead}", 40, False))
        if self.no_counter:
            rows += [(NO_COUNTER_TEXT[0], 40, True), (NO_ESTIMATE_TEXT[0], 40, False)]
        else:
            rows.append((f"Thời gian chờ dự kiến: khoảng {self.wait_minutes} phút", 40, False))
        rows.append((f"Giờ lấy số: {self.issued:%H:%M  %d/%m/%Y}", 40, False))
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
        booking=(ticket.booking_code or "") if ticket.booked else None, no_counter=ticket.no_counter_open,
    )


# ---------------------------------------------------------------- the layout
def ticket_bytes(slip: Slip, settings: PrinterSettings) -> bytes:
    """The whole job as ESC/POS bytes."""
    if settings.text_mode == "image":
        top = b"\x1ba\x01" + _raster(slip.lines(), settings)  # centred: each strip is only its ink
        foot = _raster(slip.foot(), settings)
    else:
        top = _codepage_bytes(slip.lines(), settings.paper_mm)
        foot = _codepage_bytes(slip.foot(), settings.paper_mm)
    return b"".join((b"\x1b@", top, b"\x1ba\x01", _qr_bytes(slip.qr, settings), foot, b"\x1ba\x00", _CUT))


_CUT = b"\n" * 6 + b"\x1dV\x00"  # feed past the cutter, then a full cut (python-escpos's cut())


def _qr_bytes(payload: str, settings: PrinterSettings) -> bytes:
    """The QR at error correction M (a smudged or folded slip still scans), native or raster."""
    if settings.qr_mode == "native":
        return native_qr(payload, 8 if settings.paper_mm == 80 else 6)
    # raster: the 1-bit matrix straight to packed rows (no PIL), as wide as the code itself: the printer
    # centres it (ESC a 1 is set), and the quiet zone is blank paper fed as a 1-byte-wide strip
    size, rows = qr_rows(payload)
    return raster_rows(rows, size, qr_box(size, settings.width_dots))


def native_qr(payload: str, module_dots: int) -> bytes:
    """``GS ( k``: model 2, module size, error correction M (49), store the data, print it.

    The same bytes as python-escpos's ``qr(native=True)``, without building a printer object per slip.
    """
    data = payload.encode("utf-8")
    store = b"\x1d(k" + (len(data) + 3).to_bytes(2, "little") + b"1P0" + data
    return (b"\x1d(k\x04\x001A2\x00" + b"\x1d(k\x03\x001C" + bytes((module_dots,))
            + b"\x1d(k\x03\x001E" + bytes((48 + QR_ECLEVEL_M,)) + store + b"\x1d(k\x03\x001Q0")


def qr_box(modules: int, width_dots: int) -> int:
    """Dots per module: the code with its 2-module quiet zone fills at most half the width, never under 2 dots."""
    return max(2, width_dots // 2 // (modules + 2 * QR_QUIET))


QR_QUIET = 2  # modules of quiet zone on each side (the slip's paper around it is blank too)


def qr_raster(matrix: list[list[bool]], box: int) -> bytes:
    """``GS v 0`` of the code: each module ``box`` dots square, the quiet zone as blank rows above and below."""
    return raster_rows([_bits(row) for row in matrix], len(matrix), box)


def raster_rows(rows: list[int], size: int, box: int) -> bytes:
    """``qr_raster`` of the code as row integers (``qr_rows``): each module widened to ``box`` bits at once.

    Eight modules at a time through a table (``_widened``): a row is a few lookups and shifts,
    not a string of 0s and 1s translated module by module (that was most of the raster's cost).
    """
    side = size * box
    row_bytes = (side + 7) // 8
    pad = row_bytes * 8 - side
    right = pad - pad // 2  # the ink is centred in whole bytes: the left pad is the int's leading zeros
    table = _widened(box)
    spare = -size % 8  # modules added on the right so that a row is whole bytes of modules
    chunks, shift, step = (size + spare) // 8, spare * box - right, 8 * box
    lines = []
    for row in rows:
        wide = 0
        for byte in (row << spare).to_bytes(chunks, "big"):
            wide = wide << step | table[byte]
        lines.append((wide >> shift if shift >= 0 else wide << -shift).to_bytes(row_bytes, "big") * box)
    quiet = blank_rows(QR_QUIET * box)
    return quiet + _gs_v_0(b"".join(lines), row_bytes * 8, side) + quiet


@cache
def _widened(box: int) -> tuple[int, ...]:
    """For each byte of eight modules, its ``8 * box`` dots (each module ``box`` equal bits, first module highest)."""
    return tuple(int("".join(("1" if byte & (0x80 >> k) else "0") * box for k in range(8)), 2) for byte in range(256))


@cache
def blank_rows(rows: int) -> bytes:
    """Blank paper ``rows`` dots high as a 1-byte-wide raster: 8 + rows bytes instead of a full-width image."""
    return _gs_v_0(bytes(rows), 8, rows) if rows else b""


def _dummy(width_dots: int) -> Dummy:
    """A python-escpos byte collector whose profile knows the paper width (the tests' reference path uses it)."""
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
    """Lines of text as ``GS v 0`` rasters, each only as wide as its ink (the printer centres it: ESC a 1).

    A full-width strip is mostly white: sending only the inked columns halves the slip.
    Each line is rendered to its own strip and cached: the office, the service names,
    "SỐ THỨ TỰ" and the foot repeat on every slip, so a slip renders only its number,
    queue figures and time. A strip's bytes do not depend on its neighbours, which is
    what keeps the cached slip byte-for-byte the same as a fresh one.
    """
    out: list[bytes] = []
    blank = _PAD
    for text, size, bold in rows:
        for lead, command, trail in _row_commands(text, settings.font, font_px(size, settings.width_dots), bold,
                                                  settings.width_dots):
            blank += lead  # the white between two lines' ink goes as one blank strip
            if command:
                out += (blank_rows(blank), command)
                blank = 0
            blank += trail
    out.append(blank_rows(blank + _PAD))
    return b"".join(out)


_PAD = 4  # blank dot rows above and below a block of text


def clear_caches() -> None:
    """Forget the rendered strips (a test compares a cold slip with a warm one; the benchmark times both)."""
    _row_commands.cache_clear()
    _row_strips.cache_clear()


@lru_cache(maxsize=1024)
def _row_commands(text: str, family: str, px: int, bold: bool, width: int) -> tuple[tuple[int, bytes, int], ...]:
    """``_row_strips`` as the printer takes them: (white rows above, ``GS v 0`` command or b"" if no ink, white rows
    below). A repeated row's commands are ready: a slip only joins them."""
    return tuple((lead, _gs_v_0(bits, wide, height) if height else b"", trail)
                 for lead, height, wide, bits, trail in _row_strips(text, family, px, bold, width))


@lru_cache(maxsize=1024)
def _row_strips(text: str, family: str, px: int, bold: bool,
                width: int) -> tuple[tuple[int, int, int, bytes, int], ...]:
    """One row of text, wrapped to the width: per line (white rows above, inked rows, dots wide, packed bits
    with 1 = black, white rows below).

    Each line is as wide as its ink rounded up to whole bytes, the ink centred in it, and
    only its inked rows are raster; the white above and below is counted, not sent.
    """
    font = _font(family, px, bold)
    out = []
    for line in _wrap(text, font, width - 8):
        left, _top, right, _bottom = font.getbbox(line)
        height = int(font.size) * 6 // 5  # FreeTypeFont.size is a float
        wide = min(width, max(8, int(right - left + 7) // 8 * 8))
        image = Image.new("1", (wide, height), 0)  # 0 = white here, so tobytes() is already ESC/POS's 1 = black
        ImageDraw.Draw(image).text(((wide - (right - left)) // 2 - left, 0), line, font=font, fill=1)
        ink = image.getbbox()
        if ink is None:
            out.append((height, 0, wide, b"", 0))
            continue
        inked = image.crop((0, ink[1], wide, ink[3]))
        out.append((ink[1], inked.height, wide, inked.tobytes(), height - ink[3]))
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


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR code at error correction M without its quiet zone, as rows of dark modules (``qrcode``'s own)."""
    size, rows = qr_rows(payload)
    return [[bool(row >> (size - 1 - c) & 1) for c in range(size)] for row in rows]


def qr_rows(payload: str) -> tuple[int, list[int]]:
    """The QR code at error correction M as (modules a side, one integer per row, first module highest).

    The ``qrcode`` library picks the mask by building all eight masked codes and scoring
    each with Python loops over every module, and builds its bits one ``put_bit`` call at a
    time with Reed-Solomon through a recursive polynomial class: more than the rest of the
    slip. Here what does not change per slip is computed once per QR version (``_grid``:
    the function patterns, the order data modules are filled in, the eight masks, the
    final format bits, and for versions up to 8 what each nibble of each data byte darkens,
    error correction included: ``_placements``): a slip only encodes its bits (one integer)
    and XORs two table entries a byte. Every row
    and column of the code is one big integer, so applying a mask is one XOR and each of
    ``qrcode.util.lost_point``'s four rules is a handful of shifts, ANDs and bit counts.
    The first mask with the lowest score wins, as in ``qrcode``; a test checks the matrix
    equals ``qrcode``'s own, and the slips' bytes equal the straightforward path's.
    """
    ec = qrcode.constants.ERROR_CORRECT_M
    chunks = _chunks(payload)
    version = _fit(chunks, ec)
    grid = _grid(version)
    message = _data_codewords(chunks, version, ec)
    if version <= _TABLE_VERSIONS:  # two lookups a data byte place it and its share of the error correction
        placed = 0
        for (high, low), byte in zip(_placements(version), message, strict=True):
            placed ^= high[byte >> 4] ^ low[byte & 15]
    else:
        placed = _place(_interleave(message, version, ec), grid.order)
    unmasked = grid.function_test | placed
    best = min(range(8), key=lambda m: grid.lost_points(unmasked ^ grid.masks[m]))
    data = placed ^ grid.masks[best]
    full, stride = (1 << grid.size) - 1, grid.stride
    return grid.size, [line | (data >> (r * stride)) & full for r, line in enumerate(grid.function_rows[best])]


def _chunks(payload: str) -> list[tuple[int, int, int, int]]:
    """(mode, length, value, bit count) of ``qrcode.util.optimal_data_chunks(payload, minimum=20)``.

    That splits out runs of 20 or more digits, then of QR-alphanumeric characters (a LAN status
    URL has one: ``://192.168.1.20:8080/``), and the rest is byte mode. The same splits with
    patterns compiled once and no ``QRData`` objects; the QR matrix test compares with ``qrcode``.
    """
    data = payload.encode("utf-8")
    if len(data) <= 20:  # short: the library takes the whole payload in its best single mode
        return [(c.mode, len(c), *_chunk_bits(c.mode, c.data))
                for c in qrcode.util.optimal_data_chunks(payload, minimum=20)]
    out = []
    for numeric, part in _split(data, _NUMERIC_RUN):
        if numeric:
            out.append((qrcode.util.MODE_NUMBER, len(part), *_chunk_bits(qrcode.util.MODE_NUMBER, part)))
            continue
        for alphanumeric, sub in _split(part, _ALPHANUMERIC_RUN):
            mode = qrcode.util.MODE_ALPHA_NUM if alphanumeric else qrcode.util.MODE_8BIT_BYTE
            out.append((mode, len(sub), *_chunk_bits(mode, sub)))
    return out


def _split(data: bytes, pattern: re.Pattern[bytes]) -> list[tuple[bool, bytes]]:
    """``qrcode.util._optimal_split``: the runs ``pattern`` matches and the parts between them, in order."""
    out, at = [], 0
    for match in pattern.finditer(data):
        start, end = match.span()
        if start > at:
            out.append((False, data[at:start]))
        out.append((True, data[start:end]))
        at = end
    if at < len(data):
        out.append((False, data[at:]))
    return out


# qrcode's own patterns for minimum=20, compiled once (the library builds them on every call)
_NUMERIC_RUN = re.compile(rb"\d{20,}")
_ALPHANUMERIC_RUN = re.compile(b"[" + re.escape(qrcode.util.ALPHA_NUM) + b"]{20,}")


def _chunk_bits(mode: int, data: bytes) -> tuple[int, int]:
    """(value, bit count) of what ``QRData.write`` puts in the buffer."""
    if mode == qrcode.util.MODE_NUMBER:
        value = bits = 0
        for i in range(0, len(data), 3):
            part = data[i:i + 3]
            width = qrcode.util.NUMBER_LENGTH[len(part)]
            value, bits = value << width | int(part), bits + width
        return value, bits
    if mode == qrcode.util.MODE_ALPHA_NUM:
        value = bits = 0
        find = qrcode.util.ALPHA_NUM.find
        for i in range(0, len(data), 2):
            part = data[i:i + 2]
            if len(part) > 1:
                value, bits = value << 11 | find(part[0]) * 45 + find(part[1]), bits + 11
            else:
                value, bits = value << 6 | find(part), bits + 6
        return value, bits
    return int.from_bytes(data, "big"), 8 * len(data)


def _fit(chunks: list[tuple[int, int, int, int]], ec: int) -> int:
    """``QRCode.best_fit``: the smallest version whose data capacity holds the chunks."""
    start = 1
    while True:
        sizes = qrcode.util.mode_sizes_for_version(start)
        needed = sum(4 + sizes[mode] + bits for mode, _n, _value, bits in chunks)
        version = bisect_left(qrcode.util.BIT_LIMIT_TABLE[ec], needed, start)
        if version == 41:
            raise qrcode.exceptions.DataOverflowError()
        if sizes is qrcode.util.mode_sizes_for_version(version):
            return version
        start = version


def _data_codewords(chunks: list[tuple[int, int, int, int]], version: int, ec: int) -> list[int]:
    """``qrcode.util.create_data``'s first half: the data bits padded to the version's capacity, as bytes in
    block order (``_interleave`` is the second half)."""
    value = bits = 0
    for mode, count, chunk, width in chunks:
        length = qrcode.util.length_in_bits(mode, version)
        value = ((value << 4 | mode) << length | count) << width | chunk
        bits += 4 + length + width
    limit = sum(block.data_count * 8 for block in qrcode.base.rs_blocks(version, ec))
    end = min(limit - bits, 4)  # the terminator, then zeros to a whole byte
    value, bits = value << end, bits + end
    value, bits = value << (-bits % 8), bits + (-bits % 8)
    return list(value.to_bytes(bits // 8, "big")) + [(qrcode.util.PAD0, qrcode.util.PAD1)[i % 2]
                                                     for i in range((limit - bits) // 8)]


def _interleave(data: list[int], version: int, ec: int) -> list[int]:
    """The data codewords' blocks, each with its error correction, interleaved as the code places them."""
    dcdata: list[list[int]] = []
    ecdata: list[list[int]] = []
    offset = 0
    for block in qrcode.base.rs_blocks(version, ec):
        dc = data[offset:offset + block.data_count]
        offset += block.data_count
        dcdata.append(dc)
        ecdata.append(_remainder(dc, block.total_count - block.data_count))
    out = [dc[i] for i in range(max(map(len, dcdata))) for dc in dcdata if i < len(dc)]
    return out + [e[i] for i in range(max(map(len, ecdata))) for e in ecdata if i < len(e)]


def _place(codewords: list[int], order: tuple[int, ...]) -> int:
    """The codewords' dark modules, packed: bit ``k`` of codeword ``i`` (highest first) at ``order[8 i + k]``."""
    placed, i = 0, 0
    for byte in codewords:
        if byte:
            for bit in range(8):
                if byte & (0x80 >> bit):
                    placed |= order[i + bit]
        i += 8
    return placed


_TABLE_VERSIONS = 8  # codes up to 49 modules (a status URL is version 3 to 5); a version-8 table is about 3 MB


@cache
def _placements(version: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Per data codeword (block order), for each value of its high and of its low nibble: the packed modules
    it darkens, its share of every error-correction codeword included.

    Reed-Solomon is linear: the error correction of two messages XORed is their error
    corrections XORed, and placing modules is linear too. So a slip's unmasked code is the
    XOR of one table entry per nibble of its data (two lookups a byte), instead of a shift
    register over GF(256) and a loop over every bit. Built once per version, from each data
    bit alone (``_unit_codes``); a test checks the result against ``qrcode`` on 64 payloads.
    """
    ec = qrcode.constants.ERROR_CORRECT_M
    order = _grid(version).order
    blocks = qrcode.base.rs_blocks(version, ec)
    data_counts = [block.data_count for block in blocks]
    ec_counts = [block.total_count - block.data_count for block in blocks]
    data_at = _interleaved_positions(data_counts, 0)
    ec_at = _interleaved_positions(ec_counts, sum(data_counts))
    out = []
    for b, (length, count) in enumerate(zip(data_counts, ec_counts, strict=True)):
        per_bit = []  # [bit][i]: the packed code of the block's codeword i holding only that bit
        for bit in range(8):
            value = 0x80 >> bit
            per_bit.append([
                _place([value], order[8 * data_at[b, i]:]) ^ _xor(
                    _place([byte], order[8 * ec_at[b, e]:]) for e, byte in enumerate(rem) if byte)
                for i, rem in enumerate(_unit_codes(value, length, count))])
        for i in range(length):
            bases = [per_bit[bit][i] for bit in range(8)]
            out.append((_nibble_table(bases[:4]), _nibble_table(bases[4:])))
    return tuple(out)


def _interleaved_positions(counts: list[int], start: int) -> dict[tuple[int, int], int]:
    """(block, index in block) -> position in the interleaved codewords (as ``_interleave`` orders them)."""
    at, position = {}, start
    for i in range(max(counts)):
        for b, count in enumerate(counts):
            if i < count:
                at[b, i] = position
                position += 1
    return at


def _unit_codes(value: int, length: int, count: int) -> list[list[int]]:
    """For each position i of a block of ``length`` data codewords: the error correction (``_remainder``)
    of the block that is ``value`` at i and zero elsewhere."""
    times = _generator_times(count)
    rem = list(times[value])  # ``value`` at the last position: the register after its one step
    codes = [rem]
    for _ in range(length - 1):  # one position earlier: one more step of the register over a zero byte
        factor = rem[0]
        rem = [*rem[1:], 0]
        if factor:
            rem = [a ^ b for a, b in zip(rem, times[factor], strict=True)]
        codes.append(rem)
    return codes[::-1]


def _xor(values: Iterable[int]) -> int:
    out = 0
    for value in values:
        out ^= value
    return out


def _nibble_table(bases: list[int]) -> tuple[int, ...]:
    """For each nibble 0-15, the XOR of the ``bases`` its bits select (``bases[0]`` is the nibble's 8)."""
    return tuple(_xor(base for k, base in enumerate(bases) if nibble & (8 >> k)) for nibble in range(16))


def _remainder(dc: list[int], count: int) -> list[int]:
    """Reed-Solomon: the ``count`` error-correction codewords of ``dc`` (a shift register over GF(256))."""
    times = _generator_times(count)
    rem = [0] * count
    for byte in dc:
        factor = byte ^ rem[0]
        rem = [*rem[1:], 0]
        if factor:
            rem = [a ^ b for a, b in zip(rem, times[factor], strict=True)]
    return rem


@cache
def _generator_times(count: int) -> tuple[tuple[int, ...], ...]:
    """For each byte f, f times the generator polynomial of ``count`` codewords (its leading 1 dropped)."""
    if count in qrcode.LUT.rsPoly_LUT:
        poly = list(qrcode.LUT.rsPoly_LUT[count])
    else:
        gen = qrcode.base.Polynomial([1], 0)
        for i in range(count):
            gen = gen * qrcode.base.Polynomial([1, qrcode.base.gexp(i)], 0)
        poly = list(gen)
    exp, log = qrcode.base.EXP_TABLE, qrcode.base.LOG_TABLE
    times: list[tuple[int, ...]] = [(0,) * count]
    for f in range(1, 256):
        times.append(tuple(exp[(log[f] + log[g]) % 255] if g else 0 for g in poly[1:]))
    return tuple(times)


def _bits(line: Iterable[bool | None]) -> int:
    """A row (or column) of modules as an integer, the first module in the highest bit."""
    return int("".join("1" if dark else "0" for dark in line), 2)


def _pack(lines: list[int], stride: int) -> int:
    """Lines side by side in one integer, line i at bit i * stride; the blank bit between them ends every run."""
    out = 0
    for i, line in enumerate(lines):
        out |= line << (i * stride)
    return out


@dataclass(frozen=True)
class _Grid:
    """One QR version's code read as 2n lines (n rows, then n columns) packed into one integer."""

    size: int
    stride: int
    lines: int  # every module of every line
    rows: int  # the row half
    pairs: int  # (row, column) where a 2x2 block starts: not the last row, not the last column
    starts: int  # where an 11-module pattern fits inside its line
    masks: tuple[int, ...]  # the data modules each of the eight masks flips, packed the same way
    order: tuple[int, ...]  # the data modules in the order qrcode fills them (map_data), each as its packed bits
    function_test: int  # the function patterns as qrcode scores the masks (format bits blank), packed
    function_rows: tuple[tuple[int, ...], ...]  # per mask, the rows of the final function patterns and format

    def lost_points(self, code: int) -> int:
        """``qrcode.util.lost_point``: runs of 5+ (len - 2 each), 2x2 blocks (3), finder-like (40), balance.

        The four-module products are shared: a run of five is a run of four and one more, and
        both finder-like patterns are the same 1:1:3:1:1 core with four light modules after or before it.
        """
        light = ~code & self.lines
        dark3 = code & (code >> 1) & (code >> 2)
        dark4 = dark3 & (code >> 3)
        light4 = light & (light >> 1) & (light >> 2) & (light >> 3)
        runs = 0
        for five in (dark4 & (code >> 4), light4 & (light >> 4)):  # a run of L has L - 4 of these
            runs += five.bit_count() + 2 * (five & ~(five << 1)).bit_count()  # + 2 per run
        same_across = ~(code ^ (code >> 1))
        blocks = (same_across & (same_across >> self.stride) & ~(code ^ (code >> self.stride)) & self.pairs)
        core = code & (light >> 1) & (dark3 >> 2) & (light >> 5) & (code >> 6)  # 1011101 from this bit on
        # 10111010000 and 00001011101, each inside its line (``starts``)
        finders = ((core & (light4 >> 7) & self.starts).bit_count()
                   + (light4 & (core >> 4) & self.starts).bit_count())
        dark = (code & self.rows).bit_count()
        balance = int(abs(float(dark) / (self.size**2) * 100 - 50) / 5) * 10
        return runs + 3 * blocks.bit_count() + 40 * finders + balance


@cache
def _grid(version: int) -> _Grid:
    blank = qrcode.QRCode(version=version, error_correction=qrcode.constants.ERROR_CORRECT_M)
    size = blank.modules_count = version * 4 + 17
    blank.modules = [[None] * size for _ in range(size)]
    blank.setup_position_probe_pattern(0, 0)
    blank.setup_position_probe_pattern(size - 7, 0)
    blank.setup_position_probe_pattern(0, size - 7)
    blank.setup_position_adjust_pattern()
    blank.setup_timing_pattern()
    blank.setup_type_info(True, 0)
    if version >= 7:
        blank.setup_type_number(True)
    stride, full = size + 1, (1 << size) - 1

    def packed(modules: list[list[bool | None]]) -> int:
        return _pack([_bits(row) for row in modules] + [_bits(column) for column in zip(*modules, strict=True)],
                     stride)

    function_test = packed(blank.modules)
    free = [[module is None for module in row] for row in blank.modules]
    masks = []
    for pattern in range(8):
        flips = qrcode.util.mask_func(pattern)
        masks.append(packed([[free[r][c] and flips(r, c) for c in range(size)] for r in range(size)]))
    function_rows = []
    for pattern in range(8):
        blank.setup_type_info(False, pattern)
        if version >= 7:
            blank.setup_type_number(False)
        function_rows.append(tuple(_bits(row) for row in blank.modules))
    order = []  # qrcode's map_data walk: two columns at a time, up then down, from the right
    row, step = size - 1, -1
    for col in range(size - 1, 0, -2):
        col -= 1 if col <= 6 else 0
        while 0 <= row < size:
            for c in (col, col - 1):
                if free[row][c]:
                    order.append(1 << (row * stride + size - 1 - c) | 1 << ((size + c) * stride + size - 1 - row))
            row += step
        row, step = row - step, -step
    # bit k of a line is module size - 1 - k; a pair (k, k + 1) or an 11-run from k must stay inside the line
    return _Grid(size=size, stride=stride, lines=_pack([full] * 2 * size, stride), rows=_pack([full] * size, stride),
                 pairs=_pack([full >> 1] * (size - 1), stride), starts=_pack([full >> 10] * 2 * size, stride),
                 masks=tuple(masks), order=tuple(order), function_test=function_test,
                 function_rows=tuple(function_rows))


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
