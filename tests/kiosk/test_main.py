from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from common.core.errors import ConfigError
from kiosk.main import run
from tests.kiosk.conftest import office_config


@pytest.mark.parametrize(("printer", "setting"), [
    ('type = "usb"\nusb_vendor_id = "0xZZ"\nusb_product_id = "0x5011"', "printer.usb_vendor_id"),
    ('type = "network"\nhost = ""', "printer.host"),
])
def test_bad_printer_config_stops_the_kiosk_at_start(qtbot: QtBot, tmp_path: Path, sqlite_url: str,
                                                      printer: str, setting: str) -> None:
    with pytest.raises(ConfigError, match=setting.replace(".", r"\.")):  # refused as the file is read
        office_config(tmp_path, printer)
        run([], config=str(tmp_path / "kiosk.toml"), db=sqlite_url)


@pytest.mark.parametrize(("size", "screen"), [("1080x1920", "confirm"), ("1920x1080", "failed")])
def test_screenshot_renders_offscreen(qtbot: QtBot, tmp_path: Path, size: str, screen: str) -> None:
    out = tmp_path / f"{screen}.png"
    assert run(["--screenshot", str(out), "--size", size, "--screen", screen], config=None, db=None) == 0
    w, h = (int(x) for x in size.split("x"))
    assert Image.open(out).size == (w, h)  # nothing forced the window wider or taller than the screen


def test_a_pcs_own_config_draws_the_sample_office(qtbot: QtBot, tmp_path: Path) -> None:
    """assets/pc/kiosk.toml sets no services (they live in the database): `motcua --config kiosk.toml kiosk
    --screenshot` said "Không có dịch vụ 'TP'"; it now draws the example office under that PC's settings."""
    from kiosk.sample import sample_config

    pc = Path(__file__).resolve().parents[2] / "assets" / "pc" / "kiosk.toml"
    config = sample_config(pc)
    assert {s.code for s in config.office.services} >= {"TP", "KD", "XD"}
    assert config.settings.printer.type == "usb" and config.settings.kiosk.admin_pin == "CHANGE-ME"  # the PC's own
    out = tmp_path / "pc.png"
    assert run(["--screenshot", str(out), "--size", "1366x768", "--screen", "confirm"], config=str(pc), db=None) == 0
    assert Image.open(out).size == (1366, 768)
