"""Modules that find assets/ by walking up from their own file still find it after files moved folders."""

from __future__ import annotations

from common.cli.demo import DEMO_CONFIG
from common.devices.speech import DEFAULT_CHIME
from tests.conftest import ROOT


def test_the_demo_office_and_the_chime_are_found() -> None:
    from dashboard import alerts, sample

    assert DEMO_CONFIG == ROOT / "assets" / "demo.toml" and DEMO_CONFIG.is_file()
    assert DEFAULT_CHIME.is_file() and alerts.CHIME.is_file()
    assert sample.ROOT == ROOT
