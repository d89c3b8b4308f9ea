"""Time the dashboard's refreshes over a generated history (default 1,000,000 tickets) on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/dashboard_bench.py --tickets 1000000 --backend both
    .venv/bin/python benchmarks/dashboard_bench.py --tickets 20000 --backend sqlite   # a quick run

Reuses report_bench's million-ticket generator (benchmarks/_history.py). Each refresh is what one worker
call of the window reads: Live (on every change and every minute), History (this month, by service),
Charts (this month by hour and by day), Estimate accuracy and Staffing advice (this month).
Target (issue 6): each refresh within 300 ms. Figures go to docs/benchmarks/dashboard.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time as timer
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from report_bench import TZ, _sqlite, fill, prepare  # noqa: E402

from common.planning.staffing import staffing_advice  # noqa: E402
from common.store.operations import Store  # noqa: E402


def refreshes(store: Store, last: date) -> dict[str, object]:
    """The refreshes over the history's last 30 days (this month) and 365 days."""
    month = (last - timedelta(days=29), last)
    return {
        "live": lambda: store.views.live(),
        "history month by service": lambda: store.views.report(*month, "service"),
        "charts month (hour + day)": lambda: (store.views.report(*month, "hour"),
                                              store.views.report(*month, "day")),
        "accuracy month": lambda: store.views.estimate_accuracy(*month),
        "staffing month": lambda: staffing_advice(store, *month),
        "history year by service": lambda: store.views.report(last - timedelta(days=364), last, "service"),
    }


def fill_events(store: Store, first: date, last: date, tickets: int, per_ticket: int = 3) -> int:
    """The audit log the staffing advice reads: each counter opens 07:30–11:30 and 13:30–17:00 on every
    working day, among ``per_ticket`` other events a ticket (what issue/call/finish write), so that the
    state changes have to be found in a log of realistic size."""
    counters = [c.number for c in store.counters()]
    with store.transaction(readonly=True) as tx:
        ids = [tx.counter_row(n).id for n in counters]
    days = [d for d in (first + timedelta(days=i) for i in range((last - first).days + 1)) if d.isoweekday() <= 5]
    filler = per_ticket * tickets // max(len(days), 1)
    rows: list[tuple[object, ...]] = []
    for day in days:
        for opens, closes in ((clock_time(7, 30), clock_time(11, 30)), (clock_time(13, 30), clock_time(17, 0))):
            for cid in ids:
                rows.append((_utc(day, opens), "counter_open", cid))
                rows.append((_utc(day, closes), "counter_closed", cid))
        noon = _utc(day, clock_time(12, 0))
        rows.extend((noon + timedelta(seconds=i), "issued", None) for i in range(filler))
    raw = store.db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if store.db.is_sqlite:
            cursor.executemany("INSERT INTO events (at, kind, counter_id) VALUES (?, ?, ?)",
                               [(_sqlite(a), k, c) for a, k, c in rows])
        else:
            with cursor.copy("COPY events (at, kind, counter_id) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
        raw.commit()
    finally:
        raw.close()
    with store.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if store.db.is_sqlite else "VACUUM ANALYZE events")
    return len(rows)


def _utc(day: date, at: clock_time) -> datetime:
    return datetime.combine(day, at, TZ).astimezone(UTC)


def run(url: str, label: str, tickets: int, repeat: int) -> None:
    store = prepare(url)
    made, first, last, seconds = fill(store, tickets)
    began = timer.perf_counter()
    events = fill_events(store, first, last, made)
    print(f"\n{label}: {made:,} tickets, {first} … {last}, loaded in {seconds:.0f} s; "
          f"{events:,} events in {timer.perf_counter() - began:.0f} s")
    print(f"{'refresh':<28} {'first ms':>9} {'median ms':>10} {'max ms':>8}")
    for name, fn in refreshes(store, last).items():  # type: ignore[union-attr]
        timings = []
        for _ in range(repeat + 1):
            began = timer.perf_counter()
            fn()  # type: ignore[operator]
            timings.append((timer.perf_counter() - began) * 1000)
        print(f"{name:<28} {timings[0]:>9.0f} {statistics.median(timings[1:]):>10.0f} {max(timings[1:]):>8.0f}")
    store.db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="motcua-dash-bench-") as tmp:
            run(f"sqlite:///{tmp}/history.sqlite3", "SQLite", args.tickets, args.repeat)
    if args.backend in ("postgres", "both"):
        admin_url = make_url(args.pg_url).set(drivername="postgresql+psycopg")
        name = f"motcua_dash_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(admin_url.set(database=name).render_as_string(hide_password=False), "PostgreSQL", args.tickets,
                args.repeat)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
