from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from common.store import Store
from common.store.db import connect
from counter.dialogs import ConfirmTakeOver
from counter.window import OUTAGE
from tests.counter.conftest import PASSWORD, WAIT_MS, WindowFactory, act, sign_in


def another_pc(store: Store) -> Store:
    """The same database through an engine of its own, as a second counter PC has."""
    return Store(connect(store.db.url), store.clock, store.tz)


def test_two_windows_and_a_process_never_call_the_same_ticket(qtbot: QtBot, clerks: Store,
                                                              open_window: WindowFactory) -> None:
    for i in range(24):
        clerks.issue_ticket("TP" if i % 2 else "CT")
    second = another_pc(clerks)
    one, two = open_window(), open_window(second)
    sign_in(qtbot, one, "lan", 1)
    sign_in(qtbot, two, "minh", 2)
    # A third PC, a real separate process, calls at counter 8 (which also serves TP and CT) meanwhile.
    script = (
        "import sys; from common.store.db import connect; from common.store import Store\n"
        "from common.core.clock import ManualClock; from datetime import datetime\n"
        f"st = Store(connect({clerks.db.url!r}), "
        f"ManualClock(datetime.fromisoformat({clerks.clock.now().isoformat()!r})), {str(clerks.tz)!r})\n"
        "for _ in range(6):\n"
        "    t = st.call_next(8, 'tuan')\n"
        "    print(t.code, flush=True); st.mark_no_show(8, 'tuan')\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    codes: dict[int, list[str]] = {1: [], 2: []}
    try:
        for _ in range(6):
            with qtbot.waitSignals([one.desk.done, two.desk.done], timeout=WAIT_MS):
                one.actions.buttons["call_next"].click()
                two.actions.buttons["call_next"].click()  # both in flight at once, on two engines
            for window, n in ((one, 1), (two, 2)):
                qtbot.waitUntil(lambda w=window: w.actions.buttons["no_show"].isEnabled(), timeout=WAIT_MS)
                codes[n].append(window.card.code.text())
                act(qtbot, window, "no_show")
        out, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    codes[8] = out.split()
    every = codes[1] + codes[2] + codes[8]
    assert len(every) == 18 and len(set(every)) == 18, codes
    second.db.engine.dispose()


def test_taking_over_asks_and_the_other_window_notices(qtbot: QtBot, clerks: Store, open_window: WindowFactory,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    holder = open_window()
    sign_in(qtbot, holder, "lan", 1)
    other = open_window(another_pc(clerks))
    answers = iter([False, True])
    asked: list[str] = []

    def confirm(_cls, parent, message):  # type: ignore[no-untyped-def]
        asked.append(message)
        return next(answers)

    monkeypatch.setattr(ConfirmTakeOver, "ask", classmethod(confirm))
    other.signin.username.setText("minh")
    other.signin.password.setText(PASSWORD)
    with qtbot.waitSignal(other.desk.counter_held, timeout=WAIT_MS):
        other.signin.button.click()
    assert asked == ["Quầy 1 đang do lan sử dụng"]
    assert other.stack.currentIndex() == 0 and "lan" in other.signin.message.text()  # declined: nothing changed
    assert clerks.counters()[0].clerk == "lan"
    other.signin.password.setText(PASSWORD)
    with qtbot.waitSignal(other.desk.view, timeout=WAIT_MS):
        other.signin.button.click()
    assert len(asked) == 2 and other.stack.currentIndex() == 1
    assert clerks.counters()[0].clerk == "minh"
    # The first window learns it from the change feed, without anyone touching it.
    qtbot.waitUntil(lambda: holder.stack.currentIndex() == 0, timeout=WAIT_MS)
    assert "minh" in holder.signin.message.text() and "kết thúc" in holder.signin.message.text()
    assert holder.desk.clerk is None


def test_the_same_clerk_signing_in_elsewhere_ends_this_session(qtbot: QtBot, clerks: Store,
                                                               open_window: WindowFactory) -> None:
    first = open_window()
    sign_in(qtbot, first, "lan", 1)
    second = open_window(another_pc(clerks))
    sign_in(qtbot, second, "lan", 1)  # no question: it is the same person
    qtbot.waitUntil(lambda: first.stack.currentIndex() == 0, timeout=WAIT_MS)
    assert second.stack.currentIndex() == 1


def test_failed_sign_ins_are_slowed_down(qtbot: QtBot, clerks: Store, open_window: WindowFactory) -> None:
    slept: list[float] = []
    window = open_window(sleep=slept.append)
    for _ in range(4):
        window.signin.username.setText("lan")
        window.signin.password.setText("wrong")
        with qtbot.waitSignal(window.desk.sign_in_failed, timeout=WAIT_MS) as blocker:
            window.signin.button.click()
        assert blocker.args == ["Sai tên đăng nhập hoặc mật khẩu"]
    assert slept == [1.0, 2.0, 4.0]  # nothing before the first try, then doubling
    assert window.signin.message.text() == "Sai tên đăng nhập hoặc mật khẩu"
    assert window.signin.password.text() == ""
    sign_in(qtbot, window)
    assert slept == [1.0, 2.0, 4.0, 8.0]  # even the right password waits its turn
    assert window.desk.throttle.failures == 0


@contextmanager
def database_blocked(url: str) -> Iterator[None]:
    """Make the run's PostgreSQL database refuse connections and cut the open ones, then give it back."""
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


def test_outage_banner_locks_actions_and_recovers(qtbot: QtBot, clerks: Store, open_window: WindowFactory,
                                                  db_url: str) -> None:
    if clerks.db.is_sqlite:
        pytest.skip("an open SQLite file cannot be taken away from its connections; PostgreSQL is the networked case")
    clerks.issue_ticket("TP")
    window = open_window()
    sign_in(qtbot, window)
    call = window.actions.buttons["call_next"]
    assert call.isEnabled()
    with database_blocked(db_url):
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=WAIT_MS)
        assert window.banner.text() == OUTAGE and window.banner.kind == "error"
        assert not any(b.isEnabled() for b in window.actions.buttons.values())
        call.click()
        qtbot.keyClick(window, Qt.Key.Key_F2)
        assert not window.desk.act("call_next")  # even a direct request is refused while offline
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(call.isEnabled, timeout=WAIT_MS)
    act(qtbot, window, "call_next")
    assert window.card.code.text() == "A001"
    called = [e for e in clerks.events_since(0) if e.kind == "called"]
    assert len(called) == 1  # nothing clicked during the outage was sent, then or later
