"""Change notifications across processes, without Qt.

``ChangeFeed.wait(timeout)`` blocks until another process (or this one) commits a
change, then returns the new audit-log events. The apps run it on a worker thread
and turn each batch into a Qt signal.

- PostgreSQL: ``LISTEN`` on the office's own channel (common.store.channels: ``motcua``
  for office 1 and a single-office install, ``motcua_oN`` for office N; a province role
  listens on all of them) on an autocommit connection; the store sends ``pg_notify`` to the
  written row's office inside each write transaction, which PostgreSQL delivers at commit.
- SQLite: ``PRAGMA data_version`` changes whenever another connection commits;
  polling it every 50 ms costs one page read and no lock.
"""

from __future__ import annotations

import selectors
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from common.core.errors import StoreUnavailable, said
from common.core.model import Event
from common.store import Store
from common.store.catalog import CATALOG_KINDS
from common.store.channels import channel_name
from common.store.db import first_line

if TYPE_CHECKING:  # imported where a PostgreSQL feed opens: an app on SQLite starts without it (~0.3 s)
    import psycopg

SQLITE_POLL_SECONDS = 0.05


def _lost() -> tuple[type[Exception], ...]:
    """What a lost feed raises; psycopg's errors only once a PostgreSQL feed (or store) has imported it."""
    pg = sys.modules.get("psycopg")
    return (OSError, sqlite3.Error) if pg is None else (OSError, pg.Error, sqlite3.Error)


class ChangeFeed:
    """Yields batches of new events; survives and reports a lost connection."""

    def __init__(self, store: Store, *, after_event_id: int | None = None) -> None:
        self.store = store
        self.last_id = store.last_event_id() if after_event_id is None else after_event_id
        self._waiter: _Waiter | None = None

    def wait(self, timeout: float = 1.0) -> list[Event]:
        """Wait up to ``timeout`` seconds for changes; returns the new events (maybe none).

        Raises StoreUnavailable when the database cannot be reached; call again to reconnect.
        """
        try:
            if self._waiter is None:
                self._waiter = _waiter_for(self.store)
                # Anything committed while we were not listening is read below.
            else:
                self._waiter.wait(timeout)
            events = self.store.events_since(self.last_id)
        except _lost() as exc:
            self.close()
            where, why = self.store.db.masked_url, first_line(exc)
            raise said(StoreUnavailable, f"mất kết nối theo dõi thay đổi từ {where}: {why}",
                       f"lost the change feed from {where}: {why}") from exc
        except StoreUnavailable:
            self.close()
            raise
        if events:
            self.last_id = events[-1].id
            if any(e.kind in CATALOG_KINDS for e in events):  # the office or a clerk changed: re-read them
                self.store.catalog.clear()
        return events

    def close(self) -> None:
        if self._waiter is not None:
            self._waiter.close()
            self._waiter = None


class ChangeStamp:
    """A number that moves when the store may have changed since it was last read, cheap enough for every
    request of a burst: no round trip to the database.

    - SQLite: the count moves when ``PRAGMA data_version`` of its own connection does; another
      connection's commit (this process's store, another process, another PC) is seen at the next read.
    - PostgreSQL: the count of change notifications (the NOTIFY every write transaction sends, a
      booking's and a cancellation's included) drained without blocking from its own ``LISTEN``
      connection. A notification arrives a moment after its commit: ``wait`` blocks for the next one.

    The notification does not say what changed: a reader compares two reads ("anything since?").
    A lost connection counts as a change; it is reopened at a read at most every ``RETRY_SECONDS``,
    and until then the number stands still (the reader's own expiry then decides).
    """

    RETRY_SECONDS = 5.0

    def __init__(self, store: Store) -> None:
        self.store = store
        # Guards the count and the waiter; never held while a connection is being opened: a database that
        # is slow or gone (a connect that hangs until its timeout) would block every request thread that
        # only wants the number. One thread connects; the others read the count as it stands meanwhile.
        self._lock = threading.Lock()
        self._waiter: _Waiter | None = None
        self._count = 0
        self._retry_at = 0.0
        self._connecting = False
        self._epoch = 0  # moved by close(): a connection opened across a close is not kept

    def read(self) -> int:
        self._connect()
        with self._lock:
            self._look(0.0)
            return self._count

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for a change after the last read; whether one came (tests, tools)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            start = self._count
        while True:
            self._connect()
            with self._lock:
                left = deadline - time.monotonic()
                if self._count != start or left <= 0:
                    return self._count != start
                blocks = isinstance(self._waiter, _PostgresWaiter)  # a socket to wait on; else poll
                self._look(min(left, 0.5) if blocks else 0.0)
                if self._count != start:
                    return True
            if not blocks:
                time.sleep(SQLITE_POLL_SECONDS)

    def _connect(self) -> None:
        """Open the listening connection if there is none and a try is due, outside the lock."""
        with self._lock:
            if self._waiter is not None or self._connecting or time.monotonic() < self._retry_at:
                return
            self._connecting, epoch = True, self._epoch
        waiter: _Waiter | None = None
        try:
            waiter = _waiter_for(self.store)
        except _lost():
            pass
        finally:
            with self._lock:
                self._connecting = False
                if waiter is None:  # failed (or interrupted): a change, as a lost connection is
                    self._count += 1
                    self._retry_at = time.monotonic() + self.RETRY_SECONDS
                elif epoch == self._epoch:
                    self._waiter, waiter = waiter, None
                    self._count += 1  # what was committed before it listened is unknown: a change
        if waiter is not None:  # closed while it connected: not kept; the next read opens a fresh one
            _close_quietly(waiter)

    def _look(self, timeout: float) -> None:
        """Drain the open connection's notifications (under the lock); none open: the count stands."""
        if self._waiter is None:
            return
        try:
            if self._waiter.changed(timeout):
                self._count += 1
        except _lost():
            self.close_locked()
            self._count += 1
            self._retry_at = time.monotonic() + self.RETRY_SECONDS

    def close(self) -> None:
        """Close its connection; the next read opens a new one."""
        with self._lock:
            self.close_locked()
            self._retry_at = 0.0
            self._epoch += 1

    def close_locked(self) -> None:
        if self._waiter is not None:
            _close_quietly(self._waiter)
            self._waiter = None


