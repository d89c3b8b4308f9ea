"""The province's dashboard on a real PostgreSQL province (two offices, tests/common/test_offices.py's roles):
the tab ranks and flags the offices, filters by level, exports, drills into one office read-only and back,
and appears for a province role only."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.core.errors import MotcuaError
from common.store import Store
from common.store.db import connect
from common.store.office_scope import is_province
from common.store.rating import rate_ticket
from dashboard.province_tab import ProvinceTab
from dashboard.province_window import ProvinceWindow
from dashboard.window import DashboardWindow
from tests.common.test_offices import Province, as_role, province  # noqa: F401 (the fixture)
from tests.dashboard.conftest import WAIT_MS

pytestmark = pytest.mark.postgres


def serve(kiosk: Store, store: Store, clock: ManualClock, waits_min: list[int], score: int) -> None:
    """One ticket per wait (the office's kiosk role), each called after its wait by its counter role, served
    5 minutes, rated ``score``."""
    for wait in waits_min:
        kiosk.issue_ticket("TP")
        clock.advance(wait * 60)
        assert store.call_next(1, "lan") is not None
        store.start_service(1, "lan")
        clock.advance(300)
        rate_ticket(store, store.finish_service(1, "lan").id, score)


@pytest.fixture
def two_offices(province: Province, clock: ManualClock) -> Province:  # noqa: F811
    """Office 1 serves within 10 minutes and pleases; office 2 (a commune) keeps people 40 minutes."""
    for roles, waits, score in ((province.groups, [10, 10, 10], 4), (province.office2, [40, 40], 2)):
        kiosk, counter = as_role(province, roles["kiosk"], clock), as_role(province, roles["counter"], clock)
        serve(kiosk, counter, clock, waits, score)
        kiosk.db.engine.dispose()
        counter.db.engine.dispose()
    return province


@pytest.fixture
def window(qtbot: QtBot, two_offices: Province, clock: ManualClock):  # type: ignore[no-untyped-def]
    store = as_role(two_offices, two_offices.groups["province"], clock)
    w = ProvinceWindow(store, live=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    qtbot.waitUntil(lambda: w.tab.figures is not None, timeout=WAIT_MS)
    yield w
    w.close()
    store.db.engine.dispose()


def names(tab: ProvinceTab) -> list[str]:
    return [tab.office_at(r).code for r in range(tab.table.rowCount()) if tab.office_at(r) is not None]  # type: ignore[union-attr]


def cell(tab: ProvinceTab, code: str, col: int) -> str:
    row = next(r for r in range(tab.table.rowCount()) if tab.office_at(r) and tab.office_at(r).code == code)  # type: ignore[union-attr]
    return tab.table.item(row, col).text()


def test_the_tab_ranks_flags_and_filters(window: ProvinceWindow) -> None:
    tab = window.tab
    assert names(tab) == ["office1", "xa-an-binh"]  # grouped by level: the province's centre, then the commune
    assert tab.table.item(0, 1).text().startswith("Cấp tỉnh")  # a level heading row, not an office
    assert cell(tab, "office1", 0) == "1" and cell(tab, "xa-an-binh", 0) == "2"
    assert cell(tab, "office1", 2) == "3" and cell(tab, "xa-an-binh", 2) == "2"  # today's tickets
    assert cell(tab, "office1", 7) == "100,0" and cell(tab, "xa-an-binh", 7) == "0,0"  # vi_VN decimals
    assert cell(tab, "xa-an-binh", 9) == "40,0" and cell(tab, "xa-an-binh", 11) == "0,0"
    assert cell(tab, "office1", 13) == "✓ đạt" and cell(tab, "xa-an-binh", 13) == "⚠ dưới chỉ tiêu"
    assert "1 dưới chỉ tiêu" in tab.title.text()
    tab.set_level("commune")
    assert names(tab) == ["xa-an-binh"] and cell(tab, "xa-an-binh", 0) == "2"  # the province's rank stays
    tab.set_level(None)
    assert names(tab) == ["office1", "xa-an-binh"]


def test_the_tab_exports_as_the_cli_does(qtbot: QtBot, window: ProvinceWindow, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tab = window.tab
    for fmt in ("csv", "xlsx"):
        monkeypatch.setattr(ProvinceTab, "ask_path", classmethod(lambda cls, p, f, s: str(tmp_path / s)))
        with qtbot.waitSignal(tab.exported, timeout=WAIT_MS) as signal:
            tab.export(fmt)
        assert Path(signal.args[0]).suffix == f".{fmt}"
    rows = list(csv.DictReader((tmp_path / next(p.name for p in tmp_path.glob("*.csv"))).open(encoding="utf-8-sig")))
    assert [(r["office"], r["under_target"]) for r in rows] == [("office1", ""), ("xa-an-binh", "x")]


def test_enter_drills_into_one_office_read_only_and_back(qtbot: QtBot, window: ProvinceWindow) -> None:
    tab = window.tab
    tab.bar.kind.setCurrentIndex(tab.bar.kind.findData("month"))
    row = next(r for r in range(tab.table.rowCount()) if tab.office_at(r) and tab.office_at(r).code == "xa-an-binh")  # type: ignore[union-attr]
    tab.table.setCurrentCell(row, 1)
    with qtbot.waitSignal(window.drilled, timeout=WAIT_MS) as signal:
        qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    office = signal.args[0]
    assert isinstance(office, DashboardWindow) and window.stack.currentWidget() is window.office_page
    assert "UBND xã An Bình" in window.where.text() and "chỉ xem" in window.where.text()
    assert office.history.bar.bounds() == window.tab.bar.bounds()  # the window's one period
    # The office's own dashboard sees that office only: its 2 tickets, not the province's 5.
    report = office.store.views.report(office.store.today, office.store.today)
    assert report.overall.tickets == 2
    with qtbot.waitSignal(office.live_shown, timeout=WAIT_MS) as live:
        office.refresh_live()
    assert live.args[0] is not None
    with pytest.raises(MotcuaError):  # read-only: the database refuses the province any write
        office.store.issue_ticket("TP")
    with qtbot.waitSignal(window.drilled, timeout=WAIT_MS) as back:
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert back.args[0] is None and window.stack.currentWidget() is window.tab and window.office is None


def test_double_click_opens_office_1(qtbot: QtBot, window: ProvinceWindow) -> None:
    with qtbot.waitSignal(window.drilled, timeout=WAIT_MS) as signal:
        window.tab.choose(1)  # what a double-click on the first office's row calls
    assert signal.args[0].store.views.report(window.store.today, window.store.today).overall.tickets == 3
    window.back.click()
    assert window.office is None


def test_only_a_province_role_gets_the_province_view(two_offices: Province, clock: ManualClock,
                                                     sqlite_url: str) -> None:
    for role, expected in ((two_offices.groups["province"], True), (two_offices.groups["supervisor"], False),
                           (two_offices.office2["supervisor"], False)):
        store = as_role(two_offices, role, clock)
        assert is_province(store) is expected, role
        store.db.engine.dispose()
    single = Store(connect(sqlite_url), clock)
    assert not is_province(single)  # a single office on SQLite: no province tab, the dashboard as before
    single.db.engine.dispose()


def test_motcua_dashboard_renders_the_province_tab_as_a_real_process(two_offices: Province, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    from tests.conftest import ROOT

    env = {**{k: v for k, v in os.environ.items() if k not in ("MOTCUA_DB", "MOTCUA_CONFIG")},
           "QT_QPA_PLATFORM": "offscreen"}
    target = tmp_path / "province.png"
    for role, code in ((two_offices.groups["province"], 0), (two_offices.office2["supervisor"], 2)):
        out = subprocess.run([sys.executable, "-m", "common.cli.main", "--db", two_offices.url_as(role), "dashboard",
                              "--screenshot", str(target), "--size", "1366x768", "--tab", "province"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == code, out.stderr
    assert "vai trò cấp tỉnh" in out.stderr and "Traceback" not in out.stderr  # an office's role: one line
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1366, 768)
    # Without --tab the province role gets the province window too, as `motcua dashboard` opens for it (the
    # live tab over every office at once listed each service once per office).
    out = subprocess.run([sys.executable, "-m", "common.cli.main", "--db", two_offices.url_as(
        two_offices.groups["province"]), "dashboard", "--screenshot", str(target), "--size", "1366x768"], cwd=ROOT,
        env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stdout.rstrip().endswith("1366x768, province)"), out.stderr


def test_the_scope_setting_narrows_the_province_and_widens_no_one(two_offices: Province, clock: ManualClock) -> None:
    from common.store.office_scope import scoped_url

    def tickets(role: str, office: int) -> set[int]:
        store = Store(connect(scoped_url(two_offices.url_as(role), office)), clock, "Asia/Ho_Chi_Minh")
        try:
            return {t.id for t in store.tickets(store.today, store.today)}
        finally:
            store.db.engine.dispose()

    province_role, kiosk2 = two_offices.groups["province"], two_offices.office2["kiosk"]
    office1, office2 = tickets(province_role, 1), tickets(province_role, 2)
    assert len(office1) == 3 and len(office2) == 2 and not office1 & office2
    assert tickets(kiosk2, 1) == office2  # office 2's role asking for office 1 still sees office 2 only


def test_the_tab_follows_every_offices_feed_with_one_read_per_debounce(qtbot: QtBot, two_offices: Province,
                                                                        clock: ManualClock) -> None:
    """Office 2's kiosk issues three tickets: the province role's feed (every office's NOTIFY channel) arms the
    debounce timer and reads nothing by itself; when the timer fires, ONE read shows all three. The test fires
    the timer itself (its 5-second interval is set out of reach): no timing in the test."""
    store = as_role(two_offices, two_offices.groups["province"], clock)
    w = ProvinceWindow(store, live=True)
    qtbot.addWidget(w)
    tab = w.tab
    tab.timer.stop()  # the 1-minute clock is not what is tested
    tab.debounce.setInterval(3_600_000)
    with qtbot.waitSignal(tab.online, timeout=WAIT_MS):  # the feed is listening
        pass
    qtbot.waitUntil(lambda: tab.figures is not None, timeout=WAIT_MS)
    assert tab.figures is not None
    before = next(o.tickets for o in tab.figures.today.offices if o.office_id == 2)
    reads: list[object] = []
    tab.shown.connect(reads.append)
    seen: list[object] = []
    assert tab.feed is not None
    tab.feed.changed.connect(seen.extend)
    kiosk = as_role(two_offices, two_offices.office2["kiosk"], clock)
    for _ in range(3):
        kiosk.issue_ticket("TP")
    kiosk.db.engine.dispose()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=WAIT_MS)  # office 2's issues reached the province's feed
    assert tab.debounce.isActive() and reads == []  # armed once; no read per change
    with qtbot.waitSignal(tab.shown, timeout=WAIT_MS):
        tab.debounce.start(0)  # the debounce interval is over
    assert len(reads) == 1
    after = next(o.tickets for o in tab.figures.today.offices if o.office_id == 2)
    assert after == before + 3
    w.close()
    assert not tab.feed._thread.is_alive()  # closing the window stops the feed
    store.db.engine.dispose()


def test_a_named_person_signs_in_to_the_province_view(qtbot: QtBot, two_offices: Province,
                                                       clock: ManualClock) -> None:
    """The one sign-in dialog, on the province's role: a wrong password is one line, the right one opens the
    province window under the person's name, and both attempts are in the province's sign-in log."""
    from common.store import province_staff
    from dashboard.signin import ProvinceSignInDialog

    owner = Store(connect(two_offices.url), clock, "Asia/Ho_Chi_Minh")
    province_staff.add_staff(owner, "hoa", "Trần Thị Hoa", "mật khẩu tỉnh")
    owner.db.engine.dispose()
    store = as_role(two_offices, two_offices.groups["province"], clock)
    dialog = ProvinceSignInDialog(store)
    qtbot.addWidget(dialog)
    dialog.username.setText("hoa")
    dialog.password.setText("sai")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=WAIT_MS)
    assert "Sai tên đăng nhập hoặc mật khẩu" in dialog.message.text()
    clock.advance(2)  # past the throttle of one failure
    dialog.password.setText("mật khẩu tỉnh")
    with qtbot.waitSignal(dialog.signed_in, timeout=WAIT_MS):
        dialog.submit()
    assert dialog.clerk is not None and dialog.clerk.username == "hoa"
    w = ProvinceWindow(store, live=False, viewer=dialog.clerk)
    qtbot.addWidget(w)
    assert w.heading.text() == "Toàn tỉnh · Trần Thị Hoa (cấp tỉnh) · chỉ xem"
    qtbot.waitUntil(lambda: w.tab.figures is not None, timeout=WAIT_MS)
    assert [r.outcome for r in province_staff.recent(store)] == ["ok", "failed"]
    w.close()
    store.db.engine.dispose()


def test_this_month_on_the_first_says_the_month_starts_today(qtbot: QtBot, two_offices: Province,
                                                             clock: ManualClock) -> None:
    """On the 1st "Tháng này" is today alone; with no ticket yet the table is empty and the banner says why
    and where the figures are. Back on "30 ngày qua" the figures show and the note goes."""
    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))  # the offices' day was 25/11
    store = as_role(two_offices, two_offices.groups["province"], clock)
    w = ProvinceWindow(store, live=False)
    qtbot.addWidget(w)
    tab = w.tab
    qtbot.waitUntil(lambda: tab.figures is not None, timeout=WAIT_MS)
    assert names(tab) == ["office1", "xa-an-binh"] and tab.message.isHidden()  # 30 days by default
    with qtbot.waitSignal(tab.shown, timeout=WAIT_MS):
        tab.bar.kind.setCurrentIndex(tab.bar.kind.findData("month"))
    assert names(tab) == [] and not tab.message.isHidden()
    assert "Tháng mới bắt đầu hôm nay (01/12/2026)" in tab.message.text() and "30 ngày qua" in tab.message.text()
    with qtbot.waitSignal(tab.shown, timeout=WAIT_MS):
        tab.bar.kind.setCurrentIndex(tab.bar.kind.findData("30d"))
    assert names(tab) == ["office1", "xa-an-binh"] and tab.message.isHidden()
    w.close()
    store.db.engine.dispose()
