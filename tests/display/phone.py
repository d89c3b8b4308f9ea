"""A phone and its abusers over real sockets on 127.0.0.x (Linux routes all of 127/8 to loopback).

Each client binds its own source address, so that the server's per-address caps see a crowd,
not one host. Everything here blocks: run it on a thread while the GUI thread serves.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot


def connect(port: int, source: str = "127.0.0.2", timeout: float = 10.0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def get(port: int, path: str, source: str = "127.0.0.2", headers: str = "") -> tuple[int, dict[str, str], str]:
    """One GET: (status, lower-cased headers, body)."""
    with connect(port, source) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())
        raw = read_all(sock)
    return parse(raw)


def parse(raw: bytes) -> tuple[int, dict[str, str], str]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    hdrs = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, hdrs, body.decode("utf-8", "replace")


class Events:
    """An EventSource: ``next()`` returns each event's JSON data (heartbeats skipped)."""

    def __init__(self, port: int, token: str, source: str = "127.0.0.2", lang: str = "") -> None:
        self.sock = connect(port, source)
        cookie = f"Cookie: lang={lang}\r\n" if lang else ""
        self.sock.sendall(f"GET /t/{token}/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n{cookie}\r\n"
                          .encode())
        self.buf = b""
        head = self._until(b"\r\n\r\n")
        self.status = int(head.split()[1])

    def _until(self, sep: bytes) -> bytes:
        while sep not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("stream closed")
            self.buf += data
        part, _, self.buf = self.buf.partition(sep)
        return part

    def next(self) -> dict[str, Any]:
        while True:
            block = self._until(b"\n\n").decode()
            data = [line[5:].strip() for line in block.split("\n") if line.startswith("data:")]
            if data:
                return json.loads("".join(data))

    def until(self, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        while True:
            event = self.next()
            if check(event):
                return event

    def close(self) -> None:
        self.sock.close()


def in_thread(qtbot: QtBot, fn: Callable[[], Any], timeout_ms: int = 20_000) -> Any:
    """Run blocking client code on a thread while the GUI thread keeps serving; its result or its error."""
    out: list[Any] = []
    err: list[BaseException] = []

    def go() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # re-raised on the test's thread
            err.append(exc)

    threading.Thread(target=go, daemon=True).start()
    qtbot.waitUntil(lambda: bool(out or err), timeout=timeout_ms)
    if err:
        raise err[0]
    return out[0]


def trickle(port: int, count: int, sources: list[str], stop: threading.Event) -> list[socket.socket]:
    """``count`` slow-header connections, each sending one header byte now and then until ``stop``."""
    socks = []
    for i in range(count):
        try:
            sock = connect(port, sources[i % len(sources)], timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nX-a: ")
            socks.append(sock)
        except OSError:
            break

    def drip() -> None:
        while not stop.wait(0.5):
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.send(b"a")
        for sock in socks:
            sock.close()

    threading.Thread(target=drip, daemon=True).start()
    return socks


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    """Poll a condition on a client thread (the test's own waits use qtbot.waitUntil)."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if check():
            return True
        time.sleep(0.05)
    return check()
