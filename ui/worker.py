"""Run store, printer and speech work off the GUI thread; results come back as signals.

A widget never waits on the database: it submits a call and reacts to
``succeeded``/``failed``, which Qt delivers on the GUI thread (the emitting
QObject lives there, so the connection is queued).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal


class Runner(QObject):
    """One worker thread running calls in order, at most one per tag at a time.

    Signals:
        succeeded(str, object): (tag, return value) of a finished call.
        failed(str, object): (tag, exception) of a call that raised.
        busy_changed(bool): whether any call is in flight.
    """

    succeeded = Signal(str, object)
    failed = Signal(str, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, name: str = "motcua-worker") -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._in_flight: set[str] = set()
        self._closed = False
        self.succeeded.connect(self._finish)
        self.failed.connect(self._finish)

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    def in_flight(self, tag: str) -> bool:
        return tag in self._in_flight

    def submit(self, tag: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Queue ``fn(*args)``; returns False (and does nothing) if ``tag`` is already in flight.

        That refusal is what makes a double click, or a key held down, act once.
        """
        if tag in self._in_flight or self._closed:
            return False  # a window's late timer or feed signal after it closed asks for nothing
        self._in_flight.add(tag)
        if len(self._in_flight) == 1:
            self.busy_changed.emit(True)
        self._pool.submit(self._call, tag, fn, args, kwargs)
        return True

    def _call(self, tag: str, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:  # every failure is reported to the GUI; none escapes the thread
            self.failed.emit(tag, exc)
        else:
            self.succeeded.emit(tag, result)

    def _finish(self, tag: str, _payload: object) -> None:
        self._in_flight.discard(tag)
        if not self._in_flight:
            self.busy_changed.emit(False)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
