"""The dashboard's Sign-ins tab lists every attempt from the audit log, failures in red."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from common.core.errors import AuthError, Throttled
from common.core.model import Role
from common.store import Store
from common.store.signin import recent_sign_ins
from dashboard.signin import check
from dashboard.signins_tab import OUTCOMES
from tests.dashboard.conftest import BOSS, PASSWORD, WAIT_MS, Open


def test_the_tab_lists_successes_failures_and_blocks(qtbot: QtBot, store: Store, open_dashboard: Open) -> None:
    store.add_clerk("giamdoc", "Võ Thanh Bình", Role.SUPERVISOR, PASSWORD)
    store.authenticate("giamdoc", PASSWORD, pc="phong-giam-doc", app="dashboard")
    for _ in range(2):  # the second try comes inside the one-second back-off: blocked
        with pytest.raises(AuthError):
            store.authenticate("giamdoc", "doan-mo", pc="quay-9", app="counter")
    window = open_dashboard(store, BOSS)
    window.select("signins")
    qtbot.waitUntil(lambda: window.signins.table.rowCount() == 3, timeout=WAIT_MS)
    table = window.signins.table
    rows = [[table.item(i, j).text() for j in range(1, 5)] for i in range(3)]
    assert rows == [[OUTCOMES["throttled"], "giamdoc", "quay-9", "counter"],
                    [OUTCOMES["failed"], "giamdoc", "quay-9", "counter"],
                    [OUTCOMES["ok"], "giamdoc", "phong-giam-doc", "dashboard"]]
    assert table.item(0, 1).foreground().color().name() == "#b3261e"
    assert table.item(2, 1).foreground().color().name() != "#b3261e"


def test_the_dashboard_check_and_password_stdin_are_throttled(store: Store) -> None:
    store.add_clerk("giamdoc", "Võ Thanh Bình", Role.SUPERVISOR, PASSWORD)
    with pytest.raises(AuthError):
        check(store, "giamdoc", "doan-mo")
    with pytest.raises(Throttled):  # `motcua dashboard --password-stdin` in a loop meets the same wall
        check(store, "giamdoc", PASSWORD)
    assert [r.app for r in recent_sign_ins(store)] == ["dashboard", "dashboard"]