def _close_quietly(waiter: _Waiter) -> None:
    try:
        waiter.close()
    except _lost():
        pass


class _Waiter:
    wait: Callable[[float], None]
    changed: Callable[[float], bool]
    close: Callable[[], None]


class _PostgresWaiter(_Waiter):
    CONNECT_TIMEOUT = 5  # seconds; a server that accepts and never answers holds the connecting thread this long

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        parsed = make_url(url).set(drivername="postgresql")
        # libpq reads a URL's "+" as a plus, not a space: options (the province's drill-down sets
        # ``-c motcua.office=N``, common.store.office_scope) go as a keyword, not in the URL.
        extra = {k: v if isinstance(v, str) else " ".join(v) for k, v in parsed.query.items()}
        conninfo = make_conninfo(parsed.set(query={}).render_as_string(hide_password=False), **extra)
        self.conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=self.CONNECT_TIMEOUT)
        try:
            for channel in listened_channels(self.conn):
                self.conn.execute(f"LISTEN {channel}")  # motcua or motcua_oN: a plain identifier
        except BaseException:
            self.conn.close()  # retried every RETRY_SECONDS: do not leave a connection behind each time
            raise
        # Not select.select: the status server's threads hold many sockets, and select() refuses a
        # descriptor numbered 1024 or above ("filedescriptor out of range"); epoll/kqueue have no such limit.
        self._ready = selectors.DefaultSelector()
        self._ready.register(self.conn.fileno(), selectors.EVENT_READ)

    def wait(self, timeout: float) -> None:
        self.changed(timeout)

    def changed(self, timeout: float = 0.0) -> bool:
        """Block on the socket up to ``timeout`` (0: not at all), then drain every notification that has arrived."""
        ready = self._ready.select(timeout)
        seen = False
        if ready:
            for _ in self.conn.notifies(timeout=0):
                seen = True
        return seen

    def close(self) -> None:
        self._ready.close()
        self.conn.close()


class _SqliteWaiter(_Waiter):
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, timeout=5, check_same_thread=False)
        self.version = self._version()

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.changed() and time.monotonic() < deadline:
            time.sleep(SQLITE_POLL_SECONDS)

    def changed(self, timeout: float = 0.0) -> bool:
        """Whether another connection committed since the last look (``timeout`` is not waited: one read)."""
        current = self._version()
        if current == self.version:
            return False
        self.version = current
        return True

    def close(self) -> None:
        self.conn.close()


def listened_channels(conn: psycopg.Connection) -> list[str]:
    """The connecting role's office's channel; every office's for a province role, but only the office's
    own for the province's drill-down into one office (``motcua.office``, common.store.office_scope), which
    would otherwise wake on every call of the province and find no event of its office."""
    row = conn.execute("SELECT motcua_is_province(), motcua_office_default(), "
                       "nullif(current_setting('motcua.office', true), '')::integer").fetchone()
    if row is not None and row[0] and row[2] is not None:
        return [channel_name(row[2])]
    if row is not None and row[0]:
        return [channel_name(r[0]) for r in conn.execute("SELECT id FROM offices ORDER BY id")]
    return [channel_name(row[1] if row is not None else 1)]


def _waiter_for(store: Store) -> _Waiter:
    url = make_url(store.db.url)
    if url.get_backend_name() == "sqlite":
        return _SqliteWaiter(url.database or ":memory:")
    return _PostgresWaiter(store.db.url)
