"""The supervisor's dashboard window: Live, History, Charts, Estimate accuracy, Staffing advice and Satisfaction tabs.

Every read runs on the window's Runner thread; the Live tab refreshes on each change the LiveFeed reports
and once a minute (waits grow with the clock, not only with events), and alerts when a waiting ticket
crosses its target − 5 minutes and its target.

Signals:
    live_shown(object): the LiveFigures just put on screen.
    alerted(list): the Crossings just announced.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from common.core.model import Clerk, Role
from common.store import Store
from common.views.live_metrics import AT_RISK_MINUTES, LiveFigures, crossings, live_figures, thresholds
from dashboard.accuracy_tab import AccuracyTab
from dashboard.alerts import Chime
from dashboard.charts_tab import ChartsTab
from dashboard.history_tab import HistoryTab
from dashboard.live_tab import LiveTab
from dashboard.satisfaction_tab import SatisfactionTab
from dashboard.staffing_tab import StaffingTab
from ui.banner import Banner
from ui.feed import LiveFeed
from ui.style import font
from ui.worker import Runner

REFUSED = "Chỉ giám sát viên và quản trị viên được mở bảng điều khiển."
TABS = {"live": "Trực tiếp", "history": "Lịch sử", "charts": "Biểu đồ", "accuracy": "Độ chính xác ước tính",
        "staffing": "Đề xuất số quầy", "satisfaction": "Hài lòng"}
CLOCK_MS = 60_000


def allowed(clerk: Clerk | None) -> bool:
    return clerk is not None and clerk.role in (Role.SUPERVISOR, Role.ADMIN)


class DashboardWindow(QWidget):
    live_shown = Signal(object)
    alerted = Signal(list)

    def __init__(self, store: Store, clerk: Clerk, parent: QWidget | None = None, *,
                 at_risk_minutes: int = AT_RISK_MINUTES, office: str = "", live: bool = True,
                 sound: bool = True) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        if not allowed(clerk):
            raise PermissionError(REFUSED)
        self.store, self.clerk, self.at_risk_minutes = store, clerk, at_risk_minutes
        self.setWindowTitle(f"Bảng điều khiển – {office}" if office else "Bảng điều khiển")
        self.runner = Runner(self, name="motcua-dashboard")
        self.outage = Banner(self)
        heading = QLabel(f"{office or 'Bảng điều khiển'} · {clerk.full_name}", self)
        heading.setFont(font(13, bold=True))
        self.live = LiveTab(store.tz, self, clock=store.clock)
        self.history = HistoryTab(store, self.runner, office, self)
        self.charts = ChartsTab(store, self.runner, self)
        self.accuracy = AccuracyTab(store, self.runner, self)
        self.staffing = StaffingTab(store, self.runner, self)
        self.satisfaction = SatisfactionTab(store, self.runner, self)
        self.tabs = QTabWidget(self)
        self.tabs.setFont(font(11))
        for key, text in TABS.items():
            self.tabs.addTab(getattr(self, key), text)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.outage)
        layout.addWidget(self.tabs, 1)
        self.chime = Chime(self, enabled=sound)
        self.seen: set[tuple[int, str]] = set()
        self._again = False
        self._loaded: set[str] = set()
        self.runner.succeeded.connect(self._done)
        self.runner.failed.connect(self._failed)
        self.tabs.currentChanged.connect(lambda _i: self._show_tab())
        self.timer = QTimer(self, interval=CLOCK_MS)
        self.timer.timeout.connect(self.refresh_live)
        self.feed: LiveFeed | None = None
        if live:
            self.feed = LiveFeed(store, self)
            self.feed.changed.connect(self._changed)
            self.feed.online.connect(self._online)
            self.feed.start()
            self.timer.start()
        self.refresh_live()
        self._show_tab()

    def select(self, key: str) -> None:
        self.tabs.setCurrentIndex(list(TABS).index(key))

    def current_key(self) -> str:
        return list(TABS)[self.tabs.currentIndex()]

    def refresh_live(self) -> None:
        if not self.runner.submit("live", live_figures, self.store, self.at_risk_minutes):
            self._again = True  # a change arrived while reading: read once more afterwards

    def _show_tab(self) -> None:
        key = self.current_key()
        if key != "live" and key not in self._loaded:
            self._loaded.add(key)
            getattr(self, key).refresh()

    def _changed(self, _events: list[object]) -> None:
        self.refresh_live()
        key = self.current_key()
        if key in ("history", "charts", "satisfaction") and getattr(self, key).bar.bounds()[1] >= self.store.today:
            getattr(self, key).refresh()

    def _done(self, tag: str, result: object) -> None:
        if tag != "live":
            return
        assert isinstance(result, LiveFigures)
        self.outage.clear()
        self.live.show_figures(result)
        fresh = crossings(result, self.seen)
        if fresh:
            self.live.show_alerts(fresh)
            self.chime.ring()
            self.alerted.emit(fresh)
        elif not any(t.waited_s >= thresholds(t.target_s)[0][1] for t in result.waiting):
            self.live.clear_alert()
        self.live_shown.emit(result)
        if self._again:
            self._again = False
            self.refresh_live()

    def _failed(self, tag: str, exc: object) -> None:
        if tag == "live":
            self.outage.show_message(f"Không đọc được số liệu: {exc}", "error")

    def _online(self, up: bool) -> None:
        if up:
            self.outage.clear()
            self.refresh_live()
        else:
            self.outage.show_message("Mất kết nối cơ sở dữ liệu – số liệu có thể chưa cập nhật.", "error")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        if self.feed is not None:
            self.feed.stop()
        self.runner.shutdown()
        super().closeEvent(event)


def open_dashboard(store: Store, clerk: Clerk, parent: QWidget | None, *, at_risk_minutes: int = AT_RISK_MINUTES,
                   office: str = "") -> QWidget | str:
    """What counter/dashboard_door.py calls (with the counter's settings): the window, or why it cannot open."""
    if not allowed(clerk):
        return REFUSED
    return DashboardWindow(store, clerk, parent, at_risk_minutes=at_risk_minutes, office=office)
