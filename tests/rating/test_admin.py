"""The rating panel's staff functions sit behind a supervisor's sign-in through Store.authenticate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.core.model import Role
from common.store import Store
from common.store.signin import recent_sign_ins
from rating.admin import REFUSED, AdminGate, AdminMenu, AdminSignIn
from rating.panel import RatingPanel
from tests.rating.conftest import REASONS, WAIT_MS

# The offscreen platform cannot really go full screen; it says so once, harmlessly.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def gate(qtbot: QtBot, store: Store) -> AdminGate:
    store.add_clerk("lan", "Nguyễn Thị Lan", Role.CLERK, "mật khẩu lan")
    store.add_clerk("binh", "Võ Thanh Bình", Role.SUPERVISOR, "mật khẩu bình")
    panel = RatingPanel(1, REASONS)
    qtbot.addWidget(panel)
    panel.showFullScreen()
    quits: list[bool] = []
    made = AdminGate(store, panel, 1, quit_app=lambda: quits.append(True), hold_ms=100)
    made.quits = quits  # type: ignore[attr-defined]
    return made


def sign_in(qtbot: QtBot, dialog: AdminSignIn, username: str, password: str) -> None:
    dialog.username.setText(username)
    dialog.password.setText(password)
    dialog.button.click()
    # Done when the dialog says why not, or has accepted the sign-in.
    qtbot.waitUntil(lambda: bool(dialog.message.text()) or dialog.clerk is not None, timeout=WAIT_MS)


def test_the_shortcut_opens_the_sign_in_not_the_functions(qtbot: QtBot, gate: AdminGate) -> None:
    gate.panel.activateWindow()
    gate.shortcut.activated.emit()  # what Ctrl+Alt+A does
    assert gate.dialog is not None and gate.dialog.isVisible()
    assert gate.menu is None and gate.panel.isFullScreen()


def test_a_long_press_on_the_corner_opens_the_sign_in_and_a_tap_does_not(qtbot: QtBot, gate: AdminGate) -> None:
    corner, middle = QPoint(10, 10), QPoint(400, 400)
    QTest.mousePress(gate.panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)
    assert not gate.hold.isActive()  # away from the corner no hold even starts
    QTest.mouseRelease(gate.panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)
    QTest.mousePress(gate.panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
    QTest.mouseRelease(gate.panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)  # a tap
    assert not gate.hold.isActive() and gate.dialog is None
    QTest.mousePress(gate.panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
    qtbot.waitUntil(lambda: gate.dialog is not None and gate.dialog.isVisible(), timeout=WAIT_MS)
    QTest.mouseRelease(gate.panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)


def test_a_wrong_password_or_a_clerk_gets_no_menu_and_every_try_is_audited(qtbot: QtBot, gate: AdminGate,
                                                                         store: Store, clock: ManualClock) -> None:
    dialog = gate.open()
    sign_in(qtbot, dialog, "binh", "sai")
    assert "Sai tên đăng nhập hoặc mật khẩu" in dialog.message.text() and gate.menu is None
    clock.advance(5)  # past the 1 s back-off
    sign_in(qtbot, dialog, "lan", "mật khẩu lan")
    assert dialog.message.text() == REFUSED and gate.menu is None
    assert gate.panel.isFullScreen()
    attempts = recent_sign_ins(store)
    assert [(a.outcome, a.username, a.app) for a in attempts[:2]] == [("ok", "lan", "rating"),
                                                                      ("failed", "binh", "rating")]


def test_sign_in_is_throttled_like_every_other_path(qtbot: QtBot, gate: AdminGate, store: Store) -> None:
    dialog = gate.open()
    sign_in(qtbot, dialog, "binh", "sai")
    sign_in(qtbot, dialog, "binh", "mật khẩu bình")  # the right password, but within the back-off
    assert "thử lại sau" in dialog.message.text() and gate.menu is None
    assert recent_sign_ins(store)[0].outcome == "throttled"


def test_a_supervisor_leaves_kiosk_mode_reads_today_and_closes(qtbot: QtBot, gate: AdminGate) -> None:
    dialog = gate.open()
    sign_in(qtbot, dialog, "binh", "mật khẩu bình")
    qtbot.waitUntil(lambda: gate.menu is not None, timeout=WAIT_MS)
    menu = gate.menu
    assert isinstance(menu, AdminMenu)
    menu.report.click()
    qtbot.waitUntil(lambda: bool(menu.figures.text()), timeout=WAIT_MS)
    assert menu.figures.text().startswith("Cả trung tâm: 0/0"), menu.figures.text()
    menu.leave.click()
    qtbot.waitUntil(lambda: not gate.panel.isFullScreen(), timeout=WAIT_MS)
    gate.open()
    sign_in(qtbot, gate.dialog, "binh", "mật khẩu bình")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: gate.menu is not menu, timeout=WAIT_MS)
    gate.menu.close_panel.click()  # type: ignore[union-attr]
    assert gate.quits == [True]  # type: ignore[attr-defined]
