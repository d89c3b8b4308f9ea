"""SQLite's issue statement part by part: the day's number, then each read its RETURNING carries (issue 12).

    .venv/bin/python benchmarks/issue_reads.py --waiting 75 --done 150

Builds a scratch SQLite office through the store (``--waiting`` tickets waiting per service, after
``--done`` served per service), then runs ``hotpath.issue_read_update`` on the raw sqlite3
connection, inside one transaction rolled back at the end, with all but some of its RETURNING columns
replaced by a constant: the number's UPDATE alone, then with each read, then whole. Medians of
``--n`` runs, best of 5, in µs of wall time on a quiet machine. The statement is split by its
top-level commas, so the script measures whatever the tree's statement is (run it on an older
checkout to compare). Figures: docs/benchmarks/sqlite9.md.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import SERVICES, office, open_store, scratch_database  # noqa: E402
from sqlalchemy.dialects import sqlite as sqlite_dialect  # noqa: E402

from common.store import hotpath  # noqa: E402


def top_level_split(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses."""
    parts, depth, current = [], 0, []
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def fill(url: str, waiting: int, done: int) -> None:
    store = open_store(url)
    store.load_office(office(1))
    store.sign_in(1, "clerk1")
    for i in range(len(SERVICES) * (waiting + done)):
        store.issue_ticket(SERVICES[i % len(SERVICES)])
    for _ in range(len(SERVICES) * done):  # counter 1 serves every service, oldest first
        store.call_next(1, "clerk1")
        store.start_service(1, "clerk1")
        store.finish_service(1, "clerk1")
    store.db.engine.dispose()


def measure(path: str, n: int) -> None:
    prep = hotpath.prepared(hotpath.issue_read_update(False, False, True), "sqlite", sqlite_dialect.dialect())
    head, returning = prep.sql.split(" RETURNING ", 1)
    columns = top_level_split(returning)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    day, now = conn.execute("SELECT max(service_day), max(queued_at) FROM tickets").fetchone()
    sid = conn.execute("SELECT id FROM services WHERE code = ?", (SERVICES[0],)).fetchone()[0]
    values = {"sid": sid, "day": day, "now": now}

    def variant(keep: set[int]) -> tuple[str, tuple[object, ...]]:
        names = list(prep.names[:head.count("?")])
        at = len(names)
        for i, column in enumerate(columns):
            if i in keep:
                names += prep.names[at:at + column.count("?")]
            at += column.count("?")
        sql = head + " RETURNING " + ", ".join(c if i in keep else "0" for i, c in enumerate(columns))
        return sql, tuple(values[name] for name in names)

    number = {0, 1}  # last_number, issued
    rows = [("the day's number alone", number)]
    rows += [(f"+ column {i}: {' '.join(columns[i].split())[:60]}…", number | {i}) for i in range(2, len(columns))]
    rows.append(("the whole statement", set(range(len(columns)))))
    conn.execute("BEGIN IMMEDIATE")  # rolled back: the number is taken again and again, nothing kept
    print("| part | µs |\n| --- | ---: |")
    for label, keep in rows:
        sql, args = variant(keep)
        best = float("inf")
        for _ in range(5):
            samples = []
            for _ in range(n):
                t = time.perf_counter()
                conn.execute(sql, args).fetchall()
                samples.append(time.perf_counter() - t)
            best = min(best, statistics.median(samples))
        print(f"| {label} | {best * 1e6:.1f} |")
    conn.execute("ROLLBACK")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=75, help="tickets waiting per service")
    parser.add_argument("--done", type=int, default=150, help="tickets served per service before them")
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}; sqlite {sqlite3.sqlite_version}; "
              f"{args.waiting} waiting and {args.done} done per service")
    with scratch_database("sqlite", "") as url:
        fill(url, args.waiting, args.done)
        measure(url[len("sqlite:///"):], args.n)


if __name__ == "__main__":
    main()
