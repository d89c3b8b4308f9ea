"""Client CPU of making one ticket token: ``secrets.token_urlsafe(16)`` (before prov6) against ``ticket_token``.

    PYTHONPATH=. .venv/bin/python benchmarks/prov6_token_cost.py

The kiosk's issue calls ``ticket_token(tx.now.timestamp())`` once per ticket; this times that call
(the timestamp included) and the old one, alternating, best of 5 repeats of 100,000 (µs per token).
"""

from __future__ import annotations

import os
import secrets
import sys
import time
import timeit
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from common.core.tokens import ticket_token  # noqa: E402


def main() -> int:
    now = datetime.now(UTC)
    print(f"# {now:%Y-%m-%d %H:%M} UTC, 1-min load {os.getloadavg()[0]:.1f}")
    for _ in range(3):
        old = min(timeit.repeat(lambda: secrets.token_urlsafe(16), number=100_000, repeat=5, timer=time.process_time))
        new = min(timeit.repeat(lambda: ticket_token(now.timestamp()), number=100_000, repeat=5,
                                timer=time.process_time))
        print(f"token_urlsafe(16) {old * 10:.2f} µs   ticket_token(now.timestamp()) {new * 10:.2f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
