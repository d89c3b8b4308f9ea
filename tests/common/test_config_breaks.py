"""A counter's scheduled breaks in the office config (issue 17): read, checked, each mistake one line, file:line."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from common.config import load_config
from common.core.errors import ConfigError, render
from tests.conftest import EXAMPLE_OFFICE

COUNTER_1 = 'name = "Quầy 1 – Tư pháp"\n'  # the first counter of the example (TP and CT, 07:30-11:30, 13:30-17:00)


def office(tmp_path: Path, line: str) -> Path:
    """The example office with ``line`` added to counter 1."""
    text = EXAMPLE_OFFICE.read_text(encoding="utf-8")
    assert text.count(COUNTER_1) == 1
    path = tmp_path / "office.toml"
    path.write_text(text.replace(COUNTER_1, COUNTER_1 + line + "\n"), encoding="utf-8")
    return path


def test_breaks_are_read_in_order(tmp_path: Path) -> None:
    config = load_config(office(tmp_path, 'breaks = ["15:00-15:15", "10:00-10:15", "11:00-11:30"]'))
    counters = {c.number: c for c in config.office.counters}
    assert counters[1].breaks == ((time(10), time(10, 15)), (time(11), time(11, 30)), (time(15), time(15, 15)))
    assert counters[2].breaks == ()  # none given, none scheduled


def test_the_example_schedules_no_break() -> None:
    assert all(c.breaks == () for c in load_config(EXAMPLE_OFFICE).office.counters)


@pytest.mark.parametrize(
    ("bad", "vi", "en"),
    [
        ('breaks = ["10:00"]', "breaks phải có dạng", "breaks must look like"),
        ('breaks = ["10:15-10:00"]', "breaks phải có dạng", "breaks must look like"),
        ('breaks = ["25:00-25:10"]', "breaks phải có dạng", "breaks must look like"),
        ("breaks = [1000]", "breaks phải có dạng", "breaks must look like"),
        ('breaks = "10:00-10:15"', "phải là list", "must be list"),
        ('breaks = ["10:00-10:02"]', "dài 2 phút", "lasts 2 min"),
        ('breaks = ["08:00-11:00"]', "dài 180 phút", "lasts 180 min"),
        ('breaks = ["10:00-10:30", "10:15-10:45"]', "chồng lên nhau", "overlap"),
        ('breaks = ["12:00-12:15"]', "ngoài giờ làm việc", "outside its services' opening hours"),
        ('breaks = ["11:20-11:40"]', "ngoài giờ làm việc", "outside its services' opening hours"),
    ],
)
def test_a_bad_break_is_one_line_with_its_place(tmp_path: Path, bad: str, vi: str, en: str) -> None:
    path = office(tmp_path, bad)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = render(caught.value)  # Vietnamese first, as every config error
    assert line.startswith(f"{path}:") and vi in line and "\n" not in line
    assert en in render(caught.value, "en")
    number = int(line.split(":")[1])
    assert path.read_text(encoding="utf-8").splitlines()[number - 1] == bad


def test_breaks_back_to_back_are_fine(tmp_path: Path) -> None:
    config = load_config(office(tmp_path, 'breaks = ["10:00-10:15", "10:15-10:30", "16:45-17:00"]'))
    assert len(config.office.counters[0].breaks) == 3
