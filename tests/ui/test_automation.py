from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.automation import Automation, StdinLines, tag

ROOT = Path(__file__).resolve().parents[2]


class Channel:
    """An Automation reading a real pipe, as an app reads its stdin; answers collected in order."""

    def __init__(self, qtbot: QtBot, wait_seconds: float = 10) -> None:
        self.qtbot = qtbot
        read_fd, self.write_fd = os.pipe()
        self.out = io.StringIO()
        self.left = 0  # how often `quit` or the end of input asked to leave (pytest's app stays up)
        self.automation = Automation("test", StdinLines(read_fd), out=self.out, wait_seconds=wait_seconds,
                                     leave=self._leave)
        self.answers: list[dict[str, object]] = []
        self.automation.answered.connect(self.answers.append)
        self.automation.start()

    def send(self, *lines: str, answers: int | None = None) -> list[dict[str, object]]:
        before = len(self.answers)
        os.write(self.write_fd, "".join(line + "\n" for line in lines).encode())
        expected = before + (len(lines) if answers is None else answers)
        self.qtbot.waitUntil(lambda: len(self.answers) >= expected, timeout=15_000)
        return self.answers[before:]

    def _leave(self) -> None:
        self.left += 1

    def close(self) -> None:
        os.close(self.write_fd)
        self.qtbot.waitUntil(lambda: self.left > 0, timeout=15_000)


@pytest.fixture
def channel(qtbot: QtBot) -> Iterator[Channel]:
    ch = Channel(qtbot)
    yield ch
    ch.close()


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    w = QWidget()
    w.setWindowTitle("automation window")
    layout = QVBoxLayout(w)
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # offscreen Qt warns on size-hint changes
    w.resize(400, 300)
    w.label = tag(QLabel("first"), "the-label")  # type: ignore[attr-defined]
    w.button = tag(QPushButton("Go"), "go-button")  # type: ignore[attr-defined]
    w.edit = QLineEdit("typed")  # type: ignore[attr-defined]
    w.edit.setObjectName("plain-object-name")  # type: ignore[attr-defined]
    for child in (w.label, w.button, w.edit):  # type: ignore[attr-defined]
        layout.addWidget(child)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_lines_are_read_whole_across_chunks_and_none_is_swallowed(tmp_path: Path) -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, "mật khẩu\nclick a".encode())
    lines = StdinLines(read_fd)
    assert lines.readline() == "mật khẩu"  # the counter's password line, then the commands behind it
    os.write(write_fd, b"\r\nwait b\nlast")
    os.close(write_fd)
    assert [lines.readline() for _ in range(4)] == ["click a", "wait b", "last", None]


def test_the_first_line_says_ready_and_every_answer_is_one_json_line(channel: Channel, window: QWidget) -> None:
    channel.send("text the-label")
    first, answer = (json.loads(line) for line in channel.out.getvalue().splitlines())
    assert first["ready"] is True and first["app"] == "test" and first["pid"] == os.getpid()
    assert answer == {"cmd": "text", "ok": True, "name": "the-label", "text": "first"}


def test_click_clicks_a_visible_enabled_button_and_says_why_it_cannot(channel: Channel, window: QWidget) -> None:
    clicks: list[bool] = []
    window.button.clicked.connect(lambda: clicks.append(True))  # type: ignore[attr-defined]
    assert channel.send("click go-button")[0]["ok"] is True
    assert clicks == [True]
    window.button.setEnabled(False)  # type: ignore[attr-defined]
    window.label.setObjectName("not-a-button")  # type: ignore[attr-defined]
    disabled, missing, label = channel.send("click go-button", "click nothing-here", "click the-label")
    assert disabled == {"cmd": "click", "ok": False, "error": "button 'go-button' is disabled"}
    assert missing["error"] == "no visible button 'nothing-here'"
    assert label["error"] == "no visible button 'the-label'"
    window.button.setEnabled(True)  # type: ignore[attr-defined]
    window.button.hide()  # type: ignore[attr-defined]
    assert channel.send("click go-button")[0]["ok"] is False
    assert clicks == [True]


