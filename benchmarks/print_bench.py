"""Kiosk tap to the printer's "printed" answer, against the TCP printer emulator of the tests.

    .venv/bin/python benchmarks/print_bench.py [--tickets 100] [--status escpos|escpos-done]

Each ticket: ``issue_ticket`` on a fresh SQLite file (one transaction), its slip laid out
(image text, native QR, 80 mm), then sent with the status asked before and after
(``DLE EOT``), and recorded. The emulator reads as fast as loopback allows, so this
is the software's share of the time, not a real printer's paper speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.config import load_config
from common.core.model import PrintStatus
from common.devices.printing import PrinterSettings, TicketPrinter, deliver_job
from common.store import Store
from common.store.db import connect
from tests.common.printer_emulator import TcpPrinter

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "office.example.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--status", choices=["escpos", "escpos-done"], default="escpos",
                        help="escpos-done also waits for GS r 1, answered once the job is processed")
    args = parser.parse_args()
    config = load_config(EXAMPLE)
    emulator = TcpPrinter()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(connect(f"sqlite:///{folder}/bench.sqlite3"), None, config.tz)
        store.load_office(config.office)
        printer = TicketPrinter(config, PrinterSettings(type="network", host="127.0.0.1", port=emulator.port,
                                                     status=args.status))
        times = []
        for _ in range(args.tickets + 5):
            start = time.perf_counter()
            issued = store.issue_ticket("TP", print_status=PrintStatus.PENDING, check_hours=False)
            ticket, _ = deliver_job(store, printer, issued.ticket, issued.counters)
            times.append((time.perf_counter() - start) * 1000)
            assert ticket.print_status is PrintStatus.PRINTED
        times = sorted(times[5:])  # the first few warm the fonts and the strip cache
        store.db.engine.dispose()
    emulator.close()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"tap -> committed -> printed answer (TCP emulator, status {args.status}, {args.tickets} tickets): "
          f"median {statistics.median(times):.1f} ms, p90 {times[int(len(times) * 0.9)]:.1f} ms, "
          f"max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
