"""Appointments (issue 19) on a real SQLite file and a real PostgreSQL: slots, booking, check-in, the order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from common.config import AppConfig
from common.core.bookings import AppointmentPlan, BookingOrder, BookingRefused, BookingState, ServicePlan
from common.core.clock import ManualClock
from common.store import Store
from common.store.bookings import address_key, contact_key
from common.store.db import connect
from tests.conftest import TZ

WED = date(2026, 11, 25)  # the conftest clock's day, 08:00 local
PLAN = AppointmentPlan(
    early_minutes=15, late_minutes=10, max_active_per_contact=2, closed_dates=(date(2026, 11, 27),),
    services={"TP": ServicePlan("TP", slot_minutes=15, capacity=2, weekdays=(1, 2, 3, 4, 5),
                                hours=((time(7, 30), time(11, 0)), (time(13, 30), time(16, 30))),
                                ahead_days=14, remote_number=True)})


def at(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), TZ)


@pytest.fixture
def booking_store(db_url: str, clock: ManualClock, example_config: AppConfig) -> Iterator[Store]:
    st = Store(connect(db_url), clock, TZ)
    st.load_office(replace(example_config.office, appointments=PLAN))
    yield st
    st.db.engine.dispose()


def test_days_and_slots_follow_the_plan(booking_store: Store) -> None:
    days = booking_store.booking_days("TP")
    assert days[0] == WED
    assert date(2026, 11, 27) not in days  # the holiday
    assert date(2026, 11, 28) not in days and date(2026, 11, 29) not in days  # the weekend
    assert days[-1] <= WED + timedelta(days=14)
    slots = booking_store.booking_slots("TP", WED)
    # 08:00 now: the 07:30 and 07:45 slots are over; 08:00 has started, so 08:15 is the first to come.
    assert slots[0].start == at(WED, 8, 15)
    assert slots[0].end - slots[0].start == timedelta(minutes=15) and slots[0].free == 2
    assert slots[-1].start == at(WED, 16, 15)
    assert booking_store.booking_slots("TP", date(2026, 11, 27)) == []
    assert booking_store.booking_days("CT") == []  # no section: no bookings


def test_capacity_cancel_and_rebook(booking_store: Store) -> None:
    slot = at(WED, 9, 0)
    a = booking_store.book("TP", slot, "0912 345 678")
    b = booking_store.book("TP", slot, None)
    assert len(a.code) == 8 and a.code != b.code and a.state == BookingState.BOOKED
    assert a.contact == "0912345678"
    with pytest.raises(BookingRefused) as full:
        booking_store.book("TP", slot, None)
    assert full.value.reason == "full" and "09:00" in str(full.value)
    assert booking_store.booking_slots("TP", WED)[3].taken == 2  # 08:15, 08:30, 08:45, 09:00
    booking_store.cancel_booking(b.code.lower())  # case does not matter
    assert booking_store.booking(b.code).state == BookingState.CANCELLED  # type: ignore[union-attr]
    c = booking_store.book("TP", slot, None)  # the place came back
    moved = booking_store.rebook(c.code, at(WED, 10, 0))
    assert moved.code == c.code and moved.slot_start == at(WED, 10, 0)
    booking_store.book("TP", slot, None)  # and the rebook freed it again
    with pytest.raises(BookingRefused) as again:
        booking_store.cancel_booking(b.code)
    assert again.value.reason == "cancelled"
    assert booking_store.booking("NOSUCHCD") is None


@pytest.mark.parametrize(("when", "reason"), [
    (at(WED, 7, 45), "past"), (at(date(2026, 11, 27), 9, 0), "closed"), (at(WED, 9, 5), "closed"),
    (at(WED, 12, 0), "closed"), (at(WED + timedelta(days=21), 9, 0), "too_far")])
def test_refusals(booking_store: Store, when: datetime, reason: str) -> None:
    with pytest.raises(BookingRefused) as refused:
        booking_store.book("TP", when, None)
    assert refused.value.reason == reason


def test_active_bookings_per_contact_are_capped(booking_store: Store) -> None:
    booking_store.book("TP", at(WED, 9, 0), "0912345678")
    booking_store.book("TP", at(WED, 9, 15), "+84 912 345 678")  # the same phone written otherwise
    with pytest.raises(BookingRefused) as refused:
        booking_store.book("TP", at(WED, 9, 30), "0912-345-678")
    assert refused.value.reason == "too_many"
    booking_store.book("TP", at(WED, 9, 30), "other@example.vn")


def test_check_in_window_and_the_call_order(booking_store: Store, clock: ManualClock) -> None:
    walk_in = booking_store.issue_ticket("TP").ticket
    booked = booking_store.book("TP", at(WED, 8, 30), None)
    late = booking_store.book("TP", at(WED, 8, 15), None)
    with pytest.raises(BookingRefused) as early:
        booking_store.check_in(booked.code)  # 08:00: the window opens at 08:15
    assert early.value.reason == "early" and "08:15" in str(early.value)
    clock.set(at(WED, 8, 20))
    done = booking_store.check_in(booked.code)
    assert done.on_time and done.ticket.booked and done.ticket.booking_code == booked.code
    assert done.booking.state == BookingState.CHECKED_IN and done.booking.ticket_code == done.ticket.code
    assert done.ticket.people_ahead == 0  # called before the walk-in already waiting
    with pytest.raises(BookingRefused) as twice:
        booking_store.check_in(booked.code)
    assert twice.value.reason == "already" and done.ticket.code in str(twice.value)
    clock.set(at(WED, 8, 26))  # 11 minutes after 08:15: past the window
    normal = booking_store.check_in(f"http://office.example/b/{late.code}")  # a QR holding a URL
    assert not normal.on_time and not normal.ticket.booked and "08:15" in normal.reason_vi
    elder = booking_store.issue_ticket("TP", "elderly").ticket
    booking_store.sign_in(1, "lan")
    codes = []
    for _ in range(4):
        ticket = booking_store.call_next(1, "lan")
        assert ticket is not None
        codes.append(ticket.code)
        booking_store.start_service(1, "lan")
        booking_store.finish_service(1, "lan")
    assert codes == [elder.code, done.ticket.code, walk_in.code, normal.ticket.code]


def test_with_walkins_order_ranks_bookings_by_queue_time(db_url: str, clock: ManualClock,
                                                         example_config: AppConfig) -> None:
    st = Store(connect(db_url), clock, TZ)
    st.load_office(replace(example_config.office, appointments=replace(PLAN, order=BookingOrder.WITH_WALKINS)))
    try:
        walk_in = st.issue_ticket("TP").ticket
        b = st.book("TP", at(WED, 8, 15), None)
        booked = st.check_in(b.code).ticket
        assert booked.booked
        st.sign_in(1, "lan")
        first = st.call_next(1, "lan")
        assert first is not None and first.code == walk_in.code
    finally:
        st.db.engine.dispose()


def test_other_day_unknown_and_no_show(booking_store: Store, clock: ManualClock) -> None:
    tomorrow = booking_store.book("TP", at(WED + timedelta(days=1), 9, 0), None)
    with pytest.raises(BookingRefused) as other:
        booking_store.check_in(tomorrow.code)
    assert other.value.reason == "other_day"
    with pytest.raises(BookingRefused) as unknown:
        booking_store.check_in("ZZZZZZZZ")
    assert unknown.value.reason == "unknown" and "ZZZZZZZZ" in str(unknown.value)
    today = booking_store.book("TP", at(WED, 9, 0), None)
    clock.set(at(WED, 9, 14))
    assert booking_store.expire_bookings() == 0  # the slot has not ended
    clock.set(at(WED, 9, 15))
    assert booking_store.expire_bookings() == 1
    assert booking_store.booking(today.code).state == BookingState.NO_SHOW  # type: ignore[union-attr]
    came = booking_store.check_in(today.code)  # came after all, the same day: a normal ticket
    assert not came.on_time and not came.ticket.booked
    assert [b.code for b in booking_store.bookings_for_day(WED, ["TP"])] == [today.code]


def test_a_plan_change_lists_the_bookings_it_leaves_out(booking_store: Store, example_config: AppConfig) -> None:
    kept = booking_store.book("TP", at(WED, 9, 0), "0912345678")
    friday = booking_store.book("TP", at(WED + timedelta(days=1), 14, 0), None)
    assert booking_store.bookings_outside_plan() == []
    afternoon_off = replace(PLAN.services["TP"], hours=((time(7, 30), time(11, 0)),))
    new_plan = replace(PLAN, services={"TP": afternoon_off})
    booking_store.load_office(replace(example_config.office, appointments=new_plan))
    left = booking_store.bookings_outside_plan()
    assert [b.code for b in left] == [friday.code]
    assert booking_store.booking(kept.code) is not None  # nothing is dropped


def test_remote_number_one_active_per_device(booking_store: Store) -> None:
    first = booking_store.issue_remote_ticket("TP", "phone-1")
    assert first.ticket.code.startswith("A")
    kiosk = booking_store.issue_ticket("TP").ticket
    assert int(kiosk.code[1:]) == int(first.ticket.code[1:]) + 1  # the same numbering
    with pytest.raises(BookingRefused) as again:
        booking_store.issue_remote_ticket("TP", "phone-1")
    assert again.value.reason == "one_active" and first.ticket.code in str(again.value)
    booking_store.issue_remote_ticket("TP", "phone-2")
    with pytest.raises(BookingRefused) as off:
        booking_store.issue_remote_ticket("CT", "phone-3")
    assert off.value.reason == "remote_off"
    booking_store.cancel(first.ticket.code, "lan")
    booking_store.issue_remote_ticket("TP", "phone-1")  # the first is no longer active


def test_the_board_and_the_phone_status_carry_booked(booking_store: Store, clock: ManualClock) -> None:
    walk_in = booking_store.issue_ticket("TP").ticket
    done = booking_store.check_in(booking_store.book("TP", at(WED, 8, 15), None).code)
    statuses = booking_store.views.statuses()
    mine = statuses[done.ticket.token]  # type: ignore[index]
    assert mine.booked and mine.booking_code == done.booking.code and mine.people_ahead == 0
    assert statuses[walk_in.token].people_ahead == 1 and not statuses[walk_in.token].booked  # type: ignore[index]
    booking_store.sign_in(1, "lan")
    booking_store.call_next(1, "lan")
    board = booking_store.views.board()
    assert board.calls[0].ticket == done.ticket.code and board.calls[0].booked
    assert next(c for c in board.counters if c.number == 1).serving_booked


def test_reserved_share_limits_the_places(booking_store: Store, example_config: AppConfig) -> None:
    """reserved_share: a slot offers at most that share of the service's counters' time, at the usual service
    time. TP has 3 counters (1, 2, 8) and the office's 8 minutes: 3 × 0.2 × 15 / 8 = 1.1 → one place of 4."""
    shared = replace(PLAN, services={"TP": replace(PLAN.services["TP"], capacity=4, reserved_share=0.2)})
    booking_store.load_office(replace(example_config.office, appointments=shared))
    assert booking_store.default_service_s == 8 * 60
    assert {s.capacity for s in booking_store.booking_slots("TP", WED)} == {1}
    booking_store.book("TP", at(WED, 9, 0), None)
    with pytest.raises(BookingRefused) as full:
        booking_store.book("TP", at(WED, 9, 0), None)
    assert full.value.reason == "full"
    # 3 × 0.1 × 15 / 8 = 0.56: no place at all, refused as full, not as a database error.
    tight = replace(PLAN, services={"TP": replace(PLAN.services["TP"], capacity=4, reserved_share=0.1)})
    booking_store.load_office(replace(example_config.office, appointments=tight))
    with pytest.raises(BookingRefused) as none:
        booking_store.book("TP", at(WED, 9, 30), None)
    assert none.value.reason == "full"
    assert booking_store.booking_slots("TP", WED)[0].free == 0


