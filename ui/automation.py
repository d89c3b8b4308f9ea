"""A line-based automation channel (``--automation``): end-to-end tests drive the real apps through it.

Off unless an app is started with ``--automation``. A background thread reads commands,
one per line, from standard input; each runs on the GUI thread (the thread only emits a
signal, it never touches a widget), in order, and answers with one JSON line on
standard output. The first line an app writes is ``{"ready": true, "app": ..., ...}``.

    click NAME        click the visible button NAME
    key KEYS          a real key press and release (e.g. F2, Ctrl+Q) in the active window
    text NAME         the text of the widget NAME (label, button or line edit)
    wait NAME [TEXT]  answer once NAME is visible (and enabled), or once its text is exactly TEXT
    grab FILE [MS]    after MS milliseconds (default 0), save the app's window as a PNG to FILE
                      (the headless demo renders the office it built this way)
    quit              close every window and leave

A widget's NAME is its ``automationId`` property (set with :func:`tag`), else its
objectName: the kiosk's object names are style-sheet classes, so a dynamic property
names a widget without touching its look. Answers carry ``ok`` and, on failure, a
one-line ``error``. An app may also report what it did by itself, as lines with an
``event`` key (the display: ``{"event": "announced", ...}`` once a call's WAV was played,
or kept when there is no speaker); a reader sets those aside while it waits for an answer.

Standard output carries these JSON lines only: whatever else the process prints (pyttsx3
says "Audio saved to ...") goes to standard error. End of input closes the app, so an
app whose test died never lingers.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TextIO

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

PROPERTY = "automationId"
WAIT_SECONDS = 60.0
POLL_MS = 50


def tag(widget: QWidget, name: str) -> QWidget:
    """Name ``widget`` for the automation channel (no effect on how it looks or behaves)."""
    widget.setProperty(PROPERTY, name)
    return widget


def name_of(widget: QWidget) -> str:
    return str(widget.property(PROPERTY) or widget.objectName())


def find(name: str) -> list[QWidget]:
    """Every widget called ``name`` in the app's windows, visible ones first."""
    found: list[QWidget] = []
    for top in QApplication.topLevelWidgets():
        found += [w for w in (top, *top.findChildren(QWidget)) if name_of(w) == name]
    return sorted(found, key=lambda w: not w.isVisible())


def text_of(widget: QWidget) -> str | None:
    return widget.text() if isinstance(widget, QLabel | QAbstractButton | QLineEdit) else None


def close_app() -> None:
    QApplication.closeAllWindows()  # each window's closeEvent stops its workers
    app = QApplication.instance()
    if app is not None:
        app.quit()


def claim_stdout() -> TextIO:
    """A private stream on the process's stdout; file descriptor 1 then points to stderr."""
    sys.stdout.flush()
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    return answers


class StdinLines:
    """Lines from a file descriptor, read with ``os.read``.

    No Python buffer is shared with ``sys.stdin``: the counter reads its password line
    from here first, and commands sent right behind it are not swallowed by a read-ahead.
    """

    def __init__(self, fd: int = 0) -> None:
        self._fd = fd
        self._buffer = b""

    def readline(self) -> str | None:
        """The next line without its newline; None at the end of input."""
        while b"\n" not in self._buffer:
            chunk = os.read(self._fd, 4096)
            if not chunk:
                rest, self._buffer = self._buffer, b""
                return rest.decode("utf-8", "replace") if rest else None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8", "replace").rstrip("\r")


