"""One tab's read of its period on the dashboard's worker thread.

Every tab reads the same way: take the period from its bar, run the read on the
window's Runner, show the result. A change of period while a read is in flight is
not lost: the read runs again when the first one returns, and only the newer result
is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject

from dashboard.period_bar import PeriodBar
from ui.worker import Runner

# Builds, on the GUI thread, the call the worker makes for a period (so that a grouping
# or another choice is captured when the read is asked for, not when it runs).
Job = Callable[[date, date], Callable[[], Any]]


class PeriodRead(QObject):
    def __init__(self, runner: Runner, tag: str, bar: PeriodBar, job: Job, show: Callable[[Any], None], *,
                 on_bad_period: Callable[[ValueError], None] | None = None) -> None:
        super().__init__(bar)
        self.runner, self.tag, self.bar, self.job, self.show = runner, tag, bar, job, show
        self.on_bad_period = on_bad_period
        self._again = False
        bar.changed.connect(self.refresh)
        runner.succeeded.connect(self._done)

    def refresh(self) -> None:
        try:
            start, end = self.bar.bounds()
        except ValueError as exc:
            if self.on_bad_period is not None:
                self.on_bad_period(exc)
            return
        if not self.runner.submit(self.tag, self.job(start, end)):
            self._again = True

    def _done(self, tag: str, result: object) -> None:
        if tag != self.tag:
            return
        if self._again:
            self._again = False
            self.refresh()
            return
        self.show(result)
