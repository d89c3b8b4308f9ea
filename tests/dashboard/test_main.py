"""`motcua dashboard --screenshot` as a real process: simulated history, rendered offscreen, a PNG of the size asked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from dashboard.main import LOADED
from dashboard.window import TABS
from tests.conftest import ROOT


def test_screenshot_renders_the_history_tab(tmp_path: Path) -> None:
    target = tmp_path / "dash.png"
    env = {**{k: v for k, v in os.environ.items() if k not in ("MOTCUA_DB", "MOTCUA_CONFIG")},
           "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "common.cli.main", "dashboard", "--screenshot", str(target), "--size",
                          "1024x700", "--tab", "history", "--history-days", "1"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"đã ghi {target} (1024x700, history)"
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1024, 700)


def test_every_tab_can_be_rendered() -> None:
    """--tab all walks TABS: a tab without its loaded mark ended the screenshot in a KeyError ('bookings')."""
    assert set(TABS) == set(LOADED)


def test_bad_size_is_one_line(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "common.cli.main", "dashboard", "--screenshot", str(tmp_path / "x.png"),
                          "--size", "big"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip() == "motcua: --size phải có dạng 1920x1080, không phải 'big'"
    assert not (tmp_path / "x.png").exists()
