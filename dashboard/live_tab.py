"""The Live tab: the queue right now, the counters, today's results, and the wait alerts.

Waits count up between reads: every ``TICK_MS`` the tab ages the last snapshot by the clock (no store
read), so "Chờ lâu nhất" and the at-risk and over-target counts move in a quiet hour too.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from common.core import glossary
from common.core.clock import Clock, SystemClock
from common.core.model import CounterState
from common.views.live_metrics import Crossing, LiveFigures, ServiceLive
from dashboard import cells
from dashboard.alerts import describe
from dashboard.tiles import TileRow
from ui import numbers
from ui.banner import Banner
from ui.style import font

TICK_MS = 15_000  # waits on screen move at least twice a minute
TILES = {
    "waiting": "Đang chờ", "longest": "Chờ lâu nhất", "at_risk": glossary.AT_RISK, "over": glossary.OVER_TARGET,
    "served": "Đã phục vụ hôm nay", "within": f"% {glossary.WITHIN_TARGET.lower()} hôm nay",
    "open": "Quầy đang mở", "serving": glossary.SERVING, "idle": glossary.IDLE,
    "break": glossary.COUNTER_STATE[CounterState.BREAK],
}
SERVICE_HEADINGS = ["Dịch vụ", "Đang chờ", "Chờ lâu nhất\n(phút)", glossary.AT_RISK, glossary.OVER_TARGET,
                    "Chỉ tiêu\n(phút)"]


def aged(live: LiveFigures, now: datetime) -> LiveFigures:
    """The snapshot as it stands at ``now``: every wait longer by the time since it was read.

    The counts are recomputed by live_metrics' definitions (over: past the target; at risk: past
    ``at_risk_minutes`` and not over), so a ticket turns from at risk to over without a read.
    """
    delta = int((now - live.at).total_seconds())
    if delta <= 0:
        return live
    waiting = tuple(dataclasses.replace(t, waited_s=t.waited_s + delta) for t in live.waiting)
    risk_s = live.at_risk_minutes * 60
    services: list[ServiceLive] = []
    for s in live.services:
        mine = [t for t in waiting if t.service == s.code]
        services.append(dataclasses.replace(
            s, longest_wait_s=max((t.waited_s for t in mine), default=0),
            at_risk=sum(1 for t in mine if risk_s < t.waited_s <= t.target_s),
            over_target=sum(1 for t in mine if t.waited_s > t.target_s)))
    return dataclasses.replace(live, at=now, waiting=waiting, services=tuple(services))


class LiveTab(QWidget):
    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.clock = clock or SystemClock()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(TICK_MS)
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
        self.figures: LiveFigures | None = None  # as read from the store
        self.shown: LiveFigures | None = None  # as on screen now (aged by the timer)

    def show_figures(self, live: LiveFigures) -> None:
        self.figures = live
        self._render(live)
        self.updated.setText(f"Cập nhật lúc {live.at.astimezone(self.tz).strftime('%H:%M:%S')}")

    def tick(self) -> None:
        """Age the last snapshot to the clock's now and show it again (no store read)."""
        if self.figures is not None:
            self._render(aged(self.figures, self.clock.now()))

    def _render(self, live: LiveFigures) -> None:
        self.shown = live
        n = numbers.integer
        t = self.tiles
        t["waiting"].set(n(live.waiting_total))
        longest = live.longest
        if longest is None:
            t["longest"].set("0 phút")
        else:
            kind = "error" if longest.waited_s > longest.target_s else (
                "warning" if longest.waited_s > live.at_risk_minutes * 60 else "normal")
            t["longest"].set(numbers.whole_minutes(longest.waited_s), f"vé {longest.code}", kind)
        t["at_risk"].set(n(live.at_risk), f"chờ trên {live.at_risk_minutes} phút",
                         "warning" if live.at_risk else "normal")
        t["over"].set(n(live.over_target), "chờ quá chỉ tiêu của dịch vụ", "error" if live.over_target else "good")
        t["served"].set(n(live.served_today))
        within = live.within_target_today_pct
        t["within"].set(numbers.percent(within), "",
                        "normal" if within is None else ("good" if within >= 95 else "warning"))
        c = live.counters
        t["open"].set(n(c.open), f"đóng {c.closed}" + (f", việc khác {c.back_office}" if c.back_office else ""))
        t["serving"].set(n(c.serving))
        t["idle"].set(n(c.idle), "có người chờ!" if c.idle and live.waiting_total else "",
                      "warning" if c.idle and live.waiting_total else "normal")
        t["break"].set(n(c.on_break))
        rows = []
        for s in live.services:
            # Whole minutes, as the tile shows them: the tile and the table never say 71 and 71,8.
            rows.append([cells.item(f"{s.code} – {s.name_vi}", number=False, value=s.code),
                         cells.item(n(s.waiting), value=s.waiting),
                         cells.item(n(s.longest_wait_s // 60) if s.waiting else cells.DASH,
                                    value=s.longest_wait_s),
                         cells.item(n(s.at_risk), value=s.at_risk),
                         cells.item(n(s.over_target), value=s.over_target),
                         cells.item(n(s.target_minutes), value=s.target_minutes)])
        cells.set_rows(self.services, rows)
        self.printer.setText(f"⚠ {live.printer_notice}" if live.printer_notice else "")
        self.printer.setVisible(bool(live.printer_notice))
        self.updated.setText(f"Cập nhật lúc {live.at.astimezone(self.tz).strftime('%H:%M:%S')}")
        if not self.alert.isHidden():
            self._describe()

    def show_alerts(self, crossings: list[Crossing]) -> None:
        """New crossings bring the banner up; its counts are the snapshot's, as on the tiles and table."""
        if crossings and self.shown is not None:
            self._describe()

    def _describe(self) -> None:
        assert self.shown is not None
        if not (self.shown.at_risk or self.shown.over_target):
            self.alert.clear()
            return
        text, kind = describe(self.shown)
        self.alert.show_message(text, kind)

    def clear_alert(self) -> None:
        self.alert.clear()
