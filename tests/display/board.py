"""A hall board on a store, as the display app wires it: the window and its controller, first state shown."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from common.store import Store
from display.board_window import BoardWindow
from display.controller import DisplayController


def open_board(qtbot: QtBot, store: Store, size: tuple[int, int] = (1920, 1080)) -> tuple[BoardWindow,
                                                                                         DisplayController]:
    board = BoardWindow("Bộ phận Một cửa", ZoneInfo("Asia/Ho_Chi_Minh"), "Thông báo")
    qtbot.addWidget(board)
    board.resize(*size)
    board.show()
    controller = DisplayController(store, board, parent=board)
    with qtbot.waitSignal(board.updated, timeout=10000):
        controller.start()
    return board, controller
