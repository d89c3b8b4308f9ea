"""The citizen's phone page: call commit → live event on 1, 100 and 1,000 open pages; cost of 1,000 pages;
a normal request while 1,000 slow connections are held.

    .venv/bin/python benchmarks/status_page_bench.py [--pages 1,100,1000] [--calls 5] [--tickets 200]
    .venv/bin/python benchmarks/status_page_bench.py --pg postgresql://postgres@127.0.0.1/test

The display (DisplayController + StatusServer, the real ones, offscreen) runs in this process.
The phones run in a child process (their CPU and memory are not the display's): each opens
``/t/{token}/events`` from its own 127.0.x.y address and prints the arrival time of every event.
``--tickets`` tickets wait in one service (the store re-reads all of them on every change); the pages
follow the first ``--calls`` of them round-robin, which are called one after the other, so each call
alerts pages/calls pages and changes every other page (one fewer ahead). Two latencies, from the
call's commit (wall clock, one machine): the "your turn" alert on the called ticket's pages, and the
first queue update on every other page.
"""

from __future__ import annotations

import argparse
import os
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.config import load_config  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.operations import Store  # noqa: E402

PER_ADDRESS = 25
NO_ALERT = b'"alert": ""'


def source(i: int) -> str:
    return f"127.0.{5 + i // (PER_ADDRESS * 250)}.{1 + (i // PER_ADDRESS) % 250}"


def phones(port: int, tokens: list[str], count: int) -> None:
    """Child process: ``count`` event streams; prints 'ready', then 'i time' per event received."""
    sel = selectors.DefaultSelector()
    for i in range(count):
        sock = socket.socket()
        sock.bind((source(i), 0))
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET /t/{tokens[i % len(tokens)]}/events HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        sel.register(sock, selectors.EVENT_READ, [i, 0])
    got_first = 0
    out = sys.stdout
    while True:
        for key, _ in sel.select(timeout=60):
            data = key.fileobj.recv(65536)  # type: ignore[union-attr]
            if not data:
                sel.unregister(key.fileobj)
                continue
            now = time.time()
            events = data.count(b"\ndata: ") + data.startswith(b"data: ")
            if events:
                state = key.data
                if state[1] == 0:
                    got_first += 1
                    if got_first == count:
                        print("ready", flush=True)
                else:  # A: the "your turn" alert; Q: any other change (people ahead, now serving)
                    out.write(f"{state[0]} {now} {'Q' if NO_ALERT in data else 'A'}\n")
                state[1] += events
        out.flush()


def slow(port: int, count: int) -> None:
    """Child process: ``count`` connections that trickle a header byte every 3 s (the issue's attack)."""
    socks = []
    for i in range(count):
        sock = socket.socket()
        sock.bind((source(i), 0))
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"GET / HTTP/1.1\r\nX-a: ")
        socks.append(sock)
    print("ready", flush=True)
    while True:
        time.sleep(3)
        for i, sock in enumerate(socks):
            try:
                sock.send(b"a")
            except OSError:  # cut at the deadline: come back, as an attacker would
                sock.close()
                socks[i] = socket.socket()
                socks[i].bind((source(i), 0))
                try:
                    socks[i].connect(("127.0.0.1", port))
                    socks[i].sendall(b"GET / HTTP/1.1\r\nX-a: ")
                except OSError:
                    pass


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


class Display:
    """The display's status page in this process, its Qt loop pumped by ``pump``."""

    def __init__(self, url: str, tickets: int) -> None:
        from display.board_window import BoardWindow
        from display.controller import DisplayController
        from display.http_front import Limits
        from display.status_server import StatusServer
        from display.status_site import RateLimiter, StatusSite
        from ui.style import application

        self.app = application("status-bench")
        self.store = Store(connect(url))
        self.store.load_office(load_config(ROOT / "assets" / "office.example.toml").office)
        self.tokens = [self.store.issue_ticket("TP", check_hours=False).ticket.token or "" for _ in range(tickets)]
        self.called = 0  # tickets called so far: the queue is served in order
        self.site = StatusSite("bench", limiter=RateLimiter(burst=100, per_second=100))
        self.board = BoardWindow("bench", self.store.tz, "")
        self.server = StatusServer(self.site, "127.0.0.1", 0, limits=Limits(per_address=64, total=4000))
        self.controller = DisplayController(self.store, self.board, site=self.site)
        self.controller.start()
        self.pump_until(lambda: all(t in self.site.statuses for t in self.tokens), 60)

    def pump_until(self, check, seconds: float) -> bool:  # type: ignore[no-untyped-def]
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            self.app.processEvents()
            if check():
                return True
            time.sleep(0.002)
        return bool(check())

    def call(self) -> float:
        """Call the next TP ticket at counter 1; the commit's wall-clock time."""
        if self.store.current_ticket(1) is not None:
            self.store.mark_no_show(1, "lan")
        self.store.call_next(1, "lan")
        self.called += 1
        return time.time()

    def close(self) -> None:
        self.controller.stop()
        self.server.close()
        self.store.db.engine.dispose()


