"""A province on one PostgreSQL: each office's roles see and touch their own office only.

The roles are this test's (the files' names with a random suffix, as in test_roles), made
from assets/postgres/roles.sql, offices.sql and `office_roles_sql` for office 2.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.errors import AuthError, ConfigError, Refused
from common.core.model import Ordering, Role
from common.store import Store
from common.store.catalog import version_query
from common.store.db import connect
from common.store.hotpath import Prepared, call_next_pg
from common.store.offices import add_office, apply_office_roles, check_office, list_offices, role_names
from tests.common.test_roles import KIOSK_FORGERIES
from tests.common.test_statements import count

OFFICE_TABLES = ('services', 'clerks', 'counters', 'counter_services', 'daily_numbers', 'tickets',
                 'events', 'office_settings', 'ratings', 'sign_in_throttle',  # migration 0010's
                 'bookings', 'booking_slots')  # 0011's, which offices.sql also puts under its policies

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "postgres"
GROUPS = ("kiosk", "counter", "display", "supervisor", "office_admin", "province")
APPS = ("kiosk", "counter", "display", "supervisor")
pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Province:
    url: str
    groups: dict[str, str]  # app -> this test's group role (office 1's roles, as a single office has them)
    office2: dict[str, str]  # app -> office 2's role

    def url_as(self, role: str) -> str:
        return make_url(self.url).set(username=role).render_as_string(hide_password=False)


def psql(url: str) -> psycopg.Connection:  # type: ignore[type-arg]
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


@pytest.fixture
def province(pg_url: str, clock: ManualClock, example_config: AppConfig) -> Iterator[Province]:
    owner = Store(connect(pg_url), clock, "Asia/Ho_Chi_Minh")
    owner.load_office(example_config.office)
    owner.add_clerk("lan", "Nguyễn Thị Lan", Role.CLERK, "mật khẩu 1")
    suffix = uuid.uuid4().hex[:8]
    groups = {g: f"motcua_{g}_{suffix}" for g in GROUPS}
    sql = (ASSETS / "roles.sql").read_text() + (ASSETS / "offices.sql").read_text()
    for g in ("office_admin", "province", *APPS):  # office_admin first: it is no prefix of another name
        sql = sql.replace(f"motcua_{g}", groups[g])
    with psql(pg_url) as conn:
        conn.execute(sql)
    office = add_office(owner.db, "xa-an-binh", "UBND xã An Bình", level="commune")
    apply_office_roles(owner.db, office.id, {g: groups[g] for g in (*APPS, "office_admin")})
    office2 = role_names(office.id, {g: groups[g] for g in (*APPS, "office_admin")})
    owner.db.engine.dispose()
    # The province's owner loads office 2 acting as its administrator ([database] role).
    admin = Store(connect(pg_url, role=office2["office_admin"]), clock, "Asia/Ho_Chi_Minh")
    admin.load_office(example_config.office)
    admin.add_clerk("lan", "Trần Văn Lan", Role.CLERK, "mật khẩu 2")  # same user name, another office
    admin.db.engine.dispose()
    yield Province(pg_url, groups, office2)
    made = [*groups.values(), *office2.values()]
    with psql(pg_url) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(%s)", (made,))
        conn.execute("DELETE FROM office_roles WHERE role_name = ANY(%s)", (made,))
        # offices.sql's policies outlive the test in the run's shared database: a role of a later
        # test, mapped to no office, would see no rows at all. Put the single-office state back.
        for table in OFFICE_TABLES:
            drops = conn.execute(f"SELECT format('DROP POLICY %I ON {table}', policyname) FROM pg_policies "
                                 f"WHERE tablename = '{table}'").fetchall()
            for (drop,) in drops:
                conn.execute(drop)
            conn.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for name in [*office2.values(), *groups.values()]:
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')


def as_role(p: Province, role: str, clock: ManualClock) -> Store:
    return Store(connect(p.url_as(role)), clock, "Asia/Ho_Chi_Minh")


def scalar(p: Province, role: str, statement: str) -> object:
    engine = create_engine(p.url_as(role).replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as conn:
            return conn.execute(text(statement)).scalar()
    finally:
        engine.dispose()


def test_two_offices_issue_the_same_number_on_the_same_day(province: Province, clock: ManualClock) -> None:
    one = as_role(province, province.groups["kiosk"], clock)
    two = as_role(province, province.office2["kiosk"], clock)
    a, b = one.issue_ticket("TP"), two.issue_ticket("TP")
    assert a.ticket.code == b.ticket.code and a.ticket.id != b.ticket.id
    assert one.snapshot().service("TP").waiting == 1 and two.snapshot().service("TP").waiting == 1
    counter2 = as_role(province, province.office2["counter"], clock)
    called = counter2.call_next(1, "lan")
    assert called is not None and called.id == b.ticket.id  # never office 1's older ticket
    assert one.snapshot().service("TP").waiting == 1
    for store in (one, two, counter2):
        store.db.engine.dispose()


def test_each_office_signs_in_its_own_clerk(province: Province, clock: ManualClock) -> None:
    one = as_role(province, province.groups["counter"], clock)
    two = as_role(province, province.office2["counter"], clock)
    assert one.authenticate("lan", "mật khẩu 1").full_name == "Nguyễn Thị Lan"
    assert two.authenticate("lan", "mật khẩu 2").full_name == "Trần Văn Lan"
    with pytest.raises(AuthError):
        two.authenticate("lan", "mật khẩu 1")
    one.db.engine.dispose()
    two.db.engine.dispose()


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("table", ["services", "counters", "counter_services", "tickets", "events",
                                   "daily_numbers", "office_settings"])
def test_no_role_of_office_2_reads_office_1(province: Province, clock: ManualClock, app: str, table: str) -> None:
    kiosk1 = as_role(province, province.groups["kiosk"], clock)
    kiosk1.issue_ticket("TP")
    kiosk1.db.engine.dispose()
    assert scalar(province, province.office2[app], f"SELECT count(*) FROM {table} WHERE office_id = 1") == 0
    assert scalar(province, province.groups[app], f"SELECT count(*) FROM {table} WHERE office_id <> 1") == 0
    assert scalar(province, province.groups[app], f"SELECT count(*) FROM {table}") > 0


CROSS_WRITES = [
    "UPDATE tickets SET print_status = 'failed' WHERE office_id = 1",
    "UPDATE counters SET state = 'open' WHERE office_id = 1",
    "UPDATE daily_numbers SET last_number = last_number + 1, issued = issued + 1 WHERE office_id = 1",
    "DELETE FROM sign_in_throttle WHERE office_id = 1",
]
CROSS_INSERTS = [
    "INSERT INTO events (office_id, at, kind) VALUES (1, now(), 'signin_ok')",
    "INSERT INTO tickets (office_id, service_id, number_service_id, service_day, number, transfer_seq, code, token, "
    "status, priority, issued_at, queued_at, local_hour, people_ahead, estimated_wait_s, print_status, recall_count) "
    "SELECT 1, id, id, CURRENT_DATE, 900, 0, 'A900', 'cross-office-token-1', 'waiting', false, now(), now(), 8, 0, "
    "0, 'not_printed', 0 FROM services LIMIT 1",
    "INSERT INTO office_settings (office_id, key, value) VALUES (1, 'status_page_url', '\"http://evil\"')",
    "INSERT INTO office_roles (role_name, office_id) VALUES (current_user, 1) "
    "ON CONFLICT (role_name) DO UPDATE SET office_id = 1",
    "UPDATE office_roles SET office_id = 1 WHERE role_name = current_user",
]


def made_up_tickets(conn: Any, day: date, at: datetime, *, status: str, per_day: int, days_before: int = 0,
                    number_from: int = 1, every_office: bool = False) -> None:
    """``per_day`` tickets in ``status`` for each service of office 1 (or of every office), written by SQL, for
    ``day`` alone or for each of the ``days_before`` days before it: a province's history or queue, made up.
    Their numbers start at ``number_from``, so that a busy queue's never meet the kiosk's own."""
    days = f"generate_series(1, {days_before})" if days_before else "generate_series(0, 0)"
    offices = "" if every_office else "WHERE s.office_id = 1"
    conn.execute("INSERT INTO tickets (office_id, service_id, number_service_id, service_day, number, transfer_seq, "
                 "code, token, status, priority, issued_at, queued_at, local_hour, people_ahead, estimated_wait_s, "
                 "print_status, recall_count) SELECT s.office_id, s.id, s.id, %(day)s::date - d, %(first)s + g, 0, "
                 "'M' || g, md5(s.id || '-' || d || '-' || g || %(status)s::text), %(status)s, false, %(at)s, "
                 f"%(at)s, 8, 0, 0, 'printed', 0 FROM services s, {days} d, generate_series(1, %(n)s) g {offices}",
                 {"day": day, "first": number_from - 1, "status": status, "at": at, "n": per_day})


@pytest.mark.parametrize("app", APPS)
def test_no_role_of_office_2_writes_office_1(province: Province, clock: ManualClock, app: str) -> None:
    kiosk1 = as_role(province, province.groups["kiosk"], clock)
    kiosk1.issue_ticket("TP")
    kiosk1.db.engine.dispose()
    role = province.office2[app]
    engine = create_engine(province.url_as(role).replace("postgresql://", "postgresql+psycopg://"))
    try:
        for statement in CROSS_WRITES:  # refused outright, or the rows are simply not there for this role
            try:
                with engine.begin() as conn:
                    assert conn.execute(text(statement)).rowcount == 0, (app, statement)
            except DBAPIError as exc:
                assert getattr(exc.orig, "sqlstate", None) == "42501", (app, statement, exc)
        for statement in CROSS_INSERTS:
            with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
                conn.execute(text(statement))
            assert getattr(caught.value.orig, "sqlstate", None) == "42501", (app, statement, caught.value)
    finally:
        engine.dispose()
    assert scalar(province, province.groups["supervisor"], "SELECT count(*) FROM tickets") == 1
    assert scalar(province, province.groups["supervisor"],
                  "SELECT count(*) FROM tickets WHERE print_status = 'failed'") == 0


def test_the_province_reads_every_office_and_writes_nothing(province: Province, clock: ManualClock) -> None:
    for role in (province.groups["kiosk"], province.office2["kiosk"]):
        store = as_role(province, role, clock)
        store.issue_ticket("TP")
        store.db.engine.dispose()
    p = province.groups["province"]
    assert scalar(province, p, "SELECT count(DISTINCT office_id) FROM tickets") == 2
    assert scalar(province, p, "SELECT count(*) FROM services") == 2 * scalar(
        province, province.groups["supervisor"], "SELECT count(*) FROM services")
    engine = create_engine(province.url_as(p).replace("postgresql://", "postgresql+psycopg://"))
    try:
        for statement in ("UPDATE tickets SET print_status = 'failed'", "SELECT password_hash FROM clerks",
                          "INSERT INTO events (at, kind) VALUES (now(), 'signin_ok')"):
            with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
                conn.execute(text(statement))
            assert getattr(caught.value.orig, "sqlstate", None) == "42501", statement
    finally:
        engine.dispose()


def test_a_pc_configured_for_one_office_refuses_another_offices_role(province: Province) -> None:
    db = connect(province.url_as(province.office2["counter"]))
    check_office(db, "xa-an-binh")
    with pytest.raises(ConfigError, match="office 2"):
        check_office(db, "office1")
    with pytest.raises(ConfigError):
        check_office(db, "no-such-office")
    assert [o.code for o in list_offices(db)] == ["office1", "xa-an-binh"]
    db.engine.dispose()


def test_office_2_admin_cannot_load_into_office_1(province: Province, clock: ManualClock) -> None:
    admin = Store(connect(province.url, role=province.office2["office_admin"]), clock, "Asia/Ho_Chi_Minh")
    with pytest.raises(Refused), admin.transaction() as tx:
        tx.session.execute(text("UPDATE services SET daily_cap = 1 WHERE office_id = 2"))
        tx.session.execute(text("INSERT INTO services (office_id, code, prefix, name_vi, name_en, number_min, "
                                "number_max, hours, weekdays, target_minutes, active, position) VALUES "
                                "(1, 'X', 'X', 'x', 'x', 1, 9, '00:00-24:00', '1234567', 30, true, 0)"))
    admin.db.engine.dispose()


def test_the_province_view_lists_every_office_and_an_office_only_itself(province: Province,
                                                                        clock: ManualClock) -> None:
    from common.store.reads.province import province_view

    for role, n in ((province.groups["kiosk"], 3), (province.office2["kiosk"], 1)):
        store = as_role(province, role, clock)
        for _ in range(n):
            store.issue_ticket("TP")
        store.db.engine.dispose()
    whole = as_role(province, province.groups["province"], clock)
    view = province_view(whole, whole.today, whole.today)
    assert {(o.code, o.level, o.tickets) for o in view.offices} == {("office1", "province", 3),
                                                                    ("xa-an-binh", "commune", 1)}
    whole.db.engine.dispose()
    own = as_role(province, province.office2["supervisor"], clock)
    assert [(o.code, o.tickets) for o in province_view(own, own.today, own.today).offices] == [("xa-an-binh", 1)]
    own.db.engine.dispose()


@pytest.mark.parametrize("statement", KIOSK_FORGERIES)
def test_an_offices_kiosk_keeps_the_kiosks_least_privilege(province: Province, clock: ManualClock,
                                                            statement: str) -> None:
    kiosk = as_role(province, province.office2["kiosk"], clock)
    kiosk.issue_ticket("TP")  # its own office's rows exist, so a refusal is the rule's, not an empty table's
    kiosk.db.engine.dispose()
    engine = create_engine(province.url_as(province.office2["kiosk"]).replace("postgresql://",
                                                                              "postgresql+psycopg://"))
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
        assert getattr(caught.value.orig, "sqlstate", None) == "42501", (statement, caught.value)
    finally:
        engine.dispose()


def plan_as(p: Province, role: str, statement: str, drop: str | None = None) -> str:
    """EXPLAIN of ``statement`` as ``role`` (its office's policies on), sequential scans off and the
    index ``drop`` gone (in a transaction rolled back): the plan an index of migration 0015 must serve."""
    with psycopg.connect(make_url(p.url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        if drop:
            conn.execute(f"DROP INDEX {drop}")
        conn.execute("SET LOCAL enable_seqscan = off")
        conn.execute(f'SET LOCAL ROLE "{role}"')
        plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN {statement}").fetchall())
        conn.rollback()
    return plan


def test_the_catalog_version_reads_only_its_offices_catalog_events(province: Province) -> None:
    """Migration 0015: the kiosk's per-ticket version query is an index range over its own office's few
    catalog events (before: every office's, dropped by the policy). Fails when CATALOG_KINDS and the
    partial index's predicate part (the planner can then not prove the query stays within it)."""
    query = str(version_query().compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    plan = plan_as(province, province.office2["kiosk"], query, drop="ix_events_kind_at")
    assert "ix_events_office_catalog" in plan and "Index Cond: (office_id = ANY" in plan, plan


def test_the_kiosk_finds_the_counters_of_a_service_by_index(province: Province) -> None:
    """Migration 0015: counters serving a service (three counts per ticket) by service, not by reading
    every office's counter_services (whose key leads with the counter)."""
    with psql(province.url) as conn:
        service = conn.execute("SELECT id FROM services WHERE office_id <> 1 AND code = 'TP'").fetchone()[0]
    query = ("SELECT count(*) FROM counters c2 JOIN counter_services cs2 ON cs2.counter_id = c2.id "
             f"WHERE cs2.service_id = {service} AND c2.active")
    plan = plan_as(province, province.office2["kiosk"], query)
    assert "ix_counter_services_service" in plan, plan


@pytest.mark.parametrize("app", [*APPS, "province"])
def test_the_callers_office_is_one_probe_of_office_roles_key(province: Province, app: str) -> None:
    """Migration 0015: the office policy, its WITH CHECK and the column default ask these functions on
    every table a statement names; each must find its caller by office_roles' key. Compared as a name
    (collation "C") the key was unusable and every role of the province was read on each call (~3 ms
    an action with 200 offices). With sequential scans off, a lookup that cannot use the key still
    scans, so the count below tells the two apart."""
    role = province.groups[app] if app == "province" else province.office2[app]
    url = make_url(province.url_as(role)).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as conn:  # one transaction: pg_stat_xact_* counts its own scans
        conn.execute("SET LOCAL enable_seqscan = off")

        def scans() -> tuple[int, int]:
            row = conn.execute("SELECT seq_scan, coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables "
                               "WHERE relname = 'office_roles'").fetchone()
            return (row[0], row[1]) if row else (0, 0)

        seq0, idx0 = scans()
        got = conn.execute("SELECT motcua_offices(), motcua_office(), motcua_is_province()").fetchone()
        assert got is not None
        offices, office, whole = got
        seq1, idx1 = scans()
    assert whole == (app == "province") and (office is None) == (app == "province")
    assert (offices == [office]) if app != "province" else len(offices) == 2
    assert seq1 - seq0 == 0 and idx1 - idx0 >= 3, (seq1 - seq0, idx1 - idx0)


# Two tables under the office policy: two of its lookups per run before 0021.
POLICY_READ = ("SELECT array_agg(DISTINCT c.office_id) FROM counters c "
               "WHERE c.id > %s AND c.office_id IN (SELECT s.office_id FROM services s)")


def test_a_cached_plan_holds_the_callers_office_and_looks_no_role_up(province: Province) -> None:
    """Migration 0021: the office policy's lookups are folded when a statement is planned, so a prepared
    statement run on its cached plan probes office_roles no more (it did once per table it names,
    ~20 times per call + no-show: docs/benchmarks/prov7.md). Same rows as before: its own office."""
    url = make_url(province.url_as(province.office2["counter"])).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:  # one transaction: xact counters

        def lookups() -> int:
            row = conn.execute("SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables "
                               "WHERE relname = 'office_roles'").fetchone()
            return row[0] if row else 0

        for _ in range(10):  # psycopg prepares from the 5th run; the plan cache keeps a generic plan after 5 more
            (seen,) = conn.execute(POLICY_READ, (0,), prepare=True).fetchone()
        rounds = []
        for _ in range(3):  # a burst of DDL elsewhere on the server (other tests' databases) can overflow the
            before = lookups()  # invalidation queue, which resets every cache and plans anew once: the next
            for _ in range(5):  # round is clean then. With the lookups in the plan, every round makes them.
                assert conn.execute(POLICY_READ, (0,), prepare=True).fetchone() == (seen,)
            rounds.append(lookups() - before)
            if rounds[-1] == 0:
                break
        plans = conn.execute("SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE '%%counters c%%'"
                             ).fetchone()
    assert seen is not None and len(seen) == 1 and seen != [1], seen  # office 2's counters only
    assert plans is not None and plans[0] >= 5, plans
    assert rounds[-1] == 0, rounds


def test_a_role_moved_to_another_office_is_planned_again(province: Province) -> None:
    """Migration 0021: a cached plan holds its role's office as a constant. Registering, moving or removing
    a role (a write to office_roles) makes every session plan again: the next run of an already-prepared
    statement reads the role's new office, and nothing once the role is in no office."""
    role = province.office2["counter"]
    url = make_url(province.url_as(role)).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn, psql(province.url) as owner:
        for _ in range(10):
            (two,) = conn.execute(POLICY_READ, (0,), prepare=True).fetchone()
        try:
            owner.execute("UPDATE office_roles SET office_id = 1 WHERE role_name = %s", (role,))
            moved = conn.execute(POLICY_READ, (0,), prepare=True).fetchone()
            owner.execute("DELETE FROM office_roles WHERE role_name = %s", (role,))
            removed = conn.execute(POLICY_READ, (0,), prepare=True).fetchone()
        finally:
            owner.execute("INSERT INTO office_roles (role_name, office_id) VALUES (%s, %s) ON CONFLICT (role_name) "
                          "DO UPDATE SET office_id = EXCLUDED.office_id", (role, two[0]))
        back = conn.execute(POLICY_READ, (0,), prepare=True).fetchone()
    assert two != [1] and moved == ([1],) and removed == (None,) and back == (two,), (two, moved, removed, back)


def test_two_owners_register_roles_at_the_same_time(province: Province) -> None:
    """Migration 0021's trigger rewrites the policy functions' catalog rows on every write to office_roles.
    Two transactions doing that at once must queue, not fail with "tuple concurrently updated"
    (the province's loader and two administrators may register roles together)."""
    names = [f"{province.groups['kiosk']}_x{i}" for i in range(2)]
    owner = make_url(province.url).set(drivername="postgresql").render_as_string(hide_password=False)
    failed: list[BaseException] = []
    with psycopg.connect(owner) as first, psycopg.connect(owner) as second:
        first.execute("INSERT INTO office_roles (role_name, office_id) VALUES (%s, 1)", (names[0],))

        def register() -> None:
            try:
                second.execute("INSERT INTO office_roles (role_name, office_id) VALUES (%s, 1)", (names[1],))
                second.commit()
            except psycopg.Error as exc:
                failed.append(exc)

        waiting = threading.Thread(target=register)
        waiting.start()
        time.sleep(0.5)  # the second is now waiting for the first
        first.commit()
        waiting.join(10)
    with psql(province.url) as conn:
        registered = conn.execute("SELECT count(*) FROM office_roles WHERE role_name = ANY(%s)", (names,)).fetchone()
        conn.execute("DELETE FROM office_roles WHERE role_name = ANY(%s)", (names,))
    assert not failed and registered == (2,), (failed, registered)


def index_reads(node: dict[str, Any]) -> list[tuple[str, int]]:
    """(index, rows read per loop) of each scan of a tickets index in an EXPLAIN (ANALYZE, FORMAT JSON) tree."""
    got = []
    name = node.get("Index Name", "")
    if name.startswith(("ix_tickets", "uq_tickets")):
        # an Index Scan's rows are those its filter kept: the rows it read also count those removed
        got.append((name, node["Actual Rows"] + node.get("Rows Removed by Filter", 0) // max(node["Actual Loops"], 1)))
    for child in node.get("Plans", []):
        got += index_reads(child)
    return got


def test_an_offices_moves_are_one_statement_under_its_counter_role(province: Province, clock: ManualClock) -> None:
    """hotpath.move_pg under office 2's counter role: recall, start, finish and no-show each one statement
    (no fallback to the worded path, which would pass silently), the events in office 2, as its counter."""
    two = as_role(province, province.office2["kiosk"], clock)
    first, second = two.issue_ticket("TP").ticket, two.issue_ticket("TP").ticket
    counter2 = as_role(province, province.office2["counter"], clock)
    assert counter2.call_next(1, "lan") is not None
    moves = [("recall", counter2.recall), ("start", counter2.start_service), ("finish", counter2.finish_service)]
    for name, move in moves:
        clock.advance(10.5)
        n, sent, _ = count(counter2, lambda move=move: move(1, "lan"))  # type: ignore[misc]
        assert n == 1, (name, sent)
    assert counter2.call_next(1, "lan") is not None
    clock.advance(30)
    n, sent, ticket = count(counter2, lambda: counter2.mark_no_show(1, "lan"))
    assert n == 1 and ticket.status == "no_show", sent
    for store in (two, counter2):
        store.db.engine.dispose()
    with psql(province.url) as conn:
        rows = conn.execute("SELECT e.kind, e.office_id = c.office_id, e.office_id <> 1, e.detail FROM events e "
                            "JOIN counters c ON c.id = e.counter_id WHERE e.ticket_id = ANY(%s) AND e.kind <> 'called' "
                            "ORDER BY e.id", ([first.id, second.id],)).fetchall()
        walk, service = conn.execute("SELECT walk_s, service_s FROM tickets WHERE id = %s", (first.id,)).fetchone()
    assert rows == [("recalled", True, True, '{"recall": 1}'), ("started", True, True, None),
                    ("finished", True, True, None), ("no_show", True, True, None)]
    assert (walk, service) == (10, 10)  # 10.5 s each: half to even


def test_a_busy_offices_call_next_reads_only_its_counters_waiting_tickets(province: Province,
                                                                           clock: ManualClock) -> None:
    """Migration 0017: with both offices busy, office 2's call_next reads by index its own office's
    waiting tickets of the day, and nothing else: not office 1's waiting tickets (before:
    ``ix_tickets_queue`` by status, every office's queue, which the policy then dropped) nor its own
    office's other tickets of the day (``ix_tickets_office_day``). The real statement, EXPLAIN ANALYZE
    as the counter's role, sequential scans off (the plan of a big province), rolled back."""
    one = as_role(province, province.groups["kiosk"], clock)
    two = as_role(province, province.office2["kiosk"], clock)
    for code in ("TP", "CT", "DD", "TP", "XD", "CT", "TP", "DD"):
        one.issue_ticket(code)
        two.issue_ticket(code)
        clock.advance(30)
    counter2 = as_role(province, province.office2["counter"], clock)
    for _ in range(2):  # two of counter 1's (TP, CT) done: office 2's day also holds tickets not waiting
        assert counter2.call_next(1, "lan") is not None
        counter2.start_service(1, "lan")
        counter2.finish_service(1, "lan")
    day = counter2.today
    for store in (one, two, counter2):
        store.db.engine.dispose()
    with psql(province.url) as conn:
        cid, ordering = conn.execute("SELECT id, ordering FROM counters WHERE office_id <> 1 AND number = 1").fetchone()
        (kid,) = conn.execute("SELECT id FROM clerks WHERE office_id <> 1 AND username = 'lan'").fetchone()
        (mine,) = conn.execute("SELECT count(*) FROM tickets WHERE status = 'waiting' AND office_id <> 1").fetchone()
        (others,) = conn.execute("SELECT count(*) FROM tickets WHERE status = 'waiting' AND office_id = 1").fetchone()
        (today,) = conn.execute("SELECT count(*) FROM tickets WHERE office_id <> 1").fetchone()
        # Office 1 as the rest of a busy province looks: a long queue today (its tickets' labels
        # made up, numbers beyond the kiosk's), so that the planner sees what a province's status
        # range costs. ANALYZE as autovacuum would have.
        made_up_tickets(conn, day, clock.now(), status="waiting", per_day=250, number_from=5001)
        conn.execute("ANALYZE tickets")
    assert (mine, others, today) == (6, 8, 8)  # counted before office 1's long queue
    prep = Prepared(call_next_pg(Ordering(ordering)), psycopg_dialect())
    params = prep.parameters({"cid": cid, "cnum": 1, "cord": ordering, "kid": kid, "day": day, "now": clock.now()})
    owner = make_url(province.url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(owner) as conn:
        conn.execute("SET LOCAL enable_seqscan = off")
        conn.execute(f'SET LOCAL ROLE "{province.office2["counter"]}"')
        cur = psycopg.RawCursor(conn).execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {prep.sql}", params)  # $1 …
        plan = cur.fetchone()[0][0]["Plan"]
        conn.rollback()
    assert plan["Actual Rows"] == 1, plan  # the counter was ready and called a ticket: the pick ran
    reads = index_reads(plan)
    # A bitmap scan also counts the index entries of the office's tickets called since the last
    # vacuum (dead, skipped at the heap): at most the office's tickets of the day, never office 1's 2,000.
    assert [name for name, _ in reads if name != "uq_tickets_active_counter"] == ["ix_tickets_waiting"], (reads, plan)
    assert all(mine <= n <= today for name, n in reads if name == "ix_tickets_waiting"), (reads, plan)


def test_a_counters_generic_plan_reads_its_office_queue_whatever_the_statistics(province: Province,
                                                                                 clock: ManualClock) -> None:
    """Migration 0021 (queue7, pol7): statistics taken on a quiet morning (tickets finished, nobody waiting),
    then a busy province (office 1: 250 waiting per service). The generic plan of office 2's call, as
    the plan cache runs a statement psycopg prepared, reads ix_tickets_waiting with the office and the
    day as index conditions: office 2's waiting tickets only. Before 0023 it read ix_tickets_queue by
    status alone (every office's waiting tickets, dropped by the filter): the office's own index looked
    dearer to a plan made for any office, since the statistics had seen nobody wait."""
    two = as_role(province, province.office2["kiosk"], clock)
    counter2 = as_role(province, province.office2["counter"], clock)
    for code in ("TP", "CT"):
        two.issue_ticket(code)
    for _ in range(2):
        assert counter2.call_next(1, "lan") is not None
        counter2.start_service(1, "lan")
        counter2.finish_service(1, "lan")
    with psql(province.url) as conn:
        # Office 1's history, as a province's: 30 days of finished tickets before today (what a generic
        # plan's estimate of "the day" is made of). Then ANALYZE, as autovacuum would have, while nobody waits.
        made_up_tickets(conn, counter2.today, clock.now(), status="done", per_day=20, days_before=30)
        conn.execute("ANALYZE tickets")
    for code in ("TP", "CT", "DD", "TP", "XD", "CT"):
        two.issue_ticket(code)
        clock.advance(30)
    day = counter2.today
    for store in (two, counter2):
        store.db.engine.dispose()
    owner = make_url(province.url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(owner) as conn:
        cid, ordering = conn.execute("SELECT id, ordering FROM counters WHERE office_id <> 1 AND number = 1").fetchone()
        (kid,) = conn.execute("SELECT id FROM clerks WHERE office_id <> 1 AND username = 'lan'").fetchone()
        (mine,) = conn.execute("SELECT count(*) FROM tickets WHERE status = 'waiting' AND office_id <> 1").fetchone()
        # The rest of the province busy, in this transaction only (rolled back; no ANALYZE can see it).
        made_up_tickets(conn, day, clock.now(), status="waiting", per_day=250, number_from=5001)
        prep = Prepared(call_next_pg(Ordering(ordering)), psycopg_dialect())
        params = prep.parameters({"cid": cid, "cnum": 1, "cord": ordering, "kid": kid, "day": day,
                                  "now": clock.now()})
        conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.execute(f'SET LOCAL ROLE "{province.office2["counter"]}"')
        conn.execute(f"PREPARE q7 AS {prep.sql}")
        query = psycopg.sql.SQL("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE q7 ({})").format(
            psycopg.sql.SQL(", ").join(psycopg.sql.Literal(a) for a in params))
        plan = conn.execute(query).fetchone()[0][0]["Plan"]  # type: ignore[index]
        conn.rollback()
    assert mine == 6 and plan["Actual Rows"] == 1, (mine, plan)  # counter 1 was ready and called a ticket
    reads = index_reads(plan)
    assert [name for name, _ in reads if name != "uq_tickets_active_counter"] == ["ix_tickets_waiting"], (reads, plan)
    assert all(n <= mine for name, n in reads if name == "ix_tickets_waiting"), (reads, plan)
    conds = [n.get("Index Cond", "") for n in plan_nodes(plan) if n.get("Index Name") == "ix_tickets_waiting"]
    assert conds and all("office_id = " in c and "service_day = " in c for c in conds), conds


def plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)



def test_kind_is_sampled_widely_enough_to_see_rare_catalog_events(province: Province) -> None:
    """Migration 0018. On the 200-office province (32.7 M events, 599 catalog events) ANALYZE's
    default 30,000-row sample held no catalog event, the planner estimated one row by
    ix_events_kind_at and read every office's catalog events per kiosk issue; at 3,000 it takes the
    office's partial index (docs/benchmarks.md). A table that big is a benchmark's, not a test's:
    this checks the target the plan depends on is in place."""
    with psql(province.url) as conn:
        target = conn.execute("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'events'::regclass "
                              "AND attname = 'kind'").fetchone()[0]
    assert target == 3000



def estimated_rows(conn: psycopg.Connection, where: str) -> int:  # type: ignore[type-arg]
    plan = conn.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM tickets WHERE {where}").fetchone()[0][0]["Plan"]  # type: ignore[index]
    return int(plan["Plan Rows"])


def test_the_planner_knows_a_service_belongs_to_one_office(province: Province, clock: ManualClock) -> None:
    """Migration 0023. With the office a constant of a role's plan (0021), a service's tickets "of office 2"
    were costed as if the office were independent of the service (1/200 of them in a province), and the
    issue's read of the service's last 100 finished tickets went by every ticket of the office instead
    (docs/benchmarks.md, seventh wave). Told that the service, counter and clerk determine the office, the
    planner estimates "service s and its own office" as "service s"."""
    with psql(province.url) as conn:
        made_up_tickets(conn, clock.now().date(), clock.now(), status="done", per_day=25, days_before=20,
                        every_office=True)
        conn.execute("ANALYZE tickets")
        (sid, office) = conn.execute("SELECT id, office_id FROM services WHERE office_id <> 1 AND code = 'TP'"
                                     ).fetchone()  # type: ignore[misc]
        alone = estimated_rows(conn, f"service_id = {sid}")
        with_office = estimated_rows(conn, f"service_id = {sid} AND office_id = ANY ('{{{office}}}'::integer[])")
    assert alone >= 400 and with_office >= 0.9 * alone, (alone, with_office)


def test_an_offices_numbers_of_the_day_are_read_by_index(province: Province, clock: ManualClock) -> None:
    """Migration 0024. The snapshot's read of the day's issued counts (``daily_numbers`` by service_day) scanned
    every office's every day: 400,000 rows in the 200-office province, 37 ms of an office's 79 ms snapshot.
    With a year of office 1's days in the table (rolled back), office 2's kiosk reads its own by the index."""
    owner = make_url(province.url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(owner) as conn:  # one transaction, rolled back
        conn.execute("INSERT INTO daily_numbers (office_id, service_id, service_day, last_number, issued) "
                     "SELECT 1, s.id, %s::date - d, 10, 10 FROM services s, generate_series(1, 365) d "
                     "WHERE s.office_id = 1", (clock.now().date(),))
        conn.execute("ANALYZE daily_numbers")
        conn.execute(f'SET LOCAL ROLE "{province.office2["kiosk"]}"')
        plan = conn.execute("EXPLAIN (FORMAT JSON) SELECT service_id, issued FROM daily_numbers "
                            "WHERE service_day = %s", (clock.now().date(),)).fetchone()[0][0]["Plan"]  # type: ignore[index]
        conn.rollback()
    assert [n.get("Index Name") for n in plan_nodes(plan) if "Scan" in n["Node Type"]] == [
        "ix_daily_numbers_office_day"], plan
