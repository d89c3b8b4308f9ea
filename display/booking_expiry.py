"""Missed bookings become no-shows while the office runs (issue 19), not only at sign-in and close-day.

The display runs all day (it serves the booking pages), so it does this: every ``every_s`` of
the store's clock (the injectable one) it submits ``Store.expire_bookings`` to its worker, off the
GUI thread. That is one transaction, an UPDATE on the (state, slot_start) index that changes
nothing most minutes; a booking becomes a no-show within a minute of its slot's end, which is
as soon as the counter's and the dashboard's figures need it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from common.cli.args import said as say
from common.cli.args import told
from common.store import Store
from ui.worker import Runner

log = logging.getLogger(__name__)
TAG = "expire-bookings"
EVERY_S = 60.0  # slots end on a grid of whole minutes: once a minute is as soon as it matters
POLL_MS = 15_000  # how often the wall-clock timer asks the store's clock whether a run is due


class BookingExpiry(QObject):
    """Runs ``store.expire_bookings()`` on ``runner`` once per ``every_s`` of ``store.clock``."""

    expired = Signal(int)  # how many bookings one run turned into no-shows (only when some did)

    def __init__(self, store: Store, runner: Runner, *, every_s: float = EVERY_S, poll_ms: int = POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.every = timedelta(seconds=every_s)
        self.runs = 0  # submitted runs (tests count them)
        self._next: datetime | None = None  # the first tick runs at once: a display started late catches up
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.tick)
        runner.succeeded.connect(self._on_done)
        runner.failed.connect(self._on_failed)

    def start(self) -> None:
        self._timer.start()
        self.tick()

    def stop(self) -> None:
        self._timer.stop()

    def tick(self) -> bool:
        """Submit a run if one is due by the store's clock; True if it did."""
        now = self.store.clock.now()
        if self._next is not None and now < self._next:
            return False
        if not self.runner.submit(TAG, self.store.expire_bookings):
            return False  # the previous run is still in flight, or the display is closing
        self._next = now + self.every
        self.runs += 1
        return True

    def _on_done(self, tag: str, value: object) -> None:
        if tag == TAG and isinstance(value, int) and value:
            log.info("%s", say(f"{value} lịch hẹn quá giờ được ghi là không đến",
                               f"{value} missed booking(s) marked no-show"))
            self.expired.emit(value)

    def _on_failed(self, tag: str, exc: object) -> None:
        if tag == TAG:  # the next minute tries again; the board goes on meanwhile
            log.warning("%s", say(f"chưa ghi được các lịch hẹn quá giờ: {told(exc)}",
                                  f"missed bookings not expired: {exc}"))
