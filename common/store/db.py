"""Engines, URLs and the schema's version: everything backend-specific lives here.

SQLite runs in WAL mode and takes its write lock up front (``BEGIN IMMEDIATE``)
so that a read-then-write transaction never fails with "database is locked";
PostgreSQL uses row locks (``FOR UPDATE SKIP LOCKED``) in :mod:`common.store.operations`.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.exc import NoSuchModuleError as SANoSuchModuleError

from common.core.errors import ConfigError, SchemaOutOfDate, StoreUnavailable, bilingual, said
from common.store.writelock import QueuedConnection, WriteLock, begin_immediate, lock_path

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 15000  # a year's report or 8 kiosks at once must not fail a tap
READONLY_OPTION = "motcua_readonly"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")  # execution option: this transaction only reads


def default_sqlite_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("motcua", appauthor=False))
    return f"sqlite:///{data_dir / 'motcua.sqlite3'}"


def resolve_url(cli_url: str | None, config_url: str | None) -> str:
    """``--db``, then ``MOTCUA_DB``, then the config file, then the per-user SQLite file."""
    return cli_url or os.environ.get("MOTCUA_DB") or config_url or default_sqlite_url()


def mask(url: str | URL) -> str:
    """The URL as it may be shown to a person: with its password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number, an unclosed "[" of IPv6
        return "<unparseable database URL>"


@dataclass(frozen=True)
class Database:
    engine: Engine
    url: str

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def masked_url(self) -> str:
        return mask(self.url)


def connect(url: str, *, upgrade_sqlite: bool = True, must_exist: bool = False, role: str = "") -> Database:
    """Build an engine and check that its schema matches this program.

    The SQLite default upgrades itself on first use; any other database must be
    upgraded with ``motcua db upgrade`` by whoever administers it. ``must_exist``
    refuses a SQLite file that is not there (a misspelled ``--db`` must not create
    and migrate a new empty office), except the per-user default file.
    """
    if must_exist:
        check_sqlite_exists(url)
    engine = make_engine(url)
    if role:
        act_as(engine, role)
    db = Database(engine, url)
    try:
        if db.is_sqlite and upgrade_sqlite:
            upgrade(db)
        check_schema(db)
    except DBAPIError as exc:  # OperationalError, or "file is not a database" (DatabaseError)
        engine.dispose()
        reach = isinstance(exc, OperationalError)
        verb, vi = ("reach", "kết nối") if reach else ("open", "mở")
        raise said(StoreUnavailable, f"không {vi} được cơ sở dữ liệu {mask(url)}: {first_line(exc)}",
                   f"cannot {verb} the database {mask(url)}: {first_line(exc)}") from exc
    return db


def check_sqlite_exists(url: str) -> None:
    """ConfigError unless a SQLite URL names an existing file (the per-user default may be created)."""
    if url == default_sqlite_url():
        return
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: e.g. "host:abc", or "[::1" unclosed
        raise not_a_url(url) from exc
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    path = Path(parsed.database)
    if not path.is_file():
        raise bilingual(ConfigError(f"no database file {path}"),
                        f"không có tệp cơ sở dữ liệu {path}: kiểm tra --db, hoặc tạo bằng `motcua --db URL db upgrade`",
                        f"no database file {path}: check --db, or create it with `motcua --db URL db upgrade`")


def not_a_url(url: str) -> ConfigError:
    return said(ConfigError, f"không phải địa chỉ cơ sở dữ liệu: {mask(url)}", f"not a database URL: {mask(url)}")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: e.g. "host:abc", or "[::1" unclosed
        raise not_a_url(url) from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        supported = "sqlite:///FILE, postgresql://USER@HOST/DB (psycopg)"
        raise said(ConfigError, f"không hỗ trợ địa chỉ cơ sở dữ liệu {mask(url)}: motcua dùng {supported}",
                   f"unsupported database URL {mask(url)}: motcua supports {supported}")
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5},
            pool_size=2,
            max_overflow=4,
        )
    except (SANoSuchModuleError, ArgumentError, ImportError) as exc:
        raise said(ConfigError, f"không hỗ trợ địa chỉ cơ sở dữ liệu {mask(url)}: {first_line(exc)}",
                   f"unsupported database URL {mask(url)}: {first_line(exc)}") from exc


def _sqlite_engine(url: URL) -> Engine:
    on_disk = bool(url.database) and url.database != ":memory:"
    if on_disk:
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # type: ignore[arg-type]
        except OSError as exc:
            why = exc.strerror or exc
            raise said(ConfigError, f"không tạo được thư mục của {mask(url)}: {why}",
                       f"cannot create the folder of {mask(url)}: {why}") from exc
    # isolation_level=None hands transaction control to us, so that the ``begin``
    # hook below can say BEGIN IMMEDIATE (pysqlite would otherwise say BEGIN DEFERRED).
    engine = create_engine(
        url,
        isolation_level=None,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False,
                      "factory": QueuedConnection},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        if on_disk:
            # Writers queue on a file beside the database before BEGIN IMMEDIATE (see writelock).
            dbapi_conn.write_lock = WriteLock(lock_path(url.database), SQLITE_BUSY_TIMEOUT_MS / 1000)  # type: ignore[arg-type]

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # A read-only transaction reads a WAL snapshot without blocking any writer;
        # everything else takes the write lock up front.
        if conn.get_execution_options().get(READONLY_OPTION, False):
            conn.exec_driver_sql("BEGIN")
        else:
            try:
                begin_immediate(conn.connection.dbapi_connection, conn.exec_driver_sql)
            except sqlite3.OperationalError as exc:  # our queue timed out: the same "busy" as SQLite's own
                raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc

    return engine


def act_as(engine: Engine, role: str) -> None:
    """Every connection takes ``role`` (``[database] role``): an office's administrator acting for one office.

    PostgreSQL then applies that role's grants and row-level security, and its office fills
    in office_id; SQLite has no roles and is always one office.
    """
    if engine.dialect.name != "postgresql":
        raise ConfigError(f"[database] role = {role!r} needs PostgreSQL; a SQLite file is a single office")

    @event.listens_for(engine, "connect")
    def _set_role(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        with dbapi_conn.cursor() as cursor:
            cursor.execute(f'SET ROLE "{role}"')  # the setting's check allows [a-z0-9_] only
        dbapi_conn.commit()


def alembic_config(db: Database) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = db.engine
    return cfg


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None, "common/store/migrations has no revision"
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database) -> None:
    try:
        command.upgrade(alembic_config(db), "head")
    except OperationalError as exc:
        raise said(StoreUnavailable, f"không kết nối được cơ sở dữ liệu {db.masked_url}: {first_line(exc)}",
                   f"cannot reach the database {db.masked_url}: {first_line(exc)}") from exc


def check_schema(db: Database) -> None:
    current, head = current_revision(db), head_revision()
    if current == head:
        return
    if current is None:
        raise said(SchemaOutOfDate,
                   f"cơ sở dữ liệu {db.masked_url} chưa có lược đồ motcua: chạy `motcua --db URL db upgrade`",
                   f"the database {db.masked_url} has no motcua schema yet: run `motcua --db URL db upgrade`")
    raise said(SchemaOutOfDate,
               f"cơ sở dữ liệu {db.masked_url} có lược đồ {current}, bản motcua này cần {head}: "
               "chạy `motcua --db URL db upgrade`",
               f"the database {db.masked_url} has schema {current}, this motcua needs {head}: "
               "run `motcua --db URL db upgrade`")


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
