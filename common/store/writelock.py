"""A fair write queue for SQLite: an OS file lock taken before ``BEGIN IMMEDIATE``.

SQLite's own busy handler sleeps between retries (1, 2, 5, 10 … 100 ms), so a
writer that arrives while another writes often sleeps long after the lock is
free: 95–97% of the slowest calls were spent there (issue 12). Writers instead
take an exclusive lock on a file beside the database (``motcua.sqlite3.lock``)
first. The OS lock is per open file, so it orders threads of one process as well
as processes and PCs sharing the file; SQLite's write lock is then free at once.

The wait polls the lock with short sleeps (≤ 2 ms), not a blocking call, so that
a real hang still ends in the store's "database busy" message after the timeout.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

if sys.platform == "win32":  # pragma: no cover - exercised on Windows kiosks only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


FIRST_SLEEP_S = 0.0002
LONGEST_SLEEP_S = 0.002  # a freed lock is taken within 2 ms, not after SQLite's 100 ms back-off


def lock_path(database: str) -> Path:
    return Path(database + ".lock")


class WriteLock:
    """One connection's handle on the database's write-queue file."""

    def __init__(self, path: Path, timeout_s: float) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self._fd: int | None = None
        self.held = False

    def acquire(self) -> None:
        """Wait for our turn; raises sqlite3.OperationalError("database is locked") after the timeout."""
        if self.held:
            return
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        if not _try_lock(self._fd):
            deadline = time.monotonic() + self.timeout_s
            pause = FIRST_SLEEP_S
            while not _try_lock(self._fd):
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked (write queue)")
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_SLEEP_S)
        self.held = True

    def release(self) -> None:
        if self.held and self._fd is not None:
            self.held = False
            _unlock(self._fd)

    def close(self) -> None:
        self.release()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class QueuedConnection(sqlite3.Connection):
    """A sqlite3 connection that gives the write-queue lock back when its transaction ends.

    Releasing after the COMMIT (not in SQLAlchemy's ``commit`` event, which fires
    before it) means the next writer never finds SQLite's lock still held.
    """

    write_lock: WriteLock | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.write_lock is not None:
                self.write_lock.close()

    def _release(self) -> None:
        if self.write_lock is not None:
            self.write_lock.release()


def begin_immediate(dbapi_conn: Any, execute: Any) -> None:
    """Take our turn in the queue, then the SQLite write lock; give the turn back if BEGIN fails."""
    lock = getattr(dbapi_conn, "write_lock", None)
    if lock is not None:
        lock.acquire()
    try:
        execute("BEGIN IMMEDIATE")
    except BaseException:
        if lock is not None:
            lock.release()
        raise
