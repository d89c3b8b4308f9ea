from __future__ import annotations

import pytest

from counter.text import AMBER, GREEN, RED, duration, priority_label, wait_colour


@pytest.mark.parametrize(("waited", "target", "colour"), [
    (0, 30, GREEN), (19, 30, GREEN), (20, 30, AMBER), (30, 30, AMBER), (31, 30, RED),
    (9, 15, GREEN), (10, 15, AMBER), (16, 15, RED),
])
def test_wait_colours_against_the_service_target(waited: int, target: int, colour: str) -> None:
    assert wait_colour(waited, target, at_risk_minutes=20) == colour


def test_durations_read_naturally() -> None:
    assert [duration(s) for s in (None, 45, 60, 450, 1849)] == ["–", "45 giây", "1 phút", "7 phút 30 giây", "31 phút"]


def test_priority_labels_use_the_office_categories() -> None:
    assert priority_label(None) == "Thường"
    assert priority_label("elderly") == "Ưu tiên: Người cao tuổi"
    assert priority_label("veteran", {"veteran": ("Cựu chiến binh", "Veteran")}) == "Ưu tiên: Cựu chiến binh"
