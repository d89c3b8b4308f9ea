"""One tab's read of its period on the dashboard's worker thread.

Every tab reads the same way: take the period from its bar, run the read on the
window's Runner, show the result. It is a ui.live_view read that does not follow the
feed (the window tells the tabs when today's figures changed): a change of period while
a read is in flight is not lost, the read runs again when the first one returns, and
only the newer result is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject

from dashboard.period_bar import PeriodBar
from ui.live_view import LiveView
from ui.worker import Runner

# Builds, on the GUI thread, the call the worker makes for a period (so that a grouping
# or another choice is captured when the read is asked for, not when it runs).
Job = Callable[[date, date], Callable[[], Any]]


class PeriodRead(QObject):
    def __init__(self, runner: Runner, tag: str, bar: PeriodBar, job: Job, show: Callable[[Any], None], *,
                 on_bad_period: Callable[[ValueError], None] | None = None) -> None:
        super().__init__(bar)
        self.tag, self.bar, self.job = tag, bar, job
        self.on_bad_period = on_bad_period
        self.view = LiveView(None, self._call, runner=runner, tag=tag, live=False, drop_stale=True, parent=self)
        self.view.fresh.connect(show)
        bar.changed.connect(self.refresh)

    def refresh(self) -> None:
        self.view.refresh()

    def _call(self) -> Callable[[], Any] | None:
        try:
            start, end = self.bar.bounds()
        except ValueError as exc:
            if self.on_bad_period is not None:
                self.on_bad_period(exc)
            return None
        return self.job(start, end)