class Automation(QObject):
    """Runs commands read on a thread, one at a time, on the GUI thread.

    Signals:
        answered(object): the dict just written as a JSON line.
    """

    answered = Signal(object)
    _received = Signal(object)  # a line from the reader thread; None at the end of input

    def __init__(self, app: str, lines: StdinLines, parent: QObject | None = None, *,
                 out: TextIO | None = None, info: dict[str, Any] | None = None,
                 wait_seconds: float = WAIT_SECONDS, leave: Callable[[], None] | None = None) -> None:
        """``leave`` is what `quit` and the end of input do: by default close every window and quit."""
        super().__init__(parent)
        self.app, self._lines = app, lines
        self._leave = leave or close_app
        self._out = out or claim_stdout()
        self.info = dict(info or {})
        self.wait_seconds = wait_seconds
        self._pending: deque[str | None] = deque()
        self._waiting = False  # a `wait` holds the commands behind it
        self._started = False
        self._left = False  # after `quit` or the end of input, nothing more is run
        self._commands: dict[str, Callable[[str, str], None]] = {
            "click": self._click, "key": self._key, "text": self._text, "wait": self._wait, "grab": self._grab,
            "quit": self._quit}
        self._received.connect(self._on_line)

    def start(self) -> None:
        """Say ready and start reading; later calls do nothing (e.g. a feed that comes back online)."""
        if self._started:
            return
        self._started = True
        self._write({"ready": True, "app": self.app, "pid": os.getpid(), **self.info})
        threading.Thread(target=self._read, name="motcua-automation", daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                line = self._lines.readline()
                self._received.emit(line)
                if line is None:
                    return
        except (OSError, RuntimeError):  # input closed badly, or the app is already gone
            return

    def _on_line(self, line: str | None) -> None:
        self._pending.append(line)
        self._drain()

    def _drain(self) -> None:
        while self._pending and not self._waiting and not self._left:
            self._run(self._pending.popleft())

    def _run(self, line: str | None) -> None:
        if line is None:
            self._left = True
            self._leave()
            return
        verb, _, rest = line.strip().partition(" ")
        if not verb:
            return
        command = self._commands.get(verb)
        if command is None:
            self._fail(verb, f"unknown command {verb!r}; use one of {', '.join(self._commands)}")
            return
        command(verb, rest.strip())

    # ------------------------------------------------------------------ commands
    def _click(self, verb: str, name: str) -> None:
        button = next((w for w in find(name) if isinstance(w, QAbstractButton) and w.isVisible()), None)
        if button is None:
            self._fail(verb, f"no visible button {name!r}")
        elif not button.isEnabled():
            self._fail(verb, f"button {name!r} is disabled")
        else:
            # A click that opens a modal dialog answers once it closes; commands sent meanwhile act on it.
            button.click()
            self._answer(verb, name=name)

    def _key(self, verb: str, keys: str) -> None:
        sequence = QKeySequence.fromString(keys)
        if sequence.count() != 1 or not sequence.toString():
            self._fail(verb, f"{keys!r} is not one key; write it like F2 or Ctrl+Q")
            return
        window = QApplication.activeWindow() or next(
            (w for w in QApplication.topLevelWidgets() if w.isWindow() and w.isVisible()), None)
        if window is None:
            self._fail(verb, "no window is open")
            return
        combo = sequence[0]  # type: ignore[index]  # PySide6 6.12's stubs omit QKeySequence.operator[]
        # QTest goes through the shortcut map as a real key press does (QShortcut needs the active window).
        window.activateWindow()
        QTest.keyClick(window, combo.key(), combo.keyboardModifiers())
        self._answer(verb, key=keys, window=window.windowTitle())

    def _text(self, verb: str, name: str) -> None:
        texts = [t for t in (text_of(w) for w in find(name)) if t is not None]
        if texts:
            self._answer(verb, name=name, text=texts[0])
        else:
            self._fail(verb, f"no label, button or line edit {name!r}")

    def _wait(self, verb: str, args: str) -> None:
        name, _, wanted = args.partition(" ")
        if not name:
            self._fail(verb, "wait needs a NAME (and optionally the TEXT to wait for)")
            return
        self._waiting = True
        timer = QTimer(self, interval=POLL_MS)
        deadline = QTimer(self, singleShot=True)

        def check() -> None:
            widgets = [w for w in find(name) if w.isVisible()]
            if any(text_of(w) == wanted for w in widgets) if wanted else any(w.isEnabled() for w in widgets):
                done(None)

        def done(error: str | None) -> None:
            timer.stop()
            deadline.stop()
            timer.deleteLater()
            deadline.deleteLater()
            if error:
                self._fail(verb, error)
            else:
                self._answer(verb, name=name, text=next((text_of(w) for w in find(name)), None))
            self._waiting = False
            self._drain()

        timer.timeout.connect(check)
        deadline.timeout.connect(lambda: done(
            f"{name!r} did not {'show ' + repr(wanted) if wanted else 'appear enabled'} "
            f"within {self.wait_seconds:g} s (now {self._describe(name)})"))
        timer.start()
        deadline.start(int(self.wait_seconds * 1000))
        check()

    def _grab(self, verb: str, args: str) -> None:
        path, _, delay = args.partition(" ")
        if not path or (delay and not delay.isdigit()):
            self._fail(verb, "grab needs a FILE and, optionally, milliseconds to wait first")
            return
        self._waiting = True  # commands behind it wait for the picture

        def shoot() -> None:
            window = QApplication.activeWindow() or next(
                (w for w in QApplication.topLevelWidgets() if w.isWindow() and w.isVisible()), None)
            if window is None:
                self._fail(verb, "no window is open")
            elif window.grab().save(path, "PNG"):
                self._answer(verb, path=path, width=window.width(), height=window.height())
            else:
                self._fail(verb, f"could not write {path}")
            self._waiting = False
            self._drain()

        QTimer.singleShot(int(delay or 0), self, shoot)

    def _quit(self, verb: str, _args: str) -> None:
        self._answer(verb)
        self._left = True
        self._leave()

    # ------------------------------------------------------------------ answers
    def report(self, event: str, **fields: Any) -> None:
        """Something the app did by itself, as one JSON line (call on the GUI thread)."""
        if self._started:
            self._write({"event": event, **fields})

    def _describe(self, name: str) -> str:
        widgets = find(name)
        if not widgets:
            return "no such widget"
        w = widgets[0]
        state = f"{'visible' if w.isVisible() else 'hidden'}, {'enabled' if w.isEnabled() else 'disabled'}"
        text = text_of(w)
        return f"{state}, text {text!r}" if text is not None else state

    def _answer(self, verb: str, **fields: Any) -> None:
        self._write({"cmd": verb, "ok": True, **fields})

    def _fail(self, verb: str, error: str) -> None:
        self._write({"cmd": verb, "ok": False, "error": error})

    def _write(self, answer: dict[str, Any]) -> None:
        try:
            self._out.write(json.dumps(answer) + "\n")
            self._out.flush()
        except (OSError, ValueError):  # nobody reads any more: the other end went away
            pass
        self.answered.emit(answer)
