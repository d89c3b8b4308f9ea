from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from common.store import Store
from tests.display.board import open_board


def test_a_committed_call_appears_on_the_board_and_flashes(qtbot: QtBot, store: Store) -> None:
    ticket = store.issue_ticket("TP").ticket
    board, controller = open_board(qtbot, store)
    assert board.latest.ticket.text() == "Chưa có lượt gọi"
    store.call_next(2, "minh")
    qtbot.waitUntil(lambda: board.latest.ticket.text() == ticket.code, timeout=5000)
    assert board.latest.counter.text() == "đến Quầy số 2"
    assert board.latest.flashing
    qtbot.waitUntil(lambda: board.counters.cells[2][1].text() == ticket.code, timeout=5000)
    assert board.recent.rows[0][0].text() == ticket.code
    controller.stop()


@pytest.mark.postgres
def test_outage_shows_mat_ket_noi_and_reconnects(qtbot: QtBot, store: Store) -> None:
    if store.db.is_sqlite:
        pytest.skip("the outage is staged on the PostgreSQL server")
    board, controller = open_board(qtbot, store)
    name = make_url(store.db.url).database
    admin = create_engine(make_url(store.db.url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
    try:
        qtbot.waitUntil(lambda: board.offline_shown, timeout=10000)
        assert "Mất kết nối" in board.offline.text()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    qtbot.waitUntil(lambda: not board.offline_shown, timeout=15000)
    ticket = store.issue_ticket("TP").ticket
    store.call_next(1, "lan")
    qtbot.waitUntil(lambda: board.latest.ticket.text() == ticket.code, timeout=5000)
    controller.stop()


def test_portrait_stacks_the_panels(qtbot: QtBot, store: Store) -> None:
    board, controller = open_board(qtbot, store)
    board.resize(1080, 1920)
    qtbot.waitUntil(lambda: board.latest.y() < board.recent.y(), timeout=3000)
    assert board.latest.ticket.font().pixelSize() > board.recent.rows[0][0].font().pixelSize()
    controller.stop()
