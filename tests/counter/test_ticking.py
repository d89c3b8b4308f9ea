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
    submitted: list[object] = []
    runner = window.desk.runner
    submit = runner.submit

    def counting(tag: str, *args: object, **kwargs: object) -> bool:
        submitted.append(tag)
        return submit(tag, *args, **kwargs)  # type: ignore[arg-type]

    runner.submit = counting  # type: ignore[method-assign]
    assert window.ticking.timer.interval() <= 30_000  # at least every 30 s on a real screen
    clock.advance(3 * 60)  # nothing happens in the office
    window.ticking.tick()  # what the timer calls; synchronous, so no read can land meanwhile
    assert window.queue.model.rows[0].waited == "11 phút"
    assert window.card.detail.text().startswith("Gọi 3 phút trước")
    assert submitted == []  # the last view, aged by the clock: no store read per tick
    clock.advance(60)
    window.ticking.timer.start(5)  # and the window's own timer does it, fast here so the test waits for ticks
    qtbot.waitUntil(lambda: window.queue.model.rows[0].waited == "12 phút", timeout=WAIT_MS)
    runner.submit = submit  # type: ignore[method-assign]


def test_idle_card_speaks_and_titles_name_counter_and_clerk(qtbot: QtBot, clerks: Store,
                                                             open_window: WindowFactory) -> None:
    one, two = open_window(), open_window()
    sign_in(qtbot, one, "lan", 1)
    sign_in(qtbot, two, "minh", 2)
    assert one.windowTitle() != two.windowTitle()
    assert "Lan" in one.windowTitle() and "1" in one.windowTitle()
    assert "Minh" in two.windowTitle() and "2" in two.windowTitle()
    assert one.card.code.text() == glossary.NO_CALL_YET


def test_a_break_reads_tam_nghi_on_the_counter_as_on_the_board(qtbot: QtBot, clerks: Store,
                                                                open_window: WindowFactory) -> None:
    from common.core.model import CounterState

    window = open_window()
    sign_in(qtbot, window)
    act(qtbot, window, "break")
    word = glossary.COUNTER_STATE[CounterState.BREAK]
    assert word == "Tạm nghỉ"
    assert window.header.state.text() == word and window.card.code.text() == word
    board = next(c for c in clerks.views.board().counters if c.number == 1)
    assert glossary.counter_state(board.state) == word
