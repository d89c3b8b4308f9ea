"""The floor: MADO-queue-style minimal operations against the same database, and motcua's ratio to them.

    .venv/bin/python benchmarks/floor_bench.py --backend both --n 300

MADO-queue (a minimal Flask app) issues with one plain INSERT and calls with one plain UPDATE.
This script does the same, one transaction each, on a bare table in the same scratch
database and through the same engine (WAL, BEGIN IMMEDIATE and the write queue on SQLite),
then times motcua's ``issue_ticket`` and ``call_next`` (one process, one counter, each call
followed by a finish, as a clerk would). The ratio motcua/floor is what the rules, the audit
log and the estimate cost per action. Goal (issue 12): ≤ 1.5. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import MORNING, SERVICES, office, open_store, scratch_database  # noqa: E402
from sqlalchemy import text  # noqa: E402

FLOOR_TABLE = """CREATE TABLE floor_tickets (id {pk}, service VARCHAR(8) NOT NULL, number INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL, counter INTEGER, issued_at TIMESTAMP NOT NULL)"""
FLOOR_ISSUE = """INSERT INTO floor_tickets (service, number, status, issued_at)
    VALUES (:s, (SELECT COALESCE(MAX(number), 0) + 1 FROM floor_tickets WHERE service = :s2), 'waiting', :at)"""
FLOOR_CALL = """UPDATE floor_tickets SET status = 'called', counter = 1 WHERE id = (
    SELECT id FROM floor_tickets WHERE status = 'waiting' ORDER BY id LIMIT 1{lock}) RETURNING id"""


Figures = tuple[float, float, float, float]  # issue wall, call wall, issue CPU, call CPU (median ms)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


class Timer:
    """Wall (perf_counter) and client CPU (process_time) of one action: load inflates the first, not the second."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> None:
        self._w, self._c = time.perf_counter(), time.process_time()

    def __exit__(self, *_exc: object) -> None:
        self.wall.append(time.perf_counter() - self._w)
        self.cpu.append(time.process_time() - self._c)


def floor(engine, backend: str, n: int) -> Figures:  # type: ignore[no-untyped-def]
    pk = "INTEGER PRIMARY KEY" if backend == "sqlite" else "SERIAL PRIMARY KEY"
    with engine.begin() as conn:
        conn.execute(text(FLOOR_TABLE.format(pk=pk)))
        conn.execute(text("CREATE INDEX ix_floor_status ON floor_tickets (status, id)"))
    issue, call = Timer(), Timer()
    for i in range(n):
        with issue, engine.begin() as conn:
            conn.execute(text(FLOOR_ISSUE), {"s": SERVICES[i % 4], "s2": SERVICES[i % 4], "at": MORNING})
    call_sql = text(FLOOR_CALL.format(lock="" if backend == "sqlite" else " FOR UPDATE SKIP LOCKED"))
    for _ in range(n):
        with call, engine.begin() as conn:
            conn.execute(call_sql).scalar_one()
    return median_ms(issue.wall), median_ms(call.wall), median_ms(issue.cpu), median_ms(call.cpu)


def motcua(url: str, n: int) -> Figures:
    store = open_store(url)
    store.load_office(office(1))
    store.sign_in(1, "clerk1")
    issue, call = Timer(), Timer()
    for i in range(n):
        with issue:
            store.issue_ticket(SERVICES[i % 4])
    for _ in range(n):
        with call:
            store.call_next(1, "clerk1")
        store.start_service(1, "clerk1")
        store.finish_service(1, "clerk1")
    store.db.engine.dispose()
    return median_ms(issue.wall), median_ms(call.wall), median_ms(issue.cpu), median_ms(call.cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--n", type=int, default=300, help="tickets issued, then called")
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}")
    print("| backend | action | floor wall ms | motcua wall ms | ratio wall | floor CPU ms | motcua CPU ms "
          "| ratio CPU |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
        with scratch_database(backend, args.pg_url) as url:
            store = open_store(url)
            f = floor(store.db.engine, backend, args.n)
            store.db.engine.dispose()
            m = motcua(url, args.n)
        for i, action in enumerate(("issue_ticket", "call_next")):
            fw, mw, fc, mc = f[i], m[i], f[i + 2], m[i + 2]
            print(f"| {backend} | {action} | {fw:.2f} | {mw:.2f} | {mw / fw:.1f} | {fc:.2f} | {mc:.2f} | "
                  f"{mc / fc:.1f} |", flush=True)


if __name__ == "__main__":
    main()
