"""A province on one PostgreSQL: load OFFICES offices × DAYS working days, then time the province view.

    .venv/bin/python benchmarks/province_bench.py --offices 200 --days 250      # the issue's scale (~8 M tickets)
    .venv/bin/python benchmarks/province_bench.py --offices 5 --days 10         # a smoke run (seconds)

Needs MOTCUA_BENCH_PG_URL or --pg (an owner/superuser URL of a server, e.g.
postgresql://postgres@127.0.0.1:5432/test); it creates and drops its own database.
Loading is the fast path: office 1's history comes from the store-free engine through the
bulk loader (common.store.bulk); every other office is a server-side INSERT … SELECT of it with
its own ids, services, counters and clerks (one statement per table per office, no client round
trip per row). Each office is set up through its own administrator role (SET ROLE), as
`setup load` would be, so the loader also exercises the row-level security of offices.sql.

Targets (issue 18): province month view ≤ 1 s, year view ≤ 3 s, an office's report ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from common.config import load_config  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.planning.simulate import fill_history  # noqa: E402
from common.store.db import Database, connect, make_engine, upgrade  # noqa: E402
from common.store.offices import add_office, apply_office_roles, role_names  # noqa: E402
from common.store.operations import Store  # noqa: E402
from common.store.province_bulk import after_copies, copy_history  # noqa: E402
from common.store.reads.province import province_view  # noqa: E402

EXAMPLE = ROOT / "assets" / "office.example.toml"
ASSETS = ROOT / "assets" / "postgres"
END = date(2026, 11, 30)
LEVELS = ("district", "commune")

def run_sql_file(url: str, sql: str) -> None:
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(sql)


def timed(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--offices", type=int, default=5)
    ap.add_argument("--days", type=int, default=10, help="working days of history per office")
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL") or os.environ.get("MOTCUA_TEST_PG_URL"))
    ap.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    args = ap.parse_args()
    if not args.pg:
        print("province_bench: set MOTCUA_BENCH_PG_URL or --pg (a PostgreSQL owner URL)", file=sys.stderr)
        return 2
    name = f"motcua_province_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(args.pg).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    try:
        return load_and_measure(url, args)
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                # The offices' roles belong to the cluster; with their database gone they own nothing.
                for i in range(2, args.offices + 1):
                    for role in role_names(i).values():
                        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        else:
            print(f"kept {url}")
        admin.dispose()


def load_and_measure(url: str, args: argparse.Namespace) -> int:
    clock = ManualClock(datetime(END.year, END.month, END.day, 9, 0, tzinfo=UTC))  # 16:00 in Hà Nội
    office = load_config(EXAMPLE).office
    t0 = time.perf_counter()
    upgrade(Database(make_engine(url), url))
    owner = Store(connect(url), clock, "Asia/Ho_Chi_Minh")
    owner.load_office(office)
    fill_history(owner, args.days, end=END)
    t_template = time.perf_counter() - t0
    run_sql_file(url, (ASSETS / "roles.sql").read_text() + (ASSETS / "offices.sql").read_text())
    engine = make_engine(url)
    with engine.connect() as conn:
        span = conn.execute(text("SELECT max(id) FROM tickets")).scalar() or 0
    t1 = time.perf_counter()
    for i in range(2, args.offices + 1):
        o = add_office(owner.db, f"o{i:03d}", f"Đơn vị {i}", level=LEVELS[i % 2])
        apply_office_roles(owner.db, o.id)
        office_admin = Store(connect(url, role=role_names(o.id)["office_admin"]), clock, "Asia/Ho_Chi_Minh")
        office_admin.load_office(office)
        office_admin.db.engine.dispose()
        with engine.begin() as conn:
            copy_history(conn, 1, o.id, (i - 1) * span)
    with engine.begin() as conn:
        after_copies(conn)
        tickets = conn.execute(text("SELECT count(*) FROM tickets")).scalar()
    t_copy = time.perf_counter() - t1
    province = Store(connect(url), clock, "Asia/Ho_Chi_Minh")
    month = timed(lambda: province_view(province, END.replace(day=1), END))
    year = timed(lambda: province_view(province, END - timedelta(days=365), END))
    one = Store(connect(make_url(url).set(username=role_names(2)["supervisor"]).render_as_string(
        hide_password=False)), clock, "Asia/Ho_Chi_Minh") if args.offices > 1 else province
    office_month = timed(lambda: one.views.report(END.replace(day=1), END))
    issue_ms, call_ms = desk_medians(url, 2 if args.offices > 1 else 1, clock)
    print(f"offices {args.offices}, days {args.days}, tickets {tickets}")
    print(f"load: template office {t_template:.1f} s (engine + bulk), copies {t_copy:.1f} s "
          f"({(args.offices - 1) / max(t_copy, 1e-9):.1f} offices/s)")
    print(f"province month view (owner): {1000 * month:.0f} ms   target ≤ 1000 ms")
    print(f"province year view (owner):  {1000 * year:.0f} ms   target ≤ 3000 ms")
    print(f"office 2's month report (its supervisor role, RLS): {1000 * office_month:.0f} ms   target ≤ 300 ms")
    print(f"office {2 if args.offices > 1 else 1} with its own roles: kiosk issue median {issue_ms:.1f} ms, "
          f"call_next median {call_ms:.1f} ms (compare: the same run with --offices 1)")
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for store in (owner, province, one):
        store.db.engine.dispose()
    engine.dispose()
    return 0


def desk_medians(url: str, office_id: int, clock: ManualClock, n: int = 30) -> tuple[float, float]:
    """Median ms of a kiosk's issue_ticket and a counter's call_next, as that office's roles (RLS on)."""
    roles = role_names(office_id) if office_id != 1 else {"kiosk": "motcua_kiosk", "counter": "motcua_counter"}
    as_role = {app: make_url(url).set(username=roles[app]).render_as_string(hide_password=False)
               for app in ("kiosk", "counter")}
    kiosk = Store(connect(as_role["kiosk"]), clock, "Asia/Ho_Chi_Minh")
    counter = Store(connect(as_role["counter"]), clock, "Asia/Ho_Chi_Minh")
    issues, calls = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        kiosk.issue_ticket("TP")
        issues.append(time.perf_counter() - t0)
    for _ in range(n):
        t0 = time.perf_counter()
        counter.call_next(1, "lan")
        calls.append(time.perf_counter() - t0)
        clock.advance(60)
        counter.mark_no_show(1, "lan")  # frees the counter for the next call (not timed)
    kiosk.db.engine.dispose()
    counter.db.engine.dispose()
    return 1000 * statistics.median(issues), 1000 * statistics.median(calls)


if __name__ == "__main__":
    sys.exit(main())
