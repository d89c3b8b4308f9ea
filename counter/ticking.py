"""Waits that count up while nothing happens: the last view, shown again at the clock's time.

The queue's "Đã chờ" and the card's "gọi … phút trước" are computed against the snapshot's time. In a
quiet hour no change arrives, so without this they froze until the next key press and the amber and
red colours lagged. Every ``TICK_MS`` the window re-renders the *same* DeskView with its snapshot's
``at`` moved to ``clock.now()``: no store read per tick, and one injectable clock for the tests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer

from common.core.clock import Clock
from common.views.clerk_stats import DeskView

TICK_MS = 15_000  # at least twice a minute, so a minute figure is never more than 15 s late


def aged(view: DeskView, now: datetime) -> DeskView:
    """The view as it reads at ``now`` (never earlier than when it was read)."""
    if now <= view.snapshot.at:
        return view
    return dataclasses.replace(view, snapshot=dataclasses.replace(view.snapshot, at=now))


class Ticking(QObject):
    """Calls ``show`` with the last view seen, aged to the clock, on its own timer."""

    def __init__(self, clock: Clock, show: Callable[[DeskView], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock, self.show = clock, show
        self.view: DeskView | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(TICK_MS)

    def seen(self, view: DeskView) -> None:
        self.view = view

    def forget(self) -> None:
        self.view = None

    def tick(self) -> None:
        if self.view is not None:
            self.show(aged(self.view, self.clock.now()))
