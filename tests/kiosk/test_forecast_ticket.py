"""The kiosk forecasts off its GUI thread and prints the forecast's median (issue 17)."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from common.core.clock import ManualClock
from common.core.model import CounterState
from common.store import Store
from common.store.orm import TicketRow
from kiosk.texts import minutes, tr
from tests.kiosk.conftest import MakeWindow


def test_the_kiosk_forecasts_off_the_gui_thread_and_prints_the_median(
        qtbot: QtBot, store: Store, clock: ManualClock, make_window: MakeWindow) -> None:
    store.sign_in(1, "lan")
    for _ in range(4):
        store.issue_ticket("TP")
    store.call_next(1, "lan")
    clock.advance(120)
    kiosk = Store(store.db, store.clock, store.tz, hall_forecast=True)
    threads: list[threading.Thread] = []
    issue = kiosk.issue_ticket

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return issue(*args, **kwargs)

    kiosk.issue_ticket = recording  # type: ignore[method-assign]
    window = make_window(kiosk)
    window.home.buttons["TP"].click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    with store.transaction(readonly=True) as tx:
        row = tx.session.scalars(select(TicketRow).order_by(TicketRow.id.desc()).limit(1)).one()
        p50, method = row.forecast_p50_s, row.estimate_method
    assert method == "forecast" and p50 is not None and p50 > 0
    shown = [label.text() for label in window.confirm.facts.lines]
    assert tr("vi", "wait", m=minutes(p50)) in shown


def test_the_home_buttons_show_the_hall_forecast_read_off_the_gui_thread(
        qtbot: QtBot, store: Store, clock: ManualClock, make_window: MakeWindow) -> None:
    # TP: counter 1 open and busy, six waiting; counter 2 on a break for 20 minutes. The formula divides
    # by the one open counter (7 × ~7.5 min); the forecast has counter 2 back in 10 minutes, so far less.
    store.sign_in(1, "lan")
    store.sign_in(2, "hoa")
    store.set_counter_state(2, "hoa", CounterState.BREAK)
    clock.advance(600)
    for seconds in (200, 220, 180):
        store.issue_ticket("TP")
        store.call_next(1, "lan")
        store.start_service(1, "lan")
        clock.advance(seconds)
        store.finish_service(1, "lan")
    for _ in range(7):
        store.issue_ticket("TP")
    store.call_next(1, "lan")
    kiosk = Store(store.db, store.clock, store.tz, hall_forecast=True)
    threads: list[threading.Thread] = []
    estimates = kiosk.hall_estimates

    def recording(codes: Any) -> dict[str, int]:
        threads.append(threading.current_thread())
        return estimates(codes)

    kiosk.hall_estimates = recording  # type: ignore[method-assign]
    window = make_window(kiosk)
    assert threads and all(t is not threading.main_thread() for t in threads)
    formula = next(q for q in store.snapshot().services if q.service.code == "TP").estimated_wait_seconds
    forecast = kiosk.hall_estimates(["TP"])["TP"]
    assert 0 < forecast < 0.8 * formula
    detail = window.home.buttons["TP"].detail.text()
    assert tr("vi", "estimate", m=minutes(forecast)) in detail
    assert tr("vi", "estimate", m=minutes(formula)) not in detail
    # A simulation's store (no hall forecast) keeps the formula on its buttons.
    plain = make_window(store)
    assert tr("vi", "estimate", m=minutes(formula)) in plain.home.buttons["TP"].detail.text()
