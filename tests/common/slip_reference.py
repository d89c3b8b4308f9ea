"""The slip laid out the straightforward way: no caches, PIL images all the way, python-escpos's own QR.

The layout in common/devices/ticket_layout.py caches strips, packs the QR's matrix
itself and scores its masks on integers. This is the slow path it must equal byte
for byte (tests/common/test_slip.py), written without any of those shortcuts.
"""

from __future__ import annotations

import qrcode
from escpos.constants import QR_ECLEVEL_M
from PIL import Image, ImageDraw, ImageFont, ImageOps

from common.devices import ticket_layout as layout
from common.devices.printing import PrinterSettings
from common.devices.ticket_layout import Slip


def reference_bytes(slip: Slip, settings: PrinterSettings) -> bytes:
    if settings.text_mode == "image":
        top = b"\x1ba\x01" + _text(slip.lines(), settings)
        foot = _text(slip.foot(), settings)
    else:
        top = layout._codepage_bytes(slip.lines(), settings.paper_mm)
        foot = layout._codepage_bytes(slip.foot(), settings.paper_mm)
    return b"".join((b"\x1b@", top, b"\x1ba\x01", _qr(slip.qr, settings), foot, b"\x1ba\x00",
                     b"\n" * 6 + b"\x1dV\x00"))


def _raster(image: Image.Image) -> bytes:
    """GS v 0 of a 1-bit image (1 = black after inversion), split every 960 rows like the layout."""
    out, row_bytes = b"", image.width // 8
    for top in range(0, image.height, 960):
        part = image.crop((0, top, image.width, min(image.height, top + 960)))
        out += (b"\x1dv0\x00" + row_bytes.to_bytes(2, "little") + part.height.to_bytes(2, "little")
                + part.tobytes())
    return out


def _blank(rows: int) -> bytes:
    return _raster(Image.new("1", (8, rows), 0)) if rows else b""


def _text(rows: list[tuple[str, int, bool]], settings: PrinterSettings) -> bytes:
    out, blank = b"", 4
    for text, size, bold in rows:
        font = ImageFont.truetype(layout.font_file(settings.font, bold), layout.font_px(size, settings.width_dots))
        for line in layout._wrap(text, font, settings.width_dots - 8):
            left, _, right, _ = font.getbbox(line)
            wide = min(settings.width_dots, max(8, -(-(right - left) // 8) * 8))
            image = Image.new("1", (wide, int(font.size) * 6 // 5), 0)
            ImageDraw.Draw(image).text(((wide - (right - left)) // 2 - left, 0), line, font=font, fill=1)
            ink = image.getbbox()
            if ink is None:
                blank += image.height
                continue
            out += _blank(blank + ink[1]) + _raster(image.crop((0, ink[1], wide, ink[3])))
            blank = image.height - ink[3]
    return out + _blank(blank + 4)


def _qr(payload: str, settings: PrinterSettings) -> bytes:
    module = 8 if settings.paper_mm == 80 else 6
    if settings.qr_mode == "native":
        printer = layout._dummy(settings.width_dots)
        printer.qr(payload, ec=QR_ECLEVEL_M, native=True, size=module)
        return bytes(printer.output)
    probe = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    probe.add_data(payload)
    probe.make()
    box = max(2, settings.width_dots // 2 // (probe.modules_count + 4))
    code = qrcode.QRCode(border=0, box_size=box, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    picture = ImageOps.invert(code.make_image().get_image().convert("L")).convert("1")
    wide = -(-picture.width // 8) * 8
    canvas = Image.new("1", (wide, picture.height), 0)
    canvas.paste(picture, ((wide - picture.width) // 2, 0))
    return _blank(2 * box) + _raster(canvas) + _blank(2 * box)


def picture(data: bytes, width: int) -> Image.Image:
    """What the printer draws from a job's ``GS v 0`` rasters, each centred on the paper (``ESC a 1``), stacked.

    Only the rasters: a native QR or codepage text is not drawn. 1 = black, as in the job.
    """
    strips, i = [], 0
    while (i := data.find(b"\x1dv0", i)) >= 0:
        row_bytes, rows = int.from_bytes(data[i + 4:i + 6], "little"), int.from_bytes(data[i + 6:i + 8], "little")
        strips.append(Image.frombytes("1", (row_bytes * 8, rows), data[i + 8:i + 8 + row_bytes * rows]))
        i += 8 + row_bytes * rows
    page = Image.new("1", (width, sum(s.height for s in strips)), 0)
    top = 0
    for strip in strips:
        page.paste(strip, ((width - strip.width) // 2, top))
        top += strip.height
    return page


def full_width_picture(slip: Slip, settings: PrinterSettings) -> Image.Image:
    """The slip as the kiosk branch drew it: every line a full-width strip, the QR on a full-width canvas."""
    blocks = []
    for rows in (slip.lines(), slip.foot()):
        lines = [Image.new("1", (settings.width_dots, 4), 0)]
        for text, size, bold in rows:
            font = ImageFont.truetype(layout.font_file(settings.font, bold), layout.font_px(size, settings.width_dots))
            for line in layout._wrap(text, font, settings.width_dots - 8):
                left, _, right, _ = font.getbbox(line)
                image = Image.new("1", (settings.width_dots, int(font.size) * 6 // 5), 0)
                ImageDraw.Draw(image).text(((settings.width_dots - (right - left)) // 2 - left, 0), line, font=font,
                                           fill=1)
                lines.append(image)
        lines.append(Image.new("1", (settings.width_dots, 4), 0))
        blocks.append(lines)
    code = qrcode.QRCode(border=2, box_size=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(slip.qr)
    matrix = code.get_matrix()
    box = max(2, settings.width_dots // 2 // len(matrix))
    qr = Image.new("1", (settings.width_dots, box * len(matrix)), 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x = (settings.width_dots - box * len(matrix)) // 2 + c * box
                qr.paste(1, (x, r * box, x + box, (r + 1) * box))
    parts = blocks[0] + [qr] + blocks[1]
    page = Image.new("1", (settings.width_dots, sum(p.height for p in parts)), 0)
    top = 0
    for part in parts:
        page.paste(part, (0, top))
        top += part.height
    return page
