"""Argument types for the command line: every number is checked before any store call.

argparse turns a ValueError/ArgumentTypeError from a type function into one usage
line and exit 2, so a number that is out of range, NaN or infinite never reaches
SQLite (OverflowError) or a simulation loop (``inf`` arrivals spin for ever).
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable

# Counter numbers and day counts are small; anything bigger is a typo, not an office.
MAX_COUNTER = 9999
MAX_PORT = 65535
WHOLE = re.compile(r"[+-]?[0-9]+")


def int_range(lo: int, hi: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not WHOLE.fullmatch(text.strip()):  # ASCII digits only: int() would also take "٣" and "１"
            raise argparse.ArgumentTypeError(
                f"{text!r} không phải số nguyên / is not a whole number ({what}: {lo}–{hi})")
        value = int(text.strip())
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"{text} nằm ngoài khoảng / is out of range ({what}: {lo}–{hi})")
        return value

    parse.__name__ = what  # argparse names the type in its own messages
    return parse


def float_range(lo: float, hi: float, what: str, *, allow_lo: bool = True) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} không phải số / is not a number ({what}: {lo}–{hi})") from None
        if not math.isfinite(value) or not (lo <= value <= hi) or (not allow_lo and value == lo):
            raise argparse.ArgumentTypeError(
                f"{text} nằm ngoài khoảng / is out of range ({what}: {lo}–{hi}, finite)")
        return value

    parse.__name__ = what
    return parse


counter_number = int_range(1, MAX_COUNTER, "counter number")
port_number = int_range(1, MAX_PORT, "port")
days_count = int_range(0, 3660, "days")
simulated_days = int_range(1, 3660, "days")
seed_number = int_range(0, 2**31 - 1, "seed")
counters_count = int_range(1, 200, "counters")
arrivals_per_hour = float_range(0, 10000, "arrivals per hour")
service_minutes = float_range(0, 600, "minutes", allow_lo=False)


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose mistakes end as one line on stderr and exit 2 (no usage block).

    ``motcua COMMAND --help`` still prints the full usage; subparsers inherit the class.
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {' '.join(message.split())}\n")
