"""Kiosk speed: from a tap to the ticket committed and its print bytes ready; bytes per ticket.

    .venv/bin/python benchmarks/kiosk_bench.py [--db URL] [--taps 200]

Without --db it uses a fresh SQLite file with the example office. Each "tap" is
what the kiosk's worker does after a tap: ``issue_ticket`` (one transaction) and
laying out the ticket (``TicketPrinter.bytes_for``), in the default image mode.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.config import load_config
from common.core.model import PrintStatus
from common.devices.printing import PrinterSettings, TicketPrinter
from common.devices.ticket_layout import slip_for, ticket_bytes
from common.store import Store
from common.store.db import connect

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "office.example.toml"
CODES = ("TP", "CT", "DD", "KD", "LD", "BH", "CA")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--taps", type=int, default=200)
    args = parser.parse_args()
    config = load_config(EXAMPLE)
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{folder}/bench.sqlite3"
        store = Store(connect(url), None, config.tz)
        store.load_office(config.office)
        printer = TicketPrinter(config, PrinterSettings(type="file", file_path="/dev/null"))
        printer.bytes_for(store.issue_ticket("TP", check_hours=False).ticket)  # warm the fonts and the pool
        times, last = [], None
        for i in range(args.taps):
            start = time.perf_counter()
            last = store.issue_ticket(CODES[i % len(CODES)], print_status=PrintStatus.PENDING, check_hours=False)
            data = printer.bytes_for(last.ticket)
            times.append((time.perf_counter() - start) * 1000)
            assert data
        times.sort()
        print(f"database: {store.db.masked_url.split('/')[0]}  taps: {args.taps}")
        print(f"tap -> committed + bytes ready: median {statistics.median(times):.1f} ms, "
              f"p90 {times[int(len(times) * 0.9)]:.1f} ms, max {times[-1]:.1f} ms")
        assert last is not None
        slip = slip_for(last.ticket, config)
        for text_mode in ("image", "codepage"):
            for qr_mode in ("native", "raster"):
                for paper in (80, 58):
                    n = len(ticket_bytes(slip, PrinterSettings(text_mode=text_mode, qr_mode=qr_mode, paper_mm=paper)))
                    print(f"bytes per ticket: text {text_mode:<8} qr {qr_mode:<6} {paper} mm: {n:>6}")
        store.db.engine.dispose()


if __name__ == "__main__":
    main()
