"""Only supervisors and admins open the dashboard: window, sign-in, command line and the counter's door."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.core.model import Clerk, Role
from common.store import Store
from counter import dashboard_door
from dashboard.signin import SignInDialog
from dashboard.window import REFUSED, DashboardWindow, open_dashboard
from tests.conftest import ROOT
from tests.dashboard.conftest import BOSS, PASSWORD, WAIT_MS

LAN = Clerk("lan", "Nguyễn Thị Lan", Role.CLERK)


def test_a_clerk_is_refused_by_the_window_and_the_door(qtbot: QtBot, store: Store) -> None:
    with pytest.raises(PermissionError, match="Chỉ giám sát viên"):
        DashboardWindow(store, LAN, live=False, sound=False)
    assert open_dashboard(store, LAN, None) == REFUSED
    assert dashboard_door.open_dashboard(store, LAN, None) == REFUSED  # type: ignore[arg-type]


# The door opens the real window, chime included: Qt reports the missing sound libraries as warnings.
@pytest.mark.qt_log_ignore("Couldn't (load|resolve)", "PulseAudioService")
def test_a_supervisor_at_a_counter_opens_it_through_the_door(qtbot: QtBot, store: Store) -> None:
    window = dashboard_door.open_dashboard(store, BOSS, None, at_risk_minutes=15,  # type: ignore[arg-type]
                                           office="Bộ phận Một cửa xã An Bình")
    assert isinstance(window, DashboardWindow)
    qtbot.addWidget(window)
    # The counter hands over its office's settings: the dashboard does not fall back to defaults.
    assert window.at_risk_minutes == 15 and window.windowTitle() == "Bảng điều khiển – Bộ phận Một cửa xã An Bình"
    qtbot.waitUntil(lambda: window.live.figures is not None, timeout=WAIT_MS)
    window.close()


def test_sign_in_refuses_a_clerk_and_admits_a_supervisor(qtbot: QtBot, store: Store) -> None:
    store.add_clerk("lan", "Nguyễn Thị Lan", Role.CLERK, PASSWORD)
    store.add_clerk("giamdoc", "Võ Thanh Bình", Role.SUPERVISOR, PASSWORD)
    dialog = SignInDialog(store)
    qtbot.addWidget(dialog)
    dialog.username.setText("lan")
    dialog.password.setText(PASSWORD)
    dialog.button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == REFUSED, timeout=WAIT_MS)
    assert dialog.clerk is None and dialog.password.text() == ""
    dialog.password.setText("wrong")
    dialog.username.setText("giamdoc")
    dialog.button.click()
    qtbot.waitUntil(lambda: "Sai tên đăng nhập" in dialog.message.text(), timeout=WAIT_MS)
    dialog.password.setText(PASSWORD)
    dialog.button.click()  # straight after a failure: the store's back-off refuses even the right password
    qtbot.waitUntil(lambda: "thử lại sau 1 giây" in dialog.message.text(), timeout=WAIT_MS)
    assert isinstance(store.clock, ManualClock)
    store.clock.advance(1)
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.signed_in, timeout=WAIT_MS) as signed:
        dialog.button.click()
    assert signed.args[0].role is Role.SUPERVISOR


def test_motcua_dashboard_refuses_a_clerk_in_one_line(store: Store) -> None:
    store.add_clerk("lan", "Nguyễn Thị Lan", Role.CLERK, PASSWORD)
    env = {k: v for k, v in os.environ.items() if k not in ("MOTCUA_DB", "MOTCUA_CONFIG")}
    out = subprocess.run([sys.executable, "-m", "common.cli.main", "--db", store.db.url, "dashboard", "--user", "lan",
                          "--password-stdin"], input=PASSWORD + "\n", cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip() == f"motcua: lan: {REFUSED}"
