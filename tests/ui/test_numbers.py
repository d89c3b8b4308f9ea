"""Numbers the Vietnamese way: a dot between thousands, a comma before decimals, words for durations."""

from __future__ import annotations

from ui import numbers


def test_counts_decimals_and_percentages() -> None:
    assert numbers.integer(1446) == "1.446"
    assert numbers.integer(1_234_567) == "1.234.567"
    assert numbers.decimal(158.94) == "158,9"
    assert numbers.number(1446) == "1.446" and numbers.number(158.94) == "158,9"
    assert numbers.percent(92.43) == "92,4 %"
    assert numbers.minutes(4308) == "71,8"
    assert numbers.whole_minutes(4308) == "71 phút"
    assert [f(None) for f in (numbers.integer, numbers.decimal, numbers.percent, numbers.minutes,
                              numbers.duration)] == ["–"] * 5


def test_durations_in_words() -> None:
    assert [numbers.duration(s) for s in (0, 45, 60, 450, 1849, 3600, 4320, 90_000)] == [
        "0 giây", "45 giây", "1 phút", "7 phút 30 giây", "31 phút", "1 giờ", "1 giờ 12 phút", "25 giờ"]
