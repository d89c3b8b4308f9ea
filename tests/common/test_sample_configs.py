"""Every config shipped in assets/ must load: installers copy them as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.config import load_config

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@pytest.mark.parametrize("path", sorted(ASSETS.rglob("*.toml")), ids=lambda p: str(p.relative_to(ASSETS)))
def test_sample_config_loads(path: Path) -> None:
    config = load_config(path)
    assert config.path == path
    assert config.get("office.timezone") == "Asia/Ho_Chi_Minh"
