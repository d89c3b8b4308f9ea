"""The order call_next uses, as properties over plain values (no database)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from common.core.rules import Ordering, call_key, call_order, next_to_call, serves

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SERVICES = ("TP", "CT", "DD", "XD")


@dataclass(frozen=True)
class Waiting:
    id: int
    priority: bool
    service: str
    queued_at: datetime
    target_counter: int | None
    booked: bool = False  # a booking checked in within its window (issue 19)


@dataclass(frozen=True)
class Desk:
    number: int
    services: tuple[str, ...]
    ordering: Ordering
    booked_first: bool = True  # the office's [appointments] order


def waiting_lists() -> st.SearchStrategy[list[Waiting]]:
    one = st.tuples(st.booleans(), st.sampled_from(SERVICES), st.integers(0, 30),
                    st.sampled_from([None, None, None, 1, 2]), st.booleans())
    return st.lists(one, max_size=25).map(lambda rows: [
        Waiting(i + 1, p, s, T0 + timedelta(minutes=m), target, b and not p)
        for i, (p, s, m, target, b) in enumerate(rows)])


desks = st.builds(
    Desk, st.sampled_from([1, 2]),
    st.lists(st.sampled_from(SERVICES), min_size=1, max_size=4, unique=True).map(tuple),
    st.sampled_from(list(Ordering)), st.booleans())


@given(desks, waiting_lists(), st.randoms())
def test_the_order_is_total_and_ignores_the_input_order(desk: Desk, waiting: list[Waiting],
                                                        rnd: random.Random) -> None:
    order = call_order(desk, waiting)
    shuffled = list(waiting)
    rnd.shuffle(shuffled)
    assert call_order(desk, shuffled) == order
    assert {t.id for t in order} == {t.id for t in waiting if serves(desk, t)}
    assert next_to_call(desk, shuffled) == (order[0] if order else None)


@given(desks, waiting_lists())
def test_only_tickets_for_this_counter(desk: Desk, waiting: list[Waiting]) -> None:
    for t in call_order(desk, waiting):
        assert t.target_counter == desk.number or (t.target_counter is None and t.service in desk.services)


@given(desks, waiting_lists())
def test_priority_first_then_as_the_counter_orders(desk: Desk, waiting: list[Waiting]) -> None:
    order = call_order(desk, waiting)
    flags = [t.priority for t in order]
    assert flags == sorted(flags, reverse=True)  # every priority ticket before every other
    if desk.booked_first:  # then every checked-in booking before every walk-in
        booked = [t.booked for t in order if not t.priority]
        assert booked == sorted(booked, reverse=True)
    for a, b in itertools.pairwise(order):
        if a.priority != b.priority or (desk.booked_first and a.booked != b.booked):
            continue
        if desk.ordering == Ordering.OLDEST_FIRST:
            assert (a.queued_at, a.id) < (b.queued_at, b.id)
        else:
            rank = [-1 if t.target_counter == desk.number else desk.services.index(t.service) for t in (a, b)]
            assert rank[0] < rank[1] or (rank[0] == rank[1] and (a.queued_at, a.id) < (b.queued_at, b.id))


def test_strict_calls_a_transfer_to_this_counter_before_its_first_service() -> None:
    desk = Desk(3, ("DD", "XD"), Ordering.STRICT)
    dd = Waiting(1, False, "DD", T0, None)
    moved = Waiting(2, False, "TP", T0 + timedelta(minutes=5), 3)
    xd_priority = Waiting(3, True, "XD", T0 + timedelta(minutes=9), None)
    assert call_order(desk, [dd, moved, xd_priority]) == [xd_priority, moved, dd]
    oldest = Desk(3, ("DD", "XD"), Ordering.OLDEST_FIRST)
    assert call_order(oldest, [dd, moved, xd_priority]) == [xd_priority, dd, moved]
    assert call_key(desk, moved) < call_key(desk, dd)


def test_a_booking_comes_after_priority_and_before_walk_ins_unless_the_office_says_otherwise() -> None:
    walk_in = Waiting(1, False, "TP", T0, None)
    booked = Waiting(2, False, "TP", T0 + timedelta(minutes=5), None, booked=True)
    elder = Waiting(3, True, "TP", T0 + timedelta(minutes=9), None)
    assert call_order(Desk(1, ("TP",), Ordering.OLDEST_FIRST), [walk_in, booked, elder]) == [elder, booked, walk_in]
    with_walkins = Desk(1, ("TP",), Ordering.OLDEST_FIRST, booked_first=False)
    assert call_order(with_walkins, [walk_in, booked, elder]) == [elder, walk_in, booked]
