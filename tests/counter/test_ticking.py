"""The counter stays true in a quiet hour: waits count up on the window's own timer, with no store read."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from common.core import glossary
from common.core.clock import ManualClock
from common.store import Store
from tests.counter.conftest import WAIT_MS, WindowFactory, act, sign_in


def test_queue_waits_and_the_call_age_move_without_a_read(qtbot: QtBot, clerks: Store, clock: ManualClock,
                                                            open_window: WindowFactory) -> None:
    clerks.issue_ticket("TP")
    clerks.issue_ticket("TP")
    window = open_window()
    sign_in(qtbot, window)
    clock.advance(8 * 60)
    act(qtbot, window, "call_next")  # A001 at the counter; A002 waits, 8 minutes so far
    assert window.queue.model.rows[0].waited == "8 phút"
    assert window.card.detail.text().startswith("Gọi 0 phút trước")
    reads: list[object] = []
    window.desk.view.connect(reads.append)
    assert window.ticking.timer.interval() <= 30_000  # at least every 30 s on a real screen
    clock.advance(3 * 60)  # nothing happens in the office
    window.ticking.timer.start(5)  # the window's own timer, fast, so the test waits for ticks, not seconds
    qtbot.waitUntil(lambda: window.queue.model.rows[0].waited == "11 phút", timeout=WAIT_MS)
    assert window.card.detail.text().startswith("Gọi 3 phút trước")
    assert reads == []  # the same view, aged by the clock: no store read per tick


def test_idle_card_speaks_and_titles_name_counter_and_clerk(qtbot: QtBot, clerks: Store,
                                                             open_window: WindowFactory) -> None:
    one, two = open_window(), open_window()
    sign_in(qtbot, one, "lan", 1)
    sign_in(qtbot, two, "minh", 2)
    assert one.windowTitle() != two.windowTitle()
    assert "Lan" in one.windowTitle() and "1" in one.windowTitle()
    assert "Minh" in two.windowTitle() and "2" in two.windowTitle()
    assert one.card.code.text() == glossary.NO_CALL_YET
