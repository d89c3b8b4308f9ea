"""The apps as separate processes, driven through their ``--automation`` channel (ui/automation.py).

Every wait is bounded: answers are read from a queue filled by a thread that reads the
app's stdout, with a timeout, so a stuck or crashed app fails the test with its stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
STEP_SECONDS = 60.0  # per step: generous for a loaded 2-core machine, instant when idle
WAIT_SLACK = 30.0  # an app-side `wait` gives up after 60 s itself; its answer may take this much longer


def env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")


def motcua(*args: str) -> list[str]:
    return [sys.executable, "-m", "common.cli.main", *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppProcess:
    """``motcua <app> --automation ...``: send a command, get its JSON answer; events are kept aside."""

    def __init__(self, name: str, argv: list[str], log_dir: Path, first_line: str | None = None) -> None:
        self.name = name
        self.stderr_path = log_dir / f"{name}.stderr"
        self._stderr: IO[bytes] = self.stderr_path.open("wb")
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr, text=True, encoding="utf-8", bufsize=1)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        threading.Thread(target=self._pump, name=f"e2e-{name}", daemon=True).start()
        if first_line is not None:
            self._write(first_line)

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _write(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def _next(self, timeout: float, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"{self.name}: no {what} within {timeout:g} s{self.tail()}") from None
            if line is None:
                self.proc.wait(STEP_SECONDS)
                raise AssertionError(f"{self.name} exited ({self.proc.returncode}) before {what}{self.tail()}")
            if line.startswith("{"):
                return dict(json.loads(line))

    def _answer(self, timeout: float, what: str) -> dict[str, Any]:
        while "event" in (message := self._next(timeout, what)):
            self.events.append(message)
        return message

    def ready(self) -> dict[str, Any]:
        message = self._answer(STEP_SECONDS, "ready line")
        assert message.get("ready") and message.get("app") == self.name, message
        return message

    def send(self, command: str) -> dict[str, Any]:
        """Run one command; a failed one fails the test with the app's reason and log."""
        self._write(command)
        timeout = STEP_SECONDS + (WAIT_SLACK if command.startswith("wait ") else 0)
        answer = self._answer(timeout, f"answer to {command!r}")
        assert answer.get("ok"), f"{self.name}: {command!r} failed: {answer.get('error')}{self.tail()}"
        return answer

    def event(self, kind: str, **match: Any) -> dict[str, Any]:
        """The first ``kind`` event with these fields, already seen or still to come."""
        deadline = time.monotonic() + STEP_SECONDS
        seen = 0
        while True:
            for message in self.events[seen:]:
                if message["event"] == kind and all(message.get(k) == v for k, v in match.items()):
                    return message
            seen = len(self.events)
            message = self._next(deadline - time.monotonic(), f"{kind} event {match}")
            assert "event" in message, f"{self.name}: unexpected answer {message}"
            self.events.append(message)

    def quit(self) -> int:
        self.send("quit")
        return self.proc.wait(STEP_SECONDS)

    def stop(self) -> None:
        """Make sure the process is gone (teardown): ask nicely by closing stdin, then kill."""
        with contextlib.suppress(OSError, ValueError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()  # end of input closes an --automation app
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self._stderr.close()

    def tail(self, lines: int = 25) -> str:
        self._stderr.flush()
        text = self.stderr_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        return "\n--- " + self.name + " stderr ---\n" + "\n".join(text) if text else ""


@contextlib.contextmanager
def running(log_dir: Path) -> Iterator[list[AppProcess]]:
    """Apps appended to the yielded list are always stopped, whatever the test did."""
    apps: list[AppProcess] = []
    try:
        yield apps
    finally:
        for app in apps:
            app.stop()
