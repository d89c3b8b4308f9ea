"""The one live view every app uses, on a real store: outage then recovery, a change mid-read, stop."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.model import QueueSnapshot
from common.store import Store
from common.store.db import Database, make_engine
from tests.conftest import TZ
from ui import live_view
from ui.live_view import LiveView
from ui.outage import BACKOFF_MS, backoff_ms, outage_text
from ui.worker import Runner

WAIT_MS = 20_000


def gated_snapshot(store: Store, gate: threading.Event, reads: list[int]) -> Callable[[], Callable[[], Any]]:
    """A job whose first read, once taken, waits for ``gate`` to return, so that a test can act meanwhile."""
    def job() -> Callable[[], Any]:
        def read() -> QueueSnapshot:
            snapshot = store.snapshot()
            reads.append(len(reads))
            if len(reads) == 1:
                gate.wait(10)
            return snapshot
        return read
    return job


def test_the_backoff_grows_then_holds_at_its_last_step() -> None:
    assert [backoff_ms(n) for n in range(len(BACKOFF_MS) + 2)] == [*BACKOFF_MS, BACKOFF_MS[-1], BACKOFF_MS[-1]]
    assert list(BACKOFF_MS) == sorted(BACKOFF_MS)
    assert outage_text("vi").startswith("Mất kết nối") and outage_text("en").startswith("Lost")


def test_a_change_mid_read_is_read_once_more_and_shown_last(qtbot: QtBot, store: Store) -> None:
    gate, reads, shown = threading.Event(), [], []
    view = LiveView(store, gated_snapshot(store, gate, reads), live=False)
    view.fresh.connect(shown.append)
    view.start()
    qtbot.waitUntil(lambda: bool(reads), timeout=WAIT_MS)
    store.issue_ticket("TP", check_hours=False)
    for _ in range(3):  # several changes during one read ask for one more read, not three
        view.refresh()
    gate.set()
    qtbot.waitUntil(lambda: len(shown) == 2 and not view.runner.busy, timeout=WAIT_MS)
    assert len(reads) == 2
    assert shown[0].service("TP").waiting == 0  # read before the ticket was issued, shown first
    assert shown[1].service("TP").waiting == 1
    view.stop()


def test_a_stale_answer_is_dropped_when_asked(qtbot: QtBot, store: Store) -> None:
    gate, reads, shown = threading.Event(), [], []
    view = LiveView(store, gated_snapshot(store, gate, reads), live=False, drop_stale=True)
    view.fresh.connect(shown.append)
    view.start()
    qtbot.waitUntil(lambda: bool(reads), timeout=WAIT_MS)
    store.issue_ticket("TP", check_hours=False)
    view.refresh()
    gate.set()
    qtbot.waitUntil(lambda: bool(shown) and shown[-1].service("TP").waiting == 1, timeout=WAIT_MS)
    assert [s.service("TP").waiting for s in shown] == [1] and len(reads) == 2  # the older answer never shown


def test_a_commit_reaches_the_view_through_the_feed(qtbot: QtBot, store: Store) -> None:
    view = LiveView(store, lambda: store.snapshot)
    with qtbot.waitSignal(view.online, timeout=WAIT_MS) as blocker:
        view.start()
    assert blocker.args == [True]
    with qtbot.waitSignal(view.changed, timeout=WAIT_MS):
        store.issue_ticket("TP", check_hours=False)
    qtbot.waitUntil(lambda: not view.runner.busy, timeout=WAIT_MS)
    with qtbot.waitSignal(view.fresh, timeout=WAIT_MS) as answer:
        view.refresh()
    assert answer.args[0].service("TP").waiting == 1
    view.stop()


def test_outage_then_recovery_on_the_one_schedule(qtbot: QtBot, tmp_path: Path, sqlite_template: Path,
                                                 clock: ManualClock, example_config: AppConfig,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    delays: list[int] = []

    def quick(attempt: int) -> int:
        delays.append(attempt)
        return 50

    monkeypatch.setattr(live_view, "backoff_ms", quick)
    folder = tmp_path / "share"
    url = f"sqlite:///{folder / 'motcua.sqlite3'}"
    store = Store(Database(make_engine(url), url), clock, TZ)  # the engine makes the folder…
    folder.rmdir()  # …which then disappears, like an unmounted network share
    view = LiveView(store, lambda: store.snapshot, live=False)
    states: list[bool] = []
    shown: list[QueueSnapshot] = []
    view.online.connect(states.append)
    view.fresh.connect(shown.append)
    view.start()
    qtbot.waitUntil(lambda: len(delays) >= 3, timeout=WAIT_MS)  # it keeps trying, one attempt after another
    assert states == [False] and not view.is_online and shown == []
    assert delays[:3] == [0, 1, 2]

    staged = tmp_path / "staged"
    staged.mkdir()
    shutil.copy(sqlite_template, staged / "motcua.sqlite3")
    loader = Store(Database(make_engine(f"sqlite:///{staged / 'motcua.sqlite3'}"), ""), clock, TZ)
    loader.load_office(example_config.office)
    loader.db.engine.dispose()
    os.rename(staged, folder)  # the share comes back in one step
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert states == [False, True] and view.is_online
    assert shown[-1].service("TP").waiting == 0
    tried = len(delays)
    view.refresh()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=WAIT_MS)
    assert len(delays) == tried  # back online: no more retries are scheduled
    view.stop()
    store.db.engine.dispose()


def test_an_action_that_met_the_outage_takes_the_view_offline(qtbot: QtBot, store: Store) -> None:
    view = LiveView(store, lambda: store.snapshot, live=False)
    view.start()
    qtbot.waitUntil(lambda: view.is_online and not view.runner.busy, timeout=WAIT_MS)
    with qtbot.waitSignal(view.online, timeout=WAIT_MS) as down:
        view.report_outage()
    assert down.args == [False]
    with qtbot.waitSignal(view.online, timeout=WAIT_MS) as up:  # the first retry finds the store there
        pass
    assert up.args == [True]
    view.stop()


def test_after_stop_nothing_is_read_or_shown(qtbot: QtBot, store: Store) -> None:
    gate, reads, shown = threading.Event(), [], []
    runner = Runner()  # shared, as a window shares its worker: the view does not shut it down
    view = LiveView(store, gated_snapshot(store, gate, reads), runner=runner)
    view.fresh.connect(shown.append)
    view.changed.connect(lambda _e: shown.append("changed"))
    view.start()
    qtbot.waitUntil(lambda: runner.in_flight("live"), timeout=WAIT_MS)
    view.stop()
    assert view.stopped
    gate.set()  # the answer of the read in flight arrives after stop…
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)
    assert view.feed is not None
    view.feed.changed.emit([])  # …and so do a late feed signal,
    view.feed.online.emit(False)  # a late outage report,
    view.refresh()  # a late timer's refresh
    view.start()  # and a second start
    assert not runner.busy
    with qtbot.waitSignal(runner.succeeded, timeout=WAIT_MS):  # the shared worker still serves its window,
        assert runner.submit("other", lambda: 1)  # and answers after everything queued before it
    assert shown == [] and len(reads) == 1
    runner.shutdown()
