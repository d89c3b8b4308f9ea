"""A service's typical duration in the office config (issue 17): read, checked with file:line, stored by
`setup load`, and the hall forecast's prior for a service that has no finished service yet."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from common.config import OfficeSpec, load_config
from common.core.clock import ManualClock
from common.core.errors import ConfigError, render
from common.core.rules import CounterState, Ordering
from common.planning.forecast import Desk, HallState, Waiting, forecast
from common.store import Store
from common.store.db import connect
from common.store.hall import NEW_TICKET_ID, hall_state
from tests.common.test_cli_commands import motcua, ok
from tests.conftest import EXAMPLE_OFFICE, TZ

DD_TARGET = 'code = "DD"\n'  # the land service of the example office


def office(tmp_path: Path, line: str | None, name: str = "office.toml") -> Path:
    """The example office with ``line`` added to the DD service."""
    text = EXAMPLE_OFFICE.read_text(encoding="utf-8")
    assert text.count(DD_TARGET) == 1
    if line is not None:
        text = text.replace(DD_TARGET, DD_TARGET + line + "\n")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_typical_minutes_is_read_and_optional(tmp_path: Path) -> None:
    services = {s.code: s for s in load_config(office(tmp_path, "typical_minutes = 12")).office.services}
    assert services["DD"].typical_minutes == 12.0
    assert services["TP"].typical_minutes is None  # not given: the office-wide default_service_minutes
    assert load_config(office(tmp_path, "typical_minutes = 2.5")).office.services[2].typical_minutes == 2.5
    assert all(s.typical_minutes is None for s in load_config(EXAMPLE_OFFICE).office.services)


@pytest.mark.parametrize(
    "bad", ["typical_minutes = 0", "typical_minutes = -5", "typical_minutes = 600", 'typical_minutes = "12"',
            "typical_minutes = true", "typical_minutes = nan"],
)
def test_a_bad_typical_duration_is_one_line_with_its_place(tmp_path: Path, bad: str) -> None:
    path = office(tmp_path, bad)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = render(caught.value)  # Vietnamese first, as every config error
    assert line.startswith(f"{path}:") and "typical_minutes là số phút" in line and "\n" not in line
    assert "typical_minutes is a number of minutes from 0.5 to 240" in render(caught.value, "en")
    number = int(line.split(":")[1])
    assert path.read_text(encoding="utf-8").splitlines()[number - 1] == bad


def test_a_command_given_the_config_accepts_it_and_refuses_a_bad_one(db_url: str, tmp_path: Path) -> None:
    # `motcua config` lists the settings without reading a file; every command that reads --config checks it.
    good, bad = office(tmp_path, "typical_minutes = 12"), office(tmp_path, "typical_minutes = 0", "bad.toml")
    ok(db_url, "--config", str(good), "db", "upgrade")
    result = motcua(db_url, "--config", str(bad), "db", "upgrade")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and f"{bad}:" in result.stderr


@pytest.fixture
def hall(db_url: str, clock: ManualClock) -> Iterator[Store]:
    st = Store(connect(db_url), clock, TZ, hall_forecast=True)
    yield st
    st.db.engine.dispose()


def test_setup_load_stores_it_and_the_hall_reads_it(db_url: str, tmp_path: Path, hall: Store) -> None:
    ok(db_url, "setup", "load", str(office(tmp_path, "typical_minutes = 12")))  # a real `motcua` process
    with hall.transaction(readonly=True) as tx:
        assert tx.snap.typical_s == {"DD": 720.0}
        assert hall_state(tx, Waiting(NEW_TICKET_ID, "DD", False, tx.now)).typical_s == {"DD": 720.0}
    # Loaded again without it, it is gone: a running kiosk's next ticket sees the other process's load.
    ok(db_url, "setup", "load", str(office(tmp_path, None, "plain.toml")))
    hall.issue_ticket("DD")
    with hall.transaction(readonly=True) as tx:
        assert tx.snap.typical_s == {}


def test_a_spec_without_services_keeps_the_typical_durations(db_url: str, tmp_path: Path, hall: Store) -> None:
    """The simulator and fill_history load clerks alone: that must not wipe the services' figures."""
    ok(db_url, "setup", "load", str(office(tmp_path, "typical_minutes = 12")))
    hall.load_office(OfficeSpec())
    hall.issue_ticket("DD")
    with hall.transaction(readonly=True) as tx:
        assert tx.snap.typical_s == {"DD": 720.0}


def test_setup_load_refuses_a_bad_one_and_writes_nothing(db_url: str, tmp_path: Path, hall: Store) -> None:
    path = office(tmp_path, "typical_minutes = 0")
    result = motcua(db_url, "setup", "load", str(path))
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    with hall.transaction(readonly=True) as tx:
        assert tx.snap.typical_s == {} and not tx.snap.services


def busy_desk_no_history(typical_s: dict[str, float]) -> HallState:
    """Five citizens ahead at one busy counter of a service with no finished service yet."""
    from tests.common.test_forecast import NOW  # the forecast tests' clock

    waiting = tuple(Waiting(i, "DD", False, NOW - timedelta(seconds=10 - i)) for i in range(1, 7))
    desk = Desk(1, ("DD",), Ordering.OLDEST_FIRST, CounterState.OPEN, 0.0, "DD", 60.0)
    return HallState(NOW, waiting[-1], waiting, (desk,), {}, default_service_s=480.0, typical_s=typical_s)


def test_the_forecast_takes_the_typical_duration_as_its_prior() -> None:
    # No history: the remaining service plus five services, all drawn from the prior (exponential, memoryless),
    # so the median wait is that of six exponentials: about 5.67 of their mean.
    plain = forecast(busy_desk_no_history({}), seed=1, budget_s=60, max_runs=2000)
    typical = forecast(busy_desk_no_history({"DD": 720.0}), seed=1, budget_s=60, max_runs=2000)
    other = forecast(busy_desk_no_history({"TP": 120.0}), seed=1, budget_s=60, max_runs=2000)
    assert plain.p50_s is not None and typical.p50_s is not None
    assert abs(plain.p50_s - 5.67 * 480) < 0.08 * 5.67 * 480
    assert abs(typical.p50_s - 5.67 * 720) < 0.08 * 5.67 * 720
    assert other.p50_s == plain.p50_s  # another service's figure changes nothing here


def test_the_simple_formula_takes_the_typical_duration_too(db_url: str, tmp_path: Path, clock: ManualClock) -> None:
    """The printed wait before any history: the formula (the forecast's fallback, a store without the hall
    forecast) assumes the service's typical duration, not the office-wide default."""
    ok(db_url, "setup", "load", str(office(tmp_path, "typical_minutes = 12")))
    plain = Store(connect(db_url), clock, TZ)
    try:
        serving = sum(1 for c in plain.counters() if "DD" in c.services)
        default = plain.issue_ticket("TP").ticket.estimated_wait_seconds * sum(1 for c in plain.counters()
                                                                          if "TP" in c.services)
        assert default == plain.default_service_s  # the other service keeps the office's default
        assert plain.issue_ticket("DD").ticket.estimated_wait_seconds == math.ceil(720 / serving)
    finally:
        plain.db.engine.dispose()
