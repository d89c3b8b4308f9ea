"""Slip layout CPU: one ticket's ESC/POS bytes from a Slip, cold (no cached strips) and warm.

    .venv/bin/python benchmarks/slip_bench.py [--slips 500]

Every printer mode: image or codepage text, 80 or 58 mm, native or raster QR.
Measures process CPU time (``time.process_time``), not wall time, so that other work
on a shared machine inflates the figure less. Each slip has a new number, queue
figures and time (as real tickets do); the office, the service names and the
fixed lines come from the strip cache after the first slip of each service.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.config import load_config
from common.devices import ticket_layout
from common.devices.printing import PrinterSettings
from common.devices.ticket_layout import Slip, ticket_bytes

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "office.example.toml"


def slips(count: int) -> list[Slip]:
    config = load_config(EXAMPLE)
    names = [s.name_vi for s in config.office.services]
    start = datetime(2026, 3, 2, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    return [Slip(office=config.settings.office.name, service=names[i % len(names)], code=f"A{i % 999 + 1:03d}",
                 priority=None, people_ahead=i % 17, wait_minutes=i % 40 + 1,
                 issued=start + timedelta(seconds=37 * i), qr=f"http://192.168.1.20:8080/t/{i:016x}",
                 counters=(1, 2, 8), hotline="1900 1234") for i in range(count)]


def cpu_ms(work: list[Slip], settings: PrinterSettings) -> list[float]:
    out = []
    for slip in work:
        start = time.process_time()
        ticket_bytes(slip, settings)
        out.append((time.process_time() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slips", type=int, default=500)
    args = parser.parse_args()
    work = slips(args.slips)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for text in ("image", "codepage"):
        for paper in (80, 58):
            for qr in ("native", "raster"):
                settings = PrinterSettings(paper_mm=paper, qr_mode=qr, text_mode=text)
                ticket_layout.clear_caches()
                cold = cpu_ms(work[:1], settings)[0]
                warm = sorted(cpu_ms(work, settings))
                print(f"{text:<8} text, {paper} mm, QR {qr:<6}: first slip {cold:5.1f} ms CPU; then median "
                      f"{statistics.median(warm):4.2f} ms, p90 {warm[int(len(warm) * 0.9)]:4.2f} ms, "
                      f"p99 {warm[int(len(warm) * 0.99)]:4.2f} ms, bytes {len(ticket_bytes(work[0], settings))}")

if __name__ == "__main__":
    main()
