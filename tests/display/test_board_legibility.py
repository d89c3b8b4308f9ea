"""The hall board read from 10 m, measured on the rendered window at three screen sizes.

Every text is at least 4.5% of the screen height and the latest call at least 15%; every text has a
contrast of at least 7:1 against what is behind it (WCAG AAA), measured on the window's own pixels:
the commonest colour in a label's box is its background, the pixel farthest from it is its ink.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtGui import QColor, QFontMetrics, QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from common.core import glossary
from common.core.clock import ManualClock
from common.views.board import BoardState, CallView, CounterView, WaitingView
from display.board_window import BoardWindow
from display.widgets import FLASH_ON, px_font, wrap_name

AT = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
SERVICES = ("Tư pháp – Hộ tịch", "Chứng thực bản sao", "Đất đai", "Kế hoạch và Đầu tư", "Xây dựng",
            "Lao động – Thương binh và Xã hội", "Bảo hiểm xã hội", "Công an")


def busy_office() -> BoardState:
    """Eight counters (on break, on dossiers, idle), a recall among the calls, eight services."""
    calls = (CallView(9, "A023", 3, True, AT), CallView(8, "B014", 2, False, AT), CallView(7, "A023", 3, False, AT),
             CallView(6, "D007", 5, False, AT), CallView(5, "A022", 1, False, AT), CallView(4, "C101", 4, False, AT))
    counters = tuple(
        CounterView(n, f"Quầy {n}", state == "open", code, state)
        for n, state, code in ((1, "open", "A022"), (2, "open", "B014"), (3, "open", "A023"), (4, "open", "C101"),
                               (5, "open", "D007"), (6, "break", None), (7, "back_office", None),
                               (8, "open", None)))
    waiting = tuple(WaitingView(f"S{i}", name, "ABCDEFGH"[i], 3 * i + 1, 600, True)
                    for i, name in enumerate(SERVICES))
    return BoardState(AT, calls, counters, waiting)


def luminance(c: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def measured_contrast(image: QImage, label: QLabel, board: BoardWindow) -> float:
    box = label.rect().translated(label.mapTo(board, label.rect().topLeft()))
    pixels = [image.pixelColor(x, y) for y in range(box.top(), box.bottom(), 2) for x in range(box.left(),
                                                                                             box.right(), 2)]
    background = Counter(p.rgb() for p in pixels).most_common(1)[0][0]
    bg = QColor.fromRgb(background)
    return max(contrast(p, bg) for p in pixels)


def texts(board: BoardWindow) -> list[QLabel]:
    return [w for w in board.findChildren(QLabel) if w.isVisible() and w.text().strip()]


# A branch of a provincial centre: the longest kind of name a hall shows (it read "Trung tâm Phục vụ hành
# chính cô…" at 1280×800 when the name was cut to one line).
LONG_NAME = "Trung tâm Phục vụ hành chính công tỉnh Đồng Nai – Chi nhánh Biên Hòa"


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1280, 800), (3840, 2160)])
def test_every_text_is_large_and_contrasted(qtbot: QtBot, size: tuple[int, int]) -> None:
    board = BoardWindow(LONG_NAME, ZoneInfo("Asia/Ho_Chi_Minh"),
                        "Công dân vui lòng giữ phiếu số thứ tự", clock=ManualClock(AT))
    qtbot.addWidget(board)
    board.resize(*size)
    board.show()
    qtbot.waitExposed(board)
    board.apply(busy_office())
    # Labels made for the new counters and services are shown on the next turn of the event loop.
    qtbot.waitUntil(lambda: len(texts(board)) == 51)  # 3 header, 4 titles, 2 latest, 16 + 10 + 16
    height = size[1]
    image = board.grab().toImage()
    shown = texts(board)
    for lab in shown:
        px = lab.font().pixelSize()
        assert px >= 0.045 * height, f"{lab.text()!r} is {px} px on a {height} px screen"
        assert lab.height() >= lab.fontMetrics().capHeight(), f"{lab.text()!r} is squashed"
        ratio = measured_contrast(image, lab, board)
        assert ratio >= 7, f"{lab.text()!r}: contrast {ratio:.1f}:1"
    assert board.latest.ticket.font().pixelSize() >= 0.15 * height
    # The office's name whole, on at most two lines that each fit, with room for both.
    name = board.header.name
    lines = name.lines()
    assert " ".join(lines) == LONG_NAME and len(lines) <= 2
    assert all(name.fontMetrics().horizontalAdvance(line) <= name.width() for line in lines)
    assert name.height() >= len(lines) * name.fontMetrics().height(), f"{lines} cut short"
    assert not name.geometry().intersects(board.header.date.geometry())
    assert not name.geometry().intersects(board.header.time.geometry())
    assert board.ticker._font.pixelSize() >= 0.045 * height
    # One row per ticket in "Vừa gọi", the recall marked; the break reads as on the counter.
    recent = [t.text() for t, _ in board.recent.rows if t.text()]
    assert recent == ["A023", "B014", "D007", "A022", "C101"]
    assert board.recent.rows[0][1].text() == f"{glossary.RECALL} · Quầy 3"
    words = {n: " ".join(code.text().split()) for n, (_, code) in board.counters.cells.items()}  # maybe 2 lines
    assert words[6] == glossary.COUNTER_STATE[glossary.CounterState.BREAK]
    assert words[7] == glossary.COUNTER_STATE[glossary.CounterState.BACK_OFFICE]
    assert words[8] == glossary.IDLE  # open, nobody called: a word, not a dash
    # Each counter's words fit its column of four with a gap of 1% of the screen's width: they never run
    # into the next one ("Tạm nghỉĐóng" at 3840×2160 before the words took the smaller size).
    column, gap = board.counters.width() / board.counters.columns, 0.01 * size[0]
    for name, code in board.counters.cells.values():
        for lab in (name, code):
            metrics = lab.fontMetrics()
            width = max(metrics.horizontalAdvance(word) for word in lab.text().split())
            assert width <= column - gap, f"{lab.text()!r} is {width} px in a {column:.0f} px column"
            lines = 1 if metrics.horizontalAdvance(lab.text()) <= lab.width() else 2  # wrapped at a space
            assert lab.height() >= lines * metrics.capHeight(), f"{lab.text()!r}: {lines} lines cut short"


def test_a_name_breaks_where_it_reads_well(qtbot: QtBot) -> None:
    """After a dash, else before the place, never inside a proper name when another break fits."""
    metrics = QFontMetrics(px_font(36, bold=True))

    def wrapped(text: str, width: int) -> list[str]:
        return wrap_name(text, metrics, width)

    def width_of(text: str) -> int:
        return metrics.horizontalAdvance(text)

    assert wrapped("Bộ phận Một cửa", 2000) == ["Bộ phận Một cửa"]
    commune = "UBND xã Tân Phú – Bộ phận Tiếp nhận và Trả kết quả"
    assert wrapped(commune, width_of(commune) - 1) == ["UBND xã Tân Phú –", "Bộ phận Tiếp nhận và Trả kết quả"]
    # too narrow for "… Đồng Nai –" on the first line: the break comes before the province
    lines = wrapped(LONG_NAME, max(width_of("Trung tâm Phục vụ hành chính công"),
                                   width_of("tỉnh Đồng Nai – Chi nhánh Biên Hòa")) + 2)
    assert lines == ["Trung tâm Phục vụ hành chính công", "tỉnh Đồng Nai – Chi nhánh Biên Hòa"]
    # no dash and no place word: two lines, but not "… Biên" / "Hòa" (where filling the first line would break)
    name = "Bộ phận Một cửa Biên Hòa"
    lines = wrapped(name, width_of("Bộ phận Một cửa Biên") + 2)
    assert len(lines) == 2 and " ".join(lines) == name and lines[0].split()[-1] != "Biên"
    # three lines when two do not fit; "…" only for a word wider than the line
    narrow = width_of("Trung tâm Phục vụ")
    lines = wrapped(LONG_NAME, narrow)
    assert 2 < len(lines) <= 3 and not any("…" in line for line in lines[:-1])
    assert wrapped("Supercalifragilistic", width_of("Super"))[0].endswith("…")


def test_the_flash_keeps_its_contrast(qtbot: QtBot) -> None:
    board = BoardWindow("motcua", ZoneInfo("Asia/Ho_Chi_Minh"), "", clock=ManualClock(AT))
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    board.show()
    board.apply(busy_office())
    board.latest.setStyleSheet(f"LatestCall {{ background: {FLASH_ON}; border-radius: 12px; }}")
    image = board.grab().toImage()
    for lab in (board.latest.ticket, board.latest.counter, board.latest.title):
        assert measured_contrast(image, lab, board) >= 7


def test_idle_board_says_so_in_words(qtbot: QtBot) -> None:
    board = BoardWindow("motcua", ZoneInfo("Asia/Ho_Chi_Minh"), "", clock=ManualClock(AT))
    qtbot.addWidget(board)
    board.resize(1366, 768)
    board.show()
    board.apply(BoardState(AT, (), busy_office().counters, busy_office().waiting))
    assert board.latest.ticket.text() == glossary.NO_CALL_YET
    assert board.recent.rows[0][0].text() == glossary.NO_CALL_YET


def test_the_board_clock_ticks_on_the_injected_clock(qtbot: QtBot) -> None:
    clock = ManualClock(AT)
    board = BoardWindow("motcua", ZoneInfo("Asia/Ho_Chi_Minh"), "", clock=clock)
    qtbot.addWidget(board)
    assert board.header.time.text() == "09:30"
    clock.advance(20 * 60)
    qtbot.waitUntil(lambda: board.header.time.text() == "09:50", timeout=5000)


def test_with_two_counters_the_words_keep_one_line(qtbot: QtBot) -> None:
    board = BoardWindow("motcua", ZoneInfo("Asia/Ho_Chi_Minh"), "", clock=ManualClock(AT))
    qtbot.addWidget(board)
    board.resize(1366, 768)
    board.show()
    qtbot.waitExposed(board)
    office = busy_office()
    board.apply(BoardState(AT, (), office.counters[6:8], office.waiting[:4]))  # on dossiers, idle
    qtbot.waitUntil(lambda: [code.text() for _, code in board.counters.cells.values()] == [
        glossary.COUNTER_STATE[glossary.CounterState.BACK_OFFICE], glossary.IDLE])  # the grid has two columns
