from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from ui.worker import Runner


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = Runner()
    seen: list[tuple[str, object, bool]] = []
    runner.succeeded.connect(
        lambda tag, value: seen.append((tag, value, threading.current_thread() is threading.main_thread())))
    with qtbot.waitSignal(runner.succeeded, timeout=5000):
        assert runner.submit("add", lambda a, b: a + b, 2, 3)
    assert seen == [("add", 5, True)]
    runner.shutdown()


def test_a_second_submit_while_in_flight_does_nothing(qtbot: QtBot) -> None:
    runner = Runner()
    release = threading.Event()
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        release.wait(5)
        return len(calls)

    assert runner.submit("call", slow)
    assert not runner.submit("call", slow)  # the double click
    with qtbot.waitSignal(runner.succeeded, timeout=5000):
        release.set()
    assert calls == [1]
    assert not runner.busy
    runner.shutdown()


def test_exceptions_become_failed_signals(qtbot: QtBot) -> None:
    runner = Runner()
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.submit("boom", lambda: 1 / 0)
    assert blocker.args[0] == "boom" and isinstance(blocker.args[1], ZeroDivisionError)
    runner.shutdown()


def test_after_shutdown_submit_does_nothing(qtbot: QtBot) -> None:
    runner = Runner()
    runner.shutdown()
    calls: list[int] = []
    assert not runner.submit("late", lambda: calls.append(1))  # a closed window's timer firing once more
    assert calls == [] and not runner.busy
