"""The Live tab on its own: banner, tiles and table count the same snapshot, and waits tick without a read."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from common.core import glossary
from common.core.clock import ManualClock
from common.store import Store
from dashboard.live_tab import LiveTab, aged

WAIT_MS = 15_000


def banner_count(text: str, term: str) -> int:
    """The "(N vé)" after a term in the banner, 0 when the term is absent."""
    for part in text.removeprefix("⚠ ").split(" · "):
        if part.startswith(term + " ("):
            return int(part[len(term) + 2:].split(" ", 1)[0])
    return 0


def table_sum(tab: LiveTab, heading: str) -> int:
    table = tab.services
    col = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(heading)
    return sum(int(table.item(r, col).text()) for r in range(table.rowCount()))


def test_banner_tiles_and_table_agree_on_one_snapshot(qtbot: QtBot, day: Store, clock: ManualClock) -> None:
    tab = LiveTab(day.tz, clock=clock)
    qtbot.addWidget(tab)
    live = day.views.live()
    tab.show_figures(live)
    tab.show_alerts([object()])  # type: ignore[list-item]  # any fresh crossing brings the banner up
    text = tab.alert.text()
    # The hand-built day: A004 and B002 over their targets, A005 at risk (tests/dashboard/day.py).
    for term, tile, expected in ((glossary.OVER_TARGET, "over", 2), (glossary.AT_RISK, "at_risk", 1)):
        assert banner_count(text, term) == int(tab.tiles[tile].value.text()) == table_sum(tab, term) == expected
    assert tab.tiles["over"].caption.text() == glossary.OVER_TARGET
    assert tab.tiles["at_risk"].caption.text() == glossary.AT_RISK


def test_counts_still_agree_after_time_passes(qtbot: QtBot, day: Store, clock: ManualClock) -> None:
    tab = LiveTab(day.tz, clock=clock)
    qtbot.addWidget(tab)
    tab.show_figures(day.views.live())
    tab.show_alerts([object()])  # type: ignore[list-item]
    clock.advance(timedelta(minutes=5))  # A005 (26 min) passes 30: now over; D002 (5) is still fine
    tab.tick()
    text = tab.alert.text()
    assert banner_count(text, glossary.OVER_TARGET) == int(tab.tiles["over"].value.text()) == 3
    assert table_sum(tab, glossary.OVER_TARGET) == 3
    assert banner_count(text, glossary.AT_RISK) == int(tab.tiles["at_risk"].value.text()) == 0


def test_waits_move_on_the_tabs_own_timer_without_a_read(qtbot: QtBot, store: Store, clock: ManualClock) -> None:
    store.issue_ticket("TP")
    clock.advance(timedelta(minutes=8))
    tab = LiveTab(store.tz, clock=clock)
    qtbot.addWidget(tab)
    assert tab.timer.interval() <= 30_000  # at least twice a minute on a real screen
    tab.show_figures(store.views.live())
    assert tab.tiles["longest"].value.text() == "8 phút"
    read = tab.figures
    clock.advance(timedelta(minutes=3))  # nothing happens in the office, and nobody reads the store
    tab.timer.start(5)  # the tab's own timer, fast: the test waits for its tick, not for a duration
    qtbot.waitUntil(lambda: tab.tiles["longest"].value.text() == "11 phút", timeout=WAIT_MS)
    assert tab.figures is read  # the same snapshot, aged by the clock


def test_aged_moves_every_wait_and_recounts() -> None:
    from datetime import UTC, datetime

    from common.views.live_metrics import CounterTally, LiveFigures, ServiceLive, WaitingTicket

    at = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    live = LiveFigures(at, (ServiceLive("TP", "Tư pháp", 30, 1, 1190, 0, 0),),
                       (WaitingTicket(1, "A001", "TP", 1190, 1800),), CounterTally(1, 0, 1, 0, 0, 0), 0, None, 20)
    later = aged(live, at + timedelta(seconds=20))
    assert later.waiting[0].waited_s == 1210 and later.services[0].at_risk == 1 and later.at_risk == 1
    assert aged(live, at) is live
