"""The read models, behind the same door as the write operations: ``store.views.board()``.

Each read is one read-only transaction that returns the frozen values declared in
common/views/ (which hold the pure computation and rendering and know no database).
Only this package and the store's own modules touch ORM rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from common.settings import AT_RISK_MINUTES, DEFAULTS
from common.store.reads import accuracy, board, bookings, desk, live, province, report, satisfaction, staffing

if TYPE_CHECKING:
    from common.store import Store
    from common.views.board import BoardState, PublicStatus
    from common.views.bookings_report import BookingsReport
    from common.views.clerk_stats import DeskView
    from common.views.estimate_accuracy import AccuracyReport
    from common.views.live_metrics import LiveFigures
    from common.views.province import ProvinceView
    from common.views.rating_report import SatisfactionReport
    from common.views.report import Report


class Views:
    """``store.views``: every read model of the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def board(self, recent: int = DEFAULTS.display.recent_calls) -> BoardState:
        """The hall board: the snapshot and the last ``recent`` calls of today, read together."""
        return board.read_board(self._store, recent)

    def statuses(self) -> dict[str, PublicStatus]:
        """The public status of today's tickets (and those served in the last 24 hours), by QR token."""
        return board.read_statuses(self._store)

    def desk(self, counter: int, clerk: str, session_id: str | None) -> DeskView:
        """What a counter window shows: the queue, the clerk's day and whether the session still holds."""
        return desk.desk_view(self._store, counter, clerk, session_id)

    def live(self, at_risk_minutes: int = AT_RISK_MINUTES) -> LiveFigures:
        """The dashboard's live figures: who waits now, for how long, and what the counters do."""
        return live.live_figures(self._store, at_risk_minutes)

    def report(self, start: date, end: date, by: str | None = None) -> Report:
        """The wait report of the service days ``start``..``end`` (inclusive), optionally grouped."""
        return report.build_report(self._store, start, end, by)

    def report_sheets(self, start: date, end: date, by: str | None = None) -> list[Report]:
        """The ungrouped report, then one per grouping (only ``by`` if given): the XLSX export's sheets."""
        return report.groupings_report(self._store, start, end, by)

    def bookings(self, start: date, end: date) -> BookingsReport:
        """The bookings figures of ``start``..``end``: booked vs walk-in waits, no-shows, slot use (issue 19)."""
        return bookings.bookings_report(self._store, start, end)

    def estimate_accuracy(self, start: date, end: date) -> AccuracyReport:
        return accuracy.estimate_accuracy(self._store, start, end)

    def satisfaction(self, start: date, end: date, by: str | None = None) -> SatisfactionReport:
        return satisfaction.satisfaction_report(self._store, start, end, by)

    def province(self, start: date, end: date) -> ProvinceView:
        """Every office the connecting role may read, ranked (issue 18; a province role reads all)."""
        return province.province_view(self._store, start, end)

    def staffing_inputs(self, start: date, end: date, state_events: Sequence[str]
                        ) -> tuple[int, list[Any], list[Any], datetime]:
        """The arrivals, service times and counter openings the staffing advice is computed from."""
        return staffing.staffing_inputs(self._store, start, end, state_events)

    def booked_by_hour(self, start: date, end: date) -> list[tuple[date, int, int]]:
        """(day, local hour, bookings still to come) on ``start``..``end``: the booked load the staffing shows."""
        return staffing.booked_by_hour(self._store, start, end)
