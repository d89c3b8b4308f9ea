"""Wires the display: ui.live_view (feed → board read off the GUI thread) → board, status site, announcer.

It also writes the status page's ratings on its worker thread (display.rating_form).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from common.cli.args import said as say
from common.cli.args import told
from common.core.errors import DomainError
from common.core.model import Event
from common.store import Store
from common.store.rating import rate_by_token
from common.views.board import BoardState, PublicStatus, call_view
from display.announcer import Announcer
from display.board_window import BoardWindow
from display.booking_expiry import BookingExpiry
from display.status_site import StatusSite
from ui.feed import LiveFeed
from ui.live_view import LiveView
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
        self.runner.succeeded.connect(self._on_rated)
        self.runner.failed.connect(self._on_rating_failed)
        # The board follows the store; the status page's table is read after each board read
        # and after each rating, on the same worker.
        self.live = LiveView(store, lambda: self._read_board, runner=self.runner, tag="board", parent=self)
        self.live.changed.connect(self._on_events)
        self.live.fresh.connect(self._on_board)
        self.live.online.connect(board.set_online)
        self.statuses = LiveView(store, self._statuses_job, runner=self.runner, tag="statuses", live=False,
                                 parent=self)
        self.statuses.fresh.connect(self._on_statuses)
        # Missed bookings become no-shows once a minute, on the same worker (issue 19).
        self.expiry = BookingExpiry(store, self.runner, parent=self)
        self._stopped = False
        if site is not None:
            site.on_rating = self.rate

    @property
    def feed(self) -> LiveFeed | None:
        return self.live.feed

    def rate(self, token: str, score: int, reasons: list[str]) -> bool:
        """The status page's rating, written off the GUI thread; False if it cannot be queued now."""
        if self._stopped:
            return False
        return self.runner.submit(RATE + token, rate_by_token, self.store, token, score, reasons)

    def start(self) -> None:
        self.live.start()
        self.expiry.start()

    def stop(self) -> None:
        self._stopped = True
        self.expiry.stop()
        self.live.stop()
        self.statuses.stop()
        self.runner.shutdown()

    def refresh(self) -> None:
        self.live.refresh()

    def _read_board(self) -> BoardState:
        return self.store.views.board(self.recent)

    def _statuses_job(self) -> Callable[[], dict[str, PublicStatus]] | None:
        return (lambda: self.store.views.statuses()) if self.site is not None else None

    def _on_events(self, events: list[Event]) -> None:
        calls = [c for c in (call_view(e) for e in events) if c is not None]
        if calls:
            self.board.show_call_now(calls[-1])
            if self.site is not None:
                self.site.called(calls)  # the phones hear it now, not after the statuses' re-read
        if self.announcer is not None:
            for call in calls:
                self.announcer.announce(call)

    def _on_board(self, value: BoardState) -> None:
        self.board.apply(value)
        if self.site is not None:
            self.site.board = value
            self.statuses.refresh()

    def _on_statuses(self, value: dict[str, PublicStatus]) -> None:
        if self.site is not None:
            self.site.statuses = value

    def _on_rated(self, tag: str, _value: object) -> None:
        if tag.startswith(RATE) and not self._stopped:
            self.statuses.refresh()  # the page then shows the rating given

    def _on_rating_failed(self, tag: str, exc: object) -> None:
        if not tag.startswith(RATE) or self._stopped:
            return
        token = tag.removeprefix(RATE)
        log.warning("%s", say(f"chưa lưu được đánh giá từ trang tra cứu: {told(exc)}",
                              f"rating from the status page not stored: {exc}"))
        if self.site is not None:
            self.site.pending.pop(token, None)
            # The citizen reads a sentence on the next page load, never a URL or a traceback.
            self.site.rating_notes[token] = exc.vi if isinstance(exc, DomainError) else RATING_SORRY
