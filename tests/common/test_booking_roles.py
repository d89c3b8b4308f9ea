"""Appointments under the least-privilege roles of assets/postgres/roles.sql (issue 19), on a real PostgreSQL.

The status server (display role) books and gives phones a number; the kiosk checks a booking in
without reading the citizen's contact; the counter books for a caller and expires missed bookings.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from common.core.bookings import BookingRefused, BookingState
from common.core.clock import ManualClock
from tests.common import test_roles
from tests.common.test_roles import Office, as_role, refused
from tests.conftest import TZ

office_pg = test_roles.office_pg  # the roles fixture: this test's own roles, dropped afterwards

pytestmark = pytest.mark.postgres
SLOT = datetime(2026, 11, 25, 8, 15, tzinfo=TZ)  # the example office's TP plan; the clock is 08:00


def test_the_roles_book_check_in_and_expire(office_pg: Office, clock: ManualClock) -> None:
    display, kiosk, counter = (as_role(office_pg, app, clock) for app in ("display", "kiosk", "counter"))
    try:
        web = display.book("TP", SLOT, "0912 345 678")
        moved = display.rebook(web.code, datetime(2026, 11, 25, 8, 30, tzinfo=TZ), contact=False)
        assert moved.slot_start.hour == 1 and moved.contact is None  # 08:30 local is 01:30 UTC
        display.rebook(web.code, SLOT, contact=False)
        assert counter.booking(web.code).contact == "0912345678"  # type: ignore[union-attr]
        phone = display.issue_remote_ticket("TP", "phone-1")
        with pytest.raises(BookingRefused):
            display.issue_remote_ticket("TP", "phone-1")
        done = kiosk.check_in(web.code)
        assert done.on_time and done.ticket.booked and done.booking.contact is None
        assert int(done.ticket.code[1:]) == int(phone.ticket.code[1:]) + 1
        by_phone = counter.book("TP", datetime(2026, 11, 25, 9, 0, tzinfo=TZ), None, source="counter")
        clock.set(datetime(2026, 11, 25, 9, 15, tzinfo=TZ))
        assert counter.expire_bookings() == 1
        assert counter.booking(by_phone.code).state == BookingState.NO_SHOW  # type: ignore[union-attr]
        assert [b.code for b in counter.bookings_for_day(SLOT.date())] == [web.code, by_phone.code]
    finally:
        for store in (display, kiosk, counter):
            store.db.engine.dispose()


def test_the_status_server_caps_a_phone_without_reading_phones(office_pg: Office, clock: ManualClock) -> None:
    """The display role books (one statement, common.store.bookings.book_in_one, after a first transaction),
    and the cap on a phone's active bookings holds, counted by contact_key (migration 0016); it may not read
    the contact column, nor count by it."""
    display = as_role(office_pg, "display", clock)
    try:
        for minute in (15, 30):  # the example plan: two active bookings per contact
            display.book("TP", datetime(2026, 11, 25, 8, minute, tzinfo=TZ), "0912 345 678")
        with pytest.raises(BookingRefused) as caught:
            display.book("TP", datetime(2026, 11, 25, 8, 45, tzinfo=TZ), "0912.345.678")
        assert caught.value.reason == "too_many"
        assert display.book("TP", datetime(2026, 11, 25, 8, 45, tzinfo=TZ), "0987 654 321").contact == "0987654321"
    finally:
        display.db.engine.dispose()
    refused(office_pg, "display", "SELECT contact FROM bookings")
    refused(office_pg, "display", "SELECT count(*) FROM bookings WHERE contact = '0912345678'")


@pytest.mark.parametrize("statement", [
    "SELECT contact FROM bookings",  # personal data
    "UPDATE booking_slots SET taken = 0",  # places
    "UPDATE bookings SET contact = 'x'",
])
def test_the_kiosk_cannot_read_contacts_or_free_places(office_pg: Office, statement: str) -> None:
    refused(office_pg, "kiosk", statement)
