"""PostgreSQL connections kept open for one-statement operations (a booking from the phone page).

A booking through the Session costs a pool checkout with its pre-ping (a ``SELECT 1`` round trip),
BEGIN, the statements, NOTIFY and COMMIT, and about 2 ms of client CPU in SQLAlchemy's layers
(docs/benchmarks/book4.md). An operation that is ONE statement, atomic on its own, needs none of
that: it runs here in autocommit on a psycopg connection of its own, prepared by psycopg after a
few uses, and the connection goes back to a small free list, not to the pool.

- The connections are made by the engine (``raw_connection``, then detached from the pool), so the
  engine's connect hooks run: an office's ``[database] role`` (SET ROLE) holds here too.
- A connection idle longer than ``IDLE_PING_SECONDS`` is pinged before use (the pool's pre-ping, but
  only where a restarted server may have dropped it); a burst of bookings pings nobody.
- A connection that failed is closed, never reused; the caller's statement is NOT retried (it may
  have committed before the reply was lost). The caller turns the error into StoreUnavailable.
- ``Engine.dispose()`` closes them all (the ``engine_disposed`` event).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Engine, event

IDLE_PING_SECONDS = 30.0
KEEP = 8  # free connections kept; more at once are closed after use


class Lanes:
    """A free list of autocommit psycopg connections of one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._free: list[tuple[Any, float]] = []  # (the pool's detached connection, when it was last used)
        self._lock = threading.Lock()
        event.listen(engine, "engine_disposed", self._disposed)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        raw = self._take()
        conn: psycopg.Connection[Any] = raw.dbapi_connection
        try:
            yield conn
        except BaseException:
            if conn.broken or conn.closed or conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                raw.close()
            else:
                self._give(raw)  # a statement refused (a CHECK, a permission): the connection is fine
            raise
        self._give(raw)

    def close(self) -> None:
        with self._lock:
            free, self._free = self._free, []
        for raw, _ in free:
            raw.close()

    def _disposed(self, _engine: Engine) -> None:
        self.close()

    def _take(self) -> Any:
        with self._lock:
            taken = self._free.pop() if self._free else None
        if taken is not None:
            raw, since = taken
            if time.monotonic() - since < IDLE_PING_SECONDS:
                return raw
            try:
                raw.dbapi_connection.execute("SELECT 1")
                return raw
            except psycopg.Error:
                raw.close()
        raw = self.engine.raw_connection()  # the engine's connect hooks (SET ROLE) run on it
        raw.detach()  # ours now: the pool neither counts nor resets it, and close() really closes it
        conn: Any = raw.dbapi_connection
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        conn.autocommit = True
        return raw

    def _give(self, raw: Any) -> None:
        with self._lock:
            if len(self._free) < KEEP:
                self._free.append((raw, time.monotonic()))
                return
        raw.close()
