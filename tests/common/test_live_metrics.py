"""Live figures on the hand-built Wednesday (tests/dashboard/day.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from common.core.clock import ManualClock
from common.store import Store
from common.views.live_metrics import crossings, thresholds
from tests.common.interleave import committed_before
from tests.dashboard.day import NOW, build_day


def test_live_figures_of_the_hand_built_morning(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    live = store.views.live()
    assert live.at == NOW
    assert [(t.code, t.waited_s) for t in live.waiting] == [
        ("A004", 35 * 60), ("A005", 26 * 60), ("B002", 18 * 60), ("D002", 5 * 60)]
    assert live.longest is not None and live.longest.code == "A004"
    by = {s.code: s for s in live.services}
    assert (by["TP"].waiting, by["TP"].longest_wait_s, by["TP"].at_risk, by["TP"].over_target) == (2, 2100, 1, 1)
    assert (by["CT"].waiting, by["CT"].longest_wait_s, by["CT"].at_risk, by["CT"].over_target) == (1, 1080, 0, 1)
    assert (by["KD"].waiting, by["KD"].at_risk, by["KD"].over_target) == (1, 0, 0)
    assert by["DD"].waiting == 0 and by["DD"].longest_wait_s == 0
    assert (live.waiting_total, live.at_risk, live.over_target) == (4, 1, 2)
    c = live.counters
    assert (c.open, c.serving, c.idle, c.on_break, c.back_office, c.closed) == (2, 1, 1, 1, 0, 5)
    assert live.served_today == 4
    # judged: A001, A002, A003 within; B001 (30 > 15) over; D001 (2 min) within; A004 and B002 waiting past target
    assert live.within_target_today_pct == round(100 * 4 / 7, 1) == 57.1


def test_at_risk_threshold_follows_the_setting(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    assert store.views.live(at_risk_minutes=25).at_risk == 1  # A005 at 26 min
    assert store.views.live(at_risk_minutes=27).at_risk == 0


def test_alerts_fire_once_at_25_and_30_minutes(store: Store, clock: ManualClock) -> None:
    assert thresholds(1800) == (("warning", 1500), ("over", 1800))
    assert thresholds(900) == (("warning", 600), ("over", 900))
    store.issue_ticket("TP")  # A001 at 08:00
    seen: set[tuple[int, str]] = set()
    clock.advance(timedelta(minutes=24, seconds=59))
    assert crossings(store.views.live(), seen) == []
    clock.advance(timedelta(seconds=1))
    first = crossings(store.views.live(), seen)
    assert [(x.ticket.code, x.level, x.minutes) for x in first] == [("A001", "warning", 25)]
    assert crossings(store.views.live(), seen) == []  # once only
    clock.advance(timedelta(minutes=5))
    assert [(x.level, x.minutes) for x in crossings(store.views.live(), seen)] == [("over", 30)]
    store.issue_ticket("TP")  # A002 at 08:30
    clock.advance(timedelta(minutes=40))  # A002 crosses both at once: only the serious one
    assert [(x.ticket.code, x.level) for x in crossings(store.views.live(), seen)] == [("A002", "over")]
    store.sign_in(1, "lan")
    store.call_next(1, "lan")
    store.call_next(2, "minh")
    assert crossings(store.views.live(), seen) == [] and seen == set()  # forgotten once called


def test_live_figures_read_one_instant(store: Store) -> None:
    """A call committed while the figures are read is in none of them: A001 never both waits and is served."""
    store.sign_in(1, "lan")
    store.issue_ticket("TP")
    with committed_before(store, "select tickets.counter_id", lambda: store.call_next(1, "lan").code) as called:
        live = store.views.live()
    assert called == ["A001"]
    assert [t.code for t in live.waiting] == ["A001"]
    assert (live.counters.serving, live.counters.idle) == (0, 1)
