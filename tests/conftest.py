"""Shared fixtures: a real SQLite file and a real PostgreSQL database per test run.

PostgreSQL tests read the server from MOTCUA_TEST_PG_URL. Without it they skip,
unless MOTCUA_REQUIRE_PG=1 (CI sets it), in which case a missing or unreachable
server fails the run instead of silently skipping.

How to write a fast test (CI has 30 minutes; scripts/test runs the suite on several
pytest-xdist workers, see tests/README.md):

- take ``store``, ``db_url``, ``sqlite_url`` or ``pg_url``: a copy of a file migrated once
  per worker, or the worker's PostgreSQL database emptied with one TRUNCATE. Never run
  Alembic in a test unless migrating is what it tests.
- wait for an event, never for a time: ``qtbot.waitUntil``/``qtbot.waitSignal`` return as
  soon as the condition holds; a ``time.sleep`` or a fixed ``qtbot.wait`` costs its full
  length on every run.
- property tests take ``max_examples=examples(n)``: n in CI, ten times n with
  MOTCUA_HYPOTHESIS=heavy.
- anything a test makes outside ``tmp_path`` must carry a unique name (roles, databases,
  ports from the kernel): other workers run at the same time. PostgreSQL roles are
  cluster-wide, so give them a uuid suffix and drop them in the fixture's teardown.
- long simulations belong in benchmarks/, not in tests.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# Before any QApplication exists: tests render offscreen, on machines with no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from common.config import AppConfig, load_config
from common.core.clock import ManualClock
from common.store import Store
from common.store.db import Database, connect, make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_OFFICE = ROOT / "assets" / "office.example.toml"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A Wednesday, 08:00 in Hà Nội: inside every example service's opening hours.
MORNING = datetime(2026, 11, 25, 8, 0, tzinfo=TZ)


def pg_base_url() -> str | None:
    return os.environ.get("MOTCUA_TEST_PG_URL")


def require_pg() -> bool:
    return os.environ.get("MOTCUA_REQUIRE_PG") == "1"


HEAVY = os.environ.get("MOTCUA_HYPOTHESIS") == "heavy"
# Property tests without settings of their own run hypothesis' 100 examples, 1000 in the heavy profile.
hypothesis_settings.register_profile("heavy", max_examples=1000)
if HEAVY:
    hypothesis_settings.load_profile("heavy")


def examples(ci: int) -> int:
    """A property test's number of examples: ``ci`` in CI and scripts/test, ten times as many with
    MOTCUA_HYPOTHESIS=heavy (for a long hunt before a release, or after changing what the test drives)."""
    return ci * 10 if HEAVY else ci


def worker_id() -> str:
    """pytest-xdist's worker name ("gw0", "gw1", ...), or "main" when the run has no workers."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(autouse=True)
def _refcount_ballast() -> None:
    """PySide6 6.12 on Python 3.11 drops references to None and the bools (ui/refcount_guard.py)."""
    if "PySide6" in sys.modules:
        from ui import refcount_guard

        refcount_guard.top_up()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """In CI (MOTCUA_REQUIRE_PG=1) a skipped PostgreSQL test is a failed one."""
    report: pytest.TestReport = yield
    callspec = getattr(item, "callspec", None)
    on_sqlite = callspec is not None and callspec.params.get("db_url") == "sqlite"
    if report.skipped and require_pg() and item.get_closest_marker("postgres") is not None and not on_sqlite:
        report.outcome = "failed"
        report.longrepr = f"PostgreSQL test skipped in CI: {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(make_engine(f"sqlite:///{path}"), f"sqlite:///{path}")
    upgrade(db)
    db.engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "motcua.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of its own for this test run, migrated once, dropped at the end."""
    base = pg_base_url()
    if not base:
        if require_pg():
            pytest.fail("MOTCUA_REQUIRE_PG=1 but MOTCUA_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL tests need MOTCUA_TEST_PG_URL")
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    # One database per xdist worker: the name says whose it is when one is left behind.
    name = f"motcua_test_{worker_id()}_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        for attempt in range(20):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                break
            except Exception as exc:
                # Two workers copying template1 at the same moment: "source database is being accessed".
                if "being accessed by other users" not in str(exc) or attempt == 19:
                    raise
                time.sleep(0.1)
    except Exception as exc:
        if require_pg():
            pytest.fail(f"cannot reach PostgreSQL at {admin_url.render_as_string()}: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    db = Database(make_engine(url), url)
    upgrade(db)
    db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_database: str) -> str:
    """The run's PostgreSQL database, emptied before each test."""
    engine = create_engine(pg_database)
    with engine.begin() as conn:
        tables = conn.execute(text(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).scalar()
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # Each test plans from its own rows: the statistics an earlier test's ANALYZE left behind steered
        # the next one's generic plans (a plan test saw another test's 10,000 finished tickets and chose
        # other indexes). Forgetting them needs a superuser, as CI's postgres is; otherwise they stay.
        conn.execute(text("DO $$ BEGIN IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN "
                          "DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM pg_class "
                          "WHERE relnamespace = 'public'::regnamespace); END IF; END $$"))
        # Migration 0010's office 1, which every row defaults to, as a migrated database has it.
        conn.execute(text("INSERT INTO offices (id, code, name, level) VALUES (1, 'office1', 'Bộ phận Một cửa', "
                          "'province')"))
        conn.execute(text("SELECT setval(pg_get_serial_sequence('offices', 'id'), 1)"))
    engine.dispose()
    return pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on a SQLite file and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def example_config() -> AppConfig:
    return load_config(EXAMPLE_OFFICE)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MORNING)


@pytest.fixture(scope="session")
def _loaded_sqlite_templates(sqlite_template: Path) -> dict[str, Path]:
    """Copies of the migrated SQLite file with an office loaded, by (office, clock time): see ``store``."""
    return {}


@pytest.fixture
def store(db_url: str, clock: ManualClock, example_config: AppConfig, sqlite_template: Path,
          _loaded_sqlite_templates: dict[str, Path]) -> Iterator[Store]:
    """The example office, loaded into a fresh database, on a manual clock at 08:00 local.

    On SQLite the office is loaded once per worker into a template file, which each test copies:
    ``load_office`` leaves the same rows either way (keyed by the office and the clock's time)."""
    if db_url.startswith("sqlite:///"):
        key = f"{example_config.office!r}@{clock.now().isoformat()}"
        path = Path(db_url.removeprefix("sqlite:///"))
        loaded = _loaded_sqlite_templates.get(key)
        if loaded is None:
            st = Store(connect(db_url), clock, TZ)
            st.load_office(example_config.office)
            st.db.engine.dispose()
            loaded = sqlite_template.with_name(f"loaded-{len(_loaded_sqlite_templates)}.sqlite3")
            if not path.with_name(path.name + "-wal").exists():  # all of it is in the one file
                shutil.copy(path, loaded)
                _loaded_sqlite_templates[key] = loaded
        else:
            shutil.copy(loaded, path)
        st = Store(connect(db_url), clock, TZ)
    else:
        st = Store(connect(db_url), clock, TZ)
        st.load_office(example_config.office)
    yield st
    st.db.engine.dispose()
