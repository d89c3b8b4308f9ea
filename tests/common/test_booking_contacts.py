"""The province role counts bookings but cannot read a citizen's contact (issue 19), on a real PostgreSQL.

The roles are test_offices' (roles.sql + offices.sql with this test's names); the checks are hand-written
SQL sent as the province role, so they hold for any client, not only for the store's queries.
"""

from __future__ import annotations

from datetime import datetime

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from common.core.clock import ManualClock
from common.store import Store
from common.store.db import connect
from tests.common import test_offices
from tests.common.test_offices import Province, as_role, psql, scalar
from tests.conftest import TZ

province = test_offices.province  # the fixture: this test's roles and a second office, dropped afterwards

pytestmark = pytest.mark.postgres
SLOT = datetime(2026, 11, 25, 8, 15, tzinfo=TZ)  # the example office's TP plan; the clock is 08:00


@pytest.mark.parametrize("statement", [
    "SELECT contact FROM bookings",
    "SELECT * FROM bookings",
    "SELECT count(*) FROM bookings WHERE contact = '0912345678'",  # not even by guessing a number
])
def test_the_province_cannot_read_booking_contacts(province: Province, clock: ManualClock, statement: str) -> None:
    display = as_role(province, province.groups["display"], clock)
    try:
        display.book("TP", SLOT, "0912 345 678")
    finally:
        display.db.engine.dispose()
    role = province.groups["province"]
    # It still counts the office's bookings, by state and slot, for its figures.
    assert scalar(province, role, "SELECT count(*) FROM bookings WHERE state = 'booked'") == 1
    assert scalar(province, role, "SELECT count(code) FROM bookings WHERE slot_start > '2026-11-24'") == 1
    engine = create_engine(province.url_as(role).replace("postgresql://", "postgresql+psycopg://"))
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
        assert getattr(caught.value.orig, "sqlstate", None) == "42501", statement
    finally:
        engine.dispose()
    # The office's own supervisor still reads it (the dashboard's "Lịch hẹn" tab calls the citizen).
    assert scalar(province, province.groups["supervisor"], "SELECT contact FROM bookings") == "0912345678"


def test_the_province_reads_the_bookings_figures(province: Province, clock: ManualClock) -> None:
    display = as_role(province, province.groups["display"], clock)
    whole = as_role(province, province.groups["province"], clock)
    try:
        display.book("TP", SLOT, "0912 345 678")
        report = whole.views.bookings(SLOT.date(), SLOT.date())  # the dashboard's "Lịch hẹn" tab, as the province
    finally:
        display.db.engine.dispose()
        whole.db.engine.dispose()
    assert report.total.bookings == 1


READS_CONTACTS = {"counter": True, "supervisor": True,  # they call the citizen
                  "display": False,  # it writes the contact and counts a phone's bookings by contact_key (0016)
                  "kiosk": False, "office_admin": False}  # a code checked in, an office set up: no phone needed


def test_each_role_of_an_office_reads_contacts_only_if_it_calls_citizens(province: Province,
                                                                          clock: ManualClock) -> None:
    """Tried as each role of office 2 (SET ROLE, as `[database] role` does) and as the province: the contact
    column is refused (42501) to the kiosk, the office admin and the province; the others read it."""
    display = Store(connect(province.url, role=province.office2["display"]), clock, TZ)
    try:
        display.book("TP", SLOT, "0912 345 678")
    finally:
        display.db.engine.dispose()
    tried = {**{province.office2[app]: reads for app, reads in READS_CONTACTS.items()},
             province.groups["province"]: False}
    for role, reads in tried.items():
        with psql(province.url) as conn:
            conn.execute(f'SET ROLE "{role}"')
            assert conn.execute("SELECT count(*) FROM bookings WHERE state = 'booked'").fetchone()[0] >= 1, role
            if reads:
                assert conn.execute("SELECT contact FROM bookings").fetchall() == [("0912345678",)], role
            else:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute("SELECT contact FROM bookings")
