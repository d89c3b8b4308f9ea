"""The SQLite write queue: writers hold a file lock from BEGIN IMMEDIATE to COMMIT/ROLLBACK, and only then.

A third handle on the lock file tells whether someone holds it, so nothing here
depends on timing: each step is checked after it happened.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from common.core.errors import StoreUnavailable
from common.core.model import Service
from common.store import Store
from common.store import db as dbmod
from common.store.db import connect
from common.store.writelock import WriteLock, lock_path

pytestmark = pytest.mark.usefixtures("sqlite_url")


def queue_is_taken(database: str) -> bool:
    """True when some writer holds the queue: a fresh handle cannot take it."""
    probe = WriteLock(lock_path(database), timeout_s=0)
    try:
        probe.acquire()
    except Exception:
        return True
    finally:
        probe.close()
    return False


def path_of(url: str) -> str:
    return url.removeprefix("sqlite:///")


def test_a_writer_holds_the_queue_until_commit(sqlite_url: str) -> None:
    db = connect(sqlite_url)
    path = path_of(sqlite_url)
    assert not queue_is_taken(path)
    with db.engine.connect() as conn:
        trans = conn.begin()
        conn.execute(text("SELECT 1"))
        assert queue_is_taken(path)
        trans.commit()
        assert not queue_is_taken(path)
        trans = conn.begin()
        assert queue_is_taken(path)
        trans.rollback()
        assert not queue_is_taken(path)
    assert os.path.exists(path + ".lock")
    db.engine.dispose()


def test_a_read_only_transaction_does_not_queue(sqlite_url: str) -> None:
    db = connect(sqlite_url)
    ro = db.engine.execution_options(**{dbmod.READONLY_OPTION: True})
    with ro.connect() as conn, conn.begin():
        conn.execute(text("SELECT 1"))
        assert not queue_is_taken(path_of(sqlite_url))
    db.engine.dispose()


def test_a_second_writer_waits_for_the_first_and_then_goes_at_once(sqlite_url: str) -> None:
    db = connect(sqlite_url)
    began = threading.Event()
    done: list[int] = []

    def second() -> None:
        with db.engine.connect() as conn, conn.begin():
            began.set()
            done.append(conn.execute(text("SELECT count(*) FROM services")).scalar_one())

    with db.engine.connect() as first:
        trans = first.begin()
        first.execute(text("SELECT 1"))
        worker = threading.Thread(target=second)
        worker.start()
        # The worker cannot be inside its transaction while we hold ours.
        assert not began.wait(0.2)
        trans.commit()
    worker.join()
    assert began.is_set() and done == [0]
    db.engine.dispose()


def test_a_real_hang_still_ends_in_the_busy_message(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbmod, "SQLITE_BUSY_TIMEOUT_MS", 100)
    store = Store(connect(sqlite_url))
    holder = WriteLock(lock_path(path_of(sqlite_url)), timeout_s=0)
    holder.acquire()  # a stuck writer on another PC
    try:
        with pytest.raises(StoreUnavailable, match="stayed busy"):
            store.load_office(_office())
    finally:
        holder.close()
    assert not queue_is_taken(path_of(sqlite_url))
    assert store.load_office(_office())["services"] == 1  # and it works once the writer is gone
    store.db.engine.dispose()


def _office():  # type: ignore[no-untyped-def]
    from common.config import OfficeSpec

    return OfficeSpec(services=(Service("X", "X", "Dịch vụ X", "Service X"),), counters=(), clerks=())


def test_lock_file_sits_beside_the_database(tmp_path: Path) -> None:
    assert lock_path(str(tmp_path / "motcua.sqlite3")) == tmp_path / "motcua.sqlite3.lock"


def test_writers_go_in_the_order_they_queued(tmp_path: Path) -> None:
    """FIFO: with the queue held, B queues and then C; when the holder lets go, B goes before C.

    Each step waits for the previous one to show in the lock file's ticket counter, so the order
    of queueing is fixed without any timing.
    """
    from common.store import writelock

    if not writelock.RANGES:
        pytest.skip("no byte-range locks here (macOS): one whole-file lock, not a FIFO")
    path = tmp_path / "office.sqlite3.lock"
    holder = WriteLock(path, timeout_s=5)
    holder.acquire()
    ticket = ticket_counter(path)
    order: list[str] = []

    def writer(name: str) -> None:
        lock = WriteLock(path, timeout_s=30)
        lock.acquire()
        order.append(name)
        lock.close()

    threads = []
    for n, name in enumerate(["B", "C", "D"], start=1):
        threads.append(threading.Thread(target=writer, args=(name,)))
        threads[-1].start()
        while ticket_counter(path) < ticket + n:  # this writer has taken its ticket
            threading.Event().wait(0.001)
    assert order == []  # nobody passes the holder
    holder.close()
    for t in threads:
        t.join()
    assert order == ["B", "C", "D"]


def ticket_counter(path: Path) -> int:
    from common.store.writelock import COUNTER

    return int(COUNTER.unpack(path.read_bytes()[:COUNTER.size])[0])
