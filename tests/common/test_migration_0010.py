"""Migration 0010 moves a single office with its history into office 1, and back, losing nothing."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from common.config import AppConfig
from common.core.clock import ManualClock
from common.planning.simulate import fill_history
from common.store import Store
from common.store.db import alembic_config, connect

TABLES = ("services", "clerks", "counters", "counter_services", "daily_numbers", "tickets", "events",
          "office_settings", "ratings", "sign_in_throttle")
# What the history is: counts, and sums that move if any row or interval changed.
FINGERPRINT = {
    "tickets": "SELECT count(*), sum(id), sum(number), sum(coalesce(wait_s, 0)), sum(coalesce(service_s, 0)), "
               "count(DISTINCT code), min(issued_at), max(finished_at) FROM tickets",
    "events": "SELECT count(*), sum(id), count(DISTINCT kind), max(at) FROM events",
    "daily_numbers": "SELECT count(*), sum(last_number), sum(issued) FROM daily_numbers",
    "services": "SELECT count(*), sum(id), min(code), max(code) FROM services",
    "counters": "SELECT count(*), sum(number) FROM counters",
    "ratings": "SELECT count(*), sum(score) FROM ratings",
}


def fingerprint(store: Store) -> dict[str, tuple[object, ...]]:
    with store.db.engine.connect() as conn:
        return {name: tuple(conn.execute(text(sql)).one()) for name, sql in FINGERPRINT.items()}


def test_history_survives_0010_down_and_up(db_url: str, clock: ManualClock, example_config: AppConfig) -> None:
    store = Store(connect(db_url), clock, "Asia/Ho_Chi_Minh")
    store.load_office(example_config.office)
    fill_history(store, 30)  # a sizeable history through the bulk loader
    store.issue_ticket("TP")
    before = fingerprint(store)
    assert before["tickets"][0] > 5000  # type: ignore[operator]
    cfg = alembic_config(store.db)

    command.downgrade(cfg, "0008")  # the revision before 0010
    columns = inspect(store.db.engine).get_columns("tickets")
    assert "office_id" not in {c["name"] for c in columns}
    assert fingerprint(store) == before

    command.upgrade(cfg, "head")
    assert fingerprint(store) == before
    with store.db.engine.connect() as conn:
        for table in TABLES:
            offices = conn.execute(text(f"SELECT DISTINCT office_id FROM {table}")).scalars().all()
            assert offices in ([1], []), (table, offices)
        assert conn.execute(text("SELECT id, code FROM offices")).all() == [(1, "office1")]
    store.db.engine.dispose()
    # The office keeps working where it left off: today's numbering continues.
    again = Store(connect(db_url), clock, "Asia/Ho_Chi_Minh")
    assert again.issue_ticket("TP").ticket.code.endswith("002")
    again.db.engine.dispose()