def test_places_in_the_core() -> None:
    sp = ServicePlan("TP", slot_minutes=15, capacity=4)
    assert sp.places(3, 8) == 4  # no share: the capacity
    assert replace(sp, reserved_share=0.5).places(3, 8) == 2  # 2.8 → 2
    assert replace(sp, reserved_share=1.0).places(3, 8) == 4  # the capacity still caps it
    assert replace(sp, reserved_share=0.2).places(0, 8) == 0  # no counter, no place


def test_the_address_key_is_a_phones_network_and_the_day() -> None:
    """An IPv6 phone picks its last 64 bits at will: its /64 is the address; an IPv4-mapped one is the IPv4."""
    day = date(2026, 11, 25)
    assert address_key("2001:db8:1:2::1", day) == address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", day)
    assert address_key("2001:db8:1:2::1", day) != address_key("2001:db8:1:3::1", day)
    assert address_key("::ffff:203.0.113.7", day) == address_key("203.0.113.7", day)
    assert address_key("203.0.113.7", day) != address_key("203.0.113.8", day)
    assert address_key("203.0.113.7", day) != address_key("203.0.113.7", day + timedelta(days=1))
    assert address_key("", day) is None and address_key(None, day) is None
    assert address_key("0912345678", day) != contact_key("0912345678")  # never a phone's count
