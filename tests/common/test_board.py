from __future__ import annotations

from common.core.model import CounterState
from common.core.wording import counter_state_text
from common.store import Store
from common.views.board import public_status


def test_the_board_shows_the_latest_call_and_who_waits(store: Store) -> None:
    first = store.issue_ticket("TP").ticket
    second = store.issue_ticket("TP").ticket
    store.issue_ticket("CT")
    called = store.call_next(1, "lan")
    assert called is not None and called.code == first.code
    board = store.views.board()
    assert board.latest is not None
    assert (board.latest.ticket, board.latest.counter, board.latest.recall) == (first.code, 1, False)
    counter1 = next(c for c in board.counters if c.number == 1)
    assert counter1.serving == first.code and counter1.open
    waiting = {w.service: w.waiting for w in board.waiting}
    assert waiting["TP"] == 1 and waiting["CT"] == 1
    store.recall(1, "lan")
    again = store.views.board()
    assert again.latest is not None and again.latest.recall and again.latest.ticket == first.code
    assert [c.ticket for c in again.calls] == [first.code]  # one row per ticket: the recall
    assert second.code not in [c.ticket for c in again.calls]


def test_public_statuses_by_token(store: Store) -> None:
    a = store.issue_ticket("TP").ticket
    b = store.issue_ticket("TP").ticket
    c = store.issue_ticket("TP").ticket
    store.call_next(1, "lan")
    statuses = store.views.statuses()
    called = public_status(statuses, a.token or "")
    assert called is not None and (called.state, called.counter) == ("called", 1)
    second, third = public_status(statuses, b.token or ""), public_status(statuses, c.token or "")
    assert second is not None and third is not None
    assert (second.state, second.people_ahead, third.people_ahead) == ("waiting", 0, 1)
    assert third.estimated_wait_seconds > second.estimated_wait_seconds
    assert public_status(statuses, "../../etc/passwd") is None
    assert public_status(statuses, "x" * 22) is None


def test_a_counter_on_a_break_reads_tam_nghi_as_on_the_counter(store: Store) -> None:
    store.sign_in(1, "lan")
    store.set_counter_state(1, "lan", CounterState.BREAK)
    counters = {c.number: c for c in store.views.board().counters}
    assert counters[1].state == CounterState.BREAK and not counters[1].open
    assert counters[1].state_text == counter_state_text(CounterState.BREAK) == "Tạm nghỉ"
    assert counters[2].state_text == "Đóng"


def test_a_break_reaches_the_board_and_recent_calls_are_one_per_ticket(store: Store) -> None:
    from common.core.model import CounterState
    from common.views.board import distinct_calls

    first = store.issue_ticket("TP").ticket
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    store.recall(1, "lan")
    store.mark_no_show(1, "lan")
    store.call_next(1, "lan")
    store.sign_in(2, "minh")
    store.set_counter_state(2, "minh", CounterState.BREAK)
    board = store.views.board()
    counter2 = next(c for c in board.counters if c.number == 2)
    assert counter2.state == "break" and not counter2.open
    assert distinct_calls(board.calls, 6) == board.calls  # read_board already keeps one call per ticket
    assert [c.ticket for c in board.calls] == [board.latest.ticket, first.code]  # type: ignore[union-attr]
    assert board.calls[1].recall  # the first ticket's newest call was the recall
