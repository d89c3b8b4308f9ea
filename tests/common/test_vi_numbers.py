"""The terminal tables print numbers as the screens do: the Qt-free formatter against QLocale("vi_VN")."""

from __future__ import annotations

import pytest

from common.views import vi_numbers
from ui import numbers


@pytest.mark.parametrize("value", [0, 0.04, 1.25, 57.1, 92.43, 158.94, 999.95, 1446, 1446.0, 123456.78, -3.5])
def test_the_same_digits_as_the_screens(value: float) -> None:
    assert vi_numbers.decimal(value) == numbers.decimal(value)
    if float(value).is_integer():
        assert vi_numbers.count(int(value)) == numbers.integer(int(value))


def test_nothing_is_a_dash() -> None:
    assert vi_numbers.decimal(None) == vi_numbers.count(None) == numbers.decimal(None) == "–"
