"""The hall board: a window composed of the small widgets in display.widgets.

It only shows what it is given (``apply(BoardState)``, ``set_online``); the
controller fetches the state off the GUI thread.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QLabel, QLayout, QVBoxLayout, QWidget

from common.core.clock import Clock
from common.views.board import BoardState, CallView
from display.widgets import (
    ALERT_BG,
    BG,
    MIN_TEXT,
    CounterGrid,
    Header,
    LatestCall,
    RecentCalls,
    Ticker,
    WaitingPanel,
    px_font,
)
from ui.outage import outage_text

OFFLINE_TEXT = outage_text()  # the one outage line of every app
MANY_COUNTERS = 8  # beyond this the counters' grid takes more of the height than the latest call
FEW_COUNTERS_STRETCH = (8, 7)  # the latest call's height against the counters' (more counters: 5 : 7)


class BoardWindow(QWidget):
    """Signals:
        updated(object): the BoardState just shown.
        call_shown(object): a CallView put on screen straight from the change feed
            (the benchmark times commit → this).
    """

    updated = Signal(object)
    call_shown = Signal(object)

    def __init__(self, office: str, tz: ZoneInfo, notice: str, recent: int = 6, *, clock: Clock | None = None) -> None:
        super().__init__()
        self.setWindowTitle(f"motcua – {office}")
        self.setStyleSheet(f"BoardWindow {{ background: {BG}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.header = Header(office, tz, clock)
        self.offline = QLabel(OFFLINE_TEXT)
        self.offline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.offline.setStyleSheet(f"background: {ALERT_BG}; color: white; border-radius: 8px;")
        self.offline.hide()
        self.latest = LatestCall()
        self.counters = CounterGrid()
        self.recent = RecentCalls(recent)
        self.waiting = WaitingPanel()
        self.ticker = Ticker(notice)
        self.state: BoardState | None = None

        self.left, right = QVBoxLayout(), QVBoxLayout()
        left = self.left
        # 8 : 7 rather than 5 : 4: the latest call keeps the height its text needs (its minimum), and a
        # two-line office name leaves the eight counters' grid room for two-line words ("Xử lý / hồ sơ").
        left.addWidget(self.latest, FEW_COUNTERS_STRETCH[0])
        left.addWidget(self.counters, FEW_COUNTERS_STRETCH[1])
        right.addWidget(self.recent, 5)
        right.addWidget(self.waiting, 4)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.addLayout(left, 3)
        self.body.addLayout(right, 2)
        page = QVBoxLayout(self)
        # A full-screen board never resizes itself to its contents (and the offscreen
        # platform warns when a window's size hints change).
        page.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        page.addWidget(self.header)
        page.addWidget(self.offline)
        page.addLayout(self.body, 1)
        page.addWidget(self.ticker)

    def show_call_now(self, call: CallView) -> None:
        """A call from the change feed, on screen before the whole board is read again."""
        self.latest.show_call(call, flash=True)
        self.counters.mark(call.counter)
        self.counters.reveal(call.counter)
        self.call_shown.emit(call)

    def apply(self, state: BoardState) -> None:
        shown, latest = self.latest.shown, state.latest
        if shown is not None and latest is not None and shown.event_id > latest.event_id:
            latest = shown  # the feed already showed a newer call than this read saw
        is_new = latest is not None and (shown is None or latest.event_id != shown.event_id)
        self.latest.show_call(latest, flash=is_new and self.state is not None)
        # A centre of 20–40 counters gives their grid the room the latest call leaves: the call keeps its size.
        split = FEW_COUNTERS_STRETCH if len(state.counters) <= MANY_COUNTERS else (5, 7)
        if split != (self.left.stretch(0), self.left.stretch(1)):
            for i, stretch in enumerate(split):
                self.left.setStretch(i, stretch)
            self.layout().activate()  # the grid sized for the new split now, before its counters are placed
        self.counters.show_counters(state.counters)
        self.counters.mark(latest.counter if latest else None)
        if is_new and latest is not None:  # a call the feed did not bring first: its page comes into view too
            self.counters.reveal(latest.counter)
        self.recent.show_calls(state.calls)
        self.waiting.show_waiting(state.waiting)
        self.state = state
        self.updated.emit(state)

    def set_online(self, online: bool) -> None:
        self.offline.setVisible(not online)

    @property
    def offline_shown(self) -> bool:
        return not self.offline.isHidden()

    def resizeEvent(self, event: QResizeEvent) -> None:
        size = event.size()
        portrait = size.height() > size.width()
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        # One unit = 1% of the screen height (of the width in portrait, where height is plentiful).
        unit = (size.width() * 0.8 if portrait else size.height()) / 100
        for part in (self.header, self.latest, self.counters, self.recent, self.waiting, self.ticker):
            part.rescale(unit)
        self.offline.setFont(px_font(MIN_TEXT * unit, bold=True))
        super().resizeEvent(event)
