"""Engines, URLs and the schema: unreachable servers, out-of-date schemas, self-upgrading SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.errors import ConfigError, SchemaOutOfDate, StoreUnavailable
from common.store import db as dbmod
from common.store.db import Database, check_schema, connect, current_revision, head_revision, make_engine, mask, upgrade
from tests.conftest import TZ, pg_base_url

TABLES = {"services", "counters", "counter_services", "clerks", "daily_numbers", "tickets", "events",
          "office_settings", "alembic_version"}


def test_unreachable_postgres_is_store_unavailable_with_the_password_masked() -> None:
    url = "postgresql://clerk:s3cr3t-pw@127.0.0.1:1/motcua"  # nothing listens on port 1
    with pytest.raises(StoreUnavailable) as err:
        connect(url)
    message = str(err.value)
    assert "s3cr3t-pw" not in message
    assert "postgresql+psycopg://clerk:***@127.0.0.1:1/motcua" in message or \
           "postgresql://clerk:***@127.0.0.1:1/motcua" in message
    assert message.startswith("cannot reach the database") and "\n" not in message


def test_mask() -> None:
    assert mask("postgresql://u:p%40ss@db.local:5432/q") == "postgresql://u:***@db.local:5432/q"
    assert mask("sqlite:////var/lib/motcua.sqlite3") == "sqlite:////var/lib/motcua.sqlite3"
    assert mask("not a url") == "<unparseable database URL>"
    # SQLAlchemy raises ValueError, not ArgumentError, for these: a port that is not a number
    assert mask("postgresql://u:s3cret@db.local:abc/q") == "<unparseable database URL>"
    assert mask("postgresql://u:s3cret@[::1") == "<unparseable database URL>"


def test_bad_urls_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="not a database URL"):
        make_engine("nonsense")
    with pytest.raises(ConfigError, match=r"unsupported database URL oracle\+nodriver://u:\*\*\*@h/d"):
        make_engine("oracle+nodriver://u:secret@h/d")
    for typo in ("postgresql://u:s3cret@db.local:abc/q", "postgresql://u:s3cret@[::1"):
        with pytest.raises(ConfigError, match="not a database URL") as err:
            connect(typo, must_exist=True)
        assert "s3cret" not in str(err.value)


def test_a_missing_sqlite_file_names_a_command_that_runs(tmp_path: Path) -> None:
    """The hint must be typed as given: --db goes before the command (`db upgrade --db` is refused)."""
    with pytest.raises(ConfigError) as err:
        connect(f"sqlite:///{tmp_path / 'nope.sqlite3'}", must_exist=True)
    assert "`motcua --db URL db upgrade`" in err.value.vi  # type: ignore[attr-defined]
    assert "`motcua --db URL db upgrade`" in err.value.en  # type: ignore[attr-defined]


def test_url_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("MOTCUA_DB", raising=False)
    assert dbmod.resolve_url(None, None) == f"sqlite:///{tmp_path / 'motcua' / 'motcua.sqlite3'}"
    assert dbmod.resolve_url(None, "sqlite:///config.db") == "sqlite:///config.db"
    monkeypatch.setenv("MOTCUA_DB", "sqlite:///env.db")
    assert dbmod.resolve_url(None, "sqlite:///config.db") == "sqlite:///env.db"
    assert dbmod.resolve_url("sqlite:///cli.db", "sqlite:///config.db") == "sqlite:///cli.db"


def test_the_sqlite_default_upgrades_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = dbmod.default_sqlite_url()
    assert not (tmp_path / "data").exists()
    db = connect(url)
    assert (tmp_path / "data" / "motcua" / "motcua.sqlite3").is_file()
    assert current_revision(db) == head_revision()
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == dbmod.SQLITE_BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.engine.dispose()
    connect(url).engine.dispose()  # a second start finds it up to date


def test_an_unmigrated_sqlite_file_is_refused_when_not_upgrading(tmp_path: Path) -> None:
    with pytest.raises(SchemaOutOfDate, match=r"no motcua schema yet: run `motcua --db URL db upgrade`"):
        connect(f"sqlite:///{tmp_path / 'x.sqlite3'}", upgrade_sqlite=False)


def test_an_out_of_date_schema_names_the_command(db_url: str) -> None:
    db = connect(db_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    db.engine.dispose()
    with pytest.raises(SchemaOutOfDate) as err:
        connect(db_url, upgrade_sqlite=False)
    message = str(err.value)
    assert f"has schema 0000, this motcua needs {head_revision()}" in message
    assert "run `motcua --db URL db upgrade`" in message
    with db.engine.begin() as conn:  # leave it as the fixture found it
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()})
    db.engine.dispose()


@pytest.fixture
def empty_pg() -> Iterator[str]:
    base = pg_base_url()
    if not base:
        pytest.skip("PostgreSQL tests need MOTCUA_TEST_PG_URL")
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"motcua_empty_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
def test_alembic_upgrade_from_empty_on_postgres(empty_pg: str) -> None:
    with pytest.raises(SchemaOutOfDate, match="no motcua schema yet"):
        connect(empty_pg)  # PostgreSQL never upgrades itself
    db = Database(make_engine(empty_pg), empty_pg)
    upgrade(db)
    check_schema(db)
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    with db.engine.connect() as conn:
        triggers = conn.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'events'::regclass AND NOT tgisinternal")).scalars().all()
        index = conn.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_tickets_active_counter'")).scalar()
    assert triggers == ["events_append_only"]
    assert "UNIQUE" in index and "called" in index and "serving" in index
    upgrade(db)  # idempotent
    assert current_revision(db) == head_revision()
    db.engine.dispose()
    connect(empty_pg).engine.dispose()


@pytest.mark.postgres
def test_a_dropped_connection_becomes_store_unavailable_then_recovers(pg_url: str) -> None:
    from common.store import Store

    store = Store(connect(pg_url))
    store.services()
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    assert store.services() == []  # pool_pre_ping replaces the dead connection
    store.db.engine.dispose()


def terminate(pg_url: str, pid: int) -> None:
    """End one backend and wait until it is gone (pg_terminate_backend's timeout)."""
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p, 5000)"), {"p": pid}).scalar_one()
    admin.dispose()


