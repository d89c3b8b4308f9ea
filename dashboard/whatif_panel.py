"""The what-if panel: N counters over many seeded days, shown as a range (5–95% band and median), not one run.

With a booking share above 0 (issue 19) the tab runs common.planning.booking_whatif instead and hands it to
:meth:`WhatIfPanel.show_booked_result`: walk-ins and booked citizens apart, beside the same days with no bookings.

Signals: none; the tab submits the work to its Runner and hands the result to :meth:`WhatIfPanel.show_result`.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from common.planning.booked import BookingMix
from common.planning.booking_whatif import BookedWhatIf, GroupFigures
from common.planning.staffing import WhatIf
from dashboard.notes import note
from ui import numbers
from ui.style import font

BAND, MEDIAN, TARGET = QColor("#9ecae1"), QColor("#08519c"), QColor("#d62728")


class BandBar(QWidget):
    """A 50–100% axis (where the decisions are) with the 5–95% band of days, the median day and the 95% target."""

    LOW = 50.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.band: tuple[float, float, float] | None = None
        self.target = 95.0
        self.setMinimumSize(260, 26)
        self.setToolTip("Dải: 90% số ngày mô phỏng (5–95%); vạch đậm: ngày trung vị; vạch đỏ: 95%")

    def set_band(self, band: tuple[float, float, float] | None) -> None:
        self.band = band
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        w, h = self.width() - 2, self.height() - 2

        def x(pct: float) -> float:
            return 1 + w * (max(self.LOW, min(100.0, pct)) - self.LOW) / (100 - self.LOW)

        p.setPen(QPen(QColor("#888888"), 1))
        p.drawRect(QRectF(1, 1, w, h))
        if self.band is not None:
            low, mid, high = self.band
            left = min(x(low), w - 5)  # a band of identical days still shows
            p.fillRect(QRectF(left, 3, max(6.0, x(high) - left), h - 4), BAND)
            p.setPen(QPen(MEDIAN, 3))
            p.drawLine(int(x(mid)), 2, int(x(mid)), h)
        p.setPen(QPen(TARGET, 2, Qt.PenStyle.DashLine))
        p.drawLine(int(x(self.target)), 0, int(x(self.target)), h + 2)
        p.setPen(QColor("#444444"))
        p.setFont(font(8))
        p.drawText(QRectF(4, 1, 60, h), Qt.AlignmentFlag.AlignVCenter, f"{self.LOW:.0f} %")
        p.drawText(QRectF(x(self.target) - 64, 1, 60, h), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                   "95 %")
        p.end()


class WhatIfPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counters = QSpinBox(self)
        self.counters.setRange(1, 60)
        self.counters.setValue(4)
        self.days = QSpinBox(self)
        self.days.setRange(5, 200)
        self.days.setValue(40)
        # issue 19: what opening a share of arrivals to bookings does to walk-ins (0: the plain what-if)
        self.booking_share = QSpinBox(self)
        self.booking_share.setRange(0, 100)
        self.booking_share.setSingleStep(5)
        self.booking_share.setSuffix(" %")
        self.booking_share.setToolTip("Tỉ lệ người đến đặt lịch hẹn trước (0: không có lịch hẹn)")
        self.booking_no_show = QSpinBox(self)
        self.booking_no_show.setRange(0, 100)
        self.booking_no_show.setSingleStep(5)
        self.booking_no_show.setValue(10)
        self.booking_no_show.setSuffix(" %")
        self.booking_no_show.setToolTip("Tỉ lệ lịch hẹn mà người dân không đến")
        self.simulate = QPushButton("Mô phỏng", self)
        self.bar = BandBar(self)
        self.result = note("", self, size=10, bold=True)
        row = QHBoxLayout()
        for widget in (QLabel("Nếu mở", self), self.counters, QLabel("quầy (mọi quầy nhận mọi dịch vụ), qua", self),
                       self.days, QLabel("ngày mô phỏng:", self), self.simulate):
            widget.setFont(font(10))
            row.addWidget(widget)
        row.addWidget(self.bar, 1)
        booking_row = QHBoxLayout()
        for widget in (QLabel("Lịch hẹn:", self), self.booking_share, QLabel("người đến đặt hẹn trước, trong đó",
                                                                            self),
                       self.booking_no_show, QLabel("không đến", self)):
            widget.setFont(font(10))
            booking_row.addWidget(widget)
        booking_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(booking_row)
        layout.addWidget(self.result)
        self.whatif: WhatIf | None = None
        self.booked: BookedWhatIf | None = None

    def bookings(self) -> BookingMix:
        """The booking share and no-show rate as typed (window and slot as the plan's defaults)."""
        return BookingMix(self.booking_share.value() / 100, self.booking_no_show.value() / 100)

    def show_result(self, result: WhatIf, title: str | None = None) -> None:
        """``title`` names what was simulated (default: "N quầy"), e.g. the counter plan."""
        self.whatif = result
        self.bar.set_band(result.within_pct)
        low, mid, high = result.within_pct
        wl, wm, wh = result.wait_mean_min
        d = numbers.decimal
        what = title or f"{result.counters} quầy"
        self.result.setText(
            f"{what}, {result.days} ngày: % chờ trong chỉ tiêu 30 phút: trung vị {d(mid)} %, "
            f"90% số ngày trong khoảng {d(low)}–{d(high)} %. Chờ trung bình: trung vị {d(wm)} phút "
            f"({d(wl)}–{d(wh)}). Ngày thấp nhất 5% {'đạt' if low >= 95 else 'không đạt'} 95%.")

    def show_booked_result(self, result: BookedWhatIf, title: str | None = None) -> None:
        """Walk-ins (the band bar is theirs), booked citizens, and the same days without bookings."""
        self.booked = result
        self.bar.set_band(result.walk_in.within_pct)
        what = title or f"{result.counters} quầy"
        share, no_show = round(100 * result.bookings.share), round(100 * result.bookings.no_show)
        self.result.setText(
            f"{what}, {result.days} ngày, {share} % đặt hẹn ({no_show} % không đến).\n"
            f"• Người không hẹn: {_group(result.walk_in)}\n• Người có hẹn: {_group(result.booked)}\n"
            f"• Cùng các ngày đó, không có lịch hẹn: {_group(result.without)}")


def _group(g: GroupFigures) -> str:
    """One group's sentence: % within 30 minutes and mean wait, each as median and 5–95% range of days."""
    if g.within_pct is None:
        return "không có ai."
    d = numbers.decimal
    low, mid, high = g.within_pct
    text = f"chờ trong 30 phút trung vị {d(mid)} % ({d(low)}–{d(high)} %)"
    if g.wait_mean_min is not None:
        wl, wm, wh = g.wait_mean_min
        text += f", chờ trung bình {d(wm)} phút ({d(wl)}–{d(wh)})"
    return text + "."
