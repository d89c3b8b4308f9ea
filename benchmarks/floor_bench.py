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


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def floor(engine, backend: str, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    pk = "INTEGER PRIMARY KEY" if backend == "sqlite" else "SERIAL PRIMARY KEY"
    with engine.begin() as conn:
        conn.execute(text(FLOOR_TABLE.format(pk=pk)))
        conn.execute(text("CREATE INDEX ix_floor_status ON floor_tickets (status, id)"))
    issue, call = [], []
    for i in range(n):
        began = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text(FLOOR_ISSUE), {"s": SERVICES[i % 4], "s2": SERVICES[i % 4], "at": MORNING})
        issue.append(time.perf_counter() - began)
    call_sql = text(FLOOR_CALL.format(lock="" if backend == "sqlite" else " FOR UPDATE SKIP LOCKED"))
    for _ in range(n):
        began = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(call_sql).scalar_one()
        call.append(time.perf_counter() - began)
    return median_ms(issue), median_ms(call)


def motcua(url: str, n: int) -> tuple[float, float]:
    store = open_store(url)
    store.load_office(office(1))
    store.sign_in(1, "clerk1")
    issue, call = [], []
    for i in range(n):
        began = time.perf_counter()
        store.issue_ticket(SERVICES[i % 4])
        issue.append(time.perf_counter() - began)
    for _ in range(n):
        began = time.perf_counter()
        store.call_next(1, "clerk1")
        call.append(time.perf_counter() - began)
        store.start_service(1, "clerk1")
        store.finish_service(1, "clerk1")
    store.db.engine.dispose()
    return median_ms(issue), median_ms(call)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--n", type=int, default=300, help="tickets issued, then called")
    args = parser.parse_args()
    print("| backend | action | floor median ms | motcua median ms | ratio |")
    print("| --- | --- | ---: | ---: | ---: |")
    for backend in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
        with scratch_database(backend, args.pg_url) as url:
            store = open_store(url)
            f_issue, f_call = floor(store.db.engine, backend, args.n)
            store.db.engine.dispose()
            m_issue, m_call = motcua(url, args.n)
        for action, f, m in (("issue_ticket", f_issue, m_issue), ("call_next", f_call, m_call)):
            print(f"| {backend} | {action} | {f:.2f} | {m:.2f} | {m / f:.1f} |", flush=True)


if __name__ == "__main__":
    main()