@pytest.mark.postgres
def test_a_connection_closed_after_checkout_fails_once_and_the_action_runs_again(
        pg_url: str, example_config: AppConfig, clock: ManualClock) -> None:
    from common.store import Store

    store = Store(connect(pg_url), clock, TZ)
    store.load_office(example_config.office)
    store.issue_ticket("TP")
    killed: list[int] = []

    def kill_after_the_look(dbapi_conn, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        # Runs after the pool's ping: the server closes this connection in the instant between
        # the ping and the first statement.
        if not killed:
            killed.append(dbapi_conn.info.backend_pid)
            terminate(pg_url, killed[0])

    event.listen(store.db.engine, "checkout", kill_after_the_look)
    try:
        issued = store.issue_ticket("TP")
    finally:
        event.remove(store.db.engine, "checkout", kill_after_the_look)
    assert killed  # the first attempt's connection was closed under it
    codes = [t.code for t in store.tickets(store.today, store.today)]
    assert len(codes) == 2 and codes[-1] == issued.ticket.code  # issued once, on a new connection
    store.db.engine.dispose()


@pytest.mark.postgres
def test_an_action_is_not_repeated_once_one_of_its_transactions_committed(pg_url: str) -> None:
    from common.store import Store
    from common.store.operations import StaleConnection, retry_once

    store = Store(connect(pg_url))
    runs: list[int] = []

    @retry_once
    def two_transactions() -> None:
        runs.append(1)
        with store.transaction() as tx:
            tx.session.execute(text("SELECT 1"))  # committed
        with store.transaction() as tx:
            pid = tx.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            terminate(pg_url, pid)  # the server goes away in the middle of the second transaction
            tx.session.execute(text("SELECT 1"))

    with pytest.raises(StaleConnection):
        two_transactions()
    assert runs == [1]
    store.db.engine.dispose()


def test_an_operation_on_a_lost_server_is_store_unavailable_with_the_password_masked() -> None:
    from common.store import Store

    url = "postgresql://clerk:hunter2@127.0.0.1:1/motcua"
    store = Store(Database(make_engine(url), url))  # built while the server was there, say
    with pytest.raises(StoreUnavailable) as err:
        store.issue_ticket("TP")
    assert "hunter2" not in str(err.value) and "clerk:***@127.0.0.1:1" in str(err.value)


def test_the_estimate_read_walks_an_index_not_the_history(sqlite_url: str) -> None:
    # Issue 12: the estimate sorted every finished ticket of a service. Migration 0004's index serves
    # the newest-first read, so SQLite reads n index entries and builds no temporary sort.
    db = connect(sqlite_url)
    with db.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT service_s FROM tickets WHERE service_id = 1 AND status = 'done' "
            "AND service_s IS NOT NULL ORDER BY id DESC LIMIT 100"))
    db.engine.dispose()
    assert "ix_tickets_service_done" in plan
    assert "TEMP B-TREE" not in plan
