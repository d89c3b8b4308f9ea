"""The dashboard window on the hand-built Wednesday: every figure on the Live and History tabs, the charts,
the accuracy and staffing tabs, and that the History table agrees with `motcua report --format json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.planning.staffing import staffing_advice
from common.store import Store
from dashboard.figures_table import COLUMNS
from tests.conftest import ROOT
from tests.dashboard.conftest import WAIT_MS, Open
from tests.dashboard.day import TZ, WED


def text(table, row: int, col: int) -> str:  # type: ignore[no-untyped-def]
    return table.item(row, col).text()


def test_live_tab_shows_every_figure(qtbot: QtBot, day: Store, open_dashboard: Open) -> None:
    window = open_dashboard(day)
    with qtbot.waitSignal(window.live_shown, timeout=WAIT_MS):
        window.refresh_live()
    t = window.live.tiles
    shown = {key: t[key].value.text() for key in t.tiles}
    assert shown == {"waiting": "4", "longest": "35 phút", "at_risk": "1", "over": "2", "served": "4",
                     "within": "57,1 %", "open": "2", "serving": "1", "idle": "1", "break": "1"}
    assert t["longest"].detail.text() == "vé A004" and t["longest"].kind == "error"
    assert t["idle"].kind == "warning"  # an idle counter while people wait
    table = window.live.services
    rows = {text(table, r, 0)[:2]: [text(table, r, c) for c in range(1, 6)] for r in range(table.rowCount())}
    assert rows["TP"] == ["2", "35", "1", "1", "30"]
    assert rows["CT"] == ["1", "18", "0", "1", "15"]
    assert rows["KD"] == ["1", "5", "0", "0", "30"]
    assert rows["DD"] == ["0", "–", "0", "0", "30"]
    assert window.live.alert.isVisibleTo(window) and window.live.alert.kind == "error"
    assert "A004 chờ 35 phút" in window.live.alert.text() and "B002 chờ 18 phút" in window.live.alert.text()
    assert "Sắp quá chỉ tiêu (1 vé): A005 chờ 26 phút" in window.live.alert.text()


def test_alert_when_a_ticket_crosses_25_then_30_minutes(qtbot: QtBot, store: Store, clock: ManualClock,
                                                       open_dashboard: Open) -> None:
    store.issue_ticket("TP")
    window = open_dashboard(store)
    qtbot.waitUntil(lambda: window.live.figures is not None, timeout=WAIT_MS)
    assert not window.live.alert.isVisibleTo(window)
    clock.advance(25 * 60)
    with qtbot.waitSignal(window.alerted, timeout=WAIT_MS) as warned:
        window.timer.timeout.emit()  # the one-minute clock tick
    assert [(c.ticket.code, c.level) for c in warned.args[0]] == [("A001", "warning")]
    assert window.live.alert.kind == "warning" and window.chime.rung == 0  # sound off
    # One second past the target: the banner counts "over" as the tiles do (waited > target).
    clock.advance(5 * 60 + 1)
    with qtbot.waitSignal(window.alerted, timeout=WAIT_MS) as over:
        window.timer.timeout.emit()
    assert [(c.ticket.code, c.level) for c in over.args[0]] == [("A001", "over")]
    assert window.live.alert.kind == "error" and "A001 chờ 30 phút" in window.live.alert.text()


# Qt's multimedia backend reports, as warnings, the libraries and sound server this machine lacks.
@pytest.mark.qt_log_ignore("Couldn't (load|resolve)", "PulseAudioService")
def test_chime_without_an_audio_device_does_not_crash(qtbot: QtBot, store: Store, clock: ManualClock,
                                                      open_dashboard: Open) -> None:
    store.issue_ticket("TP")
    clock.advance(31 * 60)
    window = open_dashboard(store, sound=True)
    with qtbot.waitSignal(window.alerted, timeout=WAIT_MS):
        window.refresh_live()
    assert window.chime.rung == 1 and not window.chime.audible  # this machine has no sound card


def test_history_tab_hand_checked_by_service(qtbot: QtBot, day: Store, open_dashboard: Open) -> None:
    window = open_dashboard(day)
    window.select("history")
    qtbot.waitUntil(lambda: window.history.table.report is not None, timeout=WAIT_MS)
    table = window.history.table
    rows = {text(table, r, 0): [text(table, r, c) for c in range(1, 11)] for r in range(table.rowCount())}
    # TP: A001..A005; waits 300, 300, 1080 → mean 560 s, median 300, p90 300 + 0.8·780 = 924 s;
    # within: 3 of 4 judged (A004 waits past 30 min); service (600 + 480 + 720) / 3; walk 60 s.
    assert rows["Tư pháp – Hộ tịch"] == ["5", "3", "0,0", "0", "9,3", "5,0", "15,4", "75,0", "10,0", "1,0"]
    assert rows["Chứng thực bản sao"] == ["2", "1", "0,0", "0", "30,0", "30,0", "30,0", "0,0", "4,0", "1,0"]
    assert rows["Tổng cộng"][:4] == ["9", "4", "0,0", "0"]
    assert rows["Tổng cộng"][7] == "57,1"
    assert text(table, 0, 0) == "Tư pháp – Hộ tịch"
    assert table.item(0, 1).textAlignment() & 0x2  # right-aligned numbers (Qt.AlignRight)


@pytest.mark.parametrize("by", ["service", "counter", "clerk", "hour", "weekday", "day"])
def test_history_table_agrees_with_motcua_report_json(qtbot: QtBot, day: Store, clock: ManualClock,
                                                      open_dashboard: Open, by: str) -> None:
    clock.set(datetime(2026, 11, 25, 17, 30, tzinfo=TZ))
    day.close_day(WED)  # nothing still waits: the report no longer depends on "now"
    window = open_dashboard(day)
    window.select("history")
    window.history.bar.by.setCurrentIndex(window.history.bar.by.findData(by))
    qtbot.waitUntil(lambda: window.history.table.report is not None
                    and window.history.table.report.by == by, timeout=WAIT_MS)
    env = {k: v for k, v in os.environ.items() if k not in ("MOTCUA_DB", "MOTCUA_CONFIG")}
    out = subprocess.run([sys.executable, "-m", "common.cli.main", "--db", day.db.url, "report", "--from", "2026-11-25",
                          "--by", by, "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    data = json.loads(out.stdout)
    expected = [*data["groups"], data["overall"]]
    table = window.history.table
    assert table.rowCount() == len(expected)
    assert [text(table, r, 0) for r in range(len(expected) - 1)] == [g["label"] for g in data["groups"]]
    for col in COLUMNS:
        assert table.column_values(col.field) == [row[col.field] for row in expected], col.field


def test_charts_show_waits_by_hour_and_share_per_day(qtbot: QtBot, day: Store, open_dashboard: Open) -> None:
    window = open_dashboard(day)
    window.select("charts")
    qtbot.waitUntil(lambda: window.charts.reports is not None, timeout=WAIT_MS)
    hours = day.views.report(WED, WED, "hour")
    chart = window.charts.by_hour.chart()
    bars, target = chart.series()
    mean = bars.barSets()[0]
    assert [mean.at(i) for i in range(mean.count())] == pytest.approx(
        [(g.figures.wait_mean_s or 0) / 60 for g in hours.groups])
    assert {p.y() for p in target.points()} == {30}
    assert "chỉ tiêu 30 phút" in chart.title()
    share = window.charts.by_day.chart().series()[0].barSets()[0]
    assert share.at(0) == pytest.approx(57.1)


def test_accuracy_and_staffing_tabs(qtbot: QtBot, day: Store, open_dashboard: Open) -> None:
    window = open_dashboard(day)
    window.select("accuracy")
    qtbot.waitUntil(lambda: window.accuracy.report is not None, timeout=WAIT_MS)
    expected = day.views.estimate_accuracy(WED, WED)
    table = window.accuracy.table
    assert table.rowCount() == len(expected.services) + 1
    last = table.rowCount() - 1
    assert text(table, last, 0) == "Tổng cộng" and text(table, last, 1) == "5"
    assert table.item(last, 3).data(256) == expected.overall.bias_s  # Qt.UserRole
    assert table.item(last, 5).data(256) == expected.overall.naive_mae_s
    assert window.accuracy.formula_only.isHidden() is not expected.formula_only
    window.accuracy.breakdown.setCurrentIndex(1)  # per hour of issue: the same total under the hours
    assert table.horizontalHeaderItem(0).text() == "Giờ lấy vé"
    assert [text(table, r, 0) for r in range(table.rowCount() - 1)] == [a.name_vi for a in expected.hours]
    assert sum(int(text(table, r, 1)) for r in range(table.rowCount() - 1)) == 5
    window.select("staffing")
    qtbot.waitUntil(lambda: window.staffing.advice is not None, timeout=WAIT_MS)
    advice = staffing_advice(day, WED, WED)
    table = window.staffing.table
    assert [text(table, r, 0) for r in range(table.rowCount())] == ["07:00–08:00", "08:00–09:00", "09:00–10:00"]
    assert [text(table, r, 1) for r in range(3)] == ["30,0", "60,0", "30,0"]  # open minutes (09:30 is now)
    assert [int(text(table, r, 4)) for r in range(3)] == [h.needed for h in advice.hours]
    assert [text(table, r, 6) for r in range(3)] == ["1,5", "2,4", "1,0"]
    qtbot.waitUntil(lambda: window.staffing.plan is not None, timeout=60_000)
    assert [table.item(r, 8).data(256) for r in range(3)] == [window.staffing.plan.plan[h.hour]
                                                               for h in advice.hours]
    window.staffing.counters.setValue(2)
    with qtbot.waitSignal(window.runner.succeeded, timeout=60_000,
                          check_params_cb=lambda tag, _r: tag == "whatif"):
        window.staffing.simulate.click()
    assert window.staffing.whatif is not None and window.staffing.whatif.counters == 2
    assert window.staffing.result.text().startswith("2 quầy, 40 ngày:")
    window.staffing.panel.booking_share.setValue(20)  # issue 19: the same what-if with 20 % booked
    with qtbot.waitSignal(window.runner.succeeded, timeout=60_000,
                          check_params_cb=lambda tag, _r: tag == "whatif"):
        window.staffing.simulate.click()
    assert window.staffing.panel.booked is not None and window.staffing.panel.booked.counters == 2
    assert window.staffing.result.text().startswith("2 quầy, 40 ngày, 20 % đặt hẹn (10 % không đến).")


def test_closing_stops_every_read_of_the_window(qtbot: QtBot, store: Store, open_dashboard: Open) -> None:
    from dashboard.window import TABS
    from ui.live_view import LiveView

    window = open_dashboard(store)
    qtbot.waitUntil(lambda: window.live.figures is not None, timeout=WAIT_MS)
    views = window.findChildren(LiveView)
    # The Live tab's read and one per period tab; the sign-ins tab reads on demand through the window's runner.
    assert window.reader in views and len(views) == len(TABS) - 1
    window.close()
    assert all(view.stopped for view in views)
    window.refresh_live()  # a late clock tick or feed signal after closing asks for nothing
    window.history.read.refresh()
    assert not window.runner.busy


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note when the window is shown
def test_history_fits_a_1280_screen_and_shows_every_column_on_request(qtbot: QtBot, day: Store,
                                                                     open_dashboard: Open) -> None:
    """At 1280×800 the figures that matter are all on screen without scrolling sideways; the switch adds the
    rest (and then the table scrolls, which is the point of keeping them behind it)."""
    window = open_dashboard(day)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.select("history")
    qtbot.waitUntil(lambda: window.history.table.report is not None, timeout=WAIT_MS)
    table = window.history.table
    essential = [c.field for c in COLUMNS if c.essential]
    assert table.shown_fields() == essential
    assert {"wait_mean_s", "wait_p90_s", "waits_within_target_pct"} <= set(essential)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0 and table.viewport().width() > 0)
    assert all(table.columnViewportPosition(i) + table.columnWidth(i) <= table.viewport().width()
               for i in range(table.columnCount()) if not table.isColumnHidden(i))
    window.history.every_column.setChecked(True)
    assert table.shown_fields() == [c.field for c in COLUMNS]
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() > 0)
    window.history.every_column.setChecked(False)
    assert table.shown_fields() == essential
    # the hidden columns hold their figures all the same (the exports and the switch read them)
    assert table.column_values("walk_mean_s")[-1] == table.report.overall.walk_mean_s  # type: ignore[union-attr]
