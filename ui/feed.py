"""The store's change notifications as Qt signals, with automatic reconnection."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from common.cli.args import told
from common.core.errors import MotcuaError
from common.store import Store
from common.store.notify import ChangeFeed
from ui.outage import backoff_ms

log = logging.getLogger(__name__)


class LiveFeed(QObject):
    """Watches the store on a background thread.

    Signals:
        changed(list): a batch of new ``common.core.model.Event`` values, oldest first.
        online(bool): False when the store became unreachable, True when it is back.
    """

    changed = Signal(list)
    online = Signal(bool)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="motcua-feed", daemon=True)
        self._last_id: int | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=3)

    def _run(self) -> None:
        up: bool | None = None
        feed: ChangeFeed | None = None
        attempt = 0  # reconnections tried since the store went away (ui/outage.py's schedule)
        while not self._stop.is_set():
            try:
                if feed is None:
                    feed = ChangeFeed(self._store, after_event_id=self._last_id)
                events = feed.wait(0.25)
                attempt = 0
                if up is not True:
                    up = True
                    self.online.emit(True)
                if events:
                    self._last_id = events[-1].id
                    self.changed.emit(events)
            except MotcuaError as exc:
                if feed is not None:
                    feed.close()
                feed = None
                if up is not False:
                    up = False
                    log.warning("%s", told(exc))  # "mất kết nối …": the error says it, in the office's language
                    self.online.emit(False)
                self._stop.wait(backoff_ms(attempt) / 1000)
                attempt += 1
        if feed is not None:
            feed.close()
