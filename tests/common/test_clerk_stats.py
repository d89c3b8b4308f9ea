from __future__ import annotations

from common.core.clock import ManualClock
from common.core.model import CounterState
from common.store import Store
from tests.common.interleave import committed_before


def test_today_for_a_clerk(store: Store, clock: ManualClock) -> None:
    for _ in range(4):
        store.issue_ticket("TP")
    clock.advance(600)
    store.call_next(1, "lan")  # waited 600 s
    store.start_service(1, "lan")
    clock.advance(300)
    store.finish_service(1, "lan")  # served 300 s
    store.call_next(1, "lan")  # waited 900 s
    store.start_service(1, "lan")
    clock.advance(500)
    store.finish_service(1, "lan")  # served 500 s
    store.call_next(1, "lan")
    store.mark_no_show(1, "lan")
    store.call_next(2, "minh")
    store.start_service(2, "minh")
    clock.advance(60)
    store.finish_service(2, "minh")
    day = store.views.desk(1, "lan", None).today
    assert (day.served, day.no_shows, day.transferred) == (2, 1, 0)
    assert day.mean_service_seconds == 400
    assert day.mean_wait_seconds == 750
    assert store.views.desk(1, "hoa", None).today.mean_wait_seconds is None


def test_the_view_knows_its_session(store: Store) -> None:
    mine = store.sign_in(1, "lan")
    view = store.views.desk(1, "lan", mine)
    assert view.session_valid and view.state is CounterState.OPEN and view.holder == "lan"
    store.sign_in(1, "minh", take_over=True)
    assert store.views.desk(1, "lan", mine).holder == "minh"
    assert not store.views.desk(1, "lan", mine).session_valid


def test_the_view_reads_one_instant(store: Store) -> None:
    """A ticket issued while the view is being read shows nowhere in it, or everywhere (PostgreSQL too)."""
    session = store.sign_in(1, "lan")
    with committed_before(store, "daily_numbers", lambda: store.issue_ticket("TP").ticket.code) as issued:
        view = store.views.desk(1, "lan", session)
    assert issued == ["A001"]
    tp = next(s for s in view.snapshot.services if s.service.code == "TP")
    assert (tp.waiting, tp.issued_today) == (0, 0)
