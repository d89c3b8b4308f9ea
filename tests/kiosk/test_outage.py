"""A store that goes away: the kiosk says so in Vietnamese, offers no number, and comes back by itself."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from common.config import AppConfig
from common.core.clock import ManualClock
from common.store import Store
from common.store.db import Database, make_engine
from tests.conftest import TZ
from tests.kiosk.conftest import MakeWindow


def test_sqlite_store_missing_at_start_then_back(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path,
                                                 sqlite_template: Path, clock: ManualClock,
                                                 example_config: AppConfig) -> None:
    folder = tmp_path / "share"
    url = f"sqlite:///{folder / 'motcua.sqlite3'}"
    store = Store(Database(make_engine(url), url), clock, TZ)  # the engine makes the folder…
    folder.rmdir()  # …which then disappears, like an unmounted network share
    window = make_window(store, live=True, wait=False)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.outage, timeout=10000)
    assert window.outage.message.text() == "Hệ thống lấy số đang tạm gián đoạn"
    assert not window.home.buttons  # nothing to tap, no number that is not committed

    staged = tmp_path / "staged"
    staged.mkdir()
    shutil.copy(sqlite_template, staged / "motcua.sqlite3")
    loader = Store(Database(make_engine(f"sqlite:///{staged / 'motcua.sqlite3'}"), ""), clock, TZ)
    loader.load_office(example_config.office)
    loader.db.engine.dispose()
    os.rename(staged, folder)  # the share comes back in one step
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home and bool(window.home.buttons),
                    timeout=20000)
    window.home.buttons["TP"].click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    assert store.tickets(store.today, store.today)[0].code == window.confirm.facts.number.text()
    store.db.engine.dispose()


@pytest.mark.postgres
def test_postgres_goes_away_and_comes_back(qtbot: QtBot, make_window: MakeWindow, pg_url: str,
                                           clock: ManualClock, example_config: AppConfig) -> None:
    from common.store.db import connect

    store = Store(connect(pg_url), clock, TZ)
    store.load_office(example_config.office)
    window = make_window(store, live=True)
    qtbot.waitUntil(lambda: window.feed is not None and window.online, timeout=10000)
    name = make_url(pg_url).database
    admin = create_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # the server refuses this database and drops everyone on it
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
    try:
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.outage, timeout=15000)
        window.choose_service("TP")  # a tap that gets through during the outage
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=15000)
        assert window.stack.currentWidget() is window.outage
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home, timeout=20000)
    assert store.tickets(store.today, store.today) == []  # the tap during the outage issued nothing
    window.home.buttons["CT"].click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.confirm, timeout=10000)
    window.close()
    store.db.engine.dispose()
