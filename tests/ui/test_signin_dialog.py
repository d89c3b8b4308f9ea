"""The one staff sign-in dialog (ui/signin_dialog.py) that the dashboard and the rating panel both open.

The apps' own tests (tests/dashboard/test_access.py, tests/rating/test_admin.py) sign in through the real
store; these check the dialog's own behaviour with a plain ``check`` function.
"""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from common.core.errors import AuthError
from common.core.model import Clerk, Role
from ui.signin_dialog import NO_USERNAME, UNEXPECTED, SignInDialog

BINH = Clerk("binh", "Võ Thanh Bình", Role.SUPERVISOR)


def dialog_for(qtbot: QtBot, check: object) -> SignInDialog:
    dialog = SignInDialog(check, title="Đăng nhập thử", intro="Dành cho giám sát viên.",  # type: ignore[arg-type]
                          worker_name="motcua-test-signin")
    qtbot.addWidget(dialog)
    return dialog


def test_the_check_runs_off_the_gui_thread_with_the_trimmed_name_and_admits(qtbot: QtBot) -> None:
    calls: list[tuple[str, str, bool]] = []

    def check(username: str, password: str) -> Clerk:
        calls.append((username, password, threading.current_thread() is threading.main_thread()))
        return BINH

    dialog = dialog_for(qtbot, check)
    assert dialog.windowTitle() == "Đăng nhập thử"
    dialog.username.setText("  binh ")
    dialog.password.setText("mật khẩu")
    with qtbot.waitSignal(dialog.signed_in, timeout=5000) as signed:
        dialog.button.click()
    assert signed.args == [BINH] and dialog.clerk == BINH
    assert calls == [("binh", "mật khẩu", False)]


def test_refusals_are_one_vietnamese_line_and_clear_the_password(qtbot: QtBot) -> None:
    def refuse(_u: str, _p: str) -> Clerk:
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu", "Wrong user name or password")

    dialog = dialog_for(qtbot, refuse)
    dialog.button.click()
    assert dialog.message.text() == NO_USERNAME  # nothing sent without a name
    dialog.username.setText("binh")
    dialog.password.setText("sai")
    dialog.button.click()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=5000)
    assert dialog.message.text().startswith("Sai tên đăng nhập") and dialog.password.text() == ""
    assert dialog.clerk is None


def test_an_unexpected_error_shows_one_line_not_its_text(qtbot: QtBot) -> None:
    def broken(_u: str, _p: str) -> Clerk:
        raise RuntimeError("Traceback: something internal")

    dialog = dialog_for(qtbot, broken)
    dialog.username.setText("binh")
    dialog.button.click()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=5000)
    assert dialog.message.text() == UNEXPECTED
