"""The Live tab: the queue right now, the counters, today's results, and the wait alerts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from common.views.live_metrics import Crossing, LiveFigures
from dashboard import cells
from dashboard.alerts import describe
from dashboard.tiles import TileRow
from ui.banner import Banner
from ui.style import font

TILES = {
    "waiting": "Đang chờ", "longest": "Chờ lâu nhất", "at_risk": "Sắp quá hạn", "over": "Quá chỉ tiêu",
    "served": "Đã phục vụ hôm nay", "within": "% trong chỉ tiêu hôm nay",
    "open": "Quầy đang mở", "serving": "Đang phục vụ", "idle": "Quầy rảnh", "break": "Tạm nghỉ",
}
SERVICE_HEADINGS = ["Dịch vụ", "Đang chờ", "Chờ lâu nhất\n(phút)", "Sắp quá hạn", "Quá chỉ tiêu",
                    "Chỉ tiêu\n(phút)"]


class LiveTab(QWidget):
    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.alert = Banner(self, point_size=12)
        self.tiles = TileRow(TILES, 5, self)
        self.services = cells.new_table(SERVICE_HEADINGS)
        self.services.setParent(self)
        self.updated = QLabel("", self)
        self.updated.setFont(font(9))
        layout = QVBoxLayout(self)
        layout.addWidget(self.alert)
        layout.addWidget(self.tiles)
        caption = QLabel("Hàng chờ theo dịch vụ", self)
        caption.setFont(font(11, bold=True))
        layout.addWidget(caption)
        layout.addWidget(self.services, 1)
        self.printer = QLabel("", self)  # the kiosk printer's problem (paper near its end, a failed ticket)
        self.printer.setFont(font(11, bold=True))
        self.printer.setStyleSheet("color: #8a5a00;")
        self.printer.hide()
        layout.addWidget(self.printer)
        layout.addWidget(self.updated)
        self.figures: LiveFigures | None = None

    def show_figures(self, live: LiveFigures) -> None:
        self.figures = live
        t = self.tiles
        t["waiting"].set(str(live.waiting_total))
        longest = live.longest
        if longest is None:
            t["longest"].set("0 phút")
        else:
            kind = "error" if longest.waited_s > longest.target_s else (
                "warning" if longest.waited_s > live.at_risk_minutes * 60 else "normal")
            t["longest"].set(f"{longest.waited_s // 60} phút", f"vé {longest.code}", kind)
        t["at_risk"].set(str(live.at_risk), f"chờ trên {live.at_risk_minutes} phút",
                         "warning" if live.at_risk else "normal")
        t["over"].set(str(live.over_target), "chờ quá chỉ tiêu của dịch vụ", "error" if live.over_target else "good")
        t["served"].set(str(live.served_today))
        within = live.within_target_today_pct
        t["within"].set(cells.pct(within) + (" %" if within is not None else ""), "",
                        "normal" if within is None else ("good" if within >= 95 else "warning"))
        c = live.counters
        t["open"].set(str(c.open), f"đóng {c.closed}" + (f", việc khác {c.back_office}" if c.back_office else ""))
        t["serving"].set(str(c.serving))
        t["idle"].set(str(c.idle), "có người chờ!" if c.idle and live.waiting_total else "",
                      "warning" if c.idle and live.waiting_total else "normal")
        t["break"].set(str(c.on_break))
        rows = []
        for s in live.services:
            rows.append([cells.item(f"{s.code} – {s.name_vi}", number=False, value=s.code),
                         cells.item(str(s.waiting), value=s.waiting),
                         cells.item(cells.minutes(s.longest_wait_s) if s.waiting else cells.DASH,
                                    value=s.longest_wait_s),
                         cells.item(str(s.at_risk), value=s.at_risk),
                         cells.item(str(s.over_target), value=s.over_target),
                         cells.item(str(s.target_minutes), value=s.target_minutes)])
        cells.set_rows(self.services, rows)
        self.printer.setText(f"⚠ {live.printer_notice}" if live.printer_notice else "")
        self.printer.setVisible(bool(live.printer_notice))
        self.updated.setText(f"Cập nhật lúc {live.at.astimezone(self.tz).strftime('%H:%M:%S')}")

    def show_alerts(self, crossings: list[Crossing]) -> None:
        text, kind = describe(crossings)
        self.alert.show_message(text, kind)

    def clear_alert(self) -> None:
        self.alert.clear()
