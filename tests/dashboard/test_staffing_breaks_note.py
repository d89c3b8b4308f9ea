"""The staffing tab says which hours of the counter plan lose capacity to the counters' scheduled breaks (issue 17)."""

from __future__ import annotations

import dataclasses
from datetime import time

from pytestqt.qtbot import QtBot

from common.config import OfficeSpec
from common.planning.staffing import HourAdvice, StaffingAdvice, counter_plan
from common.store import Store
from dashboard.staffing_tab import StaffingTab
from tests.dashboard.day import WED
from ui.worker import Runner


def test_the_counter_note_names_the_break_hours(qtbot: QtBot, store: Store) -> None:
    first = dataclasses.replace(store.counters()[0], breaks=((time(9, 0), time(9, 15)),))
    store.load_office(OfficeSpec(counters=(first,)))
    advice = StaffingAdvice(WED, WED, 1, 30, 0.95, (HourAdvice(9, 6, 480, 1, 1, 1, None),), 480,
                            ((9 * 3600.0, 10 * 3600.0),), ((9, (("TP", 6.0),)),), (("TP", 480.0),),
                            counter_breaks=((1, ((9 * 3600.0, 9.25 * 3600),)), (2, ())))
    found = counter_plan(advice, store.services(), store.counters(), store.tz, days=3)
    assert 1 in found.hours[0].own  # TP's first counter is open at 9:00: its break costs a quarter of it
    runner = Runner()
    tab = StaffingTab(store, runner)
    qtbot.addWidget(tab)
    tab.advice = advice
    tab.show_counter_plan(found)
    note = tab.counter_note.text()
    assert "Giờ nghỉ theo lịch (kế hoạch đã tính đến): 09:00 −0,25 quầy (quầy 1 09:00–09:15)." in note
    runner.shutdown()
