"""One live read of the store, kept fresh: the loop every app window used to write for itself.

A window says what to read (a ``job``) and what to do with the answer (``fresh``); the
view does the rest, the same way in every app:

- it reads on the worker thread (ui/worker.Runner), never on the GUI thread;
- a change from the feed, the clock timer or the caller that arrives while a read is in
  flight is not lost: the read runs once more when the first one returns;
- it tracks online/offline (the feed's state, the read's ``StoreUnavailable``, or an action
  that hit the outage), and while offline it retries on ui/outage.py's one schedule;
- ``stop()`` is final: timers stop, the feed stops, answers still queued for the GUI thread
  and late timer or feed signals are ignored (the race fixed in Runner holds here for all).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from common.cli.args import told
from common.core.errors import StoreUnavailable
from common.store import Store
from ui.feed import LiveFeed
from ui.outage import backoff_ms
from ui.worker import Runner

log = logging.getLogger(__name__)

# Called on the GUI thread when a read is due, so that what it depends on (the signed-in clerk,
# the period on the bar) is taken at that moment; returns the call the worker makes, or None
# when there is nothing to read now.
Job = Callable[[], Callable[[], Any] | None]


class LiveView(QObject):
    """Signals:
        fresh(object): the answer of a read, on the GUI thread.
        changed(list): a batch of ``common.core.model.Event`` from the feed (a re-read follows).
        online(bool): the store became unreachable / reachable again; emitted on each change of state.
        failed(object): the read raised something other than an outage (the exception).
    """

    fresh = Signal(object)
    changed = Signal(list)
    online = Signal(bool)
    failed = Signal(object)

    def __init__(self, store: Store | None, job: Job | None, *, runner: Runner | None = None, tag: str = "live",
                 live: bool = True, every_ms: int = 0, drop_stale: bool = False,
                 parent: QObject | None = None) -> None:
        """``runner``: share a window's worker (its actions and this read then run in order); else one is made.
        ``live``: follow the store's change feed and the clock (``store`` is then needed); without it the
        view reads only when asked (tests, a tab's period read). ``every_ms``: also read on this period,
        while live (waits grow with the clock, not only with events); ``timer`` is that clock.
        ``drop_stale``: when a re-read is pending, skip the older answer (a period read whose period
        changed meanwhile) instead of showing it first.
        """
        super().__init__(parent)
        self.job, self.tag, self.drop_stale = job, tag, drop_stale
        self._own_runner = runner is None
        self.runner = runner if runner is not None else Runner(self, name=f"motcua-{tag}")
        self.runner.succeeded.connect(self._succeeded)
        self.runner.failed.connect(self._failed)
        self._up: bool | None = None  # unknown until the first answer or feed report
        self._again = False
        self._started = False
        self._stopped = False
        self._attempt = 0
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(self._retry_now)
        self.live = live
        self.timer: QTimer | None = QTimer(self, interval=every_ms) if every_ms > 0 else None
        if self.timer is not None:
            self.timer.timeout.connect(self.refresh)
        self.feed: LiveFeed | None = None
        if live:
            if store is None:
                raise ValueError("a live view follows a store's change feed: give it the store")
            self.feed = LiveFeed(store, self)
            self.feed.changed.connect(self._changed)
            self.feed.online.connect(self._feed_online)

    # ---------------------------------------------------------------- control
    @property
    def is_online(self) -> bool:
        return self._up is not False

    @property
    def stopped(self) -> bool:
        return self._stopped

    def start(self) -> None:
        """Follow the feed and the clock, and read once now."""
        if self._stopped or self._started:
            return
        self._started = True
        if self.feed is not None:
            self.feed.start()
        if self.timer is not None and self.live:
            self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Read now, or once more right after the read in flight."""
        if self._stopped or self.job is None:
            return
        if self.runner.in_flight(self.tag):
            self._again = True
            return
        call = self.job()
        if call is None:
            return
        self.runner.submit(self.tag, call)  # refused only once the window shut its worker down

    def report_outage(self) -> None:
        """An action of the window hit the outage before the feed or the read noticed."""
        self._set_online(False)

    def stop(self) -> None:
        """Final: nothing is read or shown afterwards. Shuts the worker down when the view made it."""
        if self._stopped:
            return
        self._stopped = True
        self._retry.stop()
        if self.timer is not None:
            self.timer.stop()
        if self.feed is not None:
            self.feed.stop()
        if self._own_runner:
            self.runner.shutdown()

    # ---------------------------------------------------------------- answers, on the GUI thread
    def _succeeded(self, tag: str, value: object) -> None:
        if tag != self.tag or self._stopped:
            return
        self._set_online(True)
        if self._again:
            self._again = False
            if self.drop_stale:
                self.refresh()
                return
            self.fresh.emit(value)
            self.refresh()
            return
        self.fresh.emit(value)

    def _failed(self, tag: str, exc: object) -> None:
        if tag != self.tag or self._stopped:
            return
        if isinstance(exc, StoreUnavailable):
            log.warning("%s: %s", self.tag, told(exc))
            self._again = False  # the retry schedule reads again; no burst of reads against a dead store
            self._set_online(False)
            return
        log.warning("%s could not be read: %r", self.tag, exc)
        self.failed.emit(exc)
        if self._again:
            self._again = False
            self.refresh()

    def _changed(self, events: list[object]) -> None:
        if self._stopped:
            return
        self.changed.emit(events)
        self.refresh()

    def _feed_online(self, up: bool) -> None:
        if self._stopped:
            return
        if not up or self.job is None:
            self._set_online(up)  # with a read, "back" is when a read succeeds, not when the feed reconnects
        if up:
            self.refresh()

    def _set_online(self, up: bool) -> None:
        if up:
            self._attempt = 0
            self._retry.stop()
        elif self.job is not None and not self._retry.isActive():
            self._retry.start(backoff_ms(self._attempt))
        if up == self._up:
            return
        self._up = up
        self.online.emit(up)

    def _retry_now(self) -> None:
        if self._stopped or self._up is not False:
            return
        self._attempt += 1
        self.refresh()
        if not self.runner.in_flight(self.tag):  # nothing could be asked (e.g. signed out): keep waiting
            self._retry.start(backoff_ms(self._attempt))
