"""Migration 0012: no role, not even the owner, can make a row of office 2 name office 1's service,
counter or clerk. Row-level security hides office 1's rows, but a plain foreign key is checked by
the owner and would accept their ids; the composite keys (office_id, x_id) refuse them (23503).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from common.core.clock import ManualClock
from common.store.db import make_engine
from tests.common.test_offices import Province, as_role, province, psql  # noqa: F401 (the fixture)

pytestmark = pytest.mark.postgres
FOREIGN_KEY_VIOLATION = "23503"


def office_ids(p: Province, office: int = 1) -> dict[str, int]:
    with psql(p.url) as conn:
        row = conn.execute("SELECT (SELECT id FROM services WHERE office_id = %(o)s AND code = 'TP'), "
                           "(SELECT id FROM counters WHERE office_id = %(o)s AND number = 1), "
                           "(SELECT id FROM clerks WHERE office_id = %(o)s AND username = 'lan')",
                           {"o": office}).fetchone()
    assert row is not None and None not in row
    return {"service": row[0], "counter": row[1], "clerk": row[2]}


def refused(p: Province, role: str | None, statement: str, *, set_role: bool = False) -> str | None:
    """The SQLSTATE the statement fails with as ``role`` (None: the owner), or None if it was accepted.

    ``set_role``: the owner connects and SETs the role (an office administrator cannot log in).
    """
    engine = make_engine(p.url_as(role) if role and not set_role else p.url)
    try:
        with engine.begin() as conn:
            if set_role:
                conn.execute(text(f'SET ROLE "{role}"'))
            conn.execute(text(statement))
    except DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None)
        assert state is not None, exc  # a refusal by the database, not a failure to connect
        return str(state)
    finally:
        engine.dispose()
    return None


@pytest.fixture
def ticket_of_office_2(province: Province, clock: ManualClock) -> int:  # noqa: F811
    kiosk = as_role(province, province.office2["kiosk"], clock)
    ticket = kiosk.issue_ticket("TP", check_hours=False).ticket
    kiosk.db.engine.dispose()
    return ticket.id


def test_office_2s_counter_cannot_name_office_1s_counter_or_clerk(province: Province,  # noqa: F811
                                                                   ticket_of_office_2: int) -> None:
    one, counter = office_ids(province), province.office2["counter"]
    tid = ticket_of_office_2
    for statement in (f"UPDATE tickets SET counter_id = {one['counter']} WHERE id = {tid}",
                      f"UPDATE tickets SET target_counter_id = {one['counter']} WHERE id = {tid}",
                      f"UPDATE tickets SET clerk_id = {one['clerk']} WHERE id = {tid}",
                      f"UPDATE tickets SET service_id = {one['service']} WHERE id = {tid}",
                      f"UPDATE counters SET clerk_id = {one['clerk']}",
                      f"INSERT INTO events (at, kind, ticket_id, counter_id) VALUES (now(), 'called', {tid}, "
                      f"{one['counter']})",
                      f"INSERT INTO events (at, kind, ticket_id, clerk_id) VALUES (now(), 'called', {tid}, "
                      f"{one['clerk']})"):
        assert refused(province, counter, statement) == FOREIGN_KEY_VIOLATION, statement


def test_office_2s_kiosk_cannot_issue_on_office_1s_service(province: Province,  # noqa: F811
                                                           ticket_of_office_2: int) -> None:
    s1 = office_ids(province)["service"]
    copy = ("INSERT INTO tickets (service_id, number_service_id, service_day, number, transfer_seq, code, token, "
            "status, priority, issued_at, queued_at, local_hour, people_ahead, estimated_wait_s, print_status, "
            "recall_count) SELECT {s}, {s}, service_day, number + 500, 0, code, token || 'x', status, priority, "
            "issued_at, queued_at, local_hour, people_ahead, estimated_wait_s, print_status, recall_count "
            f"FROM tickets WHERE id = {ticket_of_office_2}")
    kiosk = province.office2["kiosk"]
    assert refused(province, kiosk, copy.format(s=s1)) == FOREIGN_KEY_VIOLATION
    own = f"(SELECT number_service_id FROM tickets WHERE id = {ticket_of_office_2})"
    assert refused(province, kiosk, copy.format(s=own)) is None  # its own service: the same row is accepted


def test_office_2s_admin_and_the_owner_cannot_cross_offices(province: Province) -> None:  # noqa: F811
    one, two = office_ids(province), office_ids(province, 2)
    assert refused(province, province.office2["office_admin"],
                   f"INSERT INTO counter_services (counter_id, service_id, position) VALUES ({two['counter']}, "
                   f"{one['service']}, 99)", set_role=True) == FOREIGN_KEY_VIOLATION
    # The owner sees every office and is not subject to row-level security; the keys still hold.
    assert refused(province, None, f"INSERT INTO counter_services (office_id, counter_id, service_id, position) "
                   f"SELECT 2, id, {one['service']}, 99 FROM counters WHERE office_id = 2 AND number = 1") \
        == FOREIGN_KEY_VIOLATION
    assert refused(province, None, f"INSERT INTO daily_numbers (office_id, service_id, service_day, last_number, "
                   f"issued) VALUES (2, {one['service']}, '2030-01-02', 1, 1)") == FOREIGN_KEY_VIOLATION


IMPLIED = {"fk_tickets_office_id_offices", "fk_tickets_service_id_services", "fk_tickets_number_service_id_services",
           "fk_tickets_counter_id_counters", "fk_tickets_target_counter_id_counters", "fk_tickets_clerk_id_clerks",
           "fk_events_counter_id_counters", "fk_events_clerk_id_clerks"}


def test_without_the_plain_keys_an_id_that_exists_nowhere_is_still_refused(province: Province,  # noqa: F811
                                                                          ticket_of_office_2: int) -> None:
    """Migration 0022 drops the plain keys the office-scoped ones imply: the owner (no row-level security)
    still cannot write a service, counter, clerk or office that does not exist into a ticket or an event."""
    with psql(province.url) as conn:
        names = {r[0] for r in conn.execute("SELECT conname FROM pg_constraint WHERE contype = 'f' "
                                            "AND conrelid IN ('tickets'::regclass, 'events'::regclass)")}
    assert not names & IMPLIED, names & IMPLIED
    assert {"fk_events_office_id_offices", "fk_events_ticket_id_tickets", "fk_tickets_booking_id_bookings"} <= names
    tid, nowhere = ticket_of_office_2, 987_654
    for statement in (*(f"UPDATE tickets SET {column} = {nowhere} WHERE id = {tid}" for column in (
                          "service_id", "number_service_id", "counter_id", "target_counter_id", "clerk_id")),
                      f"UPDATE tickets SET office_id = {nowhere} WHERE id = {tid}",
                      *(f"INSERT INTO events (office_id, at, kind, ticket_id, {column}) VALUES (2, now(), 'called', "
                        f"{tid}, {nowhere})" for column in ("counter_id", "clerk_id"))):
        assert refused(province, None, statement) == FOREIGN_KEY_VIOLATION, statement


def test_0022_down_and_up(pg_url: str) -> None:
    """Down to 0021 the plain keys are back (validated); up, gone again."""
    from alembic import command

    from common.store.db import alembic_config, connect

    def plain_keys() -> set[str]:
        with psql(pg_url) as conn:
            return {r[0] for r in conn.execute("SELECT conname FROM pg_constraint WHERE contype = 'f' AND convalidated "
                                               "AND conrelid IN ('tickets'::regclass, 'events'::regclass)")} & IMPLIED

    db = connect(pg_url)
    cfg = alembic_config(db)
    try:
        assert plain_keys() == set()
        command.downgrade(cfg, "0021")
        assert plain_keys() == IMPLIED
    finally:
        command.upgrade(cfg, "head")
        db.engine.dispose()
    assert plain_keys() == set()
