"""The least-privilege roles of assets/postgres/roles.sql, on a real PostgreSQL.

PostgreSQL roles belong to the whole cluster, so each test creates its own (the file's
role names with a random suffix) and drops them afterwards: parallel runs cannot collide.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.errors import Refused
from common.core.model import PrintStatus, Role, TicketStatus
from common.store import Store
from common.store.db import connect
from tests.conftest import ROOT

ROLES_SQL = Path(__file__).resolve().parents[2] / "assets" / "postgres" / "roles.sql"
APPS = ("kiosk", "counter", "display", "supervisor")
pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Office:
    url: str
    roles: dict[str, str]  # app -> this test's role name

    def url_as(self, app: str) -> str:
        return make_url(self.url).set(username=self.roles[app]).render_as_string(hide_password=False)


def psql(url: str) -> psycopg.Connection:  # type: ignore[type-arg]
    # Through psycopg itself, as psql would run it (SQLAlchemy would read format()'s %I as a placeholder).
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


@pytest.fixture
def office_pg(pg_url: str, clock: ManualClock, example_config: AppConfig) -> Iterator[Office]:
    owner = Store(connect(pg_url), clock, "Asia/Ho_Chi_Minh")
    owner.load_office(example_config.office)
    owner.add_clerk("lan", "Nguyễn Thị Lan", Role.CLERK, "mật khẩu")
    owner.add_clerk("giamdoc", "Võ Thanh Bình", Role.SUPERVISOR, "mật khẩu")
    owner.db.engine.dispose()
    suffix = uuid.uuid4().hex[:8]
    roles = {app: f"motcua_{app}_{suffix}" for app in APPS}
    sql = ROLES_SQL.read_text()
    for app, name in roles.items():
        sql = sql.replace(f"motcua_{app}", name)
    with psql(pg_url) as conn:
        conn.execute(sql)
    yield Office(pg_url, roles)
    with psql(pg_url) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(%s)",
                     (list(roles.values()),))
        for name in roles.values():
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')


def as_role(office: Office, app: str, clock: ManualClock) -> Store:
    return Store(connect(office.url_as(app)), clock, "Asia/Ho_Chi_Minh")


def refused(office: Office, app: str, statement: str, params: dict[str, object] | None = None) -> None:
    engine = create_engine(office.url_as(app).replace("postgresql://", "postgresql+psycopg://"))
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement), params or {})
        assert getattr(caught.value.orig, "sqlstate", None) == "42501", (app, statement, caught.value)
    finally:
        engine.dispose()


def test_the_kiosk_issues_and_records_printing(office_pg: Office, clock: ManualClock) -> None:
    kiosk = as_role(office_pg, "kiosk", clock)
    issued = kiosk.issue_ticket("TP", print_status=PrintStatus.PENDING)
    kiosk.issue_ticket("TP")  # the day's number advances by one
    printed = kiosk.set_print_status(issued.ticket.id, PrintStatus.PRINTED)
    assert printed.print_status is PrintStatus.PRINTED and printed.status is TicketStatus.WAITING
    assert kiosk.snapshot().service("TP").waiting == 2
    kiosk.db.engine.dispose()


KIOSK_FORGERIES = [
    "SELECT username, password_hash FROM clerks",
    "SELECT full_name, role FROM clerks",
    "SELECT * FROM clerks",
    "SELECT motcua_password_salt('lan')",
    "SELECT motcua_check_password('lan', 'x')",
    "SELECT * FROM sign_in_throttle",
    # a ticket that is already done, or already called to a counter
    "INSERT INTO tickets (service_id, number_service_id, service_day, number, transfer_seq, code, token, status, "
    "priority, issued_at, queued_at, local_hour, people_ahead, estimated_wait_s, print_status, recall_count, "
    "finished_at) SELECT id, id, CURRENT_DATE, 500, 0, 'A500', 'forged-token-0000001', 'done', false, now(), now(), 8, "
    "0, 0, 'printed', 0, now() FROM services LIMIT 1",
    "INSERT INTO tickets (service_id, number_service_id, service_day, number, transfer_seq, code, token, status, "
    "priority, issued_at, queued_at, local_hour, people_ahead, estimated_wait_s, print_status, recall_count) "
    "SELECT id, id, CURRENT_DATE, 501, 0, 'A501', 'forged-token-0000002', 'called', false, now(), now(), 8, "
    "0, 0, 'printed', 0 FROM services LIMIT 1",
    # forged log rows
    "INSERT INTO events (at, kind, ticket_id, to_status) SELECT now(), 'called', id, 'called' FROM tickets LIMIT 1",
    "INSERT INTO events (at, kind, ticket_id, to_status) SELECT now(), 'finished', id, 'done' FROM tickets LIMIT 1",
    "INSERT INTO events (at, kind, counter_id) SELECT now(), 'counter_open', id FROM counters LIMIT 1",
    # jumping or resetting the day's number
    "UPDATE daily_numbers SET last_number = 9999",
    "UPDATE daily_numbers SET last_number = last_number - 1, issued = issued - 1",
    "INSERT INTO daily_numbers (service_id, service_day, last_number, issued) "
    "SELECT id, CURRENT_DATE + 1, 9999, 1 FROM services LIMIT 1",
    # rewriting history, the office or the clerks
    "UPDATE tickets SET status = 'done'",
    "UPDATE tickets SET counter_id = 1",
    "DELETE FROM tickets",
    "DELETE FROM events",
    "UPDATE events SET kind = 'nothing'",
    "UPDATE services SET daily_cap = 1",
    "UPDATE clerks SET role = 'admin'",
    "INSERT INTO ratings (ticket_id, service_id, score, channel, rated_at) SELECT id, service_id, 4, 'phone', now() "
    "FROM tickets LIMIT 1",
]


@pytest.mark.parametrize("statement", KIOSK_FORGERIES)
def test_the_kiosk_cannot_forge(office_pg: Office, clock: ManualClock, statement: str) -> None:
    kiosk = as_role(office_pg, "kiosk", clock)
    kiosk.issue_ticket("TP")
    kiosk.db.engine.dispose()
    refused(office_pg, "kiosk", statement)


def test_the_kiosk_cannot_touch_a_ticket_once_called(office_pg: Office, clock: ManualClock) -> None:
    kiosk = as_role(office_pg, "kiosk", clock)
    issued = kiosk.issue_ticket("TP")
    counter = as_role(office_pg, "counter", clock)
    counter.call_next(1, "lan")
    engine = create_engine(office_pg.url_as("kiosk").replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:  # the policy hides the called ticket from the kiosk's UPDATE
        done = conn.execute(text("UPDATE tickets SET print_status = 'failed' WHERE id = :id"),
                            {"id": issued.ticket.id})
        assert done.rowcount == 0
    engine.dispose()
    assert counter.ticket(issued.ticket.id).print_status == issued.ticket.print_status
    for store in (kiosk, counter):
        store.db.engine.dispose()


@pytest.mark.parametrize(("app", "statement"), [
    ("display", "SELECT username, password_hash FROM clerks"),
    ("display", "SELECT full_name FROM clerks"),
    ("display", "SELECT * FROM sign_in_throttle"),
    ("display", "INSERT INTO events (at, kind, ticket_id, to_status) SELECT now(), 'called', id, 'called' "
                "FROM tickets LIMIT 1"),
    ("display", "UPDATE tickets SET status = 'done'"),
    ("display", "UPDATE daily_numbers SET last_number = 9999"),
    ("counter", "SELECT username, password_hash FROM clerks"),
    ("counter", "SELECT * FROM clerks"),
    ("counter", "UPDATE clerks SET role = 'admin'"),
    ("counter", "UPDATE clerks SET password_hash = 'x'"),
    ("counter", "UPDATE events SET kind = 'nothing'"),
    ("counter", "DELETE FROM tickets"),
    ("counter", "UPDATE services SET daily_cap = 1"),
    ("counter", "UPDATE daily_numbers SET last_number = 9999"),
    ("supervisor", "SELECT password_hash FROM clerks"),
    ("supervisor", "UPDATE tickets SET status = 'done'"),
    ("supervisor", "INSERT INTO events (at, kind, ticket_id, to_status) SELECT now(), 'called', id, 'called' "
                   "FROM tickets LIMIT 1"),
])
def test_other_roles_cannot_forge(office_pg: Office, clock: ManualClock, app: str, statement: str) -> None:
    as_role(office_pg, "kiosk", clock).issue_ticket("TP")
    refused(office_pg, app, statement)


def test_the_counter_and_dashboard_sign_in_without_reading_hashes(office_pg: Office, clock: ManualClock) -> None:
    counter = as_role(office_pg, "counter", clock)
    assert counter.authenticate("lan", "mật khẩu", pc="quay-1", app="counter").username == "lan"
    counter.sign_in(1, "lan")
    counter.db.engine.dispose()
    dashboard = as_role(office_pg, "supervisor", clock)
    assert dashboard.authenticate("giamdoc", "mật khẩu", pc="phong", app="dashboard").role is Role.SUPERVISOR
    dashboard.db.engine.dispose()


def test_a_refused_operation_is_one_line_naming_role_and_operation(office_pg: Office, clock: ManualClock) -> None:
    kiosk = as_role(office_pg, "kiosk", clock)
    kiosk.issue_ticket("TP")
    with pytest.raises(Refused) as caught:
        kiosk.call_next(1, "lan")
    message = str(caught.value)
    assert office_pg.roles["kiosk"] in message and "\n" not in message
    counter = as_role(office_pg, "counter", clock)
    counter.sign_in(1, "lan")  # the board then names the clerk at counter 1
    counter.db.engine.dispose()
    display = as_role(office_pg, "display", clock)
    snapshot = display.snapshot()
    assert snapshot.service("TP").waiting == 1
    assert [c.counter.clerk for c in snapshot.counters if c.counter.number == 1] == ["lan"]
    assert [c.counter.clerk for c in kiosk.snapshot().counters if c.counter.number == 1] == ["lan"]
    with pytest.raises(Refused, match=office_pg.roles["display"]):
        display.call_next(2, "lan")  # (it may issue a ticket since issue 19: a number taken from a phone)
    for store in (kiosk, display):
        store.db.engine.dispose()


@pytest.mark.slow
def test_the_command_line_says_it_in_one_line(office_pg: Office) -> None:
    result = subprocess.run([sys.executable, "-m", "common.cli", "--db", office_pg.url_as("kiosk"), "call", "1",
                             "--clerk", "lan"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and office_pg.roles["kiosk"] in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# Every way a role holder might try to reach a password hash by hand (migration 0006).
HASH_HUNTS = [
    "SELECT password_hash FROM clerks",
    "SELECT * FROM clerks",
    "SELECT motcua_password_hash('lan')",
    "SELECT motcua_password_salt('lan')",
    "SELECT motcua_check_password('lan', 'x')",
    "SELECT prosrc FROM pg_proc WHERE proname = 'motcua_check_password'",
    "SELECT row_to_json(c)::text FROM clerks c",
]


@pytest.mark.parametrize("app", APPS)
def test_no_role_can_read_a_password_hash(office_pg: Office, app: str) -> None:
    with psql(office_pg.url) as owner:
        stored = owner.execute("SELECT password_hash FROM clerks WHERE username = 'lan'").fetchone()
    digest = stored[0].rpartition("$")[2]
    leaked = []
    with psql(office_pg.url_as(app)) as conn:
        for statement in HASH_HUNTS:
            try:
                rows = conn.execute(statement).fetchall()
            except psycopg.Error:
                continue  # refused or no such function: nothing read
            if digest in repr(rows):
                leaked.append(statement)
    assert leaked == [], (app, leaked)


@pytest.mark.parametrize("app", ["counter", "supervisor"])
def test_the_password_check_says_only_yes_or_no(office_pg: Office, app: str) -> None:
    """The roles that sign in get the salt (no digest) and a boolean; the old hash function is gone."""
    from common.store import passwords

    with psql(office_pg.url_as(app)) as conn:
        spec = conn.execute("SELECT motcua_password_salt('lan')").fetchone()[0]
        assert spec.startswith("scrypt$") and spec.count("$") == 4
        good = passwords.candidate_digest("mật khẩu", spec)
        bad = passwords.candidate_digest("đoán sai", spec)
        check = "SELECT motcua_check_password('lan', %s)"
        assert [conn.execute(check, (d,)).fetchone()[0] for d in (good, bad, "", None)] == [True, False, False, False]
        assert conn.execute("SELECT motcua_check_password('nobody', %s)", (good,)).fetchone()[0] is False
        with pytest.raises(psycopg.errors.UndefinedFunction):
            conn.execute("SELECT motcua_password_hash('lan')")


def test_a_first_run_shows_no_notices(pg_url: str) -> None:
    """psql -f roles.sql on a database without its policies yet: DROP POLICY IF EXISTS would print a NOTICE per
    policy ("does not exist, skipping"), which a newcomer reads as errors; only warnings and errors are shown."""
    suffix = uuid.uuid4().hex[:8]
    roles = [f"motcua_{app}_{suffix}" for app in APPS]
    sql = ROLES_SQL.read_text()
    for app, name in zip(APPS, roles, strict=True):
        sql = sql.replace(f"motcua_{app}", name)
    notices: list[str] = []
    try:
        with psql(pg_url) as conn:
            conn.execute("DROP POLICY IF EXISTS read_all ON tickets")  # as on a database never given roles.sql
            conn.add_notice_handler(lambda diag: notices.append(f"{diag.severity}: {diag.message_primary}"))
            conn.execute(sql)
    finally:
        with psql(pg_url) as conn:
            for name in roles:
                conn.execute(f'DROP OWNED BY "{name}"')
                conn.execute(f'DROP ROLE "{name}"')
    assert notices == []
