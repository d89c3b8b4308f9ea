from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from common.config import AppConfig, load_config
from common.devices.printing import PrinterSettings, TicketPrinter
from common.store import Store
from kiosk.window import KioskWindow
from tests.conftest import EXAMPLE_OFFICE

MakeWindow = Callable[..., KioskWindow]


def office_config(tmp_path: Path, printer: str = 'type = "none"', extra: str = "") -> AppConfig:
    """The example office with its [printer] table replaced."""
    text = EXAMPLE_OFFICE.read_text(encoding="utf-8").replace('[printer]\ntype = "none"\npaper_mm = 80\n', "")
    path = tmp_path / "kiosk.toml"
    path.write_text(f"{text}\n[printer]\n{printer}\n{extra}", encoding="utf-8")
    return load_config(path)


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeWindow]:
    windows: list[KioskWindow] = []

    def make(store: Store, printer: str = 'type = "none"', *, live: bool = False, wait: bool = True) -> KioskWindow:
        config = office_config(tmp_path, printer)
        settings = PrinterSettings.from_config(config)
        window = KioskWindow(store, config, TicketPrinter(config, settings) if settings.type != "none" else None,
                             live=live)
        qtbot.addWidget(window)
        window.resize(1920, 1080)
        window.show()
        windows.append(window)
        if wait:
            qtbot.waitUntil(lambda: len(window.home.buttons) == 8, timeout=10000)
        return window

    yield make
    for window in windows:
        window.close()
