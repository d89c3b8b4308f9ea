"""The sample history's bookings (the screenshots' and the demo's Lịch hẹn tab): written in bulk behind the
engine's booked tickets, as the bookings read and the store's own check-in would count them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from common.planning.booked import BookingMix
from common.planning.simulate import fill_history
from common.store import Store
from common.store.bulk import insert_sample_bookings
from common.store.orm import BookingRow, BookingSlotRow, TicketRow

END = date(2026, 3, 7)  # a Saturday: the five working days before it are Monday to Friday


def test_every_booked_ticket_has_its_checked_in_booking_and_a_tenth_never_came(store: Store) -> None:
    plan = store.appointment_plan()
    history = fill_history(store, 5, end=END, scale=0.9, bookings=BookingMix.for_plan(plan, 0.35, 0.1))
    shown, missed = insert_sample_bookings(store, history.days[0], history.days[-1], no_show=0.1, seed=19)
    assert shown > 20 and missed == round(shown * 0.1 / 0.9)

    report = store.views.bookings(history.days[0], history.days[-1])
    assert report.total.bookings == shown + missed
    assert report.total.checked_in == shown and report.total.no_shows == missed
    assert report.total.booked_waits == shown  # every booked ticket was called: a wait with a booking
    assert 0 < report.total.utilisation_pct < 100

    with store.transaction(readonly=True) as tx:
        s = tx.session
        booked = dict(s.execute(select(TicketRow.id, TicketRow.issued_at).where(TicketRow.booked.is_(True))).all())
        bookings = s.execute(select(BookingRow.ticket_id, BookingRow.slot_start, BookingRow.state,
                                    BookingRow.slot_id)).all()
        slots = {i: (taken, capacity) for i, taken, capacity in
                 s.execute(select(BookingSlotRow.id, BookingSlotRow.taken, BookingSlotRow.capacity))}
    linked = {ticket: start for ticket, start, state, _ in bookings if state == "checked_in"}
    assert set(linked) == set(booked)
    for ticket, start in linked.items():  # issued within its slot's check-in window, as Store.check_in allows
        assert plan.window(start)[0] <= booked[ticket] <= plan.window(start)[1]
    assert all(ticket is None for ticket, _, state, _ in bookings if state == "no_show")
    per_slot: dict[int, int] = {}
    for *_, slot_id in bookings:
        per_slot[slot_id] = per_slot.get(slot_id, 0) + 1
    assert per_slot == {i: taken for i, (taken, _) in slots.items()}
    assert all(taken <= capacity for taken, capacity in slots.values())

    # again over the same days (the demo's --history twice): the slots already held are left as they are
    assert insert_sample_bookings(store, history.days[0], history.days[-1], no_show=0.1, seed=19) == (0, 0)
