"""The action bar and the shortcut bar say the same thing, and follow the rules table (issue 16)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from common.core.rules import Action
from common.store import Store
from counter.action_panel import ACTION_SPECS
from tests.counter.conftest import WindowFactory, act, sign_in


def test_on_a_break_f2_is_off_and_f10_reads_reopen_on_both_bars(qtbot: QtBot, clerks: Store,
                                                                open_window: WindowFactory) -> None:
    clerks.issue_ticket("TP")
    window = open_window()
    sign_in(qtbot, window)
    buttons = window.actions.buttons
    assert buttons[Action.CALL_NEXT].isEnabled()
    assert "F10 Tạm nghỉ" in window.legend.text() and buttons[Action.BREAK].text().endswith("Tạm nghỉ")
    act(qtbot, window, Action.BREAK)
    assert not buttons[Action.CALL_NEXT].isEnabled()  # somebody waits, but the counter is on a break
    assert not buttons[Action.CALL_SPECIFIC].isEnabled()
    assert buttons[Action.BREAK].isEnabled() and buttons[Action.BREAK].text().endswith("Mở lại quầy")
    assert "F10 Mở lại quầy" in window.legend.text()
    for spec in ACTION_SPECS:  # every button's words are in the shortcut bar, key first
        words = buttons[spec.action].text().split(maxsplit=1)
        assert f"{words[0]} {words[1].rstrip('…')}" in window.legend.text()
    act(qtbot, window, Action.BREAK)
    assert buttons[Action.CALL_NEXT].isEnabled() and "F10 Tạm nghỉ" in window.legend.text()
