"""The counter window: composes the small widgets and routes their requests to the Desk."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from common.core.model import Ticket
from common.core.rules import Action
from common.settings import AT_RISK_MINUTES
from common.views.clerk_stats import DeskView
from counter import dashboard_door
from counter.action_panel import ActionPanel, shortcut_legend
from counter.bookings_panel import BookingsPanel
from counter.desk import Desk
from counter.dialogs import CallSpecificDialog, ConfirmTakeOver, Notice, TransferDialog
from counter.header import Header
from counter.held_list import HeldList
from counter.jobs import ActionDone, OfficeLists, SignedIn
from counter.queue_panel import QueuePanel
from counter.signin_panel import SignInPanel
from counter.ticket_card import TicketCard
from counter.ticking import Ticking
from counter.today_panel import TodayPanel
from ui.banner import Banner
from ui.outage import outage_text
from ui.style import font

OUTAGE = outage_text()  # the one outage line of every app; the greyed action bar says the rest
DONE_TEXT: dict[Action, str] = {
    Action.RECALL: "Đã gọi lại {code}",
    Action.START: "Bắt đầu phục vụ {code}",
    Action.FINISH: "Đã phục vụ xong {code}",
    Action.NO_SHOW: "{code} vắng mặt",
    Action.TRANSFER: "Đã chuyển {code}: giữ nguyên thứ tự",
    Action.HOLD: "{code}: đang giữ",
    Action.RESUME: "{code}: đã nhận lại",
    Action.CALL_SPECIFIC: "Đã gọi {code}",
    Action.CALL_NEXT: "Đã gọi {code}",
}


class CounterWindow(QMainWindow):
    """Signals:
    dashboard_opened(object): the supervisor's dashboard window, once shown.
    """

    dashboard_opened = Signal(object)

    def __init__(self, desk: Desk, *, fixed_counter: int | None = None, at_risk_minutes: int = AT_RISK_MINUTES,
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
        self.bookings = BookingsPanel(desk.store, desk.store.tz, self)  # issue 19: today's bookings, Ctrl+H books
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
        right.addWidget(self.bookings)
        body = QHBoxLayout()
        body.setSpacing(20)
        # Half and half: at 1280 px the queue's service names ("Chứng thực bản sao") fit beside the card,
        # whose number needs far less than half (5 : 4 cut them to "Chứng thực bản …").
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        self.legend = legend = QLabel(shortcut_legend(None), page)
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
        self.header.sign_out.clicked.connect(lambda: d.act(Action.SIGN_OUT))
        self.header.dashboard.clicked.connect(self._open_dashboard)
        self.bookings.bind_keys(self)
        self.bookings.said.connect(self.message.show_message)

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
    def trigger(self, action: Action) -> None:
        """One action, from a button or its key."""
        view = self.desk.last_view
        if view is None:
            return
        self.message.clear()
        if action == Action.TRANSFER:
            if view.current is None:
                return
            target = TransferDialog.ask(self, self.lists.services, self.lists.counters, self.desk.counter or 0,
                                        view.current.code)
            if target is not None:
                self.desk.act(action, target)
        elif action == Action.CALL_SPECIFIC:
            answer = CallSpecificDialog.ask(self)
            if answer is not None:
                self.desk.act(action, *answer)
        elif action in (Action.HOLD, Action.RESUME):
            # F8 sets the current ticket aside, or with the counter free takes back the selected held one.
            if view.current is not None:
                self.desk.act(Action.HOLD)
            else:
                self.desk.act(Action.RESUME, self.held.selected())
        elif action in (Action.BREAK, Action.BACK_OFFICE):
            self.desk.act(action, view.state)
        else:
            self.desk.act(action)

    def _show_view(self, view: DeskView) -> None:
        self.card.show_ticket(view.current, view.state, view.snapshot.at)
        self.header.show_state(view.state)
        self.queue.show_view(view, self.desk.counter or 0)
        self.today.show_day(view.today)
        self.held.show_tickets(view.on_hold)
        self.actions.update_for(view, self.desk.is_online)
        self.legend.setText(shortcut_legend(view.state))
        self.bookings.seen(view, self.desk.counter or 0)

    def _done(self, done: ActionDone) -> None:
        if done.action == Action.CALL_NEXT and done.result is None:
            self.message.show_message("Không còn công dân nào chờ tại quầy này.", "info")
        elif isinstance(done.result, Ticket) and done.action in DONE_TEXT:
            self.message.show_message(DONE_TEXT[done.action].format(code=done.result.code), "info")

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
        self.bookings.close_worker()
        super().closeEvent(event)
