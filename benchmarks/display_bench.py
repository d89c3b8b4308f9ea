"""Hall display latency: a call committed by another process → the board showing it.

    .venv/bin/python benchmarks/display_bench.py [--calls 100]            # SQLite file
    .venv/bin/python benchmarks/display_bench.py --pg postgresql://postgres@127.0.0.1/test

The board (BoardWindow + DisplayController, the real ones, offscreen) runs here;
a separate process calls tickets one at a time through the store and prints each
commit's wall-clock time. Latency = the board's ``updated`` signal showing that
call as the latest − the commit. Targets: 100 ms on PostgreSQL, 500 ms on SQLite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from common.config import load_config  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.operations import Store  # noqa: E402
from common.views.board import BoardState  # noqa: E402
from display.board_window import BoardWindow  # noqa: E402
from display.controller import DisplayController  # noqa: E402
from ui.style import application  # noqa: E402

CALLER = """
import sys, time
from common.store.db import connect
from common.store import Store
store = Store(connect(sys.argv[1]))
for i in range(int(sys.argv[2])):
    counter = 1 + i % 2
    if store.current_ticket(counter) is not None:
        store.start_service(counter, "lan" if counter == 1 else "minh")
        store.finish_service(counter, "lan" if counter == 1 else "minh")
    ticket = store.call_next(counter, "lan" if counter == 1 else "minh")
    print(ticket.code, ticket.counter, time.time(), flush=True)
    time.sleep(float(sys.argv[3]))
"""


def prepare(url: str, calls: int) -> None:
    store = Store(connect(url))
    store.load_office(load_config(ROOT / "assets" / "office.example.toml").office)
    for _ in range(calls):
        store.issue_ticket("TP", check_hours=False)
    store.db.engine.dispose()


def measure(url: str, calls: int, gap: float) -> list[float]:
    prepare(url, calls)
    app = application("display-bench")
    store = Store(connect(url))
    board = BoardWindow("bench", store.tz, "")
    controller = DisplayController(store, board)
    shown: dict[tuple[str, int], float] = {}

    def on_update(state: BoardState) -> None:
        if state.latest is not None:
            shown.setdefault((state.latest.ticket, state.latest.counter), time.time())

    board.updated.connect(on_update)
    board.call_shown.connect(lambda call: shown.setdefault((call.ticket, call.counter), time.time()))
    board.resize(1920, 1080)
    board.show()
    controller.start()
    committed: dict[tuple[str, int], float] = {}
    caller = subprocess.Popen([sys.executable, "-c", CALLER, url, str(calls), str(gap)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)

    def read() -> None:
        assert caller.stdout is not None
        for line in caller.stdout:
            code, counter, at = line.split()
            committed[(code, int(counter))] = float(at)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timer = QTimer()
    timer.timeout.connect(lambda: app.quit() if caller.poll() is not None and len(shown) >= len(committed) else None)
    timer.start(100)
    QTimer.singleShot(int((calls * gap + 30) * 1000), app.quit)
    app.exec()
    reader.join(5)
    controller.stop()
    store.db.engine.dispose()
    board.close()
    board.deleteLater()
    app.processEvents()
    return [(shown[key] - at) * 1000 for key, at in committed.items() if key in shown]


def fresh_pg_database(base: str) -> tuple[str, object]:
    admin = create_engine(make_url(base).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"motcua_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    from common.store.db import Database, make_engine, upgrade

    upgrade(Database(make_engine(url), url))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between calls")
    parser.add_argument("--pg", help="PostgreSQL server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.pg:
            url, drop = fresh_pg_database(args.pg)
        else:
            url, drop = f"sqlite:///{folder}/bench.sqlite3", None
        try:
            latencies = sorted(measure(url, args.calls, args.gap))
        finally:
            if drop:
                drop()  # type: ignore[operator]
    backend = "PostgreSQL" if args.pg else "SQLite"
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"{backend}: {len(latencies)}/{args.calls} calls seen; commit → board p50 "
          f"{statistics.median(latencies):.0f} ms, p99 {p99:.0f} ms, max {latencies[-1]:.0f} ms")


if __name__ == "__main__":
    main()
