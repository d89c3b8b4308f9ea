from __future__ import annotations

import unicodedata
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


def test_the_screenshot_waits_for_todays_bookings(tmp_path: Path, qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The bookings panel reads on its own worker after the desk view: the picture once showed its count
    as "–", or set but not laid out (clipped to "C"). Checked where the label is at the picture's moment."""
    where: list[tuple[str, int, int, int, int]] = []
    real = main.save_png

    def seen(window, path, size):  # type: ignore[no-untyped-def]
        saved = real(window, path, size)  # the layout as grabbed (save_png lets it settle first)
        label = window.bookings.count
        top_left = label.mapTo(window, label.rect().topLeft())
        where.append((label.text(), top_left.x(), top_left.y(), label.width(), label.sizeHint().width()))
        return saved

    monkeypatch.setattr(main, "save_png", seen)
    out = tmp_path / "counter.png"
    assert main.run(["--screenshot", str(out), "--size", "1280x800"], config=None, db=None) == 0
    [(text, x, y, width, needed)] = where
    assert nfc(text) == nfc("Còn 0 lượt hẹn sắp đến") and width >= needed  # laid out whole, not clipped
    image = QImage(str(out))
    inked = {px for px in range(x, x + width) for py in range(y, y + label_height(image, x, y))
             if image.pixelColor(px, py).lightness() < 80}
    assert len(inked) > 100  # "Còn 0 lượt hẹn sắp đến" spans some 130 px


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def label_height(image: QImage, x: int, y: int) -> int:
    return min(32, image.height() - y)
