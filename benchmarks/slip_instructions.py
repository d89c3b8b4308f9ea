"""Slip layout in instructions, not milliseconds: a figure the machine's load does not move.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/slip_instructions.py --slips 50 --qr raster
    (then the same with --slips 250: the difference / 200 is one warm slip's instructions)

Lays out ``--warm`` slips first (caches filled, as on a kiosk that has printed a few), then
``--slips`` more, each with its own number, queue figures, time and its own
QR token (the same slips as slip_bench.py). Prints nothing but the byte count: valgrind's total is the figure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from slip_bench import slips

from common.devices.printing import PrinterSettings
from common.devices.ticket_layout import ticket_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slips", type=int, default=200)
    parser.add_argument("--warm", type=int, default=100)
    parser.add_argument("--qr", choices=("native", "raster"), default="raster")
    parser.add_argument("--paper", type=int, choices=(58, 80), default=80)
    args = parser.parse_args()
    settings = PrinterSettings(paper_mm=args.paper, qr_mode=args.qr, text_mode="image")
    work = slips(args.warm + args.slips)
    total = sum(len(ticket_bytes(slip, settings)) for slip in work[:args.warm + args.slips])
    print(total)


if __name__ == "__main__":
    main()
