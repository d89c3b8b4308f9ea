"""How long the counter window's GUI thread is ever blocked while a clerk works.

Drives a real CounterWindow (real store, worker thread and change feed) through a
working morning at counter 8, which serves five services, with a long queue, and
records every gap between ticks of a 5 ms timer on the GUI thread: a gap of
5 ms + X means the event loop was blocked for X. Also records click-to-view
latency (button click until the window shows the store's answer).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/counter_responsiveness.py [--db URL] [--cycles N]

Without --db it uses a temporary SQLite file. A PostgreSQL URL's database is migrated and emptied
first: give it a database of its own (createdb motcua_counter_bench).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from common.config import load_config
from common.core.model import Role
from common.store import Store
from common.store.db import Database, connect, make_engine, upgrade
from counter.desk import Desk
from counter.dialogs import TransferDialog
from counter.window import CounterWindow
from ui import heap
from ui.style import application

ROOT = Path(__file__).resolve().parent.parent
TICK_MS = 5
COUNTER, CLERK, PASSWORD = 8, "bench", "bench-password"


class StallMeter:
    """Gaps between 5 ms ticks on the GUI thread, beyond the 5 ms asked for."""

    def __init__(self) -> None:
        self.stalls: list[float] = []
        self.current = ""  # the action in progress, to name the worst stalls
        self.worst: list[tuple[float, str]] = []
        self._last = time.perf_counter()
        self._timer = QTimer(interval=TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        stall = max(0.0, (now - self._last) * 1000 - TICK_MS)
        self.stalls.append(stall)
        self.worst = sorted([*self.worst, (stall, self.current)], reverse=True)[:5]
        self._last = now


BATCH_CPU_MS: list[float] = []  # GUI-thread CPU time of each processEvents batch


def wait_until(app: QApplication, predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not answer in time")
        # thread_time counts only this thread's own CPU: the window's work, without the waits
        # for the GIL or for a core that a loaded machine adds to the wall-clock stall.
        cpu = time.thread_time()
        app.processEvents()
        BATCH_CPU_MS.append((time.thread_time() - cpu) * 1000)
        time.sleep(0.0005)


def make_store(url: str) -> Store:
    upgrade(Database(make_engine(url), url))
    store = Store(connect(url))
    if not store.db.is_sqlite:
        from sqlalchemy import text

        with store.db.engine.begin() as conn:
            tables = conn.execute(text(
                "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).scalar()
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    upgrade(store.db)
    store.load_office(load_config(ROOT / "assets" / "office.example.toml").office)
    store.add_clerk(CLERK, "Benchmark", Role.CLERK, PASSWORD)
    return store


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--cycles", type=int, default=60)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--no-settle", action="store_true", help="leave the garbage collector as Python sets it")
    parser.add_argument("--queue", type=int, default=300, help="tickets waiting at the start")
    args = parser.parse_args()
    app = application("counter-bench")
    tmp = tempfile.TemporaryDirectory()
    store = make_store(args.db or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}")
    services = ("CT", "TP", "LD", "BH", "CA")
    for i in range(args.queue):
        store.issue_ticket(services[i % len(services)], "elderly" if i % 17 == 0 else None, check_hours=False)
    window = CounterWindow(Desk(store), fixed_counter=COUNTER)
    window.show()
    wait_until(app, lambda: window.signin.counter.count() > 0)
    window.signin.username.setText(CLERK)
    window.signin.password.setText(PASSWORD)
    views: list[float] = []
    window.desk.view.connect(lambda _v: views.append(time.perf_counter()))
    window.signin.submit()
    wait_until(app, lambda: bool(views))
    TransferDialog.ask = classmethod(lambda _c, *_a: ("service", "TP"))  # type: ignore[method-assign]
    # Citizens keep arriving from a kiosk meanwhile (its own engine and thread, like another PC).
    kiosk, stop = Store(connect(store.db.url)), threading.Event()

    def arrivals() -> None:
        n = 0
        while not stop.wait(0.5):
            kiosk.issue_ticket(services[n % len(services)], check_hours=False)
            n += 1

    threading.Thread(target=arrivals, daemon=True).start()
    if not args.no_settle:
        heap.settle()  # as counter.main does once its window is up
    meter, first_batch = StallMeter(), len(BATCH_CPU_MS)
    latency: dict[str, list[float]] = {}

    def press(name: str) -> None:
        done: list[int] = []  # how many views had arrived when the action's answer came
        window.desk.done.connect(lambda *_: done.append(len(views)))
        window.desk.error.connect(lambda text: sys.exit(f"{name}: {text}"))
        button = window.actions.buttons[name]
        if not button.isEnabled():
            sys.exit(f"{name} is disabled now")
        meter.current = name
        start = time.perf_counter()
        button.click()
        wait_until(app, lambda: bool(done) and len(views) > done[0])
        latency.setdefault(name, []).append((views[-1] - start) * 1000)
        window.desk.done.disconnect()
        window.desk.error.disconnect()

    plan = [("call_next", "recall", "start", "finish"), ("call_next", "no_show"),
            ("call_next", "start", "hold", "call_next", "start", "finish", "hold", "finish"),
            ("call_next", "transfer"), ("break", "break")]
    for cycle in range(args.cycles):
        for name in plan[cycle % len(plan)]:
            press(name)
        if args.verbose:
            print(cycle, {k: round(statistics.median(v)) for k, v in latency.items()}, flush=True)
    stop.set()
    stalls = sorted(meter.stalls)
    every = [v for values in latency.values() for v in values]
    backend = "PostgreSQL" if not store.db.is_sqlite else "SQLite"
    print(f"backend: {backend}; queue at start: {args.queue}; actions: {len(every)}; ticks: {len(stalls)}; "
          f"gc settled: {not args.no_settle}; load average: {os.getloadavg()[0]:.1f}")
    print(f"GUI-thread stall ms: max {stalls[-1]:.1f}, p99 {stalls[int(len(stalls) * 0.99)]:.1f}, "
          f"median {statistics.median(stalls):.1f}")
    batches = sorted(BATCH_CPU_MS[first_batch:])
    print(f"GUI-thread CPU per event batch ms: max {batches[-1]:.1f}, p99 {batches[int(len(batches) * 0.99)]:.1f}")
    print(f"click-to-view ms: median {statistics.median(every):.1f}, "
          f"p95 {sorted(every)[int(len(every) * 0.95)]:.1f}, max {max(every):.1f}")
    print("worst stalls:", ", ".join(f"{ms:.0f} ms during {name}" for ms, name in meter.worst))
    for name, values in sorted(latency.items()):
        print(f"  {name:12s} n={len(values):3d} median {statistics.median(values):6.1f} max {max(values):6.1f}")
    window.close()
    store.db.engine.dispose()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
