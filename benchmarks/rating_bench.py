"""Time the satisfaction report and the rating insert over a generated history, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/rating_bench.py --tickets 200000 --backend both

The history is report_bench's (benchmarks/_history.py); four served tickets in five get a
rating (lower when the wait passed 30 minutes). Then: ``satisfaction_report`` for the
last month and year, and ``rate_ticket`` (what a tap on the panel commits) on unrated
tickets. Figures go to docs/benchmarks/rating.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from report_bench import END, fill, prepare  # noqa: E402

from common.store.operations import Store  # noqa: E402
from common.store.orm import RatingRow, TicketRow  # noqa: E402
from common.store.rating import Score, rate_ticket  # noqa: E402

RATE = """
INSERT INTO ratings (ticket_id, service_id, counter_id, clerk_id, score, reasons, channel, rated_at)
SELECT id, service_id, counter_id, clerk_id,
       CASE WHEN wait_s > 1800 THEN (CASE WHEN id % 3 = 0 THEN 1 ELSE 2 END)
            WHEN id % 10 = 1 THEN 2 WHEN id % 2 = 0 THEN 3 ELSE 4 END,
       CASE WHEN wait_s > 1800 THEN '["Chờ lâu"]' ELSE NULL END, 'counter', finished_at
FROM tickets WHERE status = 'done' AND id % 5 <> 0
"""


def rate_history(store: Store) -> tuple[int, float]:
    began = time.perf_counter()
    with store.db.engine.begin() as conn:
        made = conn.execute(text(RATE)).rowcount
    with store.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if store.db.is_sqlite else "VACUUM ANALYZE ratings")
    return made, time.perf_counter() - began


def time_reports(store: Store, repeat: int) -> list[tuple[str, str | None, float, float]]:
    out = []
    for name, days in (("month", 30), ("year", 365)):
        start = END - timedelta(days=days - 1)
        for by in (None, "service", "clerk", "day"):
            began = time.perf_counter()
            store.views.satisfaction(start, END, by)
            first = time.perf_counter() - began
            runs = []
            for _ in range(repeat):
                began = time.perf_counter()
                store.views.satisfaction(start, END, by)
                runs.append(time.perf_counter() - began)
            out.append((name, by, first * 1000, statistics.median(runs) * 1000))
    return out


def time_taps(store: Store, n: int) -> list[float]:
    with store.transaction(readonly=True) as tx:
        rated = select(RatingRow.ticket_id)
        ids = list(tx.session.scalars(select(TicketRow.id).where(
            TicketRow.status == "done", TicketRow.id.not_in(rated)).order_by(TicketRow.id.desc()).limit(n)))
    times = []
    for ticket_id in ids:
        began = time.perf_counter()
        rate_ticket(store, ticket_id, Score.SATISFIED)
        times.append((time.perf_counter() - began) * 1000)
    return times


def run(url: str, label: str, tickets: int, repeat: int, taps: int) -> None:
    store = prepare(url)
    made, first, last, seconds = fill(store, tickets)
    ratings, rate_s = rate_history(store)
    print(f"\n{label}: {made:,} tickets {first} … {last} in {seconds:.0f} s; {ratings:,} ratings in {rate_s:.1f} s")
    print("| database | period | grouping | first ms | median ms |")
    for name, by, first_ms, median_ms in time_reports(store, repeat):
        print(f"| {label} | {name} | {by or 'none'} | {first_ms:.0f} | {median_ms:.0f} |")
    tap = sorted(time_taps(store, taps))
    print(f"| {label} | rate_ticket × {len(tap)} | median {statistics.median(tap):.1f} ms | "
          f"p95 {tap[int(0.95 * (len(tap) - 1))]:.1f} ms | max {tap[-1]:.1f} ms |")
    store.db.engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--tickets", type=int, default=200_000)
    p.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--taps", type=int, default=200)
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = p.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="motcua-rating-bench-") as folder:
            run(f"sqlite:///{folder}/bench.sqlite3", "SQLite", args.tickets, args.repeat, args.taps)
    if args.backend in ("postgres", "both"):
        admin = create_engine(make_url(args.pg).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
        name = f"motcua_rating_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(make_url(args.pg).set(database=name).render_as_string(hide_password=False), "PostgreSQL",
                args.tickets, args.repeat, args.taps)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
