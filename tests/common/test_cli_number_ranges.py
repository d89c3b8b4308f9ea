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


def test_a_misplaced_db_is_one_sentence_in_each_language() -> None:
    from common.cli.args import set_language, usage_line

    message = "unrecognized arguments: --db postgresql://clerk:hunter2@h/motcua"
    try:
        set_language("en")
        english = usage_line(message)
    finally:
        set_language("vi")
    assert english == ("tham số không nhận ra: --db postgresql://clerk:***@h/motcua; --db đặt trước tên lệnh: "
                       "motcua --db … LỆNH / unrecognized arguments: --db postgresql://clerk:***@h/motcua; --db goes "
                       "before the command: motcua --db … COMMAND")
    assert "đặt trước" not in usage_line("unrecognized arguments: --db-url x")  # another option, not --db
