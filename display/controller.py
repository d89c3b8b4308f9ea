"""Wires the display: change feed → board refresh (off the GUI thread) → board, status site, announcer.

It also writes the status page's ratings on its worker thread (display.rating_form).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from common.core.errors import DomainError
from common.core.model import Event
from common.store import Store
from common.store.rating import rate_by_token
from common.views.board import BoardState, call_view, read_board, read_statuses
from display.announcer import Announcer
from display.board_window import BoardWindow
from display.status_site import StatusSite
from ui.feed import LiveFeed
from ui.worker import Runner

log = logging.getLogger(__name__)
RATE = "rate:"  # runner tag prefix of a rating from the status page, one in flight per ticket
RATING_SORRY = "Xin lỗi, chưa ghi nhận được đánh giá. Vui lòng thử lại sau ít phút."


class DisplayController(QObject):
    def __init__(self, store: Store, board: BoardWindow, *, recent: int = 6, announcer: Announcer | None = None,
                 site: StatusSite | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.board, self.recent = store, board, recent
        self.announcer, self.site = announcer, site
        self.runner = Runner(self, name="motcua-display")
        self.runner.succeeded.connect(self._on_result)
        self.runner.failed.connect(self._on_failure)
        self.feed = LiveFeed(store, self)
        self.feed.changed.connect(self._on_events)
        self.feed.online.connect(self._on_online)
        self._dirty: set[str] = set()
        self._stopped = False
        if site is not None:
            site.on_rating = self.rate

    def rate(self, token: str, score: int, reasons: list[str]) -> bool:
        """The status page's rating, written off the GUI thread; False if it cannot be queued now."""
        if self._stopped:
            return False
        return self.runner.submit(RATE + token, rate_by_token, self.store, token, score, reasons)

    def start(self) -> None:
        self.feed.start()
        self.refresh()

    def stop(self) -> None:
        self._stopped = True
        self.feed.stop()
        self.runner.shutdown()

    def refresh(self) -> None:
        self._submit("board", read_board, self.store, self.recent)

    def _submit(self, tag: str, fn: object, *args: object) -> None:
        if self._stopped:
            return
        # A change that arrives while the same read is running is read again right after.
        if not self.runner.submit(tag, fn, *args):  # type: ignore[arg-type]
            self._dirty.add(tag)

    def _on_events(self, events: list[Event]) -> None:
        calls = [c for c in (call_view(e) for e in events) if c is not None]
        if calls:
            self.board.show_call_now(calls[-1])
            if self.site is not None:
                self.site.called(calls)  # the phones hear it now, not after the statuses' re-read
        if self.announcer is not None:
            for call in calls:
                self.announcer.announce(call)
        self.refresh()

    def _on_online(self, online: bool) -> None:
        self.board.set_online(online)
        if online:
            self.refresh()

    def _on_result(self, tag: str, value: object) -> None:
        if self._stopped:
            return
        if tag.startswith(RATE):
            self._submit("statuses", read_statuses, self.store)  # the page then shows the rating given
            return
        if tag == "board" and isinstance(value, BoardState):
            self.board.apply(value)
            self.board.set_online(True)
            if self.site is not None:
                self.site.board = value
                self._submit("statuses", read_statuses, self.store)
        elif tag == "statuses" and self.site is not None and isinstance(value, dict):
            self.site.statuses = value
        self._again(tag)

    def _on_failure(self, tag: str, exc: object) -> None:
        if tag.startswith(RATE):
            self._rating_failed(tag.removeprefix(RATE), exc)
            return
        log.warning("display could not read the %s: %s", tag, exc)
        self.board.set_online(False)
        self._again(tag)

    def _again(self, tag: str) -> None:
        if tag in self._dirty:
            self._dirty.discard(tag)
            if tag == "board":
                self.refresh()
            else:
                self._submit(tag, read_statuses, self.store)

    def _rating_failed(self, token: str, exc: object) -> None:
        log.warning("rating from the status page not stored: %s", exc)
        if self.site is not None:
            self.site.pending.pop(token, None)
            # The citizen reads a sentence on the next page load, never a URL or a traceback.
            self.site.rating_notes[token] = exc.vi if isinstance(exc, DomainError) else RATING_SORRY
