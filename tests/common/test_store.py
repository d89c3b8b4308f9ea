"""The queue engine's rules, each checked on a real SQLite file and a real PostgreSQL database.

The ``store`` fixture loads assets/office.example.toml on a ManualClock at 08:00
Asia/Ho_Chi_Minh (01:00 UTC) on Wednesday 2026-11-25. Counter 1 and 2 serve TP (A)
and CT (B) oldest first; counter 3 serves DD (C) then XD (E) strictly; counter 8
serves CT, TP, LD, BH, CA strictly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from common.config import OfficeSpec
from common.core.clock import ManualClock
from common.core.errors import AuthError, DomainError, NotFound
from common.core.model import CounterState, OpeningHours, PrintStatus, Role, Service, Ticket, TicketStatus
from common.store import Store

WED = date(2026, 11, 25)
THU = date(2026, 11, 26)
UTC_8AM = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
MIDNIGHT_UTC = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 00:00 Thursday in Hà Nội


# ---------------------------------------------------------------------- helpers
def sql(store: Store, query: str, **params: Any) -> list[tuple[Any, ...]]:
    with store.db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


def fingerprint(store: Store) -> tuple[Any, ...]:
    """Everything an operation could write: if this is unchanged, nothing was half-written."""
    return (
        sql(store, "SELECT count(*), max(id) FROM events"),
        sql(store, "SELECT * FROM tickets ORDER BY id"),
        sql(store, "SELECT id, state, clerk_id, session_id FROM counters ORDER BY id"),
        sql(store, "SELECT * FROM daily_numbers ORDER BY service_id, service_day"),
    )


def events_of(store: Store, ticket_id: int) -> list[tuple[str, str | None, str | None]]:
    return [(e.kind, e.from_status, e.to_status) for e in store.events_since(0) if e.ticket_id == ticket_id]


def serve(store: Store, counter: int, clerk: str) -> str | None:
    """Call, start and finish the next ticket at ``counter``; returns its code."""
    called = store.call_next(counter, clerk)
    if called is None:
        return None
    store.start_service(counter, clerk)
    store.finish_service(counter, clerk)
    return called.code


def issue(store: Store, clock: ManualClock, service: str, priority: str | None = None) -> int:
    """Issue a ticket, then let a minute pass so that the next one is strictly younger."""
    ticket_id = store.issue_ticket(service, priority).ticket.id
    clock.advance(60)
    return ticket_id


# ---------------------------------------------------------------------- numbering and the day
def test_numbers_count_up_per_service_and_each_ticket_has_its_own_id_and_token(store: Store) -> None:
    issued = [store.issue_ticket(s).ticket for s in ("TP", "TP", "CT", "TP")]
    assert [t.code for t in issued] == ["A001", "A002", "B001", "A003"]
    assert len({t.id for t in issued}) == 4
    tokens = {t.token for t in issued}
    assert len(tokens) == 4
    for token in tokens:
        assert token and len(token) >= 22  # 16 random bytes = 128 bits, base64url
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_numbering_restarts_at_local_midnight_and_yesterday_is_kept_then_expired(
        store: Store, clock: ManualClock) -> None:
    a1 = store.issue_ticket("TP").ticket
    store.issue_ticket("TP")
    clock.set(MIDNIGHT_UTC - timedelta(seconds=1))  # 23:59:59 Wednesday in Hà Nội, 16:59:59 UTC
    late = store.issue_ticket("TP", check_hours=False).ticket
    assert (late.code, late.service_day) == ("A003", WED)
    clock.set(MIDNIGHT_UTC)  # 00:00:00 Thursday in Hà Nội
    assert store.today == THU
    first = store.issue_ticket("TP", check_hours=False).ticket
    assert (first.code, first.service_day) == ("A001", THU)
    assert first.id != a1.id

    assert {t.status for t in store.tickets(WED, WED)} == {TicketStatus.WAITING}
    clock.advance(timedelta(hours=8))
    store.sign_in(1, "lan")  # the day's first sign-in closes earlier days
    wednesday = store.tickets(WED, WED)
    assert [t.code for t in wednesday] == ["A001", "A002", "A003"]
    assert {t.status for t in wednesday} == {TicketStatus.EXPIRED}
    assert {t.finished_at for t in wednesday} == {MIDNIGHT_UTC}  # they waited until the day closed
    assert [(e.kind, e.to_status) for e in store.events_since(0) if e.ticket_id == a1.id][-1] == (
        "expired", "expired")
    # An expired ticket of yesterday is never called today.
    assert store.call_next(1, "lan").code == "A001" and store.current_ticket(1).service_day == THU


def test_yesterdays_code_is_not_found_today(store: Store, clock: ManualClock) -> None:
    store.issue_ticket("TP")
    clock.advance(timedelta(days=1))
    with pytest.raises(NotFound):
        store.find_ticket("A001")


def test_daily_cap_refuses_with_nothing_written(store: Store) -> None:
    codes = [store.issue_ticket("XD").ticket.code for _ in range(60)]  # XD has daily_cap = 60
    assert codes[-1] == "E060" and len(set(codes)) == 60
    assert store.snapshot().service("XD").cap_reached
    before = fingerprint(store)
    for _ in range(2):
        with pytest.raises(DomainError, match="Đã hết số hôm nay") as err:
            store.issue_ticket("XD")
        assert err.value.en == "Construction permits: no more tickets today"
    assert fingerprint(store) == before
    assert store.issue_ticket("DD").ticket.code == "C001"  # other services are not capped


def test_number_range_runs_out(store: Store) -> None:
    tiny = Service("ZZ", "Z", "Thử", "Trial", number_min=7, number_max=8)
    store.load_office(OfficeSpec(services=(tiny,)))
    assert [store.issue_ticket("ZZ").ticket.code for _ in range(2)] == ["Z007", "Z008"]
    with pytest.raises(DomainError, match="Đã hết số hôm nay"):
        store.issue_ticket("ZZ")


@pytest.mark.parametrize("local", [
    datetime(2026, 11, 25, 12, 0),  # lunch
    datetime(2026, 11, 25, 7, 29, 59),  # before opening
    datetime(2026, 11, 25, 17, 0),  # closing time itself
    datetime(2026, 11, 29, 9, 0),  # Sunday
])
def test_closed_hours_are_refused(store: Store, clock: ManualClock, local: datetime) -> None:
    from tests.conftest import TZ

    clock.set(local.replace(tzinfo=TZ))
    before = fingerprint(store)
    with pytest.raises(DomainError, match="ngoài giờ tiếp nhận") as err:
        store.issue_ticket("TP")
    assert "closed now (open 07:30–11:30, 13:30–17:00)" in err.value.en
    assert fingerprint(store) == before
    assert store.issue_ticket("TP", check_hours=False).ticket.code == "A001"


def test_unknown_service_inactive_service_and_unknown_priority(store: Store) -> None:
    before = fingerprint(store)
    with pytest.raises(NotFound, match="Không có dịch vụ 'NOPE'"):
        store.issue_ticket("NOPE")
    with pytest.raises(NotFound, match="diện ưu tiên 'vip'"):
        store.issue_ticket("TP", "vip")
    assert fingerprint(store) == before
    store.load_office(OfficeSpec(services=(Service("OFF", "Q", "Tạm ngừng", "Paused", active=False),)))
    with pytest.raises(DomainError, match="đang tạm ngừng"):
        store.issue_ticket("OFF")


# ---------------------------------------------------------------------- call order
def test_oldest_first_counter_calls_priority_then_oldest_across_services(store: Store, clock: ManualClock) -> None:
    for service, priority in (("TP", None), ("CT", None), ("TP", None), ("CT", "elderly"), ("TP", "pregnant")):
        issue(store, clock, service, priority)
    order = [serve(store, 1, "lan") for _ in range(6)]
    assert order == ["B002", "A003", "A001", "B001", "A002", None]


def test_strict_counter_follows_its_service_order(store: Store, clock: ManualClock) -> None:
    issue(store, clock, "XD")  # E001, the oldest
    issue(store, clock, "DD")  # C001
    issue(store, clock, "DD")  # C002
    issue(store, clock, "XD", "disability")  # E002, priority
    assert serve(store, 3, "hoa") == "E002"  # priority before the service order
    assert serve(store, 3, "hoa") == "C001"  # counter 3 lists DD first
    assert serve(store, 5, "tuan") == "E001"  # counter 5 lists XD first
    assert serve(store, 5, "tuan") == "C002"


def test_a_counter_calls_only_its_own_services(store: Store) -> None:
    store.issue_ticket("KD")
    assert store.call_next(1, "lan") is None
    assert store.call_next(4, "minh").code == "D001"


def test_people_ahead_and_estimate_are_stored_on_the_ticket(store: Store, clock: ManualClock) -> None:
    # No counter open: TP is served by counters 1, 2 and 8; default service time 8 min.
    first = store.issue_ticket("TP").ticket
    second = store.issue_ticket("TP").ticket
    urgent = store.issue_ticket("TP", "elderly").ticket
    assert (first.people_ahead, first.estimated_wait_seconds) == (0, 160)
    assert (second.people_ahead, second.estimated_wait_seconds) == (1, 320)
    assert (urgent.people_ahead, urgent.estimated_wait_seconds) == (0, 160)
    assert store.people_ahead(second.id) == 2  # the priority ticket went ahead since
    assert store.ticket(second.id).people_ahead == 1  # ...but what the citizen was told is kept

    # Recent service times blend in: one 20-minute service at counter 1, the only one open, counts as
    # one of 30 services; the 8-minute default stands in for the other 29 until they have happened.
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    clock.advance(1200)
    store.finish_service(1, "lan")
    fourth = store.issue_ticket("TP").ticket
    assert (fourth.people_ahead, fourth.estimated_wait_seconds) == (2, 3 * (1200 + 29 * 480) // 30)


def serve_one(store: Store, clock: ManualClock, seconds: int) -> None:
    store.issue_ticket("TP", check_hours=False)
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    clock.advance(seconds)
    store.finish_service(1, "lan")


@pytest.mark.parametrize("history", [0, 30, 120])
def test_one_fast_service_does_not_collapse_a_20_minute_estimate(
        store: Store, clock: ManualClock, history: int) -> None:
    # Issue 13: one 8-second service once turned "khoảng 21 phút" into "khoảng 1 phút" for everyone.
    # Counter 1 is the only one open; the service's default is 8 minutes, its real services take 20.
    store.sign_in(1, "lan")
    for _ in range(history):
        serve_one(store, clock, 1200)
    for _ in range(3):
        store.issue_ticket("TP", check_hours=False)  # people waiting, so the estimate is not "no wait"
    before = per_citizen(store.issue_ticket("TP", check_hours=False).ticket)
    assert before >= (480 if history == 0 else 1200) * 0.99
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    clock.advance(2)
    store.finish_service(1, "lan")
    store.call_next(1, "lan")  # the counter is busy again, so the next ticket waits
    after = per_citizen(store.issue_ticket("TP", check_hours=False).ticket)
    assert abs(after - before) < 0.10 * before


def per_citizen(ticket: Ticket) -> float:
    """The service time the estimate assumed: one counter open, so wait = (ahead + 1) × mean."""
    assert ticket.people_ahead is not None and ticket.people_ahead > 0
    return ticket.estimated_wait_seconds / (ticket.people_ahead + 1)  # type: ignore[operator]


def test_a_free_open_counter_means_no_wait(store: Store) -> None:
    store.sign_in(1, "lan")
    assert store.issue_ticket("TP").ticket.estimated_wait_seconds == 0


# ---------------------------------------------------------------------- one ticket's life
def test_lifecycle_timestamps_measures_and_events(store: Store, clock: ManualClock) -> None:
    t = store.issue_ticket("TP").ticket
    assert t.issued_at == UTC_8AM and t.issued_at.utcoffset() == timedelta(0)
    clock.advance(300)
    called = store.call_next(1, "lan")
    assert (called.status, called.counter, called.clerk, called.wait_seconds) == (TicketStatus.CALLED, 1, "lan", 300)
    clock.advance(40)
    started = store.start_service(1, "lan")
    clock.advance(600)
    done = store.finish_service(1, "lan")
    assert started.started_at == UTC_8AM + timedelta(seconds=340)
    assert done.finished_at == UTC_8AM + timedelta(seconds=940) and done.status is TicketStatus.DONE
    for stamp in (done.issued_at, done.first_called_at, done.last_called_at, done.started_at, done.finished_at):
        assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)
    assert sql(store, "SELECT wait_s, walk_s, service_s FROM tickets WHERE id = :i", i=t.id) == [(300, 40, 600)]
    assert events_of(store, t.id) == [
        ("issued", None, "waiting"), ("called", "waiting", "called"),
        ("started", "called", "serving"), ("finished", "serving", "done")]
    assert store.current_ticket(1) is None


def test_timestamps_are_stored_in_utc(store: Store) -> None:
    store.issue_ticket("TP")
    if store.db.is_sqlite:
        (stored,) = sql(store, "SELECT issued_at FROM tickets")[0]
        assert str(stored).startswith("2026-11-25 01:00:00")
    else:
        assert sql(store, "SELECT issued_at AT TIME ZONE 'UTC' FROM tickets") == [(datetime(2026, 11, 25, 1, 0),)]


def test_call_starts_service_option(store: Store) -> None:
    store.issue_ticket("TP")
    eager = Store(store.db, store.clock, store.tz, call_starts_service=True)
    assert eager.call_next(1, "lan").status is TicketStatus.SERVING


def test_recall_counts_and_moves_last_call_but_not_the_wait(store: Store, clock: ManualClock) -> None:
    t = store.issue_ticket("TP").ticket
    clock.advance(300)
    store.call_next(1, "lan")
    clock.advance(60)
    store.recall(1, "lan")
    clock.advance(60)
    again = store.recall(1, "lan")
    assert again.recall_count == 2
    assert again.last_called_at == UTC_8AM + timedelta(seconds=420)
    assert again.called_at == again.first_called_at == UTC_8AM + timedelta(seconds=300)
    assert again.wait_seconds == 300
    assert [k for k, _, _ in events_of(store, t.id)].count("recalled") == 2
    assert [c.kind for c in store.recent_calls()] == ["recalled", "recalled", "called"]
    clock.advance(30)
    assert store.start_service(1, "lan").started_at == UTC_8AM + timedelta(seconds=450)
    assert sql(store, "SELECT walk_s FROM tickets WHERE id = :i", i=t.id) == [(30,)]  # from the last call


def test_no_show_then_called_again_the_last_call_counts(store: Store, clock: ManualClock) -> None:
    a1 = store.issue_ticket("TP").ticket
    store.issue_ticket("TP")
    clock.advance(300)
    store.call_next(1, "lan")
    clock.advance(120)
    assert store.mark_no_show(1, "lan").status is TicketStatus.NO_SHOW
    assert serve(store, 1, "lan") == "A002"  # the counter is free again
    assert store.call_next(1, "lan") is None  # a no-show is not called by call_next
    clock.advance(600)
    before = fingerprint(store)
    with pytest.raises(DomainError, match="Cần ghi lý do"):
        store.call_specific("A001", 1, "lan", "   ")
    assert fingerprint(store) == before
    back = store.call_specific("a001", 1, "lan", "came back from the photocopier")
    assert back.status is TicketStatus.CALLED
    assert back.first_called_at == UTC_8AM + timedelta(seconds=300)
    assert back.called_at == UTC_8AM + timedelta(seconds=1020)
    assert back.wait_seconds == 1020
    assert sql(store, "SELECT wait_s FROM tickets WHERE id = :i", i=a1.id) == [(1020,)]
    last = store.events_since(0)[-1]
    assert (last.kind, last.from_status, last.to_status) == ("called", "no_show", "called")
    assert json.loads(last.detail) == {"reason": "came back from the photocopier"}


def test_call_specific_out_of_order_and_by_token(store: Store) -> None:
    store.issue_ticket("TP")
    b1 = store.issue_ticket("CT").ticket
    called = store.call_specific(f"http://10.0.0.5:8080/t/{b1.token}", 2, "minh", "hearing aid, at the desk")
    assert (called.code, called.counter) == ("B001", 2)
    with pytest.raises(DomainError) as err:
        store.call_specific("B001", 1, "lan", "again")
    assert err.value.en == "B001 has already been called to counter 2"
    store.start_service(2, "minh")
    with pytest.raises(DomainError) as err:
        store.call_specific("B001", 1, "lan", "again")
    assert err.value.en == "B001 is already being served at counter 2"
    assert str(err.value) == "B001 đang được phục vụ tại quầy 2"
    with pytest.raises(NotFound):
        store.call_specific("Z999", 1, "lan", "typo")


def test_hold_and_resume(store: Store, clock: ManualClock) -> None:
    store.issue_ticket("TP")
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    started = store.start_service(1, "lan")
    held = store.hold(1, "lan")
    assert held.status is TicketStatus.ON_HOLD and held.counter == 1
    assert store.snapshot().counters[0].on_hold[0].code == "A001"
    assert serve(store, 1, "lan") == "A002"  # the counter serves others meanwhile
    with pytest.raises(DomainError, match="A001 không được giữ tại quầy 2"):
        store.resume("A001", 2, "minh")
    with pytest.raises(DomainError, match="đang được giữ tại quầy 1"):
        store.call_specific("A001", 2, "minh", "wrong counter")
    back = store.resume("A001", 1, "lan")
    assert back.status is TicketStatus.SERVING and back.started_at == started.started_at
    assert store.finish_service(1, "lan").status is TicketStatus.DONE
    kinds = [k for k, _, _ in events_of(store, back.id)]
    assert kinds == ["issued", "called", "started", "held", "resumed", "finished"]


def test_hold_a_called_ticket_resumes_as_called(store: Store) -> None:
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    store.hold(1, "lan")
    assert store.resume("A001", 1, "lan").status is TicketStatus.CALLED


def test_calling_a_held_ticket_whose_service_began_resumes_its_service(store: Store, clock: ManualClock) -> None:
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    started = store.start_service(1, "lan")
    store.hold(1, "lan")
    clock.advance(120)
    back = store.call_specific("A001", 1, "lan", "hồ sơ đã bổ sung")
    assert back.status is TicketStatus.SERVING and back.started_at == started.started_at
    store.finish_service(1, "lan")
    done = store.ticket(back.id)
    assert done.status is TicketStatus.DONE and done.started_at == started.started_at


def test_cancel(store: Store) -> None:
    store.issue_ticket("TP")
    store.issue_ticket("TP")
    cancelled = store.cancel("A001", "lan", "left the building")
    assert cancelled.status is TicketStatus.CANCELLED and cancelled.finished_at is not None
    assert store.call_next(1, "lan").code == "A002"
    store.start_service(1, "lan")
    before = fingerprint(store)
    with pytest.raises(DomainError, match="A001 đã bị huỷ"):
        store.cancel("A001", "lan")
    with pytest.raises(DomainError, match="A002 đang được phục vụ tại quầy 1"):
        store.cancel("A002", "lan")
    assert fingerprint(store) == before


# ---------------------------------------------------------------------- transfers
def test_transfer_to_a_service_keeps_the_place_and_starts_a_new_transaction(
        store: Store, clock: ManualClock) -> None:
    a1 = issue(store, clock, "TP")  # 08:00
    issue(store, clock, "CT")  # 08:01, B001
    issue(store, clock, "CT")  # 08:02, B002
    store.call_specific("A001", 1, "lan", "test")  # 08:03
    store.start_service(1, "lan")
    clock.advance(300)  # 08:08
    moved = store.transfer(1, "lan", to_service="CT")
    old = store.ticket(a1)
    assert old.status is TicketStatus.TRANSFERRED and old.finished_at == moved.issued_at
    assert (moved.code, moved.service, moved.status) == ("A001", "CT", TicketStatus.WAITING)
    assert moved.visit_id == a1 and moved.id != a1 and moved.token == old.token
    assert moved.queued_at == old.queued_at == UTC_8AM  # keeps the place of 08:00
    assert moved.issued_at == UTC_8AM + timedelta(seconds=480)  # ...but the new transaction starts now
    assert moved.people_ahead == 0
    assert store.find_ticket("A001").id == moved.id and store.ticket_by_token(old.token).id == moved.id
    assert events_of(store, moved.id) == [("transfer_queued", None, "waiting")]
    assert events_of(store, a1)[-1] == ("transferred", "serving", "transferred")
    clock.advance(120)
    recalled = store.call_next(2, "minh")
    assert recalled.id == moved.id  # ahead of B001 and B002, who came after 08:00
    assert recalled.wait_seconds == 120  # the new transaction's wait
    assert sql(store, "SELECT service_s FROM tickets WHERE id = :i", i=a1) == [(300,)]


def test_transfer_to_a_counter_is_called_only_there(store: Store, clock: ManualClock) -> None:
    issue(store, clock, "TP")
    store.call_next(1, "lan")
    moved = store.transfer(1, "lan", to_counter=8)
    assert (moved.target_counter, moved.service) == (8, "TP")
    assert store.call_next(2, "minh") is None
    assert store.call_next(1, "lan") is None
    called = store.call_next(8, "tuan")
    assert (called.code, called.counter, called.target_counter) == ("A001", 8, None)


def test_transfer_mistakes_write_nothing(store: Store) -> None:
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    before = fingerprint(store)
    with pytest.raises(DomainError, match="chính quầy này"):
        store.transfer(1, "lan", to_counter=1)
    with pytest.raises(NotFound, match="quầy số 99"):
        store.transfer(1, "lan", to_counter=99)
    with pytest.raises(NotFound, match="dịch vụ 'NOPE'"):
        store.transfer(1, "lan", to_service="NOPE")
    with pytest.raises(DomainError, match="Quầy 2 chưa gọi vé nào"):
        store.transfer(2, "minh", to_service="CT")
    assert fingerprint(store) == before


# ---------------------------------------------------------------------- invalid moves
INVALID_MOVES: list[tuple[str, Callable[[Store], object], str]] = [
    ("start with nobody called", lambda s: s.start_service(2, "minh"), "Counter 2 has no ticket"),
    ("finish before start", lambda s: s.finish_service(1, "lan"), "A001 has already been called to counter 1"),
    ("call while busy", lambda s: s.call_next(1, "lan"), "Counter 1 is still calling A001"),
    ("another clerk's counter", lambda s: s.call_next(1, "minh"), "Counter 1 is held by lan"),
    ("resume what is not held", lambda s: s.resume("A002", 2, "minh"), "A002 is not on hold at counter 2"),
    ("cancel a finished ticket", lambda s: s.cancel("B001", "lan"), "B001 has already been served"),
    ("call a finished ticket", lambda s: s.call_specific("B001", 2, "minh", "x"), "B001 has already been served"),
    ("unknown clerk", lambda s: s.call_next(2, "nobody"), "No clerk 'nobody'"),
    ("unknown counter", lambda s: s.call_next(42, "lan"), "No counter 42"),
    ("unknown ticket", lambda s: s.cancel("Q123", "lan"), "No ticket Q123"),
    ("sign out someone else", lambda s: s.sign_out(1, "minh"), "Counter 1 is held by lan"),
    ("break with a ticket", lambda s: s.set_counter_state(1, "lan", CounterState.BREAK), "Counter 1 still has"),
]


@pytest.mark.parametrize(("move", "en"), [(m, e) for _, m, e in INVALID_MOVES],
                         ids=[name for name, _, _ in INVALID_MOVES])
def test_invalid_moves_raise_a_clear_error_and_write_nothing(
        store: Store, move: Callable[[Store], object], en: str) -> None:
    store.issue_ticket("CT")
    serve(store, 1, "lan")  # B001 done
    store.issue_ticket("TP")
    store.issue_ticket("TP")
    store.call_next(1, "lan")  # A001 called at counter 1
    before = fingerprint(store)
    with pytest.raises(DomainError) as err:
        move(store)
    assert err.value.en.startswith(en)
    assert str(err.value) == err.value.vi and err.value.vi != err.value.en  # Vietnamese first
    assert fingerprint(store) == before


def test_recall_and_no_show_need_a_called_not_a_served_ticket(store: Store) -> None:
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    store.start_service(1, "lan")
    before = fingerprint(store)
    for move in (store.recall, store.mark_no_show, store.start_service):
        with pytest.raises(DomainError, match="A001 đang được phục vụ tại quầy 1"):
            move(1, "lan")
    assert fingerprint(store) == before


# ---------------------------------------------------------------------- the audit log
@pytest.mark.parametrize("statement", ["UPDATE events SET kind = 'forged'", "DELETE FROM events"])
def test_the_event_log_is_append_only(store: Store, statement: str) -> None:
    store.issue_ticket("TP")
    before = sql(store, "SELECT * FROM events ORDER BY id")
    with pytest.raises(DBAPIError, match="append-only"), store.db.engine.begin() as conn:
        conn.execute(text(statement))
    assert sql(store, "SELECT * FROM events ORDER BY id") == before


def test_every_event_names_who_where_when(store: Store, clock: ManualClock) -> None:
    store.issue_ticket("TP")
    clock.advance(90)
    store.call_next(1, "lan")
    called = store.events_since(0)[-1]
    assert (called.kind, called.ticket_code, called.counter, called.clerk) == ("called", "A001", 1, "lan")
    assert called.at == UTC_8AM + timedelta(seconds=90)


def test_close_day_expires_waiting_and_held_tickets(store: Store, clock: ManualClock) -> None:
    for _ in range(3):
        store.issue_ticket("TP")
    store.call_next(1, "lan")
    store.hold(1, "lan")
    clock.advance(3600)
    assert store.close_day() == 3
    statuses = [t.status for t in store.tickets(WED, WED)]
    assert statuses == [TicketStatus.EXPIRED] * 3
    assert sql(store, "SELECT wait_s FROM tickets ORDER BY id")[1:] == [(3600,), (3600,)]  # censored waits
    assert store.close_day() == 0


# ---------------------------------------------------------------------- clerks and counters
def test_sign_in_and_take_over(store: Store) -> None:
    first = store.sign_in(1, "lan")
    assert store.sign_in(1, "lan") != first  # every sign-in is a new session
    before = fingerprint(store)
    with pytest.raises(DomainError, match="Quầy 1 đang do lan sử dụng"):
        store.sign_in(1, "minh")
    assert fingerprint(store) == before
    store.sign_in(1, "minh", take_over=True)
    assert store.counters()[0].clerk == "minh"
    with pytest.raises(DomainError, match="Quầy 1 đang do minh sử dụng"):
        store.call_next(1, "lan")
    store.issue_ticket("TP")
    store.call_next(1, "minh")
    before = fingerprint(store)
    with pytest.raises(DomainError, match="minh còn vé A001 ở quầy 1"):
        store.sign_in(2, "minh")  # would strand the citizen at counter 1
    assert fingerprint(store) == before
    store.start_service(1, "minh")
    store.finish_service(1, "minh")
    store.sign_in(2, "minh")  # a clerk holds one counter: counter 1 closes
    states = {c.number: (c.state, c.clerk) for c in store.counters()}
    assert states[1] == (CounterState.CLOSED, None) and states[2] == (CounterState.OPEN, "minh")
    assert store.set_counter_state(2, "minh", CounterState.BREAK).state is CounterState.BREAK
    store.sign_out(2, "minh")
    assert store.counters()[1].state is CounterState.CLOSED


def test_authenticate_with_scrypt(store: Store) -> None:
    store.add_clerk("lan", "Nguyễn Thị Lan", Role.CLERK, "mật-khẩu 123")
    assert store.authenticate("lan", "mật-khẩu 123").full_name == "Nguyễn Thị Lan"
    (stored,) = sql(store, "SELECT password_hash FROM clerks WHERE username = 'lan'")[0]
    assert stored.startswith("scrypt$16384$8$1$") and "123" not in stored
    for user, password in (("lan", "mật-khẩu 124"), ("lan", ""), ("nobody", "x"), ("minh", "x")):
        with pytest.raises(AuthError, match="Sai tên đăng nhập hoặc mật khẩu"):
            store.authenticate(user, password, pc=user + password)  # minh has no password: cannot sign in
        store.clock.advance(60)  # type: ignore[attr-defined]  # past the back-off (tests/common/test_signin.py)
    store.add_clerk("lan", "Nguyễn Thị Lan", Role.SUPERVISOR, "mới")
    assert store.authenticate("lan", "mới").role is Role.SUPERVISOR
    with pytest.raises(AuthError):
        store.authenticate("lan", "mật-khẩu 123")


def test_load_office_is_idempotent_and_updates(store: Store, example_config: Any) -> None:
    before = sql(store, "SELECT * FROM services ORDER BY id"), sql(store, "SELECT * FROM counter_services "
                                                                           "ORDER BY counter_id, service_id")
    counts = store.load_office(example_config.office)
    assert counts == {"services": 8, "counters": 8, "clerks": 6}
    assert (sql(store, "SELECT * FROM services ORDER BY id"),
            sql(store, "SELECT * FROM counter_services ORDER BY counter_id, service_id")) == before
    renamed = Service("TP", "A", "Tư pháp", "Justice", hours=OpeningHours())
    store.load_office(OfficeSpec(services=(renamed,)))
    assert next(s for s in store.services() if s.code == "TP").name_vi == "Tư pháp"


def test_print_status_is_recorded(store: Store) -> None:
    t = store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket
    failed = store.set_print_status(t.id, PrintStatus.FAILED, "paper out")
    assert failed.print_status is PrintStatus.FAILED
    last = store.events_since(0)[-1]
    assert last.kind == "print_failed" and json.loads(last.detail) == {"from": "pending", "error": "paper out"}


def test_snapshot_counts_the_live_queue(store: Store, clock: ManualClock) -> None:
    issue(store, clock, "TP")
    issue(store, clock, "TP")
    issue(store, clock, "CT")
    store.call_next(1, "lan")
    snap = store.snapshot()
    assert (snap.service("TP").waiting, snap.service("CT").waiting, snap.service("TP").issued_today) == (1, 1, 2)
    assert snap.service("TP").longest_wait_seconds == 120 and snap.longest_wait_seconds == 120
    assert snap.service("TP").counters_open == 1
    assert snap.counters[0].current.code == "A001"
    assert [t.code for t in snap.waiting] == ["A002", "B001"]


def test_a_visit_transferred_after_midnight_expires_after_it_was_queued(store: Store, clock: ManualClock) -> None:
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    clock.advance(timedelta(hours=17))  # 01:00 the next day, the citizen still at counter 1
    moved = store.transfer(1, "lan", to_counter=2)
    assert store.close_day() == 1
    expired = store.ticket(moved.id)
    assert expired.status is TicketStatus.EXPIRED
    assert expired.issued_at <= expired.finished_at
