"""The hall board says "Chưa có quầy mở" for a service no counter serves now, as the kiosk, slip and phone do.

A service whose counters are all closed still takes tickets, but its queue does not move: the board
dims its tile and names it on one line under the tiles, in the kiosk's words, at every screen shape,
whole and inside the panel. When a counter opens for it, the line goes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.core.estimate import NO_COUNTER_SHORT
from common.store import Store
from common.views.board import BoardState, CounterView, WaitingView
from display.board_window import BoardWindow
from display.widgets import ACCENT, DIM
from tests.display.board import open_board

AT = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
PHRASE = NO_COUNTER_SHORT[0]


def box(widget: QWidget, board: QWidget) -> QRect:
    return QRect(widget.mapTo(board, widget.rect().topLeft()), widget.size())


def state(unstaffed: set[str]) -> BoardState:
    counters = tuple(CounterView(n, f"Quầy {n}", True, None) for n in range(1, 9))
    waiting = tuple(
        WaitingView(f"S{i}", f"Dịch vụ {i}", p, i + 2, 600, True, p not in unstaffed) for i, p in enumerate("ABCDEFGH")
    )
    return BoardState(AT, (), counters, waiting)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (1080, 1920), (768, 1366)])
@pytest.mark.parametrize("unstaffed", [{"C"}, {"B", "C", "E", "G"}, set("ABCDEFGH")])
def test_the_board_names_the_services_without_a_counter_and_it_fits(
    qtbot: QtBot, size: tuple[int, int], unstaffed: set[str]
) -> None:
    board = BoardWindow("Bộ phận Một cửa", ZoneInfo("Asia/Ho_Chi_Minh"), "", clock=ManualClock(AT))
    qtbot.addWidget(board)
    board.resize(*size)
    board.show()
    qtbot.waitExposed(board)
    board.apply(state(unstaffed))
    line = board.waiting.unstaffed
    board.grab()  # laid out and painted, as on the TV
    QApplication.processEvents()
    assert line.isVisible()
    assert line.text() == f"{PHRASE}: {', '.join(sorted(unstaffed))}"
    # whole: inside its panel and the window, every line of its wrapped text within the label's height
    panel = box(board.waiting, board)
    r = box(line, board)
    assert panel.contains(r), f"{r} leaves the waiting panel {panel}"
    metrics = line.fontMetrics()
    flags = int(line.alignment().value) | Qt.TextFlag.TextWordWrap.value
    needed = metrics.boundingRect(QRect(0, 0, line.width(), 10_000), flags, line.text())
    lines = max(1, round(needed.height() / metrics.lineSpacing()))
    assert line.height() >= lines * metrics.height(), f"{line.text()!r}: {lines} lines in {line.height()} px"
    assert needed.width() <= line.width()
    # as legible as every other text on the board (4.5 % of the height; of 0.8 × the width upright)
    unit = (size[0] * 0.8 if size[1] > size[0] else size[1]) / 100
    assert line.font().pixelSize() >= 4.5 * unit
    # nothing else of the panel is pushed onto it
    for name, count in board.waiting.rows:
        for lab in (name, count):
            assert not box(lab, board).intersects(r), f"tile {lab.text()!r} under the line"
    # the services without a counter are dimmed, the others keep their colours
    for (_name, count), svc in zip(board.waiting.rows, board.state.waiting, strict=True):  # type: ignore[union-attr]
        assert (DIM in count.styleSheet()) == (svc.prefix in unstaffed)
        assert (ACCENT in count.styleSheet()) == (svc.prefix not in unstaffed)


def test_a_fully_staffed_hall_shows_no_line(qtbot: QtBot) -> None:
    board = BoardWindow("Bộ phận Một cửa", ZoneInfo("Asia/Ho_Chi_Minh"), "", clock=ManualClock(AT))
    qtbot.addWidget(board)
    board.resize(1366, 768)
    board.show()
    board.apply(state(set()))
    assert not board.waiting.unstaffed.isVisible() and board.waiting.unstaffed.text() == ""


def test_the_line_follows_the_counters_on_a_real_store(qtbot: QtBot, store: Store) -> None:
    """08:00, nobody signed in: every service is named. Lan opens counter 1 (TP, CT): those two leave the line."""
    store.issue_ticket("TP")
    board, controller = open_board(qtbot, store, (1366, 768))
    line = board.waiting.unstaffed
    prefix = {v.service: v.prefix for v in board.state.waiting}  # type: ignore[union-attr]
    assert line.isVisible() and line.text().startswith(f"{PHRASE}: ")
    assert prefix["TP"] in line.text().split(": ")[1].split(", ")
    store.sign_in(1, "lan")
    qtbot.waitUntil(lambda: prefix["TP"] not in line.text().split(": ")[1].split(", "), timeout=10000)
    assert prefix["CT"] not in line.text().split(": ")[1].split(", ")
    assert prefix["DD"] in line.text().split(": ")[1].split(", ")  # counter 3 is still closed
    controller.stop()
