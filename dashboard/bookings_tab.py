"""The Bookings tab (issue 19): booked against walk-in waits, the booking no-show rate and slot utilisation.

One ``store.views.bookings`` read per period (common.views.bookings_report says how each figure is counted).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from common.store import Store
from common.views.bookings_report import TOTAL, BookingsReport
from dashboard import cells
from dashboard.notes import note
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from dashboard.periods import label
from dashboard.tiles import TileRow
from ui.style import font
from ui.worker import Runner

TAG = "bookings"
HEADINGS = ["Dịch vụ", "Chờ TB có hẹn\n(phút)", "Chờ TB không hẹn\n(phút)", "Lượt hẹn", "Đã huỷ", "Đã lấy số",
            "Không đến", "Không đến %", "Chỗ hẹn", "Sử dụng %"]
TILES = {"booked": "Chờ trung bình – có hẹn", "walkin": "Chờ trung bình – không hẹn",
         "no_show": "Hẹn không đến", "use": "Sử dụng giờ hẹn"}
EXPLAIN = ("Thời gian chờ = lần gọi đầu − giờ lấy số (vé có hẹn: giờ lấy số khi đến quét mã, trong khung giờ hẹn). "
           "Hẹn không đến % = lịch hẹn đã qua giờ mà không lấy số / lịch hẹn đã qua giờ (không tính lịch đã huỷ). "
           "Sử dụng % = chỗ đã được đặt (không tính đã huỷ) / số chỗ hẹn theo kế hoạch trong kỳ.")


class BookingsTab(QWidget):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.bar = PeriodBar(store.today, self, grouping=False)
        self.title = QLabel("", self)
        self.title.setFont(font(12, bold=True))
        self.tiles = TileRow(TILES, len(TILES), self)
        self.table = cells.new_table(HEADINGS)
        self.table.setParent(self)
        explain = note(EXPLAIN, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.title)
        layout.addWidget(self.tiles)
        layout.addWidget(self.table, 1)
        layout.addWidget(explain)
        self.report: BookingsReport | None = None
        self.read = PeriodRead(runner, TAG, self.bar, lambda start, end: lambda: store.views.bookings(start, end),
                               self._show)

    def refresh(self) -> None:
        self.read.refresh()

    def _show(self, result: object) -> None:
        assert isinstance(result, BookingsReport)
        self.report = result
        self.title.setText(label(result.start, result.end))
        t = result.total
        self.tiles["booked"].set(f"{cells.minutes(t.booked_mean_wait_s)} phút",
                                 f"{cells.count(t.booked_waits)} vé có hẹn đã gọi")
        self.tiles["walkin"].set(f"{cells.minutes(t.walkin_mean_wait_s)} phút",
                                 f"{cells.count(t.walkin_waits)} vé không hẹn đã gọi")
        no_show = "–" if t.no_show_pct is None else f"{cells.pct(t.no_show_pct)} %"
        self.tiles["no_show"].set(no_show, f"{cells.count(t.no_shows)} trên {cells.count(t.due)} lịch đã qua giờ")
        use = "–" if t.utilisation_pct is None else f"{cells.pct(t.utilisation_pct)} %"
        self.tiles["use"].set(use, f"{cells.count(t.taken)} trên {cells.count(t.places)} chỗ hẹn")
        rows = []
        for f in result.rows:
            total = f.service == TOTAL
            name = f.name_vi if total else f"{f.service} · {f.name_vi}"
            rows.append([cells.item(name, number=False, bold=total, value=f.service or "~"),
                         cells.item(cells.minutes(f.booked_mean_wait_s), bold=total, value=f.booked_mean_wait_s),
                         cells.item(cells.minutes(f.walkin_mean_wait_s), bold=total, value=f.walkin_mean_wait_s),
                         *(cells.item(cells.count(v), bold=total, value=v)
                           for v in (f.bookings, f.cancelled, f.checked_in, f.no_shows)),
                         cells.item(cells.pct(f.no_show_pct), bold=total, value=f.no_show_pct),
                         cells.item(cells.count(f.places), bold=total, value=f.places),
                         cells.item(cells.pct(f.utilisation_pct), bold=total, value=f.utilisation_pct)])
        cells.set_rows(self.table, rows)
