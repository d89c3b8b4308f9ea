"""What the panel shows when: a "finished" event at this counter → ask → (reasons) → record → thanks → idle.

The rating is written on the Runner's thread; the panel is touched only here, on the
GUI thread. One timer drives every way back to idle:

- on the ask screen it is the timeout: the ticket stays unrated;
- on the reasons screen the citizen has already chosen a face, so the timeout records
  that choice with whatever reasons are ticked (a rating given is not thrown away);
- on the thank-you or refusal screen it is how long the message stays.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from common.cli.args import said as say
from common.cli.args import told
from common.core.errors import DomainError
from common.core.events import EventKind
from common.core.model import Event
from common.store import Store
from common.store.rating import Rating, Score, rate_ticket
from rating.panel import RatingPanel
from ui.feed import LiveFeed
from ui.live_view import LiveView
from ui.worker import Runner

log = logging.getLogger(__name__)
SORRY = "Xin lỗi, chưa ghi nhận được đánh giá. Cảm ơn quý vị!"


class RatingController(QObject):
    """Signals:
        prompted(int): the ticket id the panel now asks about.
        recorded(object): the ``common.store.rating.Rating`` just stored.
        refused(str): the message shown when a rating could not be stored.
        expired(int): the ticket id left unrated when the ask screen timed out.
    """

    prompted = Signal(int)
    recorded = Signal(object)
    refused = Signal(str)
    expired = Signal(int)

    def __init__(self, store: Store, panel: RatingPanel, counter: int, *, timeout_ms: int = 30_000,
                 thanks_ms: int = 4_000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.panel, self.counter = store, panel, counter
        self.timeout_ms, self.thanks_ms = timeout_ms, thanks_ms
        self.asking: int | None = None  # the ticket on screen
        self.score: Score | None = None  # the face chosen, while the reasons are asked
        self.runner = Runner(self, name="motcua-rating")
        self.runner.succeeded.connect(self._on_recorded)
        self.runner.failed.connect(self._on_failed)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timer)
        # Nothing to read: the panel follows the feed's events and its online state, as every app does.
        self.live = LiveView(store, None, parent=self)
        self.live.changed.connect(self.on_events)
        self.live.online.connect(panel.set_online)
        panel.chosen.connect(self._on_chosen)
        panel.reasons_sent.connect(self._on_reasons)
        self._stopped = False

    @property
    def feed(self) -> LiveFeed | None:
        return self.live.feed

    def start(self) -> None:
        self.live.start()

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()
        self.live.stop()
        self.runner.shutdown()

    # ---------------------------------------------------------------- from the change feed
    def on_events(self, events: list[Event]) -> None:
        finished = [e for e in events if e.kind == EventKind.FINISHED and e.counter == self.counter and e.ticket_id]
        if finished:
            last = finished[-1]
            self.prompt(last.ticket_id, last.ticket_code or "")  # type: ignore[arg-type]

    def prompt(self, ticket_id: int, code: str) -> None:
        """Ask about this ticket; a newer one replaces one still on screen (that one stays unrated)."""
        self.asking, self.score = ticket_id, None
        self.panel.ask(code)
        self.timer.start(self.timeout_ms)
        self.prompted.emit(ticket_id)

    # ---------------------------------------------------------------- the citizen's taps
    def _on_chosen(self, value: int) -> None:
        if self.asking is None:
            return
        score = Score(value)
        if score.asks_reasons and self.panel.reason_buttons:
            self.score = score
            self.panel.show_reasons()
            self.timer.start(self.timeout_ms)
        else:
            self._record(score, [])

    def _on_reasons(self, reasons: list[str]) -> None:
        if self.score is not None:
            self._record(self.score, reasons)

    def _record(self, score: Score, reasons: list[str]) -> None:
        if self.asking is None or self._stopped:
            return
        if self.runner.submit("rate", rate_ticket, self.store, self.asking, score, reasons, counter=self.counter):
            self.timer.stop()
            self.panel.set_busy(True)

    # ---------------------------------------------------------------- results, on the GUI thread
    def _on_recorded(self, _tag: str, rating: object) -> None:
        if self._stopped or not isinstance(rating, Rating):
            return
        self.recorded.emit(rating)
        if rating.ticket_id == self.asking:  # not replaced meanwhile by the next citizen's ticket
            self._finish(None)

    def _on_failed(self, _tag: str, exc: object) -> None:
        if self._stopped:
            return
        log.warning("%s", say(f"chưa lưu được đánh giá: {told(exc)}", f"rating not stored: {exc}"))
        # A citizen sees a sentence, never a URL or a traceback.
        text = exc.vi if isinstance(exc, DomainError) else SORRY
        self.refused.emit(text)
        self._finish(text)

    def _finish(self, refusal: str | None) -> None:
        self.asking, self.score = None, None
        if refusal is None:
            self.panel.show_thanks()
        else:
            self.panel.show_message(refusal)
        self.timer.start(self.thanks_ms)

    def _on_timer(self) -> None:
        state = self.panel.state
        if state == "reasons" and self.score is not None:
            self._record(self.score, self.panel.selected_reasons())
            return
        if state == "ask" and self.asking is not None:
            self.expired.emit(self.asking)
        self.asking, self.score = None, None
        self.panel.show_idle()
