"""Time build_report over a generated history (default 1,000,000 tickets) on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/report_bench.py --tickets 1000000 --backend both
    .venv/bin/python benchmarks/report_bench.py --tickets 20000 --backend sqlite   # a quick run

Targets (issue 2): one month ≤ 200 ms, one year ≤ 1 s. Figures go to docs/benchmarks/report.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _history import COLUMNS, History  # noqa: E402

from common.config import ClerkSpec, OfficeSpec, load_config  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.core.model import Role  # noqa: E402
from common.store.db import Database, connect, make_engine, upgrade  # noqa: E402
from common.store.operations import Store  # noqa: E402
from common.store.orm import TicketRow  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
END = date(2026, 11, 24)


def prepare(url: str) -> Store:
    db = Database(make_engine(url), url)
    upgrade(db)
    db.engine.dispose()
    store = Store(connect(url), ManualClock(datetime(2026, 11, 25, 17, 30, tzinfo=TZ)), TZ)
    office = load_config(ROOT / "assets" / "office.example.toml").office
    clerks = tuple(ClerkSpec(f"sim{n}", f"Cán bộ {n}", Role.CLERK) for n in range(1, 9))
    store.load_office(OfficeSpec(office.services, office.counters, office.clerks + clerks))
    return store


def fill(store: Store, tickets: int) -> tuple[int, date, date, float]:
    services, counters = store.services(), store.counters()
    with store.transaction(readonly=True) as tx:
        ids = {s.code: tx.service_row(s.code).id for s in services}
        counter_ids = {c.number: tx.counter_row(c.number).id for c in counters}
        clerk_ids = {n: tx.clerk_row(f"sim{n}").id for n in counter_ids}
    history = History(ids, {s.code: s.prefix for s in services}, counter_ids, clerk_ids)
    began, made, first, last = time.perf_counter(), 0, None, None
    numbers: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    raw = store.db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for rows in history.days(END, tickets):
            for r in rows:
                key = (r[2], r[4])
                numbers[key][0] = max(numbers[key][0], r[5])
                numbers[key][1] += r[6] == 0
            first, last, made = first or rows[0][4], rows[-1][4], made + len(rows)
            _insert(store, cursor, rows)
        daily = [(sid, day, n, issued) for (sid, day), (n, issued) in numbers.items()]
        _insert_daily(store, cursor, daily)
        raw.commit()
    finally:
        raw.close()
    with store.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if store.db.is_sqlite else "VACUUM ANALYZE tickets")
    return made, first, last, time.perf_counter() - began  # type: ignore[return-value]


def _insert(store: Store, cursor, rows) -> None:  # type: ignore[no-untyped-def]
    if store.db.is_sqlite:
        cursor.executemany(
            f"INSERT INTO tickets ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [tuple(_sqlite(v) for v in r) for r in rows])
        return
    with cursor.copy(f"COPY tickets ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(r)


def _insert_daily(store: Store, cursor, daily) -> None:  # type: ignore[no-untyped-def]
    sql = "INSERT INTO daily_numbers (service_id, service_day, last_number, issued) VALUES "
    if store.db.is_sqlite:
        cursor.executemany(sql + "(?, ?, ?, ?)", [(a, b.isoformat(), c, d) for a, b, c, d in daily])
    else:
        cursor.executemany(sql + "(%s, %s, %s, %s)", daily)
        cursor.execute("SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets))")


def _sqlite(value: object) -> object:
    """The storage format SQLAlchemy uses on SQLite: naive UTC text, ISO dates, 0/1."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def time_reports(store: Store, last: date, repeat: int) -> list[tuple[str, str | None, int, float, float]]:
    out = []
    for name, days in (("month", 30), ("year", 365)):
        start = last - timedelta(days=days - 1)
        with store.transaction(readonly=True) as tx:
            rows = tx.session.scalar(select(func.count()).select_from(TicketRow).where(
                TicketRow.service_day.between(start, last)))
        for by in (None, "service", "hour", "day"):
            timings = []
            for _ in range(repeat + 1):
                began = time.perf_counter()
                store.views.report(start, last, by)
                timings.append((time.perf_counter() - began) * 1000)
            out.append((name, by, rows or 0, timings[0], statistics.median(timings[1:])))
    return out


def run(url: str, label: str, tickets: int, repeat: int, *, reuse: bool = False) -> None:
    if reuse:
        store = Store(connect(url), ManualClock(datetime(2026, 11, 25, 17, 30, tzinfo=TZ)), TZ)
        with store.transaction(readonly=True) as tx:
            made, first, last = tx.session.execute(select(
                func.count(), func.min(TicketRow.service_day), func.max(TicketRow.service_day))).one()
        print(f"\n{label}: {made:,} tickets, {first} … {last}, reused")
    else:
        store = prepare(url)
        made, first, last, seconds = fill(store, tickets)
        print(f"\n{label}: {made:,} tickets, {first} … {last}, generated and loaded in {seconds:.0f} s")
    print(f"{'period':<6} {'by':<8} {'rows':>8} {'first ms':>9} {'median ms':>10}")
    for name, by, rows, first_ms, median_ms in time_reports(store, last, repeat):
        print(f"{name:<6} {by or '-':<8} {rows:>8,} {first_ms:>9.0f} {median_ms:>10.0f}")
    store.db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="a server where a scratch database may be created and dropped")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sqlite-file", type=Path, help="keep the SQLite history here; reused if it exists")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both") and args.sqlite_file:
        run(f"sqlite:///{args.sqlite_file.resolve()}", "SQLite", args.tickets, args.repeat,
            reuse=args.sqlite_file.exists())
    elif args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
            run(f"sqlite:///{tmp}/history.sqlite3", "SQLite", args.tickets, args.repeat)
    if args.backend in ("postgres", "both"):
        admin_url = make_url(args.pg_url).set(drivername="postgresql+psycopg")
        name = f"motcua_bench_{uuid.uuid4().hex[:8]}"
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
