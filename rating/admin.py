"""Staff functions of the rating panel, behind a sign-in: leave kiosk mode, close the panel, today's figures.

The panel runs full screen in front of citizens, so nothing but a supervisor's (or an
admin's) sign-in gets out of it. The sign-in goes through Store.authenticate, like every
other path: throttled per user name and per PC in the store, and each attempt is a
signin_* row of the audit log (app "rating").

Ctrl+Alt+A on the panel, or a 3-second press on its top-left corner (a tablet has no
keyboard), opens :class:`AdminSignIn`; once it is accepted, :class:`AdminMenu` offers the
functions. A citizen's short taps on the corner do nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from common.core.errors import AuthError, MotcuaError, render
from common.core.model import Clerk, Role
from common.store import Store
from ui import numbers
from ui.signin_dialog import SignInDialog
from ui.style import font
from ui.worker import Runner

log = logging.getLogger(__name__)
STAFF_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
REFUSED = "Chỉ giám sát viên hoặc quản trị viên mới dùng được chức năng này"
REFUSED_EN = "Only a supervisor or an admin may use this"
SHORTCUT = "Ctrl+Alt+A"
LONG_PRESS_MS = 3000
CORNER_PX = 80


def check_staff(store: Store, username: str, password: str) -> Clerk:
    """The signed-in supervisor or admin; AuthError (Vietnamese first) for anyone else."""
    clerk = store.authenticate(username, password, app="rating")
    if clerk.role not in STAFF_ROLES:
        raise AuthError(REFUSED, REFUSED_EN)
    return clerk


def today_figures(store: Store, counter: int) -> str:
    """One line per scope: the office today, and this counter (by its id) if it served anyone."""
    day = store.today
    office = store.views.satisfaction(day, day).overall
    by_counter = store.views.satisfaction(day, day, by="counter").groups
    lines = [_line("Cả trung tâm", office)]
    lines += [_line(f"Quầy {counter}", g.figures) for g in by_counter if g.key == counter]  # keys are numbers
    return "\n".join(lines)


def _line(scope: str, f: object) -> str:
    pct = getattr(f, "satisfaction_pct", None)
    rated, served = numbers.integer(getattr(f, "rated", 0)), numbers.integer(getattr(f, "served", 0))
    return f"{scope}: {rated}/{served} lượt đánh giá, hài lòng {numbers.percent(pct, 0)}"


class AdminSignIn(SignInDialog):
    """The shared staff sign-in (ui/signin_dialog.py), letting only supervisors and admins through."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(lambda username, password: check_staff(store, username, password),
                         title="Đăng nhập quản trị bảng đánh giá",
                         intro="Dành cho giám sát viên và quản trị viên.",
                         worker_name="motcua-rating-signin", parent=parent)


class AdminMenu(QDialog):
    """What a signed-in supervisor may do at the panel. No signals: each button acts on the panel."""

    def __init__(self, store: Store, panel: QWidget, counter: int, clerk: Clerk, *,
                 quit_app: Callable[[], None]) -> None:
        super().__init__(panel)
        self.store, self.panel, self.counter, self.clerk = store, panel, counter, clerk
        self.setWindowTitle("Quản trị bảng đánh giá")
        self.setFont(font(11))
        self.figures = QLabel("", self)
        self.leave = QPushButton("Thoát chế độ toàn màn hình", self)
        self.close_panel = QPushButton("Đóng bảng đánh giá", self)
        self.report = QPushButton("Đánh giá hôm nay", self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Đã đăng nhập: {clerk.full_name or clerk.username}", self))
        for widget in (self.report, self.figures, self.leave, self.close_panel):
            layout.addWidget(widget)
        self.runner = Runner(self, name="motcua-rating-admin")
        self.runner.succeeded.connect(lambda _t, text: self.figures.setText(str(text)))
        self.runner.failed.connect(self._unread)
        self.leave.clicked.connect(self._leave_kiosk)
        self.quit_app = quit_app
        self.close_panel.clicked.connect(self._close_panel)
        self.report.clicked.connect(lambda: self.runner.submit("report", today_figures, store, counter))

    def _unread(self, _tag: str, exc: object) -> None:
        log.warning("rating admin: figures not read: %r", exc)
        self.figures.setText(render(exc) if isinstance(exc, MotcuaError) else "Không đọc được số liệu.")

    def _close_panel(self) -> None:
        self.accept()
        self.quit_app()

    def _leave_kiosk(self) -> None:
        self.panel.showNormal()
        self.accept()

    def done(self, result: int) -> None:
        self.runner.shutdown()
        super().done(result)


class AdminGate(QObject):
    """Wires the hidden ways in (a keyboard shortcut, a long press on the corner) to the sign-in, then the menu.

    No signals: it opens its dialogs itself.
    """

    def __init__(self, store: Store, panel: QWidget, counter: int, *, quit_app: Callable[[], None],
                 hold_ms: int = LONG_PRESS_MS) -> None:
        super().__init__(panel)
        self.store, self.panel, self.counter, self.quit_app = store, panel, counter, quit_app
        self.dialog: AdminSignIn | None = None
        self.menu: AdminMenu | None = None
        self.shortcut = QShortcut(QKeySequence(SHORTCUT), panel)
        self.shortcut.activated.connect(self.open)
        self.hold_ms = hold_ms
        self.hold = QTimer(self)
        self.hold.setSingleShot(True)
        self.hold.timeout.connect(self.open)
        # The pages cover the panel, so the press lands on a child: watch them all (built once, in __init__).
        for widget in (panel, *panel.findChildren(QWidget)):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            where = self.panel.mapFromGlobal(event.globalPosition().toPoint())
            if where.x() <= CORNER_PX and where.y() <= CORNER_PX:
                self.hold.start(self.hold_ms)
        elif event.type() == QEvent.Type.MouseButtonRelease:
            self.hold.stop()  # a tap, not a hold
        return False  # the citizen's widgets still get every tap

    def open(self) -> AdminSignIn:
        """The sign-in dialog (non-modal, so tests and the event loop keep running)."""
        if self.dialog is not None and self.dialog.isVisible():
            return self.dialog
        self.dialog = AdminSignIn(self.store, self.panel)
        self.dialog.signed_in.connect(self._show_menu)
        self.dialog.open()
        return self.dialog

    def _show_menu(self, clerk: Clerk) -> None:
        self.menu = AdminMenu(self.store, self.panel, self.counter, clerk, quit_app=self.quit_app)
        self.menu.open()

