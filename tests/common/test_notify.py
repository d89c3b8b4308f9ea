"""ChangeFeed: another process's commit reaches us (LISTEN/NOTIFY or PRAGMA data_version), and a lost
connection is reported, then recovered without losing the events committed meanwhile.

Only arrival is asserted, never timing: the latency targets are measured in benchmarks/.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.errors import StoreUnavailable
from common.core.model import Event
from common.store import Store
from common.store.db import connect
from common.store.notify import ChangeFeed, ChangeStamp
from tests.conftest import ROOT, TZ

CHILD = """
import sys
from common.store.db import connect
from common.store import Store
Store(connect(sys.argv[1])).issue_ticket(sys.argv[2], check_hours=False)
"""


def issue_in_another_process(url: str, service: str) -> None:
    subprocess.run([sys.executable, "-c", CHILD, url, service], cwd=ROOT, check=True, timeout=60)


def wait_for(feed: ChangeFeed, predicate, seconds: float = 30) -> list[Event]:  # type: ignore[no-untyped-def]
    """Collect batches until one event satisfies ``predicate`` (the feed itself blocks; no sleeping)."""
    seen: list[Event] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen += feed.wait(1.0)
        if any(predicate(e) for e in seen):
            return seen
    raise AssertionError(f"no matching event within {seconds} s; saw {[e.kind for e in seen]}")


def test_a_commit_by_another_process_arrives(store: Store) -> None:
    feed = ChangeFeed(store)
    assert feed.wait(0.1) == []  # listening now; nothing new yet
    issue_in_another_process(store.db.url, "CT")
    events = wait_for(feed, lambda e: e.kind == "issued")
    issued = next(e for e in events if e.kind == "issued")
    assert issued.ticket_code == "B001" and issued.to_status == "waiting"
    assert feed.wait(0.1) == []  # each event is delivered once
    feed.close()


def test_our_own_commits_arrive_in_order(store: Store) -> None:
    feed = ChangeFeed(store)
    feed.wait(0.1)
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    events = wait_for(feed, lambda e: e.kind == "called")
    assert [e.kind for e in events] == ["issued", "counter_open", "called"]
    assert [e.id for e in events] == sorted(e.id for e in events)
    feed.close()


def test_a_rolled_back_action_sends_nothing(store: Store) -> None:
    feed = ChangeFeed(store)
    feed.wait(0.1)
    with pytest.raises(Exception, match="NOPE"):
        store.issue_ticket("NOPE")
    assert feed.wait(0.3) == []
    feed.close()


@pytest.mark.postgres
def test_the_feed_reconnects_after_losing_its_connection(pg_url: str, clock: ManualClock,
                                                          example_config: AppConfig) -> None:
    # Only a server connection can be lost: a SQLite feed reads a local file.
    store = Store(connect(pg_url), clock, TZ)
    store.load_office(example_config.office)
    feed = ChangeFeed(store)
    feed.wait(0.1)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query = 'LISTEN motcua'")).scalars().all()
    admin.dispose()
    assert killed == [True]
    store.issue_ticket("TP")  # committed while the feed is deaf

    # The dead socket wakes the waiter; the loss is reported (once) by the wait that first reads it,
    # and the wait after that reconnects. Events are read through the store, so none is lost.
    failures, events = 0, []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (failures and events):
        try:
            events += feed.wait(1.0)
        except StoreUnavailable as exc:
            failures += 1
            assert str(exc).startswith("lost the change feed from postgresql")
            assert "\n" not in str(exc), "one line for the status bar"
    assert failures == 1
    assert [e.ticket_code for e in events] == ["A001"]

    issue_in_another_process(pg_url, "CT")  # and the new listener hears the next change
    assert any(e.ticket_code == "B001" for e in wait_for(feed, lambda e: e.kind == "issued"))
    feed.close()
    store.db.engine.dispose()


def test_the_change_stamp_moves_with_another_process_commit_not_with_a_rollback(store: Store) -> None:
    stamp = ChangeStamp(store)
    first = stamp.read()
    assert stamp.read() == first  # nothing since
    with pytest.raises(Exception, match="NOPE"):
        store.issue_ticket("NOPE")
    assert stamp.read() == first
    issue_in_another_process(store.db.url, "CT")
    if store.db.is_sqlite:
        assert stamp.read() != first  # data_version moved with the commit itself
    else:
        assert stamp.wait(30)  # NOTIFY arrives just after the commit
    stamp.close()


@pytest.mark.postgres
def test_a_lost_change_stamp_counts_as_a_change_and_reconnects(pg_url: str, clock: ManualClock,
                                                               example_config: AppConfig) -> None:
    store = Store(connect(pg_url), clock, TZ)
    store.load_office(example_config.office)
    stamp = ChangeStamp(store)
    first = stamp.read()
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query = 'LISTEN motcua'")).scalars().all()
    admin.dispose()
    assert killed == [True]
    assert stamp.wait(30)  # the dead socket: a change (a place may have been freed while it was deaf)
    lost = stamp.read()
    assert lost != first
    assert stamp.read() == lost  # not reopened at every read while the server is away (RETRY_SECONDS)
    stamp.close()
    assert stamp.read() != lost  # reopened: what was committed meanwhile is unknown, so a change again
    issue_in_another_process(pg_url, "CT")
    assert stamp.wait(30)  # and the new connection hears the next commit
    stamp.close()
    store.db.engine.dispose()


@pytest.mark.postgres
def test_the_change_stamp_works_when_the_process_holds_over_a_thousand_descriptors(
        pg_url: str, clock: ManualClock, example_config: AppConfig) -> None:
    """A busy status server holds many sockets: its stamp's connection may be numbered 1024 or above,
    which select() refuses ("filedescriptor out of range in select()")."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"this machine allows {hard} open files; the case needs 1200")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    store = Store(connect(pg_url), clock, TZ)
    try:
        store.load_office(example_config.office)
        stamp = ChangeStamp(store)
        first = stamp.read()
        assert stamp._waiter is not None and stamp._waiter.conn.fileno() >= 1024  # type: ignore[attr-defined]
        issue_in_another_process(pg_url, "CT")
        assert stamp.wait(30) and stamp.read() != first
        stamp.close()
    finally:
        store.db.engine.dispose()
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_hanging_connection_attempt_blocks_no_other_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp opens its connection outside its lock: while one thread's attempt hangs on a server that
    accepts and never answers, another thread gets the number at once. Ordering, not timing: the attempt
    can only end when the test lets the server hang up (its timeout raised far beyond the test's length),
    and the other reader has already returned by then."""
    import socket
    import threading
    from types import SimpleNamespace

    from common.store import notify

    monkeypatch.setattr(notify._PostgresWaiter, "CONNECT_TIMEOUT", 600)
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted, hang_up = threading.Event(), threading.Event()

    def mute_server() -> None:
        conn, _ = server.accept()
        accepted.set()
        hang_up.wait(60)
        conn.close()

    store = SimpleNamespace(db=SimpleNamespace(url=f"postgresql://motcua@127.0.0.1:{port}/motcua"))
    stamp = ChangeStamp(store)  # type: ignore[arg-type]
    finished: list[str] = []
    values: dict[str, int] = {}

    def reader(name: str) -> None:
        values[name] = stamp.read()
        finished.append(name)

    threading.Thread(target=mute_server, daemon=True).start()
    first = threading.Thread(target=reader, args=("connecting",), daemon=True)
    first.start()
    assert accepted.wait(30)  # the first reader is inside its connection attempt, which hangs
    second = threading.Thread(target=reader, args=("other",), daemon=True)
    second.start()
    second.join(30)
    assert finished == ["other"] and values["other"] == 0  # returned while the attempt still hangs
    hang_up.set()
    first.join(30)
    assert finished == ["other", "connecting"]
    assert values["connecting"] == 1  # the failed attempt counts as a change, as a lost connection does
    assert stamp.read() == 1  # and is not retried at every read (RETRY_SECONDS)
    server.close()


def test_a_connection_opened_across_a_close_is_not_kept(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """close() while another thread connects (a display shutting down): the new connection is closed, not
    kept behind the caller's back; the next read opens a fresh one."""
    import threading

    from common.store import notify

    opened: list[object] = []
    inside, go_on = threading.Event(), threading.Event()
    real = notify._waiter_for

    def slow_waiter_for(s: Store) -> object:
        inside.set()
        go_on.wait(30)
        waiter = real(s)
        opened.append(waiter)
        return waiter

    monkeypatch.setattr(notify, "_waiter_for", slow_waiter_for)
    stamp = ChangeStamp(store)
    thread = threading.Thread(target=stamp.read, daemon=True)
    thread.start()
    assert inside.wait(30)
    stamp.close()  # does not wait for the attempt
    go_on.set()
    thread.join(30)
    assert len(opened) == 1 and stamp._waiter is None
    closed = opened[0]
    with pytest.raises(Exception):  # noqa: B017 (sqlite3 or psycopg: whichever closed connection it was)
        closed.conn.execute("SELECT 1")  # type: ignore[attr-defined]
    stamp.read()
    assert stamp._waiter is not None and stamp._waiter is not closed
    stamp.close()
