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


@pytest.mark.parametrize("name", ["shot.pdf", "shot"])
def test_save_png_refuses_a_kind_of_file_qt_cannot_draw_and_writes_nothing(qtbot, tmp_path: Path, name: str) -> None:
    label = QLabel("Xin chào")
    qtbot.addWidget(label)
    with pytest.raises(MotcuaError, match=r"use \.png"):
        save_png(label, tmp_path / "sub" / name)
    assert not (tmp_path / "sub").exists()


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


def test_a_real_offices_config_without_the_sample_services_still_draws(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An office whose services are not the example's (no TP): the sample mornings, written for the example
    office, stopped with "Không có dịch vụ 'TP'". The picture now shows the example's services under the
    office's own settings, and one line says so."""
    from ui.screenshot import EXAMPLE_OFFICE, sample_config

    text = EXAMPLE_OFFICE.read_text(encoding="utf-8").replace('"TP"', '"HT"').replace("services.TP]", "services.HT]")
    path = tmp_path / "office.toml"
    path.write_text(text, encoding="utf-8")
    config = sample_config(path)
    assert {s.code for s in config.office.services} >= {"TP", "KD", "XD"} and config.path == path
    note = capsys.readouterr().err
    assert note.count("\n") == 1 and "không có đủ dịch vụ" in note and str(path) in note
    assert sample_config(EXAMPLE_OFFICE).office.services and capsys.readouterr().err == ""  # the example: silent
