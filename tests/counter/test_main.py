from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from common.core.errors import MotcuaError
from counter import main


def test_screenshot_renders_the_sample_office(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "counter.png"
    assert main.run(["--screenshot", str(out), "--size", "1100x700"], config=None, db=None) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1100, 700)
    # Not a blank grab: the big ticket code is drawn in near-black on the pale card.
    dark = sum(1 for x in range(0, 600, 3) for y in range(60, 260, 3) if image.pixelColor(x, y).lightness() < 60)
    assert dark > 200


@pytest.mark.parametrize(("argv", "problem"), [
    (["--user", "lan"], "--password-stdin"),
    (["--screenshot", "x.png", "--size", "big"], "--size must look like 1920x1080"),
])
def test_bad_options_say_what_is_wrong(argv: list[str], problem: str) -> None:
    with pytest.raises(MotcuaError, match=problem):
        main.run(argv, config=None, db=None)


def test_the_screenshot_waits_for_todays_bookings(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    """The bookings panel reads on its own worker after the desk view: the picture once showed its count
    as "–", or set but not laid out (clipped to "C"). "Còn 0 lượt hẹn sắp đến" spans some 130 px."""
    out = tmp_path / "counter.png"
    assert main.run(["--screenshot", str(out), "--size", "1280x800"], config=None, db=None) == 0
    image = QImage(str(out))
    inked = {x for x in range(1000, 1260) for y in range(560, 592) if image.pixelColor(x, y).lightness() < 80}
    assert len(inked) > 100
