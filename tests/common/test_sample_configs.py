"""Every config shipped in assets/ must load: installers copy them as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.config import load_config

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@pytest.mark.parametrize("path", sorted(ASSETS.rglob("*.toml")), ids=lambda p: str(p.relative_to(ASSETS)))
def test_sample_config_loads(path: Path) -> None:
    config = load_config(path)
    assert config.values, f"{path} sets nothing"
    assert config.settings.office.timezone == "Asia/Ho_Chi_Minh"


def test_every_sample_is_checked() -> None:
    # The list above comes from the folder: an empty glob would silently check nothing.
    names = {str(p.relative_to(ASSETS)) for p in ASSETS.rglob("*.toml")}
    assert {"office.example.toml", "demo.toml", "pc/kiosk.toml", "pc/counter.toml", "pc/display.toml"} <= names
