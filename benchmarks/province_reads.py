"""Each hot read of an office's apps, the province's office 2 against the single office, alternating (issue 18).

    .venv/bin/python benchmarks/province_reads.py motcua_province_XXXXXXXX motcua_province_YYYYYYYY

The two databases are ``province_bench.py --keep`` builds (200 offices, and ``--single``). Each read runs as
the role of the app that makes it (kiosk, counter, display, supervisor: row-level security on in the
province), 3 warm-up rounds then 15 alternating rounds; medians in ms. Figures: docs/benchmarks.md,
"The seventh wave" (the snapshot was 1.5-1.8x the single office until migration 0024).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.province_bench import NOW  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.store.db import connect  # noqa: E402
from common.store.offices import role_names  # noqa: E402
from common.store.operations import Store  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
APPS = ("kiosk", "counter", "display", "supervisor")
Stores = dict[str, Store]


def stores(database: str, office: int) -> Stores:
    names = role_names(office) if office != 1 else {app: f"motcua_{app}" for app in APPS}
    clock = ManualClock(NOW)
    url = make_url(PG + database)
    return {app: Store(connect(url.set(username=names[app]).render_as_string(hide_password=False)), clock,
                       "Asia/Ho_Chi_Minh") for app in APPS}


def reads(codes: list[str]) -> dict[str, Callable[[Stores], object]]:
    return {
        "kiosk snapshot": lambda o: o["kiosk"].snapshot(),
        "kiosk hall_estimates": lambda o: o["kiosk"].hall_estimates(codes),
        "kiosk appointment_plan": lambda o: o["kiosk"].appointment_plan(),
        "display board": lambda o: o["display"].views.board(),
        "display statuses": lambda o: o["display"].views.statuses(),
        "display recent_calls": lambda o: o["display"].recent_calls(),
        "counter snapshot": lambda o: o["counter"].snapshot(),
        "supervisor live": lambda o: o["supervisor"].views.live(),
    }


def main() -> None:
    province, single = stores(sys.argv[1], 2), stores(sys.argv[2], 1)
    codes = [s.code for s in province["kiosk"].services()][:3]
    print(f"load: {Path('/proc/loadavg').read_text().strip()}")
    print(f"{'read':28} {'province ms':>12} {'single ms':>10} {'ratio':>6}")
    for name, read in reads(codes).items():
        times: dict[str, list[float]] = {"p": [], "s": []}
        for _ in range(3):
            read(province)
            read(single)
        for _ in range(15):
            for side, office in (("p", province), ("s", single)):
                t0 = time.perf_counter()
                read(office)
                times[side].append(1000 * (time.perf_counter() - t0))
        p, s = statistics.median(times["p"]), statistics.median(times["s"])
        print(f"{name:28} {p:12.2f} {s:10.2f} {p / s:6.2f}")
    for office in (province, single):
        for store in office.values():
            store.db.engine.dispose()


if __name__ == "__main__":
    main()
