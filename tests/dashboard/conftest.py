"""Dashboard windows on the hand-built Wednesday (tests/dashboard/day.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.core.model import Clerk, Role
from common.store import Store
from dashboard.window import DashboardWindow
from tests.dashboard.day import build_day

PASSWORD = "mat-khau-1"
WAIT_MS = 15_000
BOSS = Clerk("giamdoc", "Võ Thanh Bình", Role.SUPERVISOR)


@pytest.fixture
def day(store: Store, clock: ManualClock) -> Store:
    build_day(store, clock)
    return store


Open = Callable[..., DashboardWindow]


@pytest.fixture
def open_dashboard(qtbot: QtBot) -> Iterator[Open]:
    opened: list[DashboardWindow] = []

    def factory(store: Store, clerk: Clerk = BOSS, **kwargs: object) -> DashboardWindow:
        kwargs.setdefault("live", False)
        kwargs.setdefault("sound", False)
        window = DashboardWindow(store, clerk, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        opened.append(window)
        return window

    yield factory
    for window in opened:
        window.close()
