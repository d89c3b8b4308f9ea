"""The hall board of a provincial centre: 4 to 32 counters on a landscape TV, a small one and a portrait one.

Geometry, not pixels: every counter's cell on its page lies inside the grid, apart from every other cell and
from the other panels, its text whole at a size read from 10 m; the pages together show every counter once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.views.board import BoardState, CallView, CounterView, WaitingView
from display.board_window import BoardWindow
from display.widgets import ACCENT, BOOKED

AT = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
STATES = ("open", "open", "break", "open", "back_office", "open", "open", "open")


def office(n: int) -> BoardState:
    """n counters: most serving, some on break, on dossiers or idle; the latest call a booking at counter 1."""
    counters = tuple(CounterView(i, f"Quầy {i}", STATES[i % 8] == "open",
                                 f"{'ABCDEFGH'[i % 8]}{100 + i}" if STATES[i % 8] == "open" and i % 5 else None,
                                 STATES[i % 8]) for i in range(1, n + 1))
    serving = [c for c in counters if c.serving]
    calls = tuple(CallView(50 - k, str(c.serving), c.number, False, AT, booked=k == 0) for k, c in enumerate(serving))
    waiting = tuple(WaitingView(f"S{i}", f"Dịch vụ {i}", "ABCDEFGH"[i], i, 600, True) for i in range(8))
    return BoardState(AT, calls, counters, waiting)


def box(widget: QWidget, board: BoardWindow) -> QRect:
    return QRect(widget.mapTo(board, widget.rect().topLeft()), widget.size())


def page_cells(board: BoardWindow) -> dict[int, tuple[QLabel, QLabel]]:
    return {n: cell for n, cell in board.counters.cells.items() if cell[1].isVisible()}


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1080, 1920)])
@pytest.mark.parametrize("n", [4, 8, 16, 32])
def test_any_number_of_counters_fits_the_board(qtbot: QtBot, size: tuple[int, int], n: int) -> None:
    board = BoardWindow("Trung tâm Phục vụ hành chính công tỉnh", ZoneInfo("Asia/Ho_Chi_Minh"), "Thông báo",
                        clock=ManualClock(AT))
    qtbot.addWidget(board)
    board.resize(*size)
    board.show()
    qtbot.waitExposed(board)
    state = office(n)
    board.apply(state)
    grid = board.counters
    qtbot.waitUntil(lambda: len(page_cells(board)) == min(n, grid.columns * grid.rows))
    assert board.latest.counter.text() == f"{BOOKED} · đến Quầy số 1"  # the booking's mark stays
    width, height = size
    legible = 0.045 * height if height < width else 0.035 * width  # portrait: the unit follows the width
    panels = [box(p, board) for p in (board.header, board.latest, board.recent, board.waiting, board.ticker)]
    inside = box(grid, board)
    assert QRect(0, 0, width, height).contains(inside)
    assert not any(inside.intersects(p) for p in panels), "the counters' grid overlaps another panel"
    seen: list[int] = []
    for _ in range(grid.pages):
        cells = page_cells(board)
        assert len(cells) <= grid.columns * grid.rows
        seen += list(cells)
        rects = []
        for name, code in cells.values():
            for lab in (name, code):
                r = box(lab, board)
                assert inside.contains(r), f"{lab.text()!r} at {r} leaves the grid {inside}"
                assert not any(r.intersects(other) for other in rects), f"{lab.text()!r} overlaps"
                rects.append(r)
                metrics = lab.fontMetrics()
                lines = lab.text().split("\n")
                assert lab.font().pixelSize() >= legible, f"{lab.text()!r}: {lab.font().pixelSize()} px"
                assert max(metrics.horizontalAdvance(line) for line in lines) <= lab.width(), f"{lab.text()!r} cut"
                assert lab.height() >= len(lines) * metrics.capHeight(), f"{lab.text()!r} squashed"
        grid.next_page()
    assert sorted(seen) == list(range(1, n + 1)), "every counter is on exactly one page"
    assert (grid.pages > 1) == (f"· 1/{grid.pages}" in grid.title.text())
    assert ACCENT in grid.cells[1][1].styleSheet()  # the latest call's counter stands out
    assert ACCENT not in grid.cells[2][1].styleSheet()


@pytest.mark.parametrize("size", [(1366, 768), (1080, 1920)])
def test_a_fresh_call_on_a_page_not_showing_comes_into_view_at_once(qtbot: QtBot, size: tuple[int, int]) -> None:
    """32 counters on several pages: a call at a counter on another page turns the grid to it at once, for a
    whole page's time, whether it comes from the change feed or from a re-read of the board."""
    board = BoardWindow("Trung tâm", ZoneInfo("Asia/Ho_Chi_Minh"), "", clock=ManualClock(AT))
    qtbot.addWidget(board)
    board.resize(*size)
    board.show()
    qtbot.waitExposed(board)
    board.apply(office(32))
    grid = board.counters
    qtbot.waitUntil(lambda: len(page_cells(board)) == min(32, grid.columns * grid.rows))
    assert grid.pages > 1 and grid.page == 0 and 1 in page_cells(board)
    last = 32  # open and serving (STATES), on the last page
    assert last not in page_cells(board)
    call = CallView(100, "A777", last, False, AT)
    board.show_call_now(call)  # the change feed's call
    assert last in page_cells(board), "the called counter's page is shown at once"
    assert grid.page == grid.pages - 1
    assert grid._pager.remainingTime() > grid.PAGE_MS - 1000  # the page stays its full time
    # the re-read that follows shows the same call: the grid stays; a newer call at counter 1 turns it back
    state = office(32)
    board.apply(BoardState(AT, (call, *state.calls), state.counters, state.waiting))
    assert last in page_cells(board)
    board.apply(BoardState(AT, (CallView(101, "B888", 1, False, AT), call, *state.calls), state.counters,
                           state.waiting))
    assert grid.page == 0 and 1 in page_cells(board), "a re-read's new call is brought into view too"
