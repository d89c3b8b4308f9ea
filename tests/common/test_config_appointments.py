"""[appointments] in the office config (issue 19): typed, checked, every mistake one line with file:line."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from common.config import load_config
from common.core.bookings import BookingOrder
from common.core.errors import ConfigError, render
from tests.conftest import EXAMPLE_OFFICE

GOOD = """
[appointments]
early_minutes = 20
order = "with_walkins"
closed_dates = ["2027-01-01"]

[appointments.services.TP]
slot_minutes = 20
capacity = 3
days = ["mon", "sat"]
hours = ["08:00-10:00"]
reserved_share = 0.2
remote_number = false
"""


def office(tmp_path: Path, appointments: str) -> Path:
    text = EXAMPLE_OFFICE.read_text(encoding="utf-8")
    text = text[:text.index("# Appointments (issue 19")]  # the example's own section out
    path = tmp_path / "office.toml"
    path.write_text(text + appointments, encoding="utf-8")
    return path


def test_the_example_takes_bookings_for_tp() -> None:
    plan = load_config(EXAMPLE_OFFICE).office.appointments
    assert set(plan.services) == {"TP"} and plan.order == BookingOrder.AFTER_PRIORITY


def test_a_plan_is_read(tmp_path: Path) -> None:
    plan = load_config(office(tmp_path, GOOD)).office.appointments
    assert plan.early_minutes == 20 and plan.late_minutes == 10 and plan.order == BookingOrder.WITH_WALKINS
    assert plan.closed_dates == (date(2027, 1, 1),)
    tp = plan.services["TP"]
    assert (tp.slot_minutes, tp.capacity, tp.weekdays, tp.hours) == (20, 3, (1, 6), ((time(8), time(10)),))
    assert tp.reserved_share == 0.2 and tp.remote_number is False


@pytest.mark.parametrize(("bad", "says"), [
    ('capacity = 0', "capacity"),
    ('days = ["monday"]', "days"),
    ('hours = ["10:00-08:00"]', "hours"),
    ('reserved_share = 2', "reserved_share"),
    ('colour = "red"', "colour"),
])
def test_a_mistake_is_one_line_with_its_place(tmp_path: Path, bad: str, says: str) -> None:
    path = office(tmp_path, f"[appointments.services.TP]\n{bad}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = render(caught.value)
    assert line.startswith(f"{path}:") and says in line and "\n" not in line
    number = int(line.split(":")[1])
    assert path.read_text(encoding="utf-8").splitlines()[number - 1].startswith(bad.split()[0])


def test_an_unknown_service_and_order(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ZZ"):
        load_config(office(tmp_path, "[appointments.services.ZZ]\ncapacity = 1\n"))
    with pytest.raises(ConfigError, match="order"):
        load_config(office(tmp_path, '[appointments]\norder = "first"\n'))
