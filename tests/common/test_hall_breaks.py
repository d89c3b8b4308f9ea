"""Scheduled breaks end to end (issue 17): config → `setup load` → the store's hall read → the ticket's forecast."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from common.config import load_config
from common.core.clock import ManualClock
from common.core.model import CounterState
from common.planning.forecast import BREAK_S, Method, Waiting
from common.store import Store
from common.store.db import connect
from common.store.hall import NEW_TICKET_ID, SCHEDULE_SLACK_S, hall_state, scheduled_breaks
from common.store.orm import TicketRow
from tests.common.test_cli_commands import motcua, ok
from tests.conftest import EXAMPLE_OFFICE, MORNING, TZ

KD_COUNTER = 'name = "Quầy 4 – Kinh doanh"\n'  # KD's only counter in the example office (KD: 07:30-11:30, 13:30-17:00)


def office(tmp_path: Path, breaks: str | None, name: str = "office.toml") -> Path:
    text = EXAMPLE_OFFICE.read_text(encoding="utf-8")
    assert text.count(KD_COUNTER) == 1
    if breaks is not None:
        text = text.replace(KD_COUNTER, f"{KD_COUNTER}breaks = {breaks}\n")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def at(hh: int, mm: int) -> datetime:
    return MORNING.replace(hour=hh, minute=mm)


SCHEDULE = ((time(10), time(10, 15)), (time(15), time(15, 15)))


# ------------------------------------------------------------------ the schedule in the forecast's units


def test_a_break_ahead_is_seconds_from_now_in_office_time() -> None:
    now = at(9, 55).astimezone(UTC)  # 02:55 UTC: the stored instant; the schedule is 10:00 in Hà Nội
    elapsed, breaks = scheduled_breaks(now, TZ, CounterState.OPEN, at(7, 30), SCHEDULE)
    assert breaks == ((300.0, 900.0), (18300.0, 900.0)) and elapsed == 8700.0


def test_a_break_whose_end_has_passed_is_not_ahead_and_one_under_way_is_due() -> None:
    _, breaks = scheduled_breaks(at(12, 0), TZ, CounterState.OPEN, at(7, 30), SCHEDULE)
    assert breaks == ((10800.0, 900.0),)
    # 10:05, still open since 07:30 (finishing a ticket): the break is due, taken once the ticket is done.
    _, breaks = scheduled_breaks(at(10, 5), TZ, CounterState.OPEN, at(7, 30), SCHEDULE)
    assert breaks[0] == (-300.0, 900.0)


def test_a_counter_back_from_its_break_does_not_take_it_again() -> None:
    _, breaks = scheduled_breaks(at(10, 12), TZ, CounterState.OPEN, at(10, 10), SCHEDULE)
    assert breaks == ((17280.0, 900.0),)


def test_a_counter_on_its_scheduled_break_is_counted_once() -> None:
    # On break since 10:01 (a minute late): that is the 10:00 break, back at 10:16, not at 10:31 (the
    # forecast's unscheduled 30 min) and not away again for the 10:00 break after that.
    elapsed, breaks = scheduled_breaks(at(10, 5), TZ, CounterState.BREAK, at(10, 1), SCHEDULE)
    assert breaks == ((17700.0, 900.0),)
    assert BREAK_S - elapsed == 660.0  # the forecast's "back when the break ends": 11 min from now
    # Ten minutes early is still that break; a long lunch break longer than BREAK_S keeps its length.
    early, _ = scheduled_breaks(at(9, 52), TZ, CounterState.BREAK, at(9, 50), SCHEDULE)
    assert BREAK_S - early == 23 * 60.0
    lunch = ((time(11, 30), time(12, 30)),)
    long, none = scheduled_breaks(at(11, 40), TZ, CounterState.BREAK, at(11, 30), lunch)
    assert BREAK_S - long == 50 * 60.0 and none == ()


def test_an_unscheduled_break_keeps_the_default_and_the_schedule_ahead() -> None:
    elapsed, breaks = scheduled_breaks(at(9, 0), TZ, CounterState.BREAK, at(8, 50), SCHEDULE)
    assert elapsed == 600.0 and breaks == ((3600.0, 900.0), (21600.0, 900.0))
    assert SCHEDULE_SLACK_S < 3600.0  # 08:50 is too early to be the 10:00 break


def test_a_break_until_midnight() -> None:
    _, breaks = scheduled_breaks(at(23, 0), TZ, CounterState.OPEN, None, ((time(23, 30), time.max),))
    assert breaks == ((1800.0, 1800.0),)


# ------------------------------------------------------------------ `setup load` round trip, SQLite and PostgreSQL


@pytest.fixture
def hall(db_url: str, clock: ManualClock) -> Iterator[Store]:
    st = Store(connect(db_url), clock, TZ, hall_forecast=True)
    yield st
    st.db.engine.dispose()


def desk_4(store: Store) -> tuple[float, tuple[tuple[float, float], ...]]:
    with store.transaction(readonly=True) as tx:
        state = hall_state(tx, Waiting(NEW_TICKET_ID, "KD", False, tx.now))
    desk = next(d for d in state.desks if d.number == 4)
    return desk.state_elapsed_s, desk.breaks


def test_setup_load_stores_the_breaks_and_the_hall_reads_them(db_url: str, tmp_path: Path, hall: Store) -> None:
    ok(db_url, "setup", "load", str(office(tmp_path, '["09:00-09:15", "08:10-08:40"]')))  # a real `motcua` process
    with hall.transaction(readonly=True) as tx:
        assert tx.snap.breaks == {4: ((time(8, 10), time(8, 40)), (time(9), time(9, 15)))}
    assert desk_4(hall)[1] == ((600.0, 1800.0), (3600.0, 900.0))  # at 08:00, Hà Nội time
    # Loaded again without them, they are gone: a running kiosk's next ticket sees the other process's load.
    ok(db_url, "setup", "load", str(office(tmp_path, None, "plain.toml")))
    hall.issue_ticket("KD")
    with hall.transaction(readonly=True) as tx:
        assert tx.snap.breaks == {}
    assert desk_4(hall)[1] == ()


def test_setup_load_refuses_a_bad_break_and_writes_nothing(db_url: str, tmp_path: Path, hall: Store) -> None:
    path = office(tmp_path, '["12:00-12:15"]')  # KD is closed 11:30-13:30 (lunch)
    result = motcua(db_url, "setup", "load", str(path))
    number = path.read_text(encoding="utf-8").splitlines().index('breaks = ["12:00-12:15"]') + 1
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"motcua: {path}:{number}: giờ nghỉ 12:00-12:15 của quầy 4 nằm ngoài giờ làm việc")
    with hall.transaction(readonly=True) as tx:
        assert tx.snap.breaks == {} and not tx.snap.counters


# ------------------------------------------------------------------ a kiosk-issued ticket's forecast


def stored(store: Store, ticket_id: int) -> tuple[int, str]:
    with store.transaction(readonly=True) as tx:
        row = tx.session.get(TicketRow, ticket_id)
        assert row is not None and row.forecast_p50_s is not None and row.estimate_method is not None
        return row.forecast_p50_s, row.estimate_method


def test_a_break_in_the_next_minutes_lengthens_the_stored_forecast(
    hall: Store, clock: ManualClock, tmp_path: Path
) -> None:
    plain = load_config(office(tmp_path, None)).office
    hall.load_office(plain)
    hall.sign_in(4, "tuan")
    for seconds in (240, 300, 360, 300, 240, 300):  # KD's history: about 5 min a citizen
        hall.issue_ticket("KD")
        hall.call_next(4, "tuan")
        hall.start_service(4, "tuan")
        clock.advance(seconds)
        hall.finish_service(4, "tuan")
    for _ in range(3):
        hall.issue_ticket("KD")
    hall.call_next(4, "tuan")  # one at the counter, two waiting; it is now 08:29
    assert clock.now() == at(8, 29)
    without = hall.issue_ticket("KD").ticket
    before, method = stored(hall, without.id)
    assert method == Method.FORECAST.value
    hall.cancel(without.code, "giamdoc")  # the same hall again, now with counter 4 away 08:32-09:02

    hall.load_office(load_config(office(tmp_path, '["08:32-09:02"]', "breaks.toml")).office)
    with_break = hall.issue_ticket("KD").ticket
    after, method = stored(hall, with_break.id)
    assert method == Method.FORECAST.value
    # Two waiting and one at the counter at ~5 min each: ~15 min; the 30-min break comes on top of it.
    assert 600 < before < 1500
    assert after >= before + 1200, (before, after)
    assert with_break.estimated_wait_seconds == after

    # At 08:33 the counter goes on that break: the forecast has it back at 09:03, away once, not twice.
    hall.start_service(4, "tuan")
    hall.finish_service(4, "tuan")
    clock.advance(4 * 60)
    hall.set_counter_state(4, "tuan", CounterState.BREAK)
    clock.advance(60)
    elapsed, breaks = desk_4(hall)
    assert breaks == () and BREAK_S - elapsed == 29 * 60.0
