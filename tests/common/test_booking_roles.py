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
        moved = display.rebook(web.code, datetime(2026, 11, 25, 8, 30, tzinfo=TZ))
        assert moved.slot_start.hour == 1 and moved.contact == "0912345678"  # 08:30 local is 01:30 UTC
        display.rebook(web.code, SLOT)
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


@pytest.mark.parametrize("statement", [
    "SELECT contact FROM bookings",  # personal data
    "UPDATE booking_slots SET taken = 0",  # places
    "UPDATE bookings SET contact = 'x'",
])
def test_the_kiosk_cannot_read_contacts_or_free_places(office_pg: Office, statement: str) -> None:
    refused(office_pg, "kiosk", statement)
