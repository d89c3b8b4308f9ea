"""`motcua demo --province --db postgresql://...`: a small province (3 offices) on one PostgreSQL.

The provincial centre (office 1), a district and a commune under it, each with the example
office's services, counters and clerks, its own roles and its own simulated history (its own
seed and traffic: a busier district, a quiet commune); then the province view. The apps of one office are started with
that office's role in the URL (printed at the end).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from common.config import load_config
from common.core.errors import ConfigError
from common.core.rules import TicketStatus
from common.store import Store, province_staff
from common.store.bulk import insert_ratings
from common.store.db import connect, mask
from common.store.offices import add_office, apply_office_roles, list_offices, role_names
from common.views.province import to_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "office.example.toml"
# Each office its own traffic: (code, name, level, parent, seed, scale of the example office's arrivals).
# The district is busier than the centre's counters like (its waits run over), the commune quiet.
OFFICES = (("huyen-an-phu", "UBND huyện An Phú", "district", None, 7, 1.25),
           ("xa-an-binh", "UBND xã An Bình", "commune", "huyen-an-phu", 11, 0.5))


# Share of citizens satisfied by wait band (< 10, < 20, ≤ 30, > 30 min), as dashboard/sample.py rates.
SATISFIED_BY_WAIT = ((600, 0.99), (1200, 0.96), (1800, 0.9), (None, 0.6))
RESPONSE_RATE = 0.6


def rate_history(store: Store, days: int, after_id: int, *, seed: int) -> int:
    """Rate about 60 % of the served tickets above ``after_id`` (the office's own, just simulated), a long
    wait costing goodwill, so that each office's satisfaction differs with its waits."""
    rng = random.Random(seed)
    start = store.today - timedelta(days=2 * days + 7)
    ratings = []
    for t in store.tickets(start, store.today):
        if t.id <= after_id or t.status is not TicketStatus.DONE or t.finished_at is None:
            continue
        if rng.random() > RESPONSE_RATE:
            continue
        wait = t.wait_seconds or 0
        chance = next(p for limit, p in SATISFIED_BY_WAIT if limit is None or wait < limit)
        score = (4 if rng.random() < 0.55 else 3) if rng.random() < chance else (2 if rng.random() < 0.6 else 1)
        ratings.append((t.id, score, ["Chờ lâu"] if score < 3 and wait >= 1200 else [], t.finished_at))
    return insert_ratings(store, ratings)


@contextmanager
def simulating_as(owner: Store, admin_role: str, *, copy: bool = True) -> Iterator[None]:
    """Let an office's administrator write its simulated history, for the demo's build only.

    The administrator sees its own office's services, counters and clerks (row-level security),
    so the simulation's rows take that office's ids and its ``office_id`` default. It may not
    write tickets, numbers or ratings, and it would see only its own tickets, so the bulk
    loader's next ticket id would clash with another office's, and PostgreSQL refuses COPY
    under row-level security: for the build only it gets those grants and the history tables'
    row-level security is off; both are put back, even on failure. Its rows still go to its
    office: ``office_id`` defaults to the role's office, whatever the policies. ``copy=False`` lends the
    grants only (for plain INSERTs, which row-level security allows and checks).
    """
    tables = ("tickets", "events", "daily_numbers", "ratings")  # it already inserts events
    granted = ('INSERT, UPDATE ON tickets, daily_numbers, ratings', "SELECT, UPDATE ON SEQUENCE tickets_id_seq")
    with owner.db.engine.begin() as conn:
        secured = {t for t in tables if copy and conn.execute(text(
            "SELECT relrowsecurity FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": t}).scalar()}
        for grant in granted:
            conn.execute(text(f'GRANT {grant} TO "{admin_role}"'))
        for table in secured:
            conn.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    try:
        yield
    finally:
        with owner.db.engine.begin() as conn:
            for table in secured:  # as it was: a database without offices.sql keeps its tables as they were
                conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
            for grant in granted:
                conn.execute(text(f'REVOKE {grant} FROM "{admin_role}"'))


# The province's demo account (motcua province-staff add): printed on screen, as the demo's clerks are.
DEMO_PROVINCE_USER, DEMO_PROVINCE_PASSWORD = "tinh", "demo"


def how_to_connect(url: str, offices: list[tuple[int, str]], month: date, today: date) -> list[str]:
    """The commands that open each office and the province, typed as the CLI takes them: ``--db`` goes
    before the command's name (``motcua counter --db URL`` is refused as an unknown option)."""
    def as_role(role: str) -> str:  # the owner's password is not the role's: leave it out, not "***"
        u = make_url(url)  # URL.set(password=None) keeps the password: build it afresh
        return mask(URL.create(u.drivername, role, None, u.host, u.port, u.database, u.query))

    lines = ["Mỗi đơn vị mở ứng dụng bằng vai trò của riêng mình, ví dụ:"]
    for office_id, code in offices:
        counter = role_names(office_id)["counter"] if office_id != 1 else "motcua_counter"
        lines.append(f"  {code:<14} motcua --db {as_role(counter)} counter")
    province = as_role("motcua_province")
    lines.append(f"  toàn tỉnh      motcua --db {province} province --from {month.isoformat()} "
                 f"--to {today.isoformat()}")
    lines.append(f"  toàn tỉnh      motcua --db {province} dashboard   (đăng nhập {DEMO_PROVINCE_USER} / "
                 f"{DEMO_PROVINCE_PASSWORD}: thẻ toàn tỉnh; nhấp đúp một đơn vị để xem bảng điều khiển của đơn vị đó)")
    return lines


def shown_period(today: date) -> tuple[date, str]:
    """The first day of the period the demo shows (to ``today``) and the line that says why, if needed.

    This month so far, unless this month is today alone: on the 1st the simulated history (which ends
    yesterday) has no day in it, and the table was empty. Then the last 30 days, said so.
    """
    if today.day > 1:
        return today.replace(day=1), ""
    start = today - timedelta(days=29)
    return start, (f"Tháng mới bắt đầu hôm nay ({today:%d/%m/%Y}), chưa có ngày nào kết thúc: "
                   f"số liệu 30 ngày qua ({start:%d/%m/%Y} – {today:%d/%m/%Y}).")


def build_province(url: str, history_days: int) -> str:
    """Set up the three offices (idempotent: an office already there is left as it is); returns the view."""
    if make_url(url).get_backend_name() != "postgresql":
        raise ConfigError("motcua demo --province needs --db postgresql://OWNER@HOST/DB (a SQLite file is one office)")
    office = load_config(EXAMPLE).office
    owner = Store(connect(url), None, "Asia/Ho_Chi_Minh")
    sql = (ROOT / "assets" / "postgres" / "roles.sql").read_text() + (ROOT / "assets" / "postgres" /
                                                                      "offices.sql").read_text()
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(sql)
    known = {o.code for o in list_offices(owner.db)}
    if not owner.services():
        owner.load_office(office)
        if history_days:
            from common.planning.simulate import fill_history

            fill_history(owner, history_days)
            rate_history(owner, history_days, 0, seed=1)
    for code, name, level, parent, seed, scale in OFFICES:
        if code in known:
            continue
        added = add_office(owner.db, code, name, level=level, parent=parent)
        apply_office_roles(owner.db, added.id)
        admin_role = role_names(added.id)["office_admin"]
        admin = Store(connect(url, role=admin_role), None, "Asia/Ho_Chi_Minh")
        admin.load_office(office)
        if history_days:
            from common.planning.simulate import fill_history

            with simulating_as(owner, admin_role):
                fill_history(admin, history_days, seed=seed, scale=scale)
            with simulating_as(owner, admin_role, copy=False):  # plain INSERTs: its own tickets only
                rate_history(admin, history_days, 0, seed=seed)
        admin.db.engine.dispose()
    if not any(u.username == DEMO_PROVINCE_USER for u in province_staff.staff(owner)):
        province_staff.add_staff(owner, DEMO_PROVINCE_USER, "Lê Văn Tỉnh", DEMO_PROVINCE_PASSWORD)
    with owner.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    start, note = shown_period(owner.today)
    view = to_table(owner.views.province(start, owner.today))
    offices = [(o.id, o.code) for o in list_offices(owner.db)]
    lines = [*([note] if note else []), view, "", *how_to_connect(url, offices, start, owner.today)]
    owner.db.engine.dispose()
    return "\n".join(lines)
