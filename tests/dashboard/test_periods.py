"""The dashboard's periods: presets counted from today, and one period for every tab of a window."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from common.store import Store
from dashboard.period_bar import PeriodBar
from dashboard.periods import DEFAULT, PERIODS, period
from tests.dashboard.conftest import Open


@pytest.mark.parametrize(("kind", "today", "expected"), [
    ("today", date(2026, 12, 1), (date(2026, 12, 1), date(2026, 12, 1))),
    ("7d", date(2026, 12, 1), (date(2026, 11, 25), date(2026, 12, 1))),
    ("30d", date(2026, 12, 1), (date(2026, 11, 2), date(2026, 12, 1))),
    ("month", date(2026, 12, 1), (date(2026, 12, 1), date(2026, 12, 1))),
    ("last_month", date(2026, 12, 1), (date(2026, 11, 1), date(2026, 11, 30))),
    ("last_month", date(2026, 1, 15), (date(2025, 12, 1), date(2025, 12, 31))),
    ("last_month", date(2028, 3, 31), (date(2028, 2, 1), date(2028, 2, 29))),
    ("quarter", date(2026, 12, 1), (date(2026, 10, 1), date(2026, 12, 1))),
    ("quarter", date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
    ("year", date(2026, 12, 1), (date(2026, 1, 1), date(2026, 12, 1))),
])
def test_presets(kind: str, today: date, expected: tuple[date, date]) -> None:
    assert period(kind, today) == expected


def test_the_presets_the_supervisor_asked_for() -> None:
    assert list(PERIODS.values()) == ["Hôm nay", "7 ngày qua", "30 ngày qua", "Tháng này", "Tháng trước",
                                      "Quý này", "Năm nay", "Tùy chọn"]
    assert DEFAULT == "30d"  # "Tháng này" on the 1st left every tab empty


def test_one_period_for_every_tab(qtbot: QtBot, day: Store, open_dashboard: Open) -> None:
    window = open_dashboard(day)
    bars = window.findChildren(PeriodBar)
    assert len(bars) >= 4
    assert {bar.kind.currentData() for bar in bars} == {"30d"}
    history = window.history.bar
    history.kind.setCurrentIndex(history.kind.findData("last_month"))
    assert {bar.bounds() for bar in bars} == {history.bounds()}
    assert {bar.kind.currentData() for bar in bars} == {"last_month"}
    charts = window.charts.bar
    charts.kind.setCurrentIndex(charts.kind.findData("custom"))
    charts.end.setDate(date(2026, 11, 20))
    charts.start.setDate(date(2026, 11, 2))
    assert {bar.bounds() for bar in bars} == {(date(2026, 11, 2), date(2026, 11, 20))}
