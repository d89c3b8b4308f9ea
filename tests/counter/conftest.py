"""Counter windows on the test store, signed in through their own form."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.core.model import Role
from common.store import Store
from counter.desk import Desk
from counter.throttle import SignInThrottle
from counter.window import CounterWindow

PASSWORD = "mat-khau-1"
WAIT_MS = 10_000



@pytest.fixture
def clerks(store: Store) -> Store:
    """The example office's clerks, with a password each (the example ships none)."""
    for username, role in (("lan", Role.CLERK), ("minh", Role.CLERK), ("giamdoc", Role.SUPERVISOR)):
        store.add_clerk(username, username.title(), role, PASSWORD)
    return store


WindowFactory = Callable[..., CounterWindow]


@pytest.fixture
def open_window(qtbot: QtBot, clerks: Store) -> Iterator[WindowFactory]:
    """Opens windows on their own Store object (own engine, like another PC) or the shared one."""
    opened: list[CounterWindow] = []

    def factory(store: Store | None = None, *, sleep: Callable[[float], None] | None = None,
                fixed_counter: int | None = None) -> CounterWindow:
        # Waiting out the store's back-off moves the test clock instead of sleeping.
        clock = (store or clerks).clock
        assert isinstance(clock, ManualClock)

        def wait(seconds: float) -> None:
            if sleep:
                sleep(seconds)
            clock.advance(seconds)

        throttle = SignInThrottle(wait)
        desk = Desk(store or clerks, throttle=throttle)
        window = CounterWindow(desk, fixed_counter=fixed_counter)
        window.show()
        qtbot.waitUntil(lambda: window.signin.counter.count() > 0, timeout=WAIT_MS)
        opened.append(window)
        return window

    yield factory
    for window in opened:
        window.close()


def sign_in(qtbot: QtBot, window: CounterWindow, username: str = "lan", counter: int = 1,
            password: str = PASSWORD) -> None:
    """Fill the form and press Enter in the password box, as a clerk does; wait for the first view."""
    window.signin.username.setText(username)
    window.signin.password.setText(password)
    window.signin.counter.setCurrentIndex(window.signin.counter.findData(counter))
    with qtbot.waitSignal(window.desk.view, timeout=WAIT_MS):
        window.signin.password.returnPressed.emit()


def act(qtbot: QtBot, window: CounterWindow, name: str, press: Callable[[], None] | None = None) -> None:
    """Click an action's button (or ``press`` its key) and wait for the first view read after it committed."""
    views: list[object] = []
    marks: list[int] = []
    desk = window.desk
    on_view = views.append
    on_done = lambda *_: marks.append(len(views))  # noqa: E731
    desk.view.connect(on_view)
    desk.done.connect(on_done)
    desk.error.connect(on_done)
    try:
        (press or window.actions.buttons[name].click)()
        qtbot.waitUntil(lambda: bool(marks) and len(views) > marks[0], timeout=WAIT_MS)
    finally:
        desk.view.disconnect(on_view)
        desk.done.disconnect(on_done)
        desk.error.disconnect(on_done)
