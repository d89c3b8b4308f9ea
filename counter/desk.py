"""The counter's state and its conversation with the store, without any widget.

The window calls :class:`Desk` methods; each sends one store call to the worker
thread and the answer comes back as a signal on the GUI thread. The queue and the
clerk's figures are re-read (one transaction) whenever the live feed reports a
change, so the window never polls the store and never reads it on the GUI thread.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from common.core.errors import DomainError, MotcuaError, StoreUnavailable
from common.core.model import Clerk, CounterState
from common.core.rules import Action
from common.store import Store
from common.views.clerk_stats import DeskView, desk_view
from counter import jobs
from counter.throttle import SignInThrottle
from ui.feed import LiveFeed
from ui.worker import Runner

log = logging.getLogger(__name__)
RETRY_MS = 2000


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
        self._feed_online = True
        self._refresh_again = False
        self._closed = False
        self._retry = QTimer(self, interval=RETRY_MS)
        self._retry.timeout.connect(self.refresh)
        self._feed: LiveFeed | None = None
        if live:
            self._feed = LiveFeed(store, self)
            self._feed.changed.connect(lambda _events: self.refresh())
            self._feed.online.connect(self._feed_status)
            self._feed.start()

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
        if self._closed or self.clerk is None or self.counter is None:
            return
        if not self.runner.submit("refresh", desk_view, self.store, self.counter, self.clerk.username,
                                  self.session_id):
            self._refresh_again = True  # a change arrived while reading: read once more afterwards

    def close(self) -> None:
        """Stop the feed and the worker; answers still queued for the GUI thread are then ignored."""
        if self._closed:
            return
        self._closed = True
        self._retry.stop()
        if self._feed is not None:
            self._feed.stop()
        self.runner.shutdown()

    # ------------------------------------------------------------------ answers
    def _succeeded(self, tag: str, result: object) -> None:
        if self._closed:
            return
        self._set_online(True)
        if tag == "lists":
            self.lists.emit(result)
        elif tag == "sign_in":
            assert isinstance(result, jobs.SignedIn)
            self.clerk, self.counter, self.session_id = result.clerk, result.counter, result.session_id
            self.signed_in.emit(result)
            self.refresh()
        elif tag == "refresh":
            self._viewed(result)  # type: ignore[arg-type]
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
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _failed(self, tag: str, exc: object) -> None:
        if self._closed:
            return
        if isinstance(exc, StoreUnavailable):
            log.warning("%s: %s", tag, exc)
            self._set_online(False)
            if tag == "sign_in":
                self.sign_in_failed.emit("Mất kết nối tới máy chủ dữ liệu: thử lại sau ít phút")
            return
        if tag == "sign_in":
            if isinstance(exc, jobs.CounterHeld):
                self.counter_held.emit(exc.message(self.lang))
            else:
                self.sign_in_failed.emit(_message(exc, self.lang))
            return
        if tag == "refresh" and isinstance(exc, DomainError):
            log.warning("refresh: %s", exc)
            return
        self.error.emit(_message(exc, self.lang))
        if tag != "refresh":
            self.refresh()

    def _feed_status(self, up: bool) -> None:
        if self._closed:
            return
        self._feed_online = up
        self._set_online(up)
        if up:
            self.refresh()

    def _set_online(self, up: bool) -> None:
        if up == self.is_online:
            return
        self.is_online = up
        # While down, probe the store now and then: an action may have failed before the feed noticed.
        if up:
            self._retry.stop()
        else:
            self._retry.start()
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
    if isinstance(exc, MotcuaError):
        return str(exc)
    log.error("unexpected error", exc_info=exc if isinstance(exc, BaseException) else None)
    return "Đã có lỗi không mong muốn; thao tác chưa được ghi nhận. Vui lòng thử lại."
