"""The percentile used on SQLite is PostgreSQL's percentile_cont (linear between closest ranks)."""

from __future__ import annotations

import statistics

from hypothesis import given
from hypothesis import strategies as st

from common.store.reads.report_sql import percentile


def test_small_cases() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([300, 600, 840, 1020, 2700, 4200], 0.5) == 930
    assert percentile([300, 600, 840, 1020, 2700, 4200], 0.9) == 3450


@given(st.lists(st.integers(min_value=0, max_value=30000), min_size=2, max_size=200))
def test_matches_the_inclusive_quantile_definition(values: list[int]) -> None:
    ordered = sorted(values)
    # statistics' "inclusive" method is the same closest-ranks interpolation (R type 7, percentile_cont)
    deciles = statistics.quantiles(ordered, n=10, method="inclusive")
    assert abs(percentile(ordered, 0.9) - deciles[8]) < 1e-9  # type: ignore[operator]
    assert abs(percentile(ordered, 0.5) - statistics.median(ordered)) < 1e-9  # type: ignore[operator]
