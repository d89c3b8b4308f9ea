"""The History tab's table: one row per group of a ``store.views.report`` Report, then the total.

Fifteen figures do not fit across a 1280 or 1366 px screen, so the table shows the ones a supervisor reads
against the 30-minute target (Decision 468: arrivals, served, no-shows, mean, median and P90 wait, the share
within target, service time) and keeps the rest hidden until asked for (``show_all``). The exports write every
column whatever is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QTableWidget, QWidget

from common.views.report import Figures, Report
from common.views.report_render import GROUP_VI, at_least, rows
from dashboard import cells


@dataclass(frozen=True)
class Column:
    field: str  # the Figures field (the JSON key of `motcua report --format json`)
    heading: str
    show: Callable[[object], str]
    essential: bool = False  # shown by default; the others behind the History tab's "every column" switch


COLUMNS = (
    Column("tickets", "Số lượt", cells.count, essential=True),  # type: ignore[arg-type]
    Column("served", "Đã phục vụ", cells.count, essential=True),  # type: ignore[arg-type]
    Column("no_show_pct", "% vắng mặt", cells.pct, essential=True),  # type: ignore[arg-type]
    Column("expired", "Hết hạn", cells.count),  # type: ignore[arg-type]
    Column("wait_mean_s", "Chờ TB\n(phút)", cells.minutes, essential=True),  # type: ignore[arg-type]
    Column("wait_median_s", "Chờ trung vị\n(phút)", cells.minutes, essential=True),  # type: ignore[arg-type]
    Column("wait_p90_s", "Chờ P90\n(phút)", cells.minutes, essential=True),  # type: ignore[arg-type]
    Column("waits_within_target_pct", "% trong\nchỉ tiêu", cells.pct, essential=True),  # type: ignore[arg-type]
    Column("service_mean_s", "Phục vụ TB\n(phút)", cells.minutes, essential=True),  # type: ignore[arg-type]
    Column("walk_mean_s", "Di chuyển TB\n(phút)", cells.minutes),  # type: ignore[arg-type]
    Column("wait_mean_incl_expired_s", "Chờ TB kể cả\nhết hạn (phút)", lambda v: at_least(cells.minutes(v))),
    Column("visits", "Lượt khách", cells.count),  # type: ignore[arg-type]
    Column("visit_within_target_pct", "% lượt khách\ntrong chỉ tiêu", cells.pct),  # type: ignore[arg-type]
    Column("visit_wait_mean_s", "Chờ TB mỗi\nlượt khách (phút)", cells.minutes),  # type: ignore[arg-type]
    Column("visit_wait_mean_incl_expired_s", "Chờ TB lượt khách\nkể cả hết hạn (phút)",
           lambda v: at_least(cells.minutes(v))),  # type: ignore[arg-type]
)


class FiguresTable(QTableWidget):
    """Shows one Report; ``report`` is the one on screen (what the exports write)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        cells.setup_table(self, ["Nhóm", *(c.heading for c in COLUMNS)])
        self.report: Report | None = None
        self.showing_all = False
        self.show_all(False)

    def show_all(self, every: bool) -> None:
        """Every column (``True``) or the essential ones; the cells of hidden columns are filled all the same."""
        for index, col in enumerate(COLUMNS, start=1):
            self.setColumnHidden(index, not (every or col.essential))
        self.showing_all = every

    def shown_fields(self) -> list[str]:
        """The Figures fields of the columns on screen, left to right."""
        return [c.field for i, c in enumerate(COLUMNS, start=1) if not self.isColumnHidden(i)]

    def show_report(self, report: Report) -> None:
        self.report = report
        self.horizontalHeaderItem(0).setText(GROUP_VI[report.by])
        table_rows = []
        for _, label, figures in rows(report):
            total = figures is report.overall
            table_rows.append([cells.item(label, number=False, bold=total, value=label),
                               *(self._cell(col, figures, total) for col in COLUMNS)])
        cells.set_rows(self, table_rows)

    @staticmethod
    def _cell(col: Column, figures: Figures, total: bool):  # type: ignore[no-untyped-def]
        value = getattr(figures, col.field)
        return cells.item(col.show(value), bold=total, value=value)

    def column_values(self, field: str) -> list[object]:
        """The unformatted figures of one column, top to bottom (the total last)."""
        index = 1 + [c.field for c in COLUMNS].index(field)
        return [self.item(r, index).data(cells.Qt.ItemDataRole.UserRole) for r in range(self.rowCount())]
