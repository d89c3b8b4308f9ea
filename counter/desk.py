"""The counter's state and its conversation with the store, without any widget.

The window calls :class:`Desk` methods; each sends one store call to the worker
thread and the answer comes back as a signal on the GUI thread. The queue and the
clerk's figures are re-read (one transaction) whenever the live feed reports a
change, so the window never polls the store and never reads it on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from common.cli.args import told
from common.core.errors import DomainError, MotcuaError, StoreUnavailable
from common.core.model import Clerk, CounterState
from common.core.rules import Action
from common.store import Store
from common.views.clerk_stats import DeskView
from counter import jobs
from counter.throttle import SignInThrottle
from ui.live_view import LiveView
from ui.outage import outage_text
from ui.worker import Runner

log = logging.getLogger(__name__)


class Desk(QObject):
    """One counter PC's session.

    Signals:
        lists(OfficeLists): what the sign-in form and the transfer dialog choose from.
        signed_in(SignedIn): the clerk, the counter and the session.
        sign_in_failed(str): why, in one line.
        counter_held(str): another clerk holds the counter; ask, then ``sign_in(take_over=True)``.
        view(DeskView): a fresh view of the desk.
        done(ActionDone): the action and its result, after it committed.
        error(str): a domain error's message, shown plainly.
        online(bool): the store became unreachable / reachable again.
        taken_over(str): another sign-in ended this session; the message says who.
        signed_out(): the clerk signed out.
    """

    lists = Signal(jobs.OfficeLists)
    signed_in = Signal(jobs.SignedIn)
    sign_in_failed = Signal(str)
    counter_held = Signal(str)
    view = Signal(DeskView)
    done = Signal(jobs.ActionDone)
    error = Signal(str)
    online = Signal(bool)
    taken_over = Signal(str)
    signed_out = Signal()

    def __init__(self, store: Store, *, throttle: SignInThrottle | None = None, lang: str = "vi",
                 live: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.lang = lang
        self.throttle = throttle or SignInThrottle()
        self.runner = Runner(self, name="motcua-counter")
        self.runner.succeeded.connect(self._succeeded)
        self.runner.failed.connect(self._failed)
        self.clerk: Clerk | None = None
        self.counter: int | None = None
        self.session_id: str | None = None
        self.last_view: DeskView | None = None
        self.is_online = True
        self._closed = False
        # The desk's view is read on the same worker as the clerk's actions, so it follows them in order.
        self.live = LiveView(store, self._view_job, runner=self.runner, tag="refresh", live=live, parent=self)
        self.live.fresh.connect(self._viewed)
        self.live.failed.connect(self._view_failed)
        self.live.online.connect(self._set_online)
        self.live.start()  # reads nothing until a clerk signs in

    # ------------------------------------------------------------------ requests
    def load_lists(self) -> None:
        if not self._closed:
            self.runner.submit("lists", jobs.office_lists, self.store)

    def sign_in(self, username: str, password: str, counter: int, *, take_over: bool = False) -> bool:
        if self._closed:
            return False
        return self.runner.submit("sign_in", jobs.sign_in, self.store, self.throttle, username, password,
                                  counter, take_over)

    def act(self, action: Action, *args: Any) -> bool:
        """Run one of ``jobs.ACTIONS``; False if it is already in flight or cannot run now."""
        if self._closed or self.clerk is None or self.counter is None or not self.is_online:
            return False
        return self.runner.submit(action, jobs.ACTIONS[action], self.store, self.counter, self.clerk.username, *args)

    def refresh(self) -> None:
        self.live.refresh()

    def _view_job(self) -> Callable[[], DeskView] | None:
        if self._closed or self.clerk is None or self.counter is None:
            return None
        counter, username, session_id = self.counter, self.clerk.username, self.session_id
        return lambda: self.store.views.desk(counter, username, session_id)

    def close(self) -> None:
        """Stop the feed and the worker; answers still queued for the GUI thread are then ignored."""
        if self._closed:
            return
        self._closed = True
        self.live.stop()
        self.runner.shutdown()

    # ------------------------------------------------------------------ answers
    def _succeeded(self, tag: str, result: object) -> None:
        if self._closed or tag == "refresh":
            return  # the view's answers are the live view's
        if tag == "lists":
            self.lists.emit(result)
        elif tag == "sign_in":
            assert isinstance(result, jobs.SignedIn)
            self.clerk, self.counter, self.session_id = result.clerk, result.counter, result.session_id
            self.signed_in.emit(result)
            self.refresh()
        else:
            action = Action(tag)  # the worker's tags are plain strings; every other tag is an Action
            if action == Action.SIGN_OUT:
                self._end_session()
                self.signed_out.emit()
                return
            self.done.emit(jobs.ActionDone(action, result))  # type: ignore[arg-type]
            self.refresh()

    def _viewed(self, view: DeskView) -> None:
        if self.clerk is None:
            return  # signed out while reading
        if not view.session_valid:
            self._end_session()
            self.taken_over.emit(
                f"Quầy này vừa được {view.holder} đăng nhập ở nơi khác: phiên của bạn đã kết thúc" if view.holder
                else "Quầy này đã được đóng từ nơi khác: phiên của bạn đã kết thúc")
            return
        self.last_view = view
        self.view.emit(view)

    def _failed(self, tag: str, exc: object) -> None:
        if self._closed or tag == "refresh":
            return
        if isinstance(exc, StoreUnavailable):
            log.warning("%s: %s", tag, told(exc))
            self.live.report_outage()
            if tag == "sign_in":
                self.sign_in_failed.emit(outage_text(self.lang))
            return
        if tag == "sign_in":
            if isinstance(exc, jobs.CounterHeld):
                self.counter_held.emit(exc.message(self.lang))
            else:
                self.sign_in_failed.emit(_message(exc, self.lang))
            return
        self.error.emit(_message(exc, self.lang))
        self.refresh()

    def _view_failed(self, exc: object) -> None:
        if self._closed or isinstance(exc, DomainError):
            return  # e.g. the counter was closed from elsewhere mid-read; the next read says so
        self.error.emit(_message(exc, self.lang))

    def _set_online(self, up: bool) -> None:
        if up == self.is_online:
            return  # the first good read of a session is no news
        self.is_online = up
        self.online.emit(up)

    def _end_session(self) -> None:
        self.clerk = self.counter = self.session_id = None
        self.last_view = None

    @property
    def state(self) -> CounterState:
        return self.last_view.state if self.last_view else CounterState.OPEN


def _message(exc: object, lang: str) -> str:
    if isinstance(exc, DomainError):
        return exc.message(lang)
    if isinstance(exc, MotcuaError):  # a lost database, a refused role: in the interface's language
        return str(getattr(exc, "en" if lang == "en" else "vi", None) or exc)
    log.error("unexpected error", exc_info=exc if isinstance(exc, BaseException) else None)
    return "Đã có lỗi không mong muốn; thao tác chưa được ghi nhận. Vui lòng thử lại."
