"""ui.screenshot: the shared ``--size`` parser and the offscreen PNG writer."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from common.core.errors import MotcuaError
from ui.screenshot import parse_size, save_png


def test_parse_size_reads_width_and_height() -> None:
    assert parse_size("1080X1920") == (1080, 1920)


@pytest.mark.parametrize(("text", "message"), [
    ("big", "--size must look like 1920x1080, not 'big'"),
    ("1920x1080x2", "--size must look like 1920x1080, not '1920x1080x2'"),
    ("100x100", "--size 100x100 is too small"),
    ("99999x99999", "--size 99999x99999 is too large (at most 8192 a side)"),  # Qt: "Painter not active"
])
def test_parse_size_refuses_with_one_line(text: str, message: str) -> None:
    with pytest.raises(MotcuaError) as caught:
        parse_size(text)
    assert str(caught.value) == message


def test_display_windowed_with_a_bad_size_stops_before_opening_anything() -> None:
    from display.main import run

    with pytest.raises(MotcuaError, match="--size must look like"):
        run(["--windowed", "--size", "wide"], config=None, db=None)


def test_save_png_writes_the_widget_at_the_asked_size(qtbot, tmp_path: Path) -> None:
    label = QLabel("Xin chào")
    qtbot.addWidget(label)
    path = save_png(label, tmp_path / "sub" / "shot.png", (320, 240))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (320, 240)


@pytest.mark.parametrize("pc", ["kiosk", "display", "counter"])
def test_a_pcs_own_config_draws_the_example_office_under_its_settings(pc: str) -> None:
    """assets/pc/*.toml set no services (the office lives in the database): `motcua --config display.toml
    display --screenshot F` said "Không có dịch vụ 'TP'"."""
    from ui.screenshot import sample_config

    path = Path(__file__).resolve().parents[2] / "assets" / "pc" / f"{pc}.toml"
    config = sample_config(path)
    assert {s.code for s in config.office.services} >= {"TP", "KD", "XD"}
    assert config.path == path  # the PC's own settings stay
    assert sample_config(None).office.services  # no --config: the example office


def test_the_display_screenshot_takes_a_pcs_own_config(qtbot, tmp_path: Path) -> None:
    from display.main import run

    pc = Path(__file__).resolve().parents[2] / "assets" / "pc" / "display.toml"
    out = tmp_path / "board.png"
    assert run(["--screenshot", str(out), "--size", "1366x768"], config=str(pc), db=None) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
