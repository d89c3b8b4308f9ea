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
