"""The queue table is in the order F2 calls, with the next ticket marked (issue 16).

Both kinds of counter of the example office: 1 is ``oldest_first`` (TP, CT), 3 is
``strict`` (DD before XD). Priorities, equal queue times and transfers (to the
counter by number, and to one of its services) are mixed in; then the clerk presses
F2 and F6 until nobody is left, and every call must be the table's first row.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.core.model import Ordering, Role
from common.core.rules import Action
from common.store import Store
from tests.counter.conftest import PASSWORD, WindowFactory, act, sign_in

PLAN = {  # counter -> (clerk, services issued in turn, the service transferred tickets go to)
    1: ("lan", ("CT", "TP", "CT", "TP", "CT"), "CT"),
    3: ("hoa", ("XD", "DD", "XD", "XD", "DD"), "XD"),
}


def build(store: Store, clock: ManualClock, counter: int) -> None:
    _, services, to_service = PLAN[counter]
    for i, service in enumerate(services):
        store.issue_ticket(service, "elderly" if i == 3 else None)
        clock.advance(0 if i == 1 else 45)  # two tickets share a queue time: the id decides
    # Counter 8 (tuan) serves TP and CT: it sends two citizens on, keeping their place in line.
    for _ in range(2):
        store.issue_ticket("TP")
    store.sign_in(8, "tuan")
    for target in ({"to_counter": counter}, {"to_service": to_service}):
        assert store.call_next(8, "tuan") is not None
        store.transfer(8, "tuan", **target)  # type: ignore[arg-type]
    store.sign_out(8, "tuan")
    clock.advance(60)


@pytest.mark.parametrize("counter", sorted(PLAN))
def test_first_row_is_what_f2_calls(qtbot: QtBot, clerks: Store, clock: ManualClock, open_window: WindowFactory,
                                    counter: int) -> None:
    clerk = PLAN[counter][0]
    clerks.add_clerk(clerk, clerk.title(), Role.CLERK, PASSWORD)
    build(clerks, clock, counter)
    orderings = {c.number: c.ordering for c in clerks.counters()}
    assert orderings[counter] == (Ordering.OLDEST_FIRST if counter == 1 else Ordering.STRICT)
    window = open_window()
    sign_in(qtbot, window, clerk, counter)
    called = []
    while window.queue.model.rows:
        rows = window.queue.model.rows
        assert [r.next for r in rows] == [True] + [False] * (len(rows) - 1)
        first = rows[0].code.removesuffix("  ↪")
        act(qtbot, window, Action.CALL_NEXT)
        assert window.card.code.text() == first, [r.code for r in rows]
        called.append(first)
        act(qtbot, window, Action.NO_SHOW)
    assert len(called) == 7  # five issued for its services, one transferred to it by number, one to its service
