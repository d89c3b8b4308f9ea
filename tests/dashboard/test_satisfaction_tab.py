"""The Satisfaction tab on a hand-built Wednesday: every cell against hand-counted figures and the report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.store import Store
from common.store.rating import rate_ticket
from dashboard.satisfaction_tab import SATISFACTION_COLUMN
from dashboard.tiles import COLOURS
from dashboard.window import TABS
from tests.common.rated_day import serve, serve_and_rate
from tests.dashboard.conftest import WAIT_MS, Open

DAY = date(2026, 11, 25)
# (service, counter, clerk, wait in minutes, score or None for unrated, reasons)
RATED_DAY = (
    ("TP", 1, "lan", 5, 4, ()),
    ("TP", 1, "lan", 12, 3, ()),
    ("TP", 1, "lan", 25, 2, ("Chờ lâu",)),
    ("CT", 2, "minh", 8, 4, ()),
    ("CT", 2, "minh", 35, 1, ("Chờ lâu", "Thái độ")),
    ("CT", 2, "minh", 3, None, ()),
)


@pytest.fixture
def rated(store: Store, clock: ManualClock) -> Store:
    serve_and_rate(store, clock, RATED_DAY)
    store.issue_ticket("TP")  # still waiting: neither served nor rated
    return store


def shown(qtbot: QtBot, window, by: str = "service"):  # type: ignore[no-untyped-def]
    tab = window.satisfaction
    window.select("satisfaction")
    if tab.bar.grouping != by:
        tab.bar.by.setCurrentIndex(tab.bar.by.findData(by))
    qtbot.waitUntil(lambda: tab.report is not None and tab.report.by == by, timeout=WAIT_MS)
    return tab


def texts(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_tab_shows_the_hand_counted_figures(qtbot: QtBot, rated: Store, open_dashboard: Open) -> None:
    tab = shown(qtbot, open_dashboard(rated))
    # TP: 3 served, 3 rated (4, 3, 2) → 2/3 satisfied; CT: 3 served, 2 rated (4, 1) → 1/2; total 5 of 6, 3 of 5.
    assert texts(tab.table) == [
        ["Tư pháp – Hộ tịch", "3", "3", "100,0", "66,7", "1", "1", "1", "0"],
        ["Chứng thực bản sao", "3", "2", "66,7", "50,0", "1", "0", "0", "1"],
        ["Tổng cộng", "6", "5", "83,3", "60,0", "2", "1", "1", "1"],
    ]
    assert tab.table.horizontalHeaderItem(0).text() == "Dịch vụ"
    # Waits 5, 8 (< 10: both satisfied), 12 (10–20: satisfied), 25 (20–30: not), 35 (> 30: not); 3 unrated.
    assert texts(tab.bands) == [["< 10 phút", "2", "2", "100,0"], ["10–20 phút", "1", "1", "100,0"],
                                ["20–30 phút", "1", "0", "0,0"], ["> 30 phút", "1", "0", "0,0"]]
    assert texts(tab.reasons) == [["Chờ lâu", "2", "100,0"], ["Thái độ", "1", "50,0"]]
    assert tab.tiles["satisfaction"].value.text() == "60,0 %" and tab.tiles["satisfaction"].kind == "error"
    assert tab.tiles["low"].value.text() == "2" and tab.tiles["response"].value.text() == "83,3 %"


def test_the_total_is_red_below_the_target_and_green_at_it(qtbot: QtBot, rated: Store, clock: ManualClock,
                                                          open_dashboard: Open) -> None:
    window = open_dashboard(rated)
    tab = shown(qtbot, window)
    total = tab.table.item(tab.table.rowCount() - 1, SATISFACTION_COLUMN)
    assert total.background().color().name() == COLOURS["error"][1]  # 60% < 95%: red
    assert tab.table.item(0, SATISFACTION_COLUMN).background().style() == Qt.BrushStyle.NoBrush  # groups unpainted
    clock.set(clock.now() + timedelta(days=1))  # the next day: one citizen, very satisfied
    rate_ticket(rated, serve(rated, clock, "TP", 1, "lan", 4), 4)
    tab.bar.kind.setCurrentIndex(tab.bar.kind.findData("custom"))
    tab.bar.start.setDate(DAY + timedelta(days=1))
    tab.bar.end.setDate(DAY + timedelta(days=1))
    qtbot.waitUntil(lambda: tab.report is not None and tab.report.start == DAY + timedelta(days=1), timeout=WAIT_MS)
    total = tab.table.item(tab.table.rowCount() - 1, SATISFACTION_COLUMN)
    assert total.text() == "100,0" and total.background().color().name() == COLOURS["good"][1]
    assert tab.tiles["satisfaction"].kind == "good"


@pytest.mark.parametrize("by", ["service", "counter", "clerk", "day"])
def test_every_cell_equals_satisfaction_report(qtbot: QtBot, rated: Store, open_dashboard: Open, by: str) -> None:
    tab = shown(qtbot, open_dashboard(rated), by)
    start, end = tab.bar.bounds()
    expected = rated.views.satisfaction(start, end, by)
    groups = [*expected.groups, None]
    assert tab.table.rowCount() == len(groups)
    for r, group in enumerate(groups):
        f = expected.overall if group is None else group.figures
        values = [tab.table.item(r, c).data(Qt.ItemDataRole.UserRole) for c in range(1, tab.table.columnCount())]
        assert values == [f.served, f.rated, f.response_rate_pct, f.satisfaction_pct, f.very_satisfied,
                          f.satisfied, f.neutral, f.dissatisfied]
        if group is not None:
            assert tab.table.item(r, 0).text() == group.label
    assert [[tab.bands.item(r, c).data(Qt.ItemDataRole.UserRole) for c in range(4)] for r in range(4)] == [
        [b.label, b.rated, b.satisfied, b.satisfaction_pct] for b in expected.wait_bands]
    assert [tab.reasons.item(r, 0).text() for r in range(tab.reasons.rowCount())] == [
        x.reason for x in expected.reasons]


def test_groupings_are_those_of_the_report(qtbot: QtBot, store: Store, open_dashboard: Open) -> None:
    tab = open_dashboard(store).satisfaction
    assert [tab.bar.by.itemData(i) for i in range(tab.bar.by.count())] == ["service", "counter", "clerk", "day"]


def test_a_supervisor_sees_the_tab_and_it_loads_when_shown(qtbot: QtBot, store: Store,
                                                           open_dashboard: Open) -> None:
    window = open_dashboard(store)
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Hài lòng" in names and TABS["satisfaction"] == "Hài lòng"
    assert window.satisfaction.report is None  # nothing read before it is shown
    window.select("satisfaction")
    qtbot.waitUntil(lambda: window.satisfaction.report is not None, timeout=WAIT_MS)
    tab = window.satisfaction
    assert texts(tab.table) == [["Tổng cộng", "0", "0", "–", "–", "0", "0", "0", "0"]]  # nobody served yet
    assert tab.tiles["satisfaction"].value.text() == "–" and tab.tiles["satisfaction"].kind == "normal"
    assert tab.reasons.rowCount() == 0
