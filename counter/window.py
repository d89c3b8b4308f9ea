"""The counter window: composes the small widgets and routes their requests to the Desk."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from common.core.model import Ticket
from common.views.clerk_stats import DeskView
from counter import dashboard_door
from counter.action_panel import ACTION_SPECS, ActionPanel
from counter.desk import Desk
from counter.dialogs import CallSpecificDialog, ConfirmTakeOver, Notice, TransferDialog
from counter.header import Header
from counter.held_list import HeldList
from counter.jobs import OfficeLists, SignedIn
from counter.queue_panel import QueuePanel
from counter.signin_panel import SignInPanel
from counter.ticket_card import TicketCard
from counter.ticking import Ticking
from counter.today_panel import TodayPanel
from ui.banner import Banner
from ui.style import font

OUTAGE = "Mất kết nối tới máy chủ dữ liệu. Các thao tác tạm khoá; quầy sẽ tự kết nối lại."
DONE_TEXT = {
    "recall": "Đã gọi lại {code}",
    "start": "Bắt đầu phục vụ {code}",
    "finish": "Đã phục vụ xong {code}",
    "no_show": "{code} vắng mặt",
    "transfer": "Đã chuyển {code}: giữ nguyên thứ tự",
    "hold": "{code}: {status}",
    "call_specific": "Đã gọi {code}",
    "call_next": "Đã gọi {code}",
}


class CounterWindow(QMainWindow):
    """Signals:
    dashboard_opened(object): the supervisor's dashboard window, once shown.
    """

    dashboard_opened = Signal(object)

    def __init__(self, desk: Desk, *, fixed_counter: int | None = None, at_risk_minutes: int = 20,
                 categories: Mapping[str, tuple[str, str]] | None = None, office: str = "") -> None:
        super().__init__()
        self.at_risk_minutes, self.office = at_risk_minutes, office
        self.desk = desk
        self.lists = OfficeLists((), (), False)
        self._pending: tuple[str, str, int] | None = None  # credentials kept only while asking to take over
        self.setWindowTitle("motcua – Quầy tiếp nhận")
        self.signin = SignInPanel(fixed_counter, self)
        self.header = Header(self)
        self.banner = Banner(self)
        self.message = Banner(self, point_size=12)
        self.card = TicketCard(categories, self)
        self.actions = ActionPanel(self)
        self.held = HeldList(self)
        self.queue = QueuePanel(at_risk_minutes, categories, self)
        self.today = TodayPanel(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.signin)
        self.stack.addWidget(self._desk_page())
        self.setCentralWidget(self.stack)
        self.setStyleSheet("QMainWindow { background: #fbfcfd; }")
        self.actions.bind_keys(self)
        QShortcut(QKeySequence("F12"), self).activated.connect(self.header.dashboard.click)
        self._connect()
        self.ticking = Ticking(desk.store.clock, self._show_view, self)  # waits count up between reads
        desk.view.connect(self.ticking.seen)
        # A fixed floor instead of one recomputed from the contents: the window then never re-sends
        # size hints to the platform as texts change length (offscreen Qt warns on each).
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setMinimumSize(1024, 640)
        self.resize(1280, 800)
        desk.load_lists()

    def _desk_page(self) -> QWidget:
        page = QWidget(self)
        left = QVBoxLayout()
        left.addWidget(self.card, 1)
        left.addWidget(self.actions)
        left.addWidget(self.held)
        right = QVBoxLayout()
        right.addWidget(self.queue, 1)
        right.addWidget(self.today)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addLayout(left, 5)
        body.addLayout(right, 4)
        legend = QLabel("Phím tắt: " + " · ".join(f"{s.key} {s.label.rstrip('…')}" for s in ACTION_SPECS), page)
        legend.setFont(font(9.5))
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #4a5868;")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(20, 14, 20, 10)
        layout.setSpacing(10)
        for widget in (self.header, self.banner, self.message):
            layout.addWidget(widget)
        layout.addLayout(body, 1)
        layout.addWidget(legend)
        return page

    def _connect(self) -> None:
        d = self.desk
        d.lists.connect(self._got_lists)
        d.signed_in.connect(self._signed_in)
        d.sign_in_failed.connect(self.signin.reset)
        d.counter_held.connect(self._ask_take_over)
        d.view.connect(self._show_view)
        d.done.connect(self._done)
        d.error.connect(lambda text: self.message.show_message(text, "warning"))
        d.online.connect(self._online)
        d.taken_over.connect(self._back_to_sign_in)
        d.signed_out.connect(lambda: self._back_to_sign_in(""))
        self.signin.submitted.connect(self._sign_in)
        self.actions.triggered.connect(self.trigger)
        self.header.sign_out.clicked.connect(lambda: d.act("sign_out"))
        self.header.dashboard.clicked.connect(self._open_dashboard)

    # ------------------------------------------------------------------ signing in
    def _got_lists(self, lists: OfficeLists) -> None:
        self.lists = lists
        self.signin.set_counters(lists.counters)

    def _sign_in(self, username: str, password: str, counter: int) -> None:
        self._pending = (username, password, counter)
        self.desk.sign_in(username, password, counter)

    def _ask_take_over(self, message: str) -> None:
        pending, self._pending = self._pending, None
        if pending and ConfirmTakeOver.ask(self, message):
            self.desk.sign_in(*pending, take_over=True)
        else:
            self.signin.reset(message)

    def _signed_in(self, signed: SignedIn) -> None:
        self._pending = None
        name = next((c.name for c in self.lists.counters if c.number == signed.counter), f"Quầy {signed.counter}")
        self.header.show_session(name, signed.clerk, dashboard_door.may_open(signed.clerk))
        self.setWindowTitle(f"{name} – {signed.clerk.full_name} – motcua")  # two counters, two titles
        self.message.clear()
        self.actions.update_for(None, self.desk.is_online)
        self.stack.setCurrentIndex(1)

    def _back_to_sign_in(self, message: str) -> None:
        self.ticking.forget()
        self.setWindowTitle("motcua – Quầy tiếp nhận")
        self.stack.setCurrentIndex(0)
        self.signin.reset(message)

    # ------------------------------------------------------------------ the desk
    def trigger(self, name: str) -> None:
        """One action, from a button or its key."""
        view = self.desk.last_view
        if view is None:
            return
        self.message.clear()
        if name == "transfer":
            if view.current is None:
                return
            target = TransferDialog.ask(self, self.lists.services, self.lists.counters, self.desk.counter or 0,
                                        view.current.code)
            if target is not None:
                self.desk.act("transfer", target)
        elif name == "call_specific":
            answer = CallSpecificDialog.ask(self)
            if answer is not None:
                self.desk.act("call_specific", *answer)
        elif name == "hold":
            self.desk.act("hold", None if view.current else self.held.selected())
        elif name in ("break", "back_office"):
            self.desk.act(name, view.state)
        else:
            self.desk.act(name)

    def _show_view(self, view: DeskView) -> None:
        self.card.show_ticket(view.current, view.state, view.snapshot.at)
        self.header.show_state(view.state)
        self.queue.show_view(view, self.desk.counter or 0)
        self.today.show_day(view.today)
        self.held.show_tickets(view.on_hold)
        self.actions.update_for(view, self.desk.is_online)

    def _done(self, name: str, result: object) -> None:
        if name == "call_next" and result is None:
            self.message.show_message("Không còn công dân nào chờ tại quầy này.", "info")
        elif isinstance(result, Ticket) and name in DONE_TEXT:
            status = "đang giữ" if result.status.value == "on_hold" else "đã nhận lại"
            self.message.show_message(DONE_TEXT[name].format(code=result.code, status=status), "info")

    def _online(self, up: bool) -> None:
        if up:
            self.banner.clear()
        else:
            self.banner.show_message(OUTAGE, "error")
        self.actions.update_for(self.desk.last_view, up)

    def _open_dashboard(self) -> None:
        if not dashboard_door.may_open(self.desk.clerk):
            return  # F12 for a clerk: the button is hidden and the key does nothing
        assert self.desk.clerk is not None
        opened = dashboard_door.open_dashboard(self.desk.store, self.desk.clerk, self,
                                               at_risk_minutes=self.at_risk_minutes, office=self.office)
        if isinstance(opened, str):
            Notice.ask(self, "Bảng điều khiển", opened)
        else:
            opened.show()
            self.dashboard_opened.emit(opened)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.desk.close()
        super().closeEvent(event)
