"""A fair write queue for SQLite: a FIFO of OS file locks taken before ``BEGIN IMMEDIATE``.

SQLite's own busy handler sleeps between retries (1, 2, 5, 10 … 100 ms), so a
writer that arrives while another writes often sleeps long after the lock is
free: 95–97% of the slowest calls were spent there (issue 12). Writers instead
queue on a file beside the database (``motcua.sqlite3.lock``) first, so that
SQLite's write lock is free when they ask for it.

A single exclusive lock polled with back-off sleeps was not fair either: a counter
that commits and at once begins its next transaction (call, start, finish) takes
the lock again before a sleeping waiter wakes, and with 8 counters back to back one
waiter lost many rounds in a row (p99 121 ms). So the queue is a ticket line
(a CLH queue made of byte-range locks):

- a writer takes a short mutex (one byte), reads and bumps the ticket counter kept
  in the file's first 8 bytes, locks its own slot byte, and drops the mutex;
- it then waits until its predecessor's slot byte can be locked, i.e. until the
  writer before it has finished; and it holds its own slot until its COMMIT or
  ROLLBACK, which lets its successor go.

Only the head of the line can go, so every writer goes in arrival order. The locks
belong to the open file (Linux open-file-description locks, Windows handle locks),
so they order threads of one process as well as processes and PCs sharing the file,
and the OS drops them when a process dies: a crashed writer never blocks the line.
The waits poll with short sleeps (≤ 1 ms), not a blocking call, so that a real hang
still ends in the store's "database busy" message after the timeout. Correctness never
rests on this queue: SQLite's own lock still guards the data; the queue only makes
the order fair. Where neither kind of range lock exists (macOS), one whole-file lock
is used as before.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import sys
import time
from pathlib import Path
from typing import Any

# Lock ranges lie far beyond the counter's bytes: Windows locks are mandatory, and a
# locked range could not be read.
MUTEX_AT = 1 << 20
SLOTS_AT = MUTEX_AT + 1
SLOTS = 4096  # more writers than this waiting at once would share slots; never near on one office
COUNTER = struct.Struct("<Q")

if sys.platform == "win32":  # pragma: no cover - exercised on Windows kiosks only
    import msvcrt

    RANGES = True

    def _try_range(fd: int, at: int) -> bool:
        try:
            os.lseek(fd, at, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock_range(fd: int, at: int) -> None:
        os.lseek(fd, at, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def _try_lock(fd: int) -> bool:
        return _try_range(fd, 0)

    def _unlock(fd: int) -> None:
        _unlock_range(fd, 0)

    def _read_at(fd: int, size: int, at: int) -> bytes:
        os.lseek(fd, at, os.SEEK_SET)
        return os.read(fd, size)

    def _write_at(fd: int, data: bytes, at: int) -> None:
        os.lseek(fd, at, os.SEEK_SET)
        os.write(fd, data)
else:
    import errno
    import fcntl

    # Open-file-description locks (Linux ≥ 3.15): per open file like flock, by byte range like fcntl.
    RANGES = hasattr(fcntl, "F_OFD_SETLK")
    _FLOCK = "hhqqi"  # struct flock on Linux: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks)

    def _set(fd: int, kind: int, at: int) -> None:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack(_FLOCK, kind, os.SEEK_SET, at, 1, 0))

    def _try_range(fd: int, at: int) -> bool:
        try:
            _set(fd, fcntl.F_WRLCK, at)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def _unlock_range(fd: int, at: int) -> None:
        _set(fd, fcntl.F_UNLCK, at)

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    _read_at = os.pread

    def _write_at(fd: int, data: bytes, at: int) -> None:
        os.pwrite(fd, data, at)


FIRST_SLEEP_S = 0.0001
LONGEST_SLEEP_S = 0.001  # the head of the line takes a freed lock within 1 ms, not after SQLite's 100 ms back-off


def lock_path(database: str) -> Path:
    return Path(database + ".lock")


def _wait(attempt: Any, deadline: float) -> bool:
    """Call ``attempt`` until it returns True (then True) or the deadline passes (then False)."""
    pause = FIRST_SLEEP_S
    while not attempt():
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_SLEEP_S)
    return True


class WriteLock:
    """One connection's place in the database's write queue."""

    def __init__(self, path: Path, timeout_s: float) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self._fd: int | None = None
        self._slot: int | None = None  # the byte this writer holds while queued and writing
        self.held = False

    def acquire(self) -> None:
        """Wait for our turn; raises sqlite3.OperationalError("database is locked") after the timeout."""
        if self.held:
            return
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        fd = self._fd
        deadline = time.monotonic() + self.timeout_s
        if not RANGES:
            if not _wait(lambda: _try_lock(fd), deadline):
                raise sqlite3.OperationalError("database is locked (write queue)")
            self.held = True
            return
        ticket = self._take_ticket(fd, deadline)
        slot = SLOTS_AT + ticket % SLOTS
        before = SLOTS_AT + (ticket - 1) % SLOTS
        self._slot = slot
        try:
            # Our predecessor holds its slot until it has committed: when we can lock it, it is our turn.
            if not _wait(lambda: _try_range(fd, before), deadline):
                raise sqlite3.OperationalError("database is locked (write queue)")
            _unlock_range(fd, before)
        except BaseException:
            self._release_slot()
            raise
        self.held = True

    def _take_ticket(self, fd: int, deadline: float) -> int:
        """Under the mutex: the next ticket number, and our slot locked before anyone can queue behind it."""
        if not _wait(lambda: _try_range(fd, MUTEX_AT), deadline):
            raise sqlite3.OperationalError("database is locked (write queue)")
        try:
            raw = _read_at(fd, COUNTER.size, 0)
            ticket = (COUNTER.unpack(raw)[0] if len(raw) == COUNTER.size else 0) + 1
            _write_at(fd, COUNTER.pack(ticket), 0)
            # Free unless SLOTS writers wait at once (or a stale file reuses a number): then wait for it too.
            if not _wait(lambda: _try_range(fd, SLOTS_AT + ticket % SLOTS), deadline):
                raise sqlite3.OperationalError("database is locked (write queue)")
        finally:
            _unlock_range(fd, MUTEX_AT)
        return ticket

    def _release_slot(self) -> None:
        if self._slot is not None and self._fd is not None:
            slot, self._slot = self._slot, None
            _unlock_range(self._fd, slot)

    def release(self) -> None:
        if self.held and self._fd is not None:
            self.held = False
            if RANGES:
                self._release_slot()
            else:
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
