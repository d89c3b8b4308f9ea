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
import multiprocessing as mp
import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks._tidy import no_trace  # noqa: E402
from common.config import load_config  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.planning.simulate import fill_history  # noqa: E402
from common.store.db import Database, connect, make_engine, upgrade  # noqa: E402
from common.store.offices import add_office, apply_office_roles, role_names  # noqa: E402
from common.store.operations import Store  # noqa: E402
from common.store.province_bulk import (  # noqa: E402
    after_copies,
    copy_history,
    drop_indexes,
    fast_session,
    secondary_indexes,
)
from common.store.province_days import summarize_all  # noqa: E402
from common.store.reads.province import province_view  # noqa: E402

EXAMPLE = ROOT / "assets" / "office.example.toml"
ASSETS = ROOT / "assets" / "postgres"
END = date(2026, 11, 30)
NOW = datetime(END.year, END.month, END.day, 9, 0, tzinfo=UTC)  # 16:00 in Hà Nội
SCALE = 0.44
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


def log(msg: str) -> None:
    """One progress line with the time and the load average (the machine is shared)."""
    la = os.getloadavg()
    print(f"[{datetime.now(UTC):%H:%M:%S} load {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}] {msg}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--offices", type=int, default=5)
    ap.add_argument("--days", type=int, default=10, help="working days of history per office")
    ap.add_argument("--scale", type=float, default=SCALE,
                    help=f"arrivals × this (default {SCALE}: ≈ 160 tickets an office a day, the issue's 8 M a year)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel copy streams (connections)")
    ap.add_argument("--pg", default=os.environ.get("MOTCUA_BENCH_PG_URL") or os.environ.get("MOTCUA_TEST_PG_URL"))
    ap.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    ap.add_argument("--reuse", metavar="DATABASE", help="measure a database kept by --keep, without loading")
    ap.add_argument("--upgrade", action="store_true",
                    help="with --reuse: upgrade the schema, re-run roles.sql/offices.sql, sum office_days")
    ap.add_argument("--resume", action="store_true",
                    help="with --reuse: finish a load that stopped (add and copy the missing offices, build indexes)")
    ap.add_argument("--single", action="store_true",
                    help="one office alone (roles.sql only, no offices.sql): the single-office baseline")
    ap.add_argument("--versus", metavar="DATABASE",
                    help="with --reuse: alternate office 2's issue/call_next with office 1 of this single-office "
                         "database, 5 rounds each, and print both medians (load hits both alike)")
    ap.add_argument("--contention", type=int, default=20, help="offices whose counters call at once (0: skip)")
    args = ap.parse_args()
    if not args.pg:
        print("province_bench: set MOTCUA_BENCH_PG_URL or --pg (a PostgreSQL owner URL)", file=sys.stderr)
        return 2
    if args.single:
        args.offices = 1
    admin = create_engine(make_url(args.pg).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = args.reuse or f"motcua_province_{uuid.uuid4().hex[:8]}"
    if not args.reuse:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    keep = args.keep or bool(args.reuse)
    try:
        if not args.reuse:
            load(url, args)
        elif args.resume:
            resume(url, args, admin)
        elif args.upgrade:
            prepare_kept(url, args)
        return measure(url, args)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                # The offices' roles belong to the cluster; with their database gone they own nothing.
                for i in range(2, args.offices + 1):
                    for role in role_names(i).values():
                        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        else:
            print(f"kept {url}")
        admin.dispose()


def load(url: str, args: argparse.Namespace) -> None:
    clock = ManualClock(NOW)
    office = load_config(EXAMPLE).office
    t0 = time.perf_counter()
    upgrade(Database(make_engine(url), url))
    owner = Store(connect(url), clock, "Asia/Ho_Chi_Minh")
    owner.load_office(office)
    fill_history(owner, args.days, end=END, scale=args.scale)
    t_template = time.perf_counter() - t0
    log(f"template office: {t_template:.1f} s (engine + bulk)")
    sql = (ASSETS / "roles.sql").read_text()
    if not args.single:
        sql += (ASSETS / "offices.sql").read_text()
    run_sql_file(url, sql)
    engine = make_engine(url)
    with engine.connect() as conn:
        span = conn.execute(text("SELECT max(id) FROM tickets")).scalar() or 0
    t1 = time.perf_counter()
    with engine.begin() as conn:
        indexes = secondary_indexes(conn)
        drop_indexes(conn, indexes)
    # Offices are set up one by one (roles are cluster-wide catalog rows); their copies run
    # meanwhile on --jobs connections of their own, one transaction per office.
    done = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = []
        for i in range(2, args.offices + 1):
            o = add_office(owner.db, f"o{i:03d}", f"Đơn vị {i}", level=LEVELS[i % 2])
            apply_office_roles(owner.db, o.id)
            office_admin = Store(connect(url, role=role_names(o.id)["office_admin"]), clock, "Asia/Ho_Chi_Minh")
            office_admin.load_office(office)
            office_admin.db.engine.dispose()
            futures.append(pool.submit(copy_one, engine, o.id, (i - 1) * span))
            finished = sum(f.done() for f in futures)
            if finished // 20 > done // 20:
                log(f"{finished} offices copied, {i - 1} set up")
            done = finished
        for f in futures:
            f.result()
    t_copy = time.perf_counter() - t1
    log(f"copies: {t_copy:.1f} s ({(args.offices - 1) / max(t_copy, 1e-9):.1f} offices/s); building indexes")
    t2 = time.perf_counter()
    with engine.begin() as conn:
        after_copies(conn, indexes)
    t_index = time.perf_counter() - t2
    sum_days(engine)
    with engine.connect() as conn:
        tickets = conn.execute(text("SELECT count(*) FROM tickets")).scalar()
        events = conn.execute(text("SELECT count(*) FROM events")).scalar()
        size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
    log(f"loaded: {tickets} tickets, {events} events, {size}; template {t_template:.0f} s, copies {t_copy:.0f} s, "
        f"indexes + ANALYZE {t_index:.0f} s")
    owner.db.engine.dispose()
    engine.dispose()


def sum_days(engine: Engine) -> None:
    """Every office's closed days into office_days, as close_day would have over the year."""
    t0 = time.perf_counter()
    with engine.begin() as conn:
        fast_session(conn)
        days = summarize_all(conn, END - timedelta(days=1))
        conn.execute(text("ANALYZE office_days; ANALYZE office_day_waits"))
    log(f"office_days: {days} office-days summed in {time.perf_counter() - t0:.0f} s")


def prepare_kept(url: str, args: argparse.Namespace) -> None:
    """A database kept from an earlier run: today's schema, policies and office_days."""
    t0 = time.perf_counter()
    upgrade(Database(make_engine(url), url))
    log(f"upgraded to head in {time.perf_counter() - t0:.0f} s")
    if not args.single:
        run_sql_file(url, (ASSETS / "roles.sql").read_text() + (ASSETS / "offices.sql").read_text())
    engine = make_engine(url)
    sum_days(engine)
    engine.dispose()


def resume(url: str, args: argparse.Namespace, admin: Engine) -> None:
    """Finish a load that stopped: offices not yet copied are (set up and) copied, then indexes and sums."""
    clock = ManualClock(NOW)
    office = load_config(EXAMPLE).office
    upgrade(Database(make_engine(url), url))
    run_sql_file(url, (ASSETS / "roles.sql").read_text() + (ASSETS / "offices.sql").read_text())
    engine = make_engine(url)
    with engine.connect() as conn:
        span = conn.execute(text("SELECT max(id) FROM tickets WHERE office_id = 1")).scalar() or 0
        added = {r[0] for r in conn.execute(text("SELECT id FROM offices"))}
        loaded = {r[0] for r in conn.execute(text("SELECT DISTINCT office_id FROM services"))}
        copied = {r[0] for r in conn.execute(text("SELECT DISTINCT office_id FROM daily_numbers"))}
    owner = Store(connect(url), clock, "Asia/Ho_Chi_Minh")
    t1 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = []
        for i in range(2, args.offices + 1):
            if i in copied:
                continue
            if i not in added:
                o = add_office(owner.db, f"o{i:03d}", f"Đơn vị {i}", level=LEVELS[i % 2])
                assert o.id == i, (o.id, i)
                apply_office_roles(owner.db, o.id)
            if i not in loaded:
                office_admin = Store(connect(url, role=role_names(i)["office_admin"]), clock, "Asia/Ho_Chi_Minh")
                office_admin.load_office(office)
                office_admin.db.engine.dispose()
            futures.append(pool.submit(copy_one, engine, i, (i - 1) * span))
        for f in futures:
            f.result()
    log(f"resumed: {len(futures)} offices copied in {time.perf_counter() - t1:.0f} s; building indexes")
    # The indexes the stopped load dropped: those of a fresh database at head that this one lacks.
    ref = f"motcua_ref_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{ref}"'))
    try:
        ref_url = make_url(url).set(database=ref).render_as_string(hide_password=False)
        ref_engine = make_engine(ref_url)
        upgrade(Database(ref_engine, ref_url))
        with ref_engine.connect() as conn:
            wanted = secondary_indexes(conn)
        ref_engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{ref}" WITH (FORCE)'))
    with engine.connect() as conn:
        present = {name for name, _ in secondary_indexes(conn)}
    t2 = time.perf_counter()
    with engine.begin() as conn:
        after_copies(conn, [(n, d) for n, d in wanted if n not in present])
    with engine.connect() as conn:
        tickets = conn.execute(text("SELECT count(*) FROM tickets")).scalar()
        events = conn.execute(text("SELECT count(*) FROM events")).scalar()
        size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
    log(f"loaded: {tickets} tickets, {events} events, {size}; indexes + ANALYZE {time.perf_counter() - t2:.0f} s")
    sum_days(engine)
    owner.db.engine.dispose()
    engine.dispose()


def copy_one(engine: Engine, office_id: int, offset: int) -> None:
    with engine.begin() as conn:
        fast_session(conn)
        copy_history(conn, 1, office_id, offset)


def measure(url: str, args: argparse.Namespace) -> int:
    clock = ManualClock(NOW)
    engine = make_engine(url)
    with engine.connect() as conn:
        tickets = conn.execute(text("SELECT count(*) FROM tickets")).scalar()
        offices = conn.execute(text("SELECT count(*) FROM offices")).scalar() or 1
    log(f"measuring: {offices} offices, {tickets} tickets")
    province = Store(connect(url), clock, "Asia/Ho_Chi_Minh")
    month = timed(lambda: province_view(province, END.replace(day=1), END))
    log(f"province month view (owner): {1000 * month:.0f} ms   target ≤ 1000 ms")
    year = timed(lambda: province_view(province, END - timedelta(days=365), END))
    log(f"province year view (owner):  {1000 * year:.0f} ms   target ≤ 3000 ms")
    office_id = 2 if offices > 1 else 1
    one = Store(connect(make_url(url).set(username=supervisor_role(office_id)).render_as_string(
        hide_password=False)), clock, "Asia/Ho_Chi_Minh")
    for label, start in (("today", END), ("week", END - timedelta(days=END.weekday())), ("month", END.replace(day=1))):
        refresh = timed(lambda start=start: dashboard_refresh(one, start, END))  # type: ignore[misc]
        log(f"office {office_id}'s dashboard refresh, {label} (supervisor role, RLS): {1000 * refresh:.0f} ms   "
            f"target ≤ 300 ms")
    desk_offices = [office_id]
    if args.contention and offices >= args.contention:
        desk_offices += list(range(offices - args.contention + 1, offices + 1))
    with ExitStack() as tidy:  # the desk work below is undone on leaving: a kept database stays reusable
        tidy.enter_context(no_trace(owner_url(url), desk_offices, END))
        if args.versus:
            tidy.enter_context(no_trace(owner_url(url, args.versus), [1], END))
        desk(url, args, office_id, offices, clock)
    for store in (province, one):
        store.db.engine.dispose()
    engine.dispose()
    return 0


def owner_url(url: str, database: str | None = None) -> str:
    """A psycopg URL of the same server as the owner, for benchmarks._tidy."""
    owner = make_url(url).set(drivername="postgresql")
    return (owner.set(database=database) if database else owner).render_as_string(hide_password=False)


def desk(url: str, args: argparse.Namespace, office_id: int, offices: int, clock: ManualClock) -> None:
    """An office's kiosk and counter medians, against the single office with --versus, and contention."""
    issue_ms, call_ms = desk_medians(url, office_id, clock)
    log(f"office {office_id} with its own roles: kiosk issue median {issue_ms:.1f} ms, call_next median "
        f"{call_ms:.1f} ms (compare: --single)")
    if args.versus:
        single = make_url(url).set(database=args.versus).render_as_string(hide_password=False)
        mine: dict[str, list[float]] = {"issue": [], "call": []}
        theirs: dict[str, list[float]] = {"issue": [], "call": []}
        for _ in range(5):
            for into, where, office in ((mine, url, office_id), (theirs, single, 1)):
                i, c = desk_medians(where, office, ManualClock(NOW))
                into["issue"].append(i)
                into["call"].append(c)
        for what in ("issue", "call"):
            a, b = statistics.median(mine[what]), statistics.median(theirs[what])
            log(f"{what}: office {office_id} of the province {a:.1f} ms, the single office {b:.1f} ms "
                f"({100 * (a - b) / b:+.0f} %), medians of 5 alternating rounds of 30")
    if args.contention and offices >= args.contention:
        p50, p99, alone = contention(url, list(range(offices - args.contention + 1, offices + 1)))
        log(f"{args.contention} offices' counters calling at once: call_next p50 {p50:.1f} ms, p99 {p99:.1f} ms "
            f"(one counter alone: p50 {alone:.1f} ms)")


def supervisor_role(office_id: int) -> str:
    return role_names(office_id)["supervisor"] if office_id != 1 else "motcua_supervisor"


def dashboard_refresh(store: Store, start: date, end: date) -> None:
    """The reads one refresh of the dashboard makes: the live tiles, the History tab (by service),
    the Charts tab (by hour and by day) and the Satisfaction tab, over one period."""
    store.views.live()
    store.views.report(start, end, "service")
    store.views.report(start, end, "hour")
    store.views.report(start, end, "day")
    store.views.satisfaction(start, end)


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


def _caller(url: str, office_id: int, n: int, barrier: Any, out: Any) -> None:
    """One office's counter in its own process: queue n tickets, wait for the others, then call n times."""
    clock = ManualClock(NOW)
    roles = role_names(office_id) if office_id != 1 else {"kiosk": "motcua_kiosk", "counter": "motcua_counter"}
    kiosk = Store(connect(make_url(url).set(username=roles["kiosk"]).render_as_string(hide_password=False)),
                  clock, "Asia/Ho_Chi_Minh")
    counter = Store(connect(make_url(url).set(username=roles["counter"]).render_as_string(hide_password=False)),
                    clock, "Asia/Ho_Chi_Minh")
    for _ in range(n):
        kiosk.issue_ticket("TP")
    counter.call_next(1, "lan")  # warm the connection pool and the plans (not timed)
    counter.mark_no_show(1, "lan")
    barrier.wait()
    times = []
    for _ in range(n - 1):
        t0 = time.perf_counter()
        counter.call_next(1, "lan")
        times.append(time.perf_counter() - t0)
        clock.advance(60)
        counter.mark_no_show(1, "lan")
    out.put(times)
    kiosk.db.engine.dispose()
    counter.db.engine.dispose()


def _calls(url: str, offices: list[int], n: int) -> list[float]:
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(len(offices)), ctx.Queue()
    procs = [ctx.Process(target=_caller, args=(url, o, n, barrier, out)) for o in offices]
    for p in procs:
        p.start()
    times = [t for _ in procs for t in out.get()]
    for p in procs:
        p.join()
    return times


def contention(url: str, offices: list[int], n: int = 30) -> tuple[float, float, float]:
    """call_next p50 and p99 (ms) with every office's counter calling at once, and p50 of one counter alone."""
    alone = _calls(url, offices[:1], n)
    together = sorted(_calls(url, offices, n))
    p99 = together[min(len(together) - 1, int(0.99 * len(together)))]
    return 1000 * statistics.median(together), 1000 * p99, 1000 * statistics.median(alone)


if __name__ == "__main__":
    sys.exit(main())
