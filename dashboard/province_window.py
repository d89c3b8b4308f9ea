"""The province's dashboard: the province tab, and each office's own dashboard in the same window.

Opened when the dashboard's database role is a province role (``motcua_province``; never on a
single office's SQLite). That role reads every office and writes only its sign-in log; the
person at the PC signs in by name first (dashboard.signin.ProvinceSignInDialog, the accounts of
``motcua province-staff add``), and the heading and the office dashboards say who is looking.
Double-click or Enter on an office opens that office's dashboard (every tab, read-only, in the
office's time zone) in place of the province tab, through a store that sees that office only
(common.store.office_scope); "← Toàn tỉnh" (or Esc, or Alt+←) comes back and closes it.

Signals:
    drilled(object): the office dashboard just opened (a DashboardWindow), or None when back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from common.core.model import Clerk, Role
from common.store import Store
from common.store.office_scope import office_store, offices
from common.views.province import OfficeFigures
from dashboard.period_bar import PeriodBar
from dashboard.province_tab import ProvinceTab
from dashboard.window import DashboardWindow
from ui.banner import Banner
from ui.outage import outage_text
from ui.style import font
from ui.worker import Runner

# Who the office dashboards say is looking: the province, read-only (it has no clerk row).
PROVINCE_VIEWER = Clerk("tinh", "Tỉnh · chỉ xem", Role.SUPERVISOR)


class ProvinceWindow(QWidget):
    drilled = Signal(object)

    def __init__(self, store: Store, parent: QWidget | None = None, *, title: str = "Toàn tỉnh",
                 live: bool = True, viewer: Clerk | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store, self.live_offices = store, live
        self.viewer = viewer or PROVINCE_VIEWER
        self.setWindowTitle(f"Bảng điều khiển – {title}")
        self.runner = Runner(self, name="motcua-province")
        who = f"{self.viewer.full_name} · chỉ xem" if viewer else "tài khoản cấp tỉnh (chỉ xem)"
        self.heading = heading = QLabel(f"{title} · {who}", self)
        heading.setFont(font(13, bold=True))
        self.outage = Banner(self)
        self.tab = ProvinceTab(store, self.runner, self, live=live)
        self.tab.online.connect(self._online)
        self.tab.office_chosen.connect(self.open_office)
        self.back = QPushButton("← Toàn tỉnh", self)
        self.back.setFont(font(11, bold=True))
        self.back.clicked.connect(self.go_back)
        self.where = QLabel("", self)
        self.where.setFont(font(12, bold=True))
        self.office_page = QWidget(self)
        bar = QHBoxLayout()
        bar.addWidget(self.back)
        bar.addWidget(self.where, 1)
        self.office_layout = QVBoxLayout(self.office_page)
        self.office_layout.setContentsMargins(0, 0, 0, 0)
        self.office_layout.addLayout(bar)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.tab)
        self.stack.addWidget(self.office_page)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.outage)
        layout.addWidget(self.stack, 1)
        self.office: DashboardWindow | None = None
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence(QKeySequence.StandardKey.Back)):
            QShortcut(keys, self, activated=self.go_back)
        self.runner.succeeded.connect(self._opened)
        self.runner.failed.connect(self._failed)
        self.tab.refresh()

    def open_office(self, figures: OfficeFigures) -> None:
        """Connect a store scoped to the office (on the worker), then show its dashboard."""
        self.outage.clear()
        self.runner.submit("drill", self._scoped, figures.office_id)

    def _scoped(self, office_id: int) -> tuple[Store, str]:
        office = next(o for o in offices(self.store) if o.id == office_id)
        return office_store(self.store, office), office.name

    def _opened(self, tag: str, result: object) -> None:
        if tag != "drill":
            return
        store, name = result  # type: ignore[misc]
        self._close_office()
        window = DashboardWindow(store, self.viewer, None, office=name, live=self.live_offices, sound=False)
        window.setWindowFlags(Qt.WindowType.Widget)  # a page of this window, not a window of its own
        self.office_layout.addWidget(window, 1)
        self.office = window
        # The window's one period: the office's tabs read the days the province tab shows.
        kind = str(self.tab.bar.kind.currentData())
        start, end = self.tab.bar.start.date().toPython(), self.tab.bar.end.date().toPython()
        for bar in window.findChildren(PeriodBar):
            bar.take(kind, start, end)  # type: ignore[arg-type]
        self.where.setText(f"{name} · chỉ xem")
        self.stack.setCurrentWidget(self.office_page)
        self.drilled.emit(window)

    def _failed(self, tag: str, exc: object) -> None:
        if tag == "drill":
            self.outage.show_message(f"Không mở được bảng điều khiển của đơn vị: {exc}", "error")

    def _online(self, up: bool) -> None:
        if up:
            self.outage.clear()
        else:
            self.outage.show_message(outage_text(), "error")

    def go_back(self) -> None:
        if self.office is None:
            return
        self._close_office()
        self.stack.setCurrentWidget(self.tab)
        self.tab.refresh()
        self.drilled.emit(None)

    def _close_office(self) -> None:
        if self.office is None:
            return
        window, self.office = self.office, None
        window.close()  # stops its reads and its worker (DashboardWindow.closeEvent)
        self.office_layout.removeWidget(window)
        window.store.db.engine.dispose()
        window.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The shortcuts need an active window; a key that reaches the window itself goes back too.
        back = event.key() == Qt.Key.Key_Escape or (
            event.key() == Qt.Key.Key_Left and event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if back and self.office is not None:
            self.go_back()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._close_office()
        self.tab.stop()
        for view in self.tab.findChildren(type(self.tab.read.view)):
            view.stop()
        self.runner.shutdown()
        super().closeEvent(event)
