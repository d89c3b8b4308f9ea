"""The check-in screen's geometry on upright and landscape panels: the code right above its keypad, big keys.

An upright kiosk (768×1366, 800×1280, 1080×1920) once showed a blank band of a quarter of the screen
between the code and the keypad, the keys squeezed into 8 narrow columns at the bottom. Measured here,
not on pixels: the order title → code → message → keys → buttons, the gaps between them, the keys'
size (at least 15 mm, and wider upright), and nothing clipped or overlapping (tests/kiosk/fit.py).
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from common.core.bookings import CODE_ALPHABET
from common.store import Store
from kiosk.checkin import KEY_ASPECT, PORTRAIT_COLUMNS
from kiosk.window import KioskWindow
from tests.kiosk.conftest import MakeWindow
from tests.kiosk.fit import MIN_TARGET_PX, problems, rect_in

PORTRAIT = [(768, 1366), (800, 1280), (1080, 1920)]
LANDSCAPE = [(1366, 768), (1280, 800), (1920, 1080), (1024, 768)]


def open_checkin(qtbot: QtBot, window: KioskWindow, size: tuple[int, int]) -> None:
    window.resize(*size)
    window.open_checkin()
    for ch in "K7MP":
        window.checkin.keys[ch].click()
    window.checkin.show_message("Không tìm thấy lịch hẹn K7MPX4QD")
    QApplication.processEvents()
    window.grab()  # laid out and painted, as the panel would
    QApplication.processEvents()
    qtbot.waitUntil(lambda: not window._refit_pending, timeout=5000)


def top(w: QWidget, window: QWidget) -> int:
    return rect_in(w, window).top()


def bottom(w: QWidget, window: QWidget) -> int:
    return rect_in(w, window).bottom()


@pytest.mark.parametrize("size", PORTRAIT + LANDSCAPE, ids=[f"{w}x{h}" for w, h in PORTRAIT + LANDSCAPE])
def test_the_code_sits_right_above_big_keys(
    qtbot: QtBot, store: Store, make_window: MakeWindow, size: tuple[int, int]
) -> None:
    window = make_window(store)
    open_checkin(qtbot, window, size)
    screen = window.checkin
    assert window.stack.currentWidget() is screen
    assert not problems(window), "\n".join(problems(window))
    width, height = size
    keys = [screen.keys[ch] for ch in CODE_ALPHABET]
    first_row = min(top(k, window) for k in keys)
    last_row = max(bottom(k, window) for k in keys)
    buttons = (screen.cancel, screen.erase, screen.confirm)
    # top to bottom: title, code, the refusal line, the keys, the buttons
    assert bottom(screen.title, window) <= top(screen.code, window)
    assert bottom(screen.code, window) <= top(screen.message, window)
    assert bottom(screen.message, window) <= first_row
    assert all(last_row <= top(b, window) for b in buttons)
    # no blank band: the code, its message and the keys are one block; the buttons follow the keys
    assert first_row - bottom(screen.code, window) <= screen.message.height() + 0.04 * height, (
        f"{first_row - bottom(screen.code, window)} px between the code and the keys"
    )
    assert min(top(b, window) for b in buttons) - last_row <= 0.03 * height
    # every target 15 mm or more, the keys as wide as the panel allows, key-shaped
    for w in (*keys, *buttons):
        assert min(w.width(), w.height()) >= MIN_TARGET_PX, f"{w.text()} is {w.width()}x{w.height()}"
    key = screen.keys["A"]
    assert key.height() <= max(KEY_ASPECT * key.width() + 2, 1.05 * key.minimumSizeHint().height())
    if height > width:
        assert screen.columns == PORTRAIT_COLUMNS
        assert key.width() >= 0.12 * width, "upright, the keys take six to a row"
        # the block is centred, not pinned: the room above the title and below the buttons differ little
        above = top(screen.title, window) - bottom(window.header, window)
        below = height - max(bottom(b, window) for b in buttons)
        assert abs(above - below) <= 0.06 * height, (above, below)
