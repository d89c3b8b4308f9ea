"""common.cli.args: a refused number's message names the range it must be in, and never a value it refuses."""

from __future__ import annotations

import argparse

import pytest

from common.cli.args import arrivals_per_hour, service_minutes


def refusal(parse, text: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse(text)
    return str(caught.value)


def test_an_open_lower_bound_is_not_printed_as_if_it_were_allowed() -> None:
    assert service_minutes("0.5") == 0.5
    assert "(minutes: > 0, ≤ 600, finite)" in refusal(service_minutes, "0")
    assert "(minutes: > 0, ≤ 600)" in refusal(service_minutes, "abc")


def test_a_closed_range_keeps_its_plain_form() -> None:
    assert arrivals_per_hour("0") == 0.0
    assert "(arrivals per hour: 0–10000, finite)" in refusal(arrivals_per_hour, "-1")