def child(mode: str, port: int, count: int, tokens: list[str]) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen([sys.executable, __file__, f"--{mode}", str(port), str(count), ",".join(tokens)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.strip())

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def latencies(d: Display, pages: int, calls: int) -> dict[str, float]:
    proc, lines = child("phones", d.server.port, pages, d.tokens[d.called:d.called + calls])
    try:
        if not d.pump_until(lambda: "ready" in lines, 120):
            raise SystemExit(f"{pages} pages did not all connect")
        figures: dict[str, float] = {}
        if pages >= 1000:
            d.pump_until(lambda: False, 2)
            cpu0, t0 = time.process_time(), time.monotonic()
            d.pump_until(lambda: False, 5)
            figures["idle_cpu_pct"] = 100 * (time.process_time() - cpu0) / (time.monotonic() - t0)
            figures["rss_mb"] = rss_mb()
        seen: list[float] = []
        alerts: list[float] = []
        alerted: set[str] = set()
        missed = 0
        cpu0, t0 = time.process_time(), time.monotonic()
        for _ in range(calls):
            start = len(lines)
            at = d.call()
            d.pump_until(lambda s=start: len({ln.split()[0] for ln in lines[s:] if ln != "ready"}) >= pages, 10)
            d.pump_until(lambda: False, 1.0)  # the statuses' re-read lands before the next call
            first: dict[str, float] = {}
            for ln in lines[start:]:
                if ln != "ready":
                    page, t, kind = ln.split()
                    if os.environ.get("BENCH_DEBUG"):
                        print(ln, at)
                    if kind == "A" and page not in alerted:  # its re-read confirms it later: not a new alert
                        alerted.add(page)
                        alerts.append((float(t) - at) * 1000)
                    first.setdefault(page, float(t))
            seen += [(t - at) * 1000 for t in first.values()]
            missed += pages - len(first)
        figures["calls_cpu_pct"] = 100 * (time.process_time() - cpu0) / (time.monotonic() - t0)
        figures.update(p50=statistics.median(seen), p99=pct(seen, 0.99), max=max(seen), missed=missed,
                       alert_p50=statistics.median(alerts), alert_p99=pct(alerts, 0.99), alerts=len(alerts))
        return figures
    finally:
        proc.kill()
        proc.wait()
        d.pump_until(lambda: d.server.front.open == 0, 30)


def normal_requests(d: Display, held: int, n: int = 20) -> list[float]:
    """Wall-clock ms for ``n`` page loads from a fresh address, while ``held`` slow connections are kept."""
    proc, lines = (child("slow", d.server.port, held, []) if held else (None, ["ready"]))
    times: list[float] = []
    try:
        if not d.pump_until(lambda: "ready" in lines, 120):
            raise SystemExit("slow connections did not connect")
        d.pump_until(lambda: d.server.front.open >= held, 30)
        done = threading.Event()

        def go() -> None:
            for _ in range(n):
                t0 = time.monotonic()
                with socket.create_connection(("127.0.0.1", d.server.port), timeout=30,
                                              source_address=("127.0.0.2", 0)) as sock:
                    sock.sendall(f"GET /t/{d.tokens[-1]} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                    while sock.recv(65536):
                        pass
                times.append((time.monotonic() - t0) * 1000)
                time.sleep(0.2)
            done.set()

        threading.Thread(target=go, daemon=True).start()
        d.pump_until(done.is_set, 120)
        return times
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("--phones", "--slow"):
        port, count, tokens = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
        phones(port, tokens, count) if sys.argv[1] == "--phones" else slow(port, count)
        return
    p = argparse.ArgumentParser()
    p.add_argument("--pages", default="1,100,1000")
    p.add_argument("--calls", type=int, default=5)
    p.add_argument("--tickets", type=int, default=200)
    p.add_argument("--slow", type=int, default=1000)
    p.add_argument("--pg", help="PostgreSQL server URL; a fresh database is made and dropped")
    args = p.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        drop = None
        if args.pg:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from display_bench import fresh_pg_database

            url, drop = fresh_pg_database(args.pg)
        else:
            url = f"sqlite:///{folder}/bench.sqlite3"
            from common.store.db import Database, make_engine, upgrade

            upgrade(Database(make_engine(url), url))
        d = Display(url, args.tickets)
        try:
            print(f"display RSS with no page open: {rss_mb():.0f} MB")
            for pages in (int(x) for x in args.pages.split(",")):
                f = latencies(d, pages, args.calls)
                extra = (f"; display RSS {f['rss_mb']:.0f} MB, CPU idle {f['idle_cpu_pct']:.1f} %"
                         if "rss_mb" in f else "")
                print(f"{pages:>5} pages: commit → alert p50 {f['alert_p50']:.0f} ms, p99 {f['alert_p99']:.0f} ms "
                      f"({f['alerts']:.0f} alerts); → any update p50 {f['p50']:.0f} ms, p99 {f['p99']:.0f} ms, "
                      f"max {f['max']:.0f} ms, missed {f['missed']:.0f}; CPU during calls "
                      f"{f['calls_cpu_pct']:.0f} %{extra}")
            for held in (0, args.slow):
                t = normal_requests(d, held)
                print(f"page load with {held:>4} slow connections held: p50 {statistics.median(t):.1f} ms, "
                      f"max {max(t):.1f} ms ({len(t)} loads)")
        finally:
            d.close()
            if drop:
                drop()
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