def test_key_goes_through_the_shortcut_map_like_a_real_key(channel: Channel, window: QWidget, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    pressed: list[str] = []
    QShortcut(QKeySequence("F2"), window).activated.connect(lambda: pressed.append("F2"))
    QShortcut(QKeySequence("Ctrl+Q"), window).activated.connect(lambda: pressed.append("Ctrl+Q"))
    f2, _, bad, two = channel.send("key F2", "key Ctrl+Q", "key nonsense", "key F2, F3")
    assert pressed == ["F2", "Ctrl+Q"]
    assert f2["ok"] and f2["window"] == "automation window"
    assert bad["error"] == "'nonsense' is not one key; write it like F2 or Ctrl+Q"
    assert two["ok"] is False


def test_text_reads_labels_buttons_and_line_edits_by_tag_or_object_name(channel: Channel, window: QWidget) -> None:
    label, button, edit, nothing = channel.send(
        "text the-label", "text go-button", "text plain-object-name", "text no-such-widget")
    assert (label["text"], button["text"], edit["text"]) == ("first", "Go", "typed")
    assert nothing == {"cmd": "text", "ok": False, "error": "no label, button or line edit 'no-such-widget'"}


def test_wait_answers_when_the_text_shows_and_holds_the_commands_behind_it(channel: Channel, window: QWidget) -> None:
    QTimer.singleShot(300, lambda: window.label.setText("A001"))  # type: ignore[attr-defined]
    waited, after = channel.send("wait the-label A001", "text the-label")
    assert waited == {"cmd": "wait", "ok": True, "name": "the-label", "text": "A001"}
    assert after["text"] == "A001"  # run only once the wait was over, not while it polled


def test_wait_without_text_answers_once_the_widget_is_visible_and_enabled(channel: Channel, window: QWidget) -> None:
    window.button.setEnabled(False)  # type: ignore[attr-defined]
    QTimer.singleShot(200, lambda: window.button.setEnabled(True))  # type: ignore[attr-defined]
    (answer,) = channel.send("wait go-button")
    assert answer["ok"] is True and window.button.isEnabled()  # type: ignore[attr-defined]


def test_a_wait_that_never_comes_true_fails_with_what_it_saw(qtbot: QtBot, window: QWidget) -> None:
    ch = Channel(qtbot, wait_seconds=0.3)
    try:
        (answer,) = ch.send("wait the-label never")
        assert answer["ok"] is False
        assert answer["error"] == ("'the-label' did not show 'never' within 0.3 s "
                                   "(now visible, enabled, text 'first')")
        (unknown,) = ch.send("dance now")
        assert unknown["error"] == "unknown command 'dance'; use one of click, key, text, wait, grab, quit"
    finally:
        ch.close()


def test_grab_saves_the_window_as_a_png_and_holds_the_commands_behind_it(channel: Channel, window: QWidget,
                                                                         tmp_path: Path) -> None:
    target = tmp_path / "window.png"
    QTimer.singleShot(0, lambda: window.label.setText("after"))  # type: ignore[attr-defined]
    grabbed, text, bad = channel.send(f"grab {target} 50", "text the-label", "grab")
    assert grabbed == {"cmd": "grab", "ok": True, "path": str(target), "width": 400, "height": 300}
    assert target.read_bytes().startswith(b"\x89PNG") and text["text"] == "after"
    assert bad["ok"] is False


def test_quit_answers_leaves_and_runs_nothing_after_it(channel: Channel, window: QWidget) -> None:
    assert channel.send("quit", "click go-button", answers=1) == [{"cmd": "quit", "ok": True}]
    assert channel.left == 1
    channel.send("text the-label", answers=0)
    assert channel.answers[-1] == {"cmd": "quit", "ok": True} and channel.left == 1


def test_the_end_of_input_leaves(qtbot: QtBot) -> None:
    ch = Channel(qtbot)
    ch.close()  # waits until it left
    assert ch.left == 1 and ch.answers == [{"ready": True, "app": "test", "pid": os.getpid()}]


def test_events_are_written_only_once_ready(qtbot: QtBot) -> None:
    out = io.StringIO()
    automation = Automation("test", StdinLines(os.pipe()[0]), out=out)
    automation.report("announced", ticket="A001")
    assert out.getvalue() == ""
    automation.start()
    automation.report("announced", ticket="A001", counter=3)
    assert json.loads(out.getvalue().splitlines()[-1]) == {"event": "announced", "ticket": "A001", "counter": 3}


def run_app(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.ui.automation_app"], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, timeout=60, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          check=False)


def test_a_real_app_answers_only_in_json_and_quits_cleanly() -> None:
    done = run_app("click plus\nclick plus\ntext count\nquit\ntext count\n")
    answers = [json.loads(line) for line in done.stdout.splitlines()]  # print() chatter would break this
    assert answers[0]["ready"] is True
    assert answers[1:] == [{"cmd": "click", "ok": True, "name": "plus"}] * 2 + [
        {"cmd": "text", "ok": True, "name": "count", "text": "2"}, {"cmd": "quit", "ok": True}]
    assert done.returncode == 0
    assert "chatter from a click" in done.stderr and "exited 0" in done.stderr


def test_end_of_input_closes_the_app() -> None:
    done = run_app("text count\n")
    assert [json.loads(line).get("cmd") for line in done.stdout.splitlines()] == [None, "text"]
    assert done.returncode == 0 and "exited 0" in done.stderr
