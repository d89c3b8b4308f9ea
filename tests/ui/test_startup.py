"""An app started before its database exists waits on screen and carries on when it appears."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from common.core.errors import ConfigError
from common.store.db import Database, make_engine, upgrade
from ui import startup


@pytest.mark.postgres
def test_the_app_waits_for_a_database_that_comes_up_later(qtbot: QtBot, pg_database: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(startup, "backoff_ms", lambda _attempt: 100)
    name = f"motcua_late_{uuid.uuid4().hex[:8]}"
    url = make_url(pg_database).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(make_url(pg_database).set(database="postgres"), isolation_level="AUTOCOMMIT")
    seen: list[str] = []

    def bring_the_server_up() -> None:
        waiting = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QLabel) and w.objectName() == "waiting-for-store" and w.isVisible()]
        if not waiting:  # not on screen yet: look again shortly
            QTimer.singleShot(50, bring_the_server_up)
            return
        seen.append(waiting[0].text())
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        upgrade(Database(make_engine(url), url))

    QTimer.singleShot(0, bring_the_server_up)
    try:
        ctx = startup.open_store(None, url, "test", fullscreen=False)
        assert seen and seen[0].startswith("Đang kết nối tới máy chủ dữ liệu")
        assert ctx.store.services() == []  # a working store on the database that came up
        ctx.store.db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_configuration_mistake_still_stops_at_once(qtbot: QtBot) -> None:
    with pytest.raises(ConfigError, match="not a database URL"):
        startup.open_store(None, "no-such-scheme://x", "test", fullscreen=False)
