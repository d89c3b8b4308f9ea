"""The province's pages for people: what one /cong-khai refresh, one cached answer and one province-tab read cost.

    .venv/bin/python benchmarks/public_page_bench.py --db postgresql://motcua_province@127.0.0.1/DB [--repeat 20]

Run it against a province (``motcua demo --province`` builds a small one), as the province role. It prints,
per step, the median wall time and the median CPU time of this process (time.process_time, which load on a
shared machine does not inflate; the database's own work is in the wall time only), and the load average.
- refresh: today's and this month's province views read and the page rendered (display.public_page's thread);
- cached: one GET /cong-khai answered by the status site from memory (what every other request costs);
- tab: the province tab's read (today + this month), on the dashboard's worker.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from common.store import Store
from common.store.db import connect
from dashboard.province_tab import read_both
from display.public_page import PublicPage, store_read
from display.status_site import RateLimiter, StatusSite


def measure(step: Callable[[], object], repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        step()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args()
    store = Store(connect(args.db), None, "Asia/Ho_Chi_Minh")
    page = PublicPage(store_read(store), background=False)
    site = StatusSite("Tỉnh", limiter=RateLimiter(burst=10**9))
    site.public = page.reply
    tickets = sum(o.tickets for o in store.views.province(store.today.replace(day=1), store.today).offices)
    offices = len(store.views.province(store.today.replace(day=1), store.today).offices)

    def refresh() -> None:
        page._refresh()  # what the refresh thread runs

    today = store.today
    rows = [("refresh (2 reads + render)", measure(refresh, args.repeat)),
            ("cached GET /cong-khai", measure(lambda: site.respond("GET", "/cong-khai", "10.0.0.1"), 1000)),
            ("province tab read (today + month)",
             measure(lambda: read_both(store, today.replace(day=1), today), args.repeat))]
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    print(f"{offices} offices, {tickets} tickets this month; load average {load}")
    for name, (wall, cpu) in rows:
        print(f"{name:<36} wall {wall:9.3f} ms   cpu {cpu:9.3f} ms")
    store.db.engine.dispose()


if __name__ == "__main__":
    main()
