"""Kiosk tap -> ticket committed -> print bytes ready, over 10,000 or 1,000,000 tickets of history.

    .venv/bin/python benchmarks/kiosk_bench.py --history 10000 --backend sqlite
    .venv/bin/python benchmarks/kiosk_bench.py --history 10000 --backend postgres
    .venv/bin/python benchmarks/kiosk_bench.py --history 1000000 --backend sqlite --sqlite-file /tmp/k1m.sqlite3

Each "tap" is what the kiosk's worker does after a tap: ``Store.issue_ticket`` (one
transaction) and the slip's ESC/POS bytes (``TicketPrinter.bytes_for``: image text,
native QR, 80 mm, the counters on the slip). The history is report_bench's generator
(benchmarks/_history.py) bulk-loaded with executemany on SQLite and COPY on PostgreSQL,
never through the store. Prints median and p99 of the wall time, the CPU time of the
layout alone, the load average, and the bytes per ticket in every printer mode.
Target (issue 12/13): median <= 10 ms on SQLite; 10k and 1M histories within 20 %.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from report_bench import TZ, fill, prepare  # noqa: E402

from common.config import load_config  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.core.model import PrintStatus  # noqa: E402
from common.devices.printing import PrinterSettings, TicketPrinter  # noqa: E402
from common.devices.ticket_layout import slip_for, ticket_bytes  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.operations import Store  # noqa: E402
from common.store.orm import TicketRow  # noqa: E402

EXAMPLE = ROOT / "assets" / "office.example.toml"
CODES = ("TP", "CT", "DD", "KD", "LD", "BH", "CA")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def run(url: str, label: str, history: int, taps: int, *, reuse: bool = False,
        statements: bool = False) -> None:
    config = load_config(EXAMPLE)
    loaded = 0.0
    if reuse:  # a history kept by an earlier --sqlite-file run: count it, load nothing
        store = Store(connect(url), ManualClock(datetime(2026, 11, 25, 17, 30, tzinfo=TZ)), TZ)
        with store.transaction(readonly=True) as tx:
            history = tx.session.scalar(select(func.count()).select_from(TicketRow)) or 0
    else:
        store = prepare(url)
        if history:
            made, _first, _last, loaded = fill(store, history)
            history = made
    printer = TicketPrinter(config, PrinterSettings(type="file", file_path="/dev/null"))
    for code in CODES:  # warm the pool, the service cache and each service's name strips
        issued = store.issue_ticket(code, print_status=PrintStatus.PENDING, check_hours=False)
        printer.bytes_for(issued.ticket, issued.counters)
    wall, commit, layout_cpu, issue_cpu = [], [], [], []
    last = None
    spent: dict[str, list[float]] = defaultdict(list)
    if statements:  # where issue_ticket's time goes, statement by statement (does any grow with history?)
        started: list[float] = []
        event.listen(store.db.engine, "before_cursor_execute",
                     lambda *_: started.append(time.perf_counter()))
        event.listen(store.db.engine, "after_cursor_execute", lambda _c, _cur, sql, *_: spent[
            " ".join(sql.split())[:90]].append((time.perf_counter() - started.pop()) * 1000))
    for i in range(taps):
        began, began_cpu = time.perf_counter(), time.process_time()
        last = store.issue_ticket(CODES[i % len(CODES)], print_status=PrintStatus.PENDING, check_hours=False)
        committed = time.perf_counter()
        cpu = time.process_time()
        issue_cpu.append((cpu - began_cpu) * 1000)
        data = printer.bytes_for(last.ticket, last.counters)
        layout_cpu.append((time.process_time() - cpu) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
        commit.append((committed - began) * 1000)
        assert data
    print(f"\n{label}: {history:,} tickets of history (loaded in {loaded:.1f} s), {taps} taps, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"  tap -> committed + bytes ready: median {statistics.median(wall):.2f} ms, p99 {pct(wall, 0.99):.2f} ms, "
          f"max {max(wall):.2f} ms")
    print(f"  of which issue_ticket: median {statistics.median(commit):.2f} ms, p99 {pct(commit, 0.99):.2f} ms "
          f"(CPU median {statistics.median(issue_cpu):.2f} ms; the rest is waiting: locks, the server, other processes); "
          f"slip layout CPU: median {statistics.median(layout_cpu):.2f} ms, p99 {pct(layout_cpu, 0.99):.2f} ms")
    for sql, times in sorted(spent.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"  statement: median {statistics.median(times):6.2f} ms x {len(times) / taps:.1f}/tap  {sql}")
    assert last is not None
    slip = slip_for(last.ticket, config, counters=last.counters)
    for text_mode in ("image", "codepage"):
        for qr_mode in ("native", "raster"):
            sizes = [len(ticket_bytes(slip, PrinterSettings(text_mode=text_mode, qr_mode=qr_mode, paper_mm=paper)))
                     for paper in (80, 58)]
            print(f"  bytes per ticket: text {text_mode:<8} qr {qr_mode:<6} 80 mm {sizes[0]:>6}, 58 mm {sizes[1]:>6}")
    store.db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=10_000, help="tickets of history loaded first (0: none)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="a server where a scratch database may be created and dropped")
    parser.add_argument("--taps", type=int, default=300)
    parser.add_argument("--statements", action="store_true", help="also time every SQL statement of the taps")
    parser.add_argument("--sqlite-file", type=Path, help="keep the SQLite history here; reused if it exists")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both") and args.sqlite_file:
        run(f"sqlite:///{args.sqlite_file.resolve()}", "SQLite", args.history, args.taps,
            reuse=args.sqlite_file.exists(), statements=args.statements)
    elif args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="motcua-kiosk-bench-") as tmp:
            run(f"sqlite:///{tmp}/kiosk.sqlite3", "SQLite", args.history, args.taps, statements=args.statements)
    if args.backend in ("postgres", "both"):
        admin_url = make_url(args.pg_url).set(drivername="postgresql+psycopg")
        name = f"motcua_kiosk_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(admin_url.set(database=name).render_as_string(hide_password=False), "PostgreSQL", args.history,
                args.taps, statements=args.statements)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
