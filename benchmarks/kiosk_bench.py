"""Kiosk tap -> ticket committed -> print bytes ready, over 10,000 and 1,000,000 tickets of history.

    .venv/bin/python benchmarks/kiosk_bench.py --history 10000 --backend sqlite
    .venv/bin/python benchmarks/kiosk_bench.py --history 10000 --backend postgres
    .venv/bin/python benchmarks/kiosk_bench.py --history 10000 1000000 --backend sqlite --sqlite-dir /tmp/kiosk-hist

Each "tap" is what the kiosk's worker does after a tap: ``Store.issue_ticket`` (one
transaction) and the slip's ESC/POS bytes (``TicketPrinter.bytes_for``: image text,
native QR, 80 mm, the counters on the slip). The history is report_bench's generator
(benchmarks/_history.py) bulk-loaded with executemany on SQLite and COPY on PostgreSQL,
never through the store. With several --history sizes the taps alternate between the
databases, so that a busy machine slows every size alike and the sizes compare fairly.
Prints median and p99 of the wall time, the CPU of issue_ticket and of the layout, the
load average, and the bytes per ticket in every printer mode. --sqlite-dir keeps each
SQLite history (history-N.sqlite3) and reuses it next time; --statements times every SQL
statement of the taps. Target (issues 12 and 13): median <= 10 ms on SQLite; 10k and 1M
within 20 %.
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
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from report_bench import TZ, fill, prepare  # noqa: E402

from common.config import load_config  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.core.model import Issued, PrintStatus  # noqa: E402
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


class Kiosk:
    """One database with its history, and the figures of the taps made on it."""

    def __init__(self, url: str, label: str, history: int, *, reuse: bool, statements: bool) -> None:
        self.label, self.loaded = label, 0.0
        if reuse:  # a history kept by an earlier --sqlite-dir run: count it, load nothing
            self.store = Store(connect(url), ManualClock(datetime(2026, 11, 25, 17, 30, tzinfo=TZ)), TZ)
            with self.store.transaction(readonly=True) as tx:
                history = tx.session.scalar(select(func.count()).select_from(TicketRow)) or 0
        else:
            self.store = prepare(url)
            if history:
                history, _first, _last, self.loaded = fill(self.store, history)
        self.history = history
        self.printer = TicketPrinter(load_config(EXAMPLE), PrinterSettings(type="file", file_path="/dev/null"))
        for code in CODES:  # warm the pool, the service cache and each service's name strips
            issued = self.store.issue_ticket(code, print_status=PrintStatus.PENDING, check_hours=False)
            self.printer.bytes_for(issued.ticket, issued.counters)
        self.wall: list[float] = []
        self.commit: list[float] = []
        self.issue_cpu: list[float] = []
        self.layout_cpu: list[float] = []
        self.spent: dict[str, list[float]] = defaultdict(list)
        self.last: Issued | None = None
        if statements:  # where issue_ticket's time goes, statement by statement (does any grow with history?)
            started: list[float] = []
            event.listen(self.store.db.engine, "before_cursor_execute",
                         lambda *_: started.append(time.perf_counter()))
            event.listen(self.store.db.engine, "after_cursor_execute", lambda _c, _cur, sql, *_: self.spent[
                " ".join(sql.split())[:90]].append((time.perf_counter() - started.pop()) * 1000))

    def tap(self, code: str) -> None:
        began, began_cpu = time.perf_counter(), time.process_time()
        self.last = self.store.issue_ticket(code, print_status=PrintStatus.PENDING, check_hours=False)
        committed, cpu = time.perf_counter(), time.process_time()
        data = self.printer.bytes_for(self.last.ticket, self.last.counters)
        self.layout_cpu.append((time.process_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - began) * 1000)
        self.commit.append((committed - began) * 1000)
        self.issue_cpu.append((cpu - began_cpu) * 1000)
        assert data

    def report(self) -> None:
        wall, commit, taps = self.wall, self.commit, len(self.wall)
        print(f"\n{self.label}: {self.history:,} tickets of history (loaded in {self.loaded:.1f} s), {taps} taps")
        print(f"  tap -> committed + bytes ready: median {statistics.median(wall):.2f} ms, "
              f"p99 {pct(wall, 0.99):.2f} ms, max {max(wall):.2f} ms")
        print(f"  of which issue_ticket: median {statistics.median(commit):.2f} ms, p99 {pct(commit, 0.99):.2f} ms "
              f"(its CPU: median {statistics.median(self.issue_cpu):.2f} ms; the rest is waiting: locks, the "
              f"server, other processes); slip layout CPU: median {statistics.median(self.layout_cpu):.2f} ms, "
              f"p99 {pct(self.layout_cpu, 0.99):.2f} ms")
        for sql, times in sorted(self.spent.items(), key=lambda kv: -statistics.median(kv[1])):
            print(f"  statement: median {statistics.median(times):6.2f} ms x {len(times) / taps:.1f}/tap  {sql}")

    def bytes_per_mode(self) -> None:
        assert self.last is not None
        slip = slip_for(self.last.ticket, self.printer.config, counters=self.last.counters)
        for text_mode in ("image", "codepage"):
            for qr_mode in ("native", "raster"):
                sizes = [len(ticket_bytes(slip, PrinterSettings(text_mode=text_mode, qr_mode=qr_mode,
                                                                paper_mm=paper))) for paper in (80, 58)]
                print(f"  bytes per ticket: text {text_mode:<8} qr {qr_mode:<6} 80 mm {sizes[0]:>6}, "
                      f"58 mm {sizes[1]:>6}")


@contextmanager
def scratch_postgres(pg_url: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    admin_url = make_url(pg_url).set(drivername="postgresql+psycopg")
    name = f"motcua_kiosk_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, nargs="+", default=[10_000],
                        help="tickets of history loaded first (0: none); several sizes are tapped in turn")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="a server where scratch databases may be created and dropped")
    parser.add_argument("--taps", type=int, default=300, help="taps per database")
    parser.add_argument("--statements", action="store_true", help="also time every SQL statement of the taps")
    parser.add_argument("--sqlite-dir", type=Path, help="keep each SQLite history here; reused if it exists")
    args = parser.parse_args()
    with ExitStack() as stack:
        kiosks = []
        for size in args.history:
            if args.backend in ("sqlite", "both"):
                folder = args.sqlite_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
                folder.mkdir(parents=True, exist_ok=True)
                path = folder.resolve() / f"history-{size}.sqlite3"
                kiosks.append(Kiosk(f"sqlite:///{path}", "SQLite", size, reuse=path.exists(),
                                    statements=args.statements))
            if args.backend in ("postgres", "both"):
                url = stack.enter_context(scratch_postgres(args.pg_url))
                kiosks.append(Kiosk(url, "PostgreSQL", size, reuse=False, statements=args.statements))
        for i in range(args.taps):
            for kiosk in kiosks:  # in turn: the machine's load falls on every database alike
                kiosk.tap(CODES[i % len(CODES)])
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for kiosk in kiosks:
            kiosk.report()
            kiosk.store.db.engine.dispose()
        kiosks[-1].bytes_per_mode()


if __name__ == "__main__":
    main()
