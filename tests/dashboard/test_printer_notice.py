"""The live tab shows the kiosk printer's problem to the supervisor, and hides the line when there is none."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from common.store import Store
from dashboard.live_tab import LiveTab


def test_the_printer_notice_is_shown_only_when_there_is_one(qtbot: QtBot, store: Store) -> None:
    tab = LiveTab(ZoneInfo("Asia/Ho_Chi_Minh"))
    qtbot.addWidget(tab)
    figures = store.views.live()
    tab.show_figures(replace(figures, printer_notice="Máy in lấy số: giấy in sắp hết (cảnh báo, vé A001)"))
    assert not tab.printer.isHidden() and "giấy in sắp hết" in tab.printer.text()
    tab.show_figures(figures)
    assert tab.printer.isHidden()
