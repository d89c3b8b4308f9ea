"""The slip the citizen keeps: everything they need on 80 and 58 mm, readable in both text modes, cheap to lay out."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from random import Random
from zoneinfo import ZoneInfo

import pytest
import qrcode
from PIL import Image

from common.devices import ticket_layout
from common.devices.printing import PrinterSettings
from common.devices.ticket_layout import COLUMNS, Slip, _row_strips, cp1258_text, font_px, qr_matrix, ticket_bytes
from tests.common.slip_reference import full_width_picture, picture, reference_bytes

WHEN = datetime(2026, 3, 2, 9, 41, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LONG_OFFICE = "Trung tâm Phục vụ hành chính công tỉnh Bà Rịa – Vũng Tàu"  # 52+ characters: must wrap


def slip(**kw: object) -> Slip:
    values: dict[str, object] = dict(
        office=LONG_OFFICE, service="Đăng ký kinh doanh và đầu tư", code="A023", priority="Người cao tuổi",
        people_ahead=4, wait_minutes=21, issued=WHEN, qr="http://192.168.1.20:8080/t/abc123",
        counters=(1, 2, 8), hotline="1900 1234")
    values.update(kw)
    return Slip(**values)  # type: ignore[arg-type]


def codepage_lines(data: bytes) -> list[bytes]:
    """The printed text lines of a codepage job, commands stripped."""
    text = re.sub(rb"\x1d\(k..[^\x1d]*", b"", data, flags=re.S)  # the native QR
    text = re.sub(rb"\x1d!.|\x1bE.|\x1ba.|\x1bt.|\x1b@|\x1dV.", b"", text, flags=re.S)
    return [line for line in text.split(b"\n") if line.strip()]


def test_the_slip_says_everything_the_citizen_needs() -> None:
    words = [text for text, _, _ in slip().lines() + slip().foot()]
    for needed in (LONG_OFFICE, "Đăng ký kinh doanh và đầu tư", "SỐ THỨ TỰ", "A023", "Ưu tiên: Người cao tuổi",
                   "Mời đến quầy 1, 2, 8", "Số người chờ trước bạn: 4", "Thời gian chờ dự kiến: khoảng 21 phút",
                   "Giờ lấy số: 09:41  02/03/2026", "Quét mã QR để theo dõi lượt của bạn",
                   "Vé chỉ có giá trị trong ngày", "Hỗ trợ: 1900 1234"):
        assert needed in words
    assert not any(text.startswith("Hỗ trợ") for text, _, _ in slip(hotline="").foot())  # optional


@pytest.mark.parametrize("paper", [80, 58])
def test_detail_text_is_at_least_24_dots_high(paper: int) -> None:
    settings = PrinterSettings(paper_mm=paper)
    line = "Thời gian chờ dự kiến: khoảng 21 phút"  # tone marks above, descenders below
    size = next(size for text, size, _ in slip().lines() if text == line)
    strips = _row_strips(line, settings.font, font_px(size, settings.width_dots), False, settings.width_dots)
    for _lead, rows, wide, bits, _trail in strips:
        ink = Image.frombytes("1", (wide, rows), bits).getbbox()
        assert ink is not None and ink[3] - ink[1] >= 24


@pytest.mark.parametrize("paper", [80, 58])
def test_codepage_mode_resets_sizes_wraps_and_sends_precomposed_letters(paper: int) -> None:
    data = ticket_bytes(slip(), PrinterSettings(paper_mm=paper, text_mode="codepage"))
    big = data.index(b"A023")
    assert data.rfind(b"\x1d!\x33", 0, big) > data.rfind(b"\n", 0, big)  # 4x set just for the number
    after = data[big:]
    assert after.index(b"\n") < after.index(b"\x1d!\x00") < after.index(cp1258_text("Ưu tiên").encode("cp1258"))
    for line in codepage_lines(data):
        printed = len(line.decode("cp1258").replace("\u0301", "").replace("\u0300", "").replace("\u0303", "")
                      .replace("\u0309", "").replace("\u0323", ""))
        assert printed <= COLUMNS[paper]
    # á is in CP1258 as one byte; ế is ê + a combining acute; nothing falls back to "?"
    assert "á".encode("cp1258") in cp1258_text("á").encode("cp1258")
    assert cp1258_text("ế").encode("cp1258") == b"\xea\xec"
    assert cp1258_text("Số thứ tự").encode("cp1258").count(b"?") == 0
    assert b"?" not in b"".join(codepage_lines(data)).replace(b"http", b"")


def test_sos_thu_tu_is_not_double_height() -> None:
    data = ticket_bytes(slip(), PrinterSettings(text_mode="codepage"))
    label = data.index(cp1258_text("SỐ THỨ TỰ").encode("cp1258"))
    assert data.rfind(b"\x1d!", 0, label) == data.rfind(b"\x1d!\x00", 0, label)


def test_native_qr_uses_error_correction_m() -> None:
    data = ticket_bytes(slip(), PrinterSettings())
    assert b"\x1d(k\x03\x001E1" in data  # GS ( k fn 169 n = 49: level M


def test_raster_qr_uses_error_correction_m() -> None:
    matrix = qr_matrix("http://192.168.1.20:8080/t/abc123")
    # format bits 14 and 13 sit at row 8, columns 0 and 1: level M XOR the format mask gives dark, light
    assert matrix[8][0] and not matrix[8][1]


@pytest.mark.parametrize(("paper", "qr"), [(80, "native"), (58, "native"), (80, "raster"), (58, "raster")])
def test_cached_slips_are_byte_for_byte_the_fresh_ones(paper: int, qr: str) -> None:
    settings = PrinterSettings(paper_mm=paper, qr_mode=qr)
    first, second = slip(), slip(code="A024", people_ahead=5, service="Hộ tịch", priority=None)
    ticket_layout.clear_caches()
    fresh = [ticket_bytes(first, settings)]
    ticket_layout.clear_caches()
    fresh.append(ticket_bytes(second, settings))
    assert fresh[0] != fresh[1]
    ticket_layout.clear_caches()
    warm = [ticket_bytes(first, settings), ticket_bytes(second, settings), ticket_bytes(first, settings)]
    assert warm == [fresh[0], fresh[1], fresh[0]]
    assert ticket_layout._row_commands.cache_info().hits > 0  # the second and third slips did use the cache


MODES = [(paper, text, qr) for paper in (80, 58) for text in ("image", "codepage") for qr in ("native", "raster")]


@pytest.mark.parametrize(("paper", "text", "qr"), MODES)
def test_fast_slips_are_byte_for_byte_the_straightforward_ones(paper: int, text: str, qr: str) -> None:
    """Golden bytes from the uncached PIL-and-python-escpos path; the fast path warm and cold must equal them."""
    settings = PrinterSettings(paper_mm=paper, text_mode=text, qr_mode=qr)
    slips = [slip(code=f"{'ABCD'[i % 4]}{i:03d}", people_ahead=i, wait_minutes=i * 3 + 1,
                  qr=f"http://192.168.1.20:8080/t/{secrets.token_urlsafe(16)}",
                  priority=None if i % 3 else "Người khuyết tật", hotline="" if i % 2 else "1900 1234",
                  service=("Hộ tịch", "Đăng ký kinh doanh và đầu tư", "Đất đai")[i % 3]) for i in range(12)]
    slips.append(slip(qr="x" * 300))  # a long payload: a larger QR version
    ticket_layout.clear_caches()
    for one in slips:
        assert ticket_bytes(one, settings) == reference_bytes(one, settings)


def test_the_qr_matrix_is_qrcodes_own_with_its_chosen_mask() -> None:
    """The integer mask scoring picks what qrcode.util.lost_point picks, for short, long and odd payloads."""
    random = Random(13)
    payloads = ["", "A", "http://192.168.1.20:8080/t/abc123", "https://motcua.example.gov.vn/t/" + "z" * 150]
    payloads += [secrets.token_urlsafe(random.choice([4, 16, 22, 60, 200])) for _ in range(60)]
    # runs of digits and of upper-case letters: qrcode's numeric and alphanumeric segments, and large versions
    payloads += ["http://x/t/" + "1234567890" * 4 + "7", "HTTP://MOTCUA.GOV.VN/T/" + "ABC123" * 7 + "$",
                 "1" * 41, "A" * 22 + "b" + "9" * 23, "x" * 600, "9" * 900]
    masks = set()
    for payload in payloads:
        code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
        code.add_data(payload)
        code.make()
        assert qr_matrix(payload) == [[bool(dark) for dark in row] for row in code.modules], payload
        masks.add(code.best_mask_pattern())
    assert len(masks) >= 4  # the payloads exercised several masks, not one lucky default


@pytest.mark.parametrize(("paper", "limit"), [(80, 24_000), (58, 19_000)])
def test_the_image_slip_sends_only_its_ink(paper: int, limit: int) -> None:
    """Every raster is as narrow as its ink: the 80 mm slip was 42 KB when each line was full width."""
    data = ticket_bytes(slip(), PrinterSettings(paper_mm=paper))
    assert len(data) < limit
    widths = [int.from_bytes(m.group(1), "little") for m in re.finditer(rb"\x1dv0\x00(..)", data, flags=re.S)]
    assert max(widths) * 8 <= PrinterSettings(paper_mm=paper).width_dots
    assert min(widths) == 1  # blank paper goes as a one-byte-wide strip


@pytest.mark.parametrize("paper", [80, 58])
def test_the_trimmed_slip_prints_what_the_full_width_one_did(paper: int) -> None:
    """Decoded from the bytes, the trimmed slip is as tall as the full-width one and has every black dot of it,
    each at most 4 dots to the side (a strip is centred in whole bytes)."""
    settings = PrinterSettings(paper_mm=paper, qr_mode="raster")
    one = slip()
    printed = picture(ticket_bytes(one, settings), settings.width_dots)
    before = full_width_picture(one, settings)
    assert printed.size == before.size
    ink = [sum(1 for x in range(page.width) if page.getpixel((x, y))) for page in (printed, before)
           for y in range(page.height)]
    assert ink[:printed.height] == ink[printed.height:]  # row by row, the same number of black dots
    for y in range(0, printed.height, 7):
        row_now = [x for x in range(printed.width) if printed.getpixel((x, y))]
        row_then = [x for x in range(before.width) if before.getpixel((x, y))]
        if row_now:
            assert abs(row_now[0] - row_then[0]) <= 4


def test_every_tabled_qr_version_is_qrcodes_own() -> None:
    """Versions 1-8 are built from per-nibble tables (Reed-Solomon is linear), larger ones by the shift register:
    both equal ``qrcode``'s code, multi-block versions and a LAN status URL (an alphanumeric run) included."""
    random = Random(19)
    versions = set()
    for length in range(0, 160, 4):
        for payload in ("x" * length, "http://192.168.1.20:8080/t/" + secrets.token_urlsafe(16)[:length]
                        + "".join(random.choice("ABC123-_xyz") for _ in range(length // 2))):
            code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
            code.add_data(payload)
            code.make()
            assert qr_matrix(payload) == [[bool(dark) for dark in row] for row in code.modules], payload
            versions.add(code.version)
    assert set(range(1, ticket_layout._TABLE_VERSIONS + 2)) <= versions
