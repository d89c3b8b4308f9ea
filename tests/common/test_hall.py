"""Store.issue_ticket with the hall-wide forecast on (common/store/hall.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.estimate import NO_COUNTER
from common.planning.forecast import Method, Waiting
from common.store import Store
from common.store.bootstrap import store_for
from common.store.db import connect
from common.store.hall import NEW_TICKET_ID, hall_state
from common.store.orm import TicketRow
from tests.common.test_roles import Office, office_pg  # noqa: F401 (the roles fixture)
from tests.conftest import MORNING, TZ


@pytest.fixture
def hall(db_url: str, clock: ManualClock, example_config: AppConfig) -> Iterator[Store]:
    st = Store(connect(db_url), clock, TZ, hall_forecast=True)
    st.load_office(example_config.office)
    yield st
    st.db.engine.dispose()


def columns(store: Store, ticket_id: int) -> tuple[int | None, int | None, int | None, str | None, int]:
    with store.transaction(readonly=True) as tx:
        row = tx.session.get(TicketRow, ticket_id)
        assert row is not None
        return row.forecast_p10_s, row.forecast_p50_s, row.forecast_p90_s, row.estimate_method, row.estimated_wait_s


def serve(store: Store, clock: ManualClock, counter: int, clerk: str, seconds: int) -> None:
    store.call_next(counter, clerk)
    store.start_service(counter, clerk)
    clock.advance(seconds)
    store.finish_service(counter, clerk)


def test_issue_ticket_stores_the_quantiles_and_prints_the_median(hall: Store, clock: ManualClock) -> None:
    # TP is served by counters 1, 2 and 8 (the example office); 1 and 2 open, both busy, 4 waiting.
    hall.sign_in(1, "lan")
    hall.sign_in(2, "hoa")
    for seconds in (300, 420, 360):
        hall.issue_ticket("TP")
        serve(hall, clock, 1, "lan", seconds)
    for _ in range(6):
        hall.issue_ticket("TP")
    hall.call_next(1, "lan")
    hall.call_next(2, "hoa")
    clock.advance(60)
    ticket = hall.issue_ticket("TP").ticket
    p10, p50, p90, method, printed = columns(hall, ticket.id)
    assert method == Method.FORECAST.value
    assert p10 is not None and p50 is not None and p90 is not None
    assert 0 < p10 <= p50 <= p90
    assert printed == p50 == ticket.estimated_wait_seconds
    # Five ahead on two counters at ~7–8 min each: about three services' time, not zero and not an hour.
    assert 600 < p50 < 2400


def test_with_no_counter_open_no_wait_is_promised_and_the_ticket_is_marked(hall: Store) -> None:
    # common.core.estimate.NO_COUNTER: the kiosk, slip and phone page say no counter is open; the formula's
    # figure (as if TP's three counters opened at once) stays stored for the record only.
    ticket = hall.issue_ticket("TP").ticket
    assert columns(hall, ticket.id) == (None, None, None, NO_COUNTER, 160)  # 8 min ÷ 3 counters
    assert ticket.no_counter_open


def test_without_the_forecast_nothing_is_stored(store: Store) -> None:
    store.sign_in(1, "lan")
    ticket = store.issue_ticket("TP").ticket
    assert columns(store, ticket.id) == (None, None, None, None, 0)


def test_the_hall_state_is_the_store_s_queue(hall: Store, clock: ManualClock) -> None:
    hall.sign_in(1, "lan")
    hall.issue_ticket("TP")
    hall.issue_ticket("CT")
    hall.call_next(1, "lan")
    clock.advance(90)
    last = hall.issue_ticket("TP", "elderly").ticket
    coming = Waiting(NEW_TICKET_ID, "TP", False, clock.now())  # the ticket being issued joins at the back
    with hall.transaction(readonly=True) as tx:
        state = hall_state(tx, coming)
    assert state.ticket is coming
    assert {w.id for w in state.waiting} == {NEW_TICKET_ID, *(t.id for t in hall.snapshot().waiting)}
    assert last.id in {w.id for w in state.waiting if w.priority}
    desk = next(d for d in state.desks if d.number == 1)
    assert (desk.state.value, desk.current_service, desk.current_elapsed_s) == ("open", "TP", 90.0)
    assert {a.service for a in state.arrivals} == {"TP", "CT"}
    tp = next(a for a in state.arrivals if a.service == "TP")
    assert tp.priority_share == pytest.approx(0.5)


def test_the_rate_ahead_comes_from_the_past_days_at_this_time_of_day(hall: Store, clock: ManualClock) -> None:
    # Yesterday (08:00 local is MORNING): 9 TP between 07:40 and 08:40, 3 of them priority, and 5 at 10:00,
    # outside the window 07:30–09:00. TP is open 07:30–11:30, so the window is 90 minutes of opening time.
    clock.set(MORNING - timedelta(days=1, minutes=20))
    for i in range(9):
        hall.issue_ticket("TP", "elderly" if i % 3 == 0 else None)
        clock.advance(400)
    clock.set(MORNING - timedelta(days=1) + timedelta(hours=2))
    for _ in range(5):
        hall.issue_ticket("CT")
    clock.set(MORNING)
    coming = Waiting(NEW_TICKET_ID, "TP", False, clock.now())
    with hall.transaction(readonly=True) as tx:
        state = hall_state(tx, coming)
    (tp,) = state.arrivals  # nothing today yet and no CT in the window: TP alone, from yesterday's 9
    assert (tp.service, tp.per_hour, tp.priority_share) == ("TP", pytest.approx(6.0), pytest.approx(1 / 3))
    assert tp.until_s == pytest.approx(3.5 * 3600)  # closes at 11:30


def test_the_profile_counts_only_the_opening_time_in_its_window(hall: Store, clock: ManualClock) -> None:
    # At 11:00 the window is 10:30–12:00, but TP closes at 11:30: an hour of opening time, not ninety minutes.
    clock.set(MORNING - timedelta(days=1) + timedelta(hours=2, minutes=40))
    for _ in range(4):
        hall.issue_ticket("TP")
        clock.advance(600)
    clock.set(MORNING + timedelta(hours=3))
    with hall.transaction(readonly=True) as tx:
        (tp,) = hall_state(tx, Waiting(NEW_TICKET_ID, "TP", False, clock.now())).arrivals
    assert (tp.per_hour, tp.until_s) == (pytest.approx(4.0), pytest.approx(1800.0))


def test_the_apps_store_prints_the_forecast(sqlite_url: str, example_config: AppConfig) -> None:
    assert store_for(example_config, sqlite_url).hall_forecast


def test_the_kiosk_issues_off_the_gui_thread() -> None:
    # The kiosk's tap hands issue_ticket to its worker (kiosk/window.py), never calls it on the GUI thread.
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "kiosk" / "window.py").read_text(encoding="utf-8")
    assert 'self.runner.submit("issue", self.store.issue_ticket' in source
    with_store = [line for line in source.splitlines() if "store.issue_ticket(" in line and "submit" not in line]
    assert with_store == []



@pytest.mark.postgres
def test_the_kiosk_role_may_write_the_forecast(office_pg: Office, clock: ManualClock) -> None:  # noqa: F811
    # roles.sql grants the kiosk UPDATE on exactly the columns issue_ticket writes after the insert.
    counter = Store(connect(office_pg.url_as("counter")), clock, TZ)
    counter.sign_in(1, "lan")
    kiosk = Store(connect(office_pg.url_as("kiosk")), clock, TZ, hall_forecast=True)
    kiosk.issue_ticket("TP")
    counter.call_next(1, "lan")
    ticket = kiosk.issue_ticket("TP").ticket
    owner = Store(connect(office_pg.url), clock, TZ)
    _, p50, _, method, printed = columns(owner, ticket.id)
    assert method == Method.FORECAST.value and p50 == printed == ticket.estimated_wait_seconds
    for st in (counter, kiosk, owner):
        st.db.engine.dispose()


def test_the_forecast_reads_the_hall_in_five_statements(hall: Store, clock: ManualClock) -> None:
    hall.sign_in(1, "lan")
    hall.sign_in(2, "hoa")
    for _ in range(4):
        hall.issue_ticket("TP")
    hall.call_next(1, "lan")
    plain = Store(hall.db, hall.clock, hall.tz)
    plain.issue_ticket("TP")  # its catalog (services, counters, clerks) loaded before counting
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(hall.db.engine, "before_cursor_execute", count)
    try:
        plain.issue_ticket("TP")
        without = len(statements)
        statements.clear()
        hall.issue_ticket("TP")
    finally:
        event.remove(hall.db.engine, "before_cursor_execute", count)
    # PostgreSQL: the plain issue is one statement (lean.issue_one_statement); the forecast's issue reads
    # and inserts in two, as the plain one did before, then adds the hall's five.
    if not hall.db.is_sqlite:
        assert without == 1
        without = 2
    assert len(statements) - without == 5, [" ".join(s.split())[:60] for s in statements]


def test_a_failing_forecast_still_issues_the_ticket(hall: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("common.store.hall.forecast", broken)
    hall.sign_in(1, "lan")
    hall.issue_ticket("TP")
    ticket = hall.issue_ticket("TP").ticket
    assert columns(hall, ticket.id) == (None, None, None, Method.FORMULA.value, ticket.estimated_wait_seconds)
    assert ticket.estimated_wait_seconds == 960  # the formula: (1 + 1) × 8 min ÷ 1 open counter
