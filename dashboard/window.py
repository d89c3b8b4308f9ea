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
from common.views.live_metrics import AT_RISK_MINUTES, LiveFigures, crossings, thresholds
from dashboard.accuracy_tab import AccuracyTab
from dashboard.alerts import Chime
from dashboard.bookings_tab import BookingsTab
from dashboard.charts_tab import ChartsTab
from dashboard.history_tab import HistoryTab
from dashboard.live_tab import LiveTab
from dashboard.satisfaction_tab import SatisfactionTab
from dashboard.signins_tab import SignInsTab
from dashboard.staffing_tab import StaffingTab
from ui.banner import Banner
from ui.live_view import LiveView
from ui.outage import outage_text
from ui.style import font
from ui.worker import Runner

REFUSED = "Chỉ giám sát viên và quản trị viên được mở bảng điều khiển."
TABS = {"live": "Trực tiếp", "history": "Lịch sử", "charts": "Biểu đồ", "accuracy": "Độ chính xác ước tính",
        "staffing": "Đề xuất số quầy", "satisfaction": "Hài lòng", "bookings": "Lịch hẹn", "signins": "Đăng nhập"}
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
        self.bookings = BookingsTab(store, self.runner, self)
        self.signins = SignInsTab(store, self.runner, self)
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
        self._loaded: set[str] = set()
        self.tabs.currentChanged.connect(lambda _i: self._show_tab())
        # The Live tab: read on each change and each minute (waits grow with the clock, not only with events).
        self.reader = LiveView(store, lambda: self._read_live, runner=self.runner, tag="live", live=live,
                               every_ms=CLOCK_MS, parent=self)
        self.reader.fresh.connect(self._done)
        self.reader.failed.connect(self._failed)
        self.reader.changed.connect(self._changed)
        self.reader.online.connect(self._online)
        self.reader.start()
        self._show_tab()

    def select(self, key: str) -> None:
        self.tabs.setCurrentIndex(list(TABS).index(key))

    def current_key(self) -> str:
        return list(TABS)[self.tabs.currentIndex()]

    @property
    def timer(self) -> QTimer:
        assert self.reader.timer is not None  # made with every_ms
        return self.reader.timer

    def refresh_live(self) -> None:
        self.reader.refresh()

    def _read_live(self) -> LiveFigures:
        return self.store.views.live(self.at_risk_minutes)

    def _show_tab(self) -> None:
        key = self.current_key()
        if key != "live" and key not in self._loaded:
            self._loaded.add(key)
            getattr(self, key).refresh()

    def _changed(self, _events: list[object]) -> None:
        key = self.current_key()
        periodic = ("history", "charts", "satisfaction", "bookings")
        if key in periodic and getattr(self, key).bar.bounds()[1] >= self.store.today:
            getattr(self, key).refresh()

    def _done(self, result: LiveFigures) -> None:
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

    def _failed(self, exc: object) -> None:
        self.outage.show_message(f"Không đọc được số liệu: {exc}", "error")

    def _online(self, up: bool) -> None:
        if up:
            self.outage.clear()
        else:
            self.outage.show_message(outage_text(), "error")

    def closeEvent(self, event: QCloseEvent) -> None:
        for view in self.findChildren(LiveView):  # the Live tab's and every tab's period read
            view.stop()
        self.runner.shutdown()
        super().closeEvent(event)


def open_dashboard(store: Store, clerk: Clerk, parent: QWidget | None, *, at_risk_minutes: int = AT_RISK_MINUTES,
                   office: str = "") -> QWidget | str:
    """What counter/dashboard_door.py calls (with the counter's settings): the window, or why it cannot open."""
    if not allowed(clerk):
        return REFUSED
    return DashboardWindow(store, clerk, parent, at_risk_minutes=at_risk_minutes, office=office)
