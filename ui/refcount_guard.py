"""A stopgap for PySide6 6.12.0 on Python 3.11: it drops references to None, True and False.

Measured here (tests/ui/test_refcount_guard.py): each call of a void Qt method releases one
reference to None it never took, and each emission of a ``Signal(bool)`` does the same to the
bool. On Python 3.12+ these objects are immortal (PEP 683) and the bug is harmless; on 3.11 a
count reaches zero after enough calls and the interpreter aborts ("none_dealloc: deallocating
None", "bool_dealloc"). A window that redraws a queue all day would crash within hours. Until
the project runs on Python 3.12+, this raises those counts by a large margin and tops them up
from a timer on the GUI thread. It writes the count itself (CPython 3.11's ``ob_refcnt`` is the
object's first field) instead of holding a list of references, because such a list would be
freed at interpreter exit and the deficit would abort the process then.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, QTimer

LOW_WATER = 1_000_000  # top up below this many references...
HIGH_WATER = 1_000_000_000  # ...back to this many (a number: nothing is allocated)
CHECK_MS = 500
GUARDED: tuple[object, ...] = (None, True, False)


def needed() -> bool:
    return sys.version_info < (3, 12)


def top_up() -> int:
    """Add references where a count fell below LOW_WATER; returns how many were added."""
    added = 0
    for obj in GUARDED:
        count = sys.getrefcount(obj)
        if count < LOW_WATER:
            # A race with another thread's incref could lose a few counts; the margin is a billion.
            ctypes.c_ssize_t.from_address(id(obj)).value += HIGH_WATER - count
            added += HIGH_WATER - count
    return added


_timer: QTimer | None = None


def install(parent: QObject) -> QTimer | None:
    """Start guarding (a no-op on Python 3.12+, and after the first call); the timer lives as long as ``parent``."""
    global _timer
    if not needed():
        return None
    top_up()
    if _timer is not None:
        return _timer
    _timer = QTimer(parent, interval=CHECK_MS)
    _timer.timeout.connect(top_up)
    _timer.start()
    _timer.destroyed.connect(_forget)
    return _timer


def _forget() -> None:
    global _timer
    _timer = None
