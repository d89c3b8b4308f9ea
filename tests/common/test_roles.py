"""The least-privilege roles of assets/postgres/roles.sql, on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.model import PrintStatus, TicketStatus
from common.store import Store
from common.store.db import connect

ROLES_SQL = Path(__file__).resolve().parents[2] / "assets" / "postgres" / "roles.sql"
pytestmark = pytest.mark.postgres


@pytest.fixture
def office_pg(pg_url: str, clock: ManualClock, example_config: AppConfig) -> Iterator[str]:
    owner = Store(connect(pg_url), clock, "Asia/Ho_Chi_Minh")
    owner.load_office(example_config.office)
    owner.db.engine.dispose()
    # Through psycopg itself, as psql would run it (SQLAlchemy would read format()'s %I as a placeholder).
    with psycopg.connect(make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(ROLES_SQL.read_text())
    yield pg_url


def as_role(url: str, role: str, clock: ManualClock) -> Store:
    return Store(connect(make_url(url).set(username=role).render_as_string(hide_password=False)), clock,
                 "Asia/Ho_Chi_Minh")


def test_the_kiosk_issues_and_records_printing(office_pg: str, clock: ManualClock) -> None:
    kiosk = as_role(office_pg, "motcua_kiosk", clock)
    issued = kiosk.issue_ticket("TP", print_status=PrintStatus.PENDING)
    printed = kiosk.set_print_status(issued.ticket.id, PrintStatus.PRINTED)
    assert printed.print_status is PrintStatus.PRINTED and printed.status is TicketStatus.WAITING
    kiosk.db.engine.dispose()


def test_the_kiosk_cannot_rewrite_a_served_ticket(office_pg: str, clock: ManualClock) -> None:
    kiosk_store = as_role(office_pg, "motcua_kiosk", clock)
    issued = kiosk_store.issue_ticket("TP")
    kiosk_store.db.engine.dispose()
    counter = as_role(office_pg, "motcua_counter", clock)
    counter.call_next(1, "lan")
    counter.start_service(1, "lan")
    served = counter.finish_service(1, "lan")
    counter.db.engine.dispose()
    assert served.status is TicketStatus.DONE

    kiosk = make_url(office_pg).set(username="motcua_kiosk").render_as_string(hide_password=False)
    engine = create_engine(kiosk)
    for statement in (
        "UPDATE tickets SET status = 'waiting', finished_at = NULL WHERE id = :id",
        "DELETE FROM tickets WHERE id = :id",
        "UPDATE events SET kind = 'nothing' WHERE ticket_id = :id",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as conn:
            conn.execute(text(statement), {"id": issued.ticket.id})
    engine.dispose()
    owner = Store(connect(office_pg), clock, "Asia/Ho_Chi_Minh")
    assert owner.ticket(issued.ticket.id).status is TicketStatus.DONE
    owner.db.engine.dispose()


def test_the_kiosk_cannot_call_and_the_display_cannot_issue(office_pg: str, clock: ManualClock) -> None:
    kiosk = as_role(office_pg, "motcua_kiosk", clock)
    kiosk.issue_ticket("TP")
    with pytest.raises(ProgrammingError, match="permission denied"):
        kiosk.call_next(1, "lan")
    display = as_role(office_pg, "motcua_display", clock)
    assert display.snapshot().service("TP").waiting == 1
    with pytest.raises(ProgrammingError, match="permission denied"):
        display.issue_ticket("TP")
    kiosk.db.engine.dispose()
    display.db.engine.dispose()
