"""The rating panel and its controller on the test store, driven by real change-feed events."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from common.store import Store
from rating.controller import RatingController
from rating.panel import RatingPanel

REASONS = ("Chờ lâu", "Thái độ", "Hướng dẫn chưa rõ", "Thủ tục phức tạp")
WAIT_MS = 10_000



PanelFactory = Callable[..., tuple[RatingPanel, RatingController]]


@pytest.fixture
def open_panel(qtbot: QtBot, store: Store) -> Iterator[PanelFactory]:
    made: list[RatingController] = []

    def factory(counter: int = 1, *, timeout_ms: int = 30_000, thanks_ms: int = 200) -> tuple[RatingPanel,
                                                                                                RatingController]:
        panel = RatingPanel(counter, REASONS)
        qtbot.addWidget(panel)
        panel.resize(1280, 800)
        controller = RatingController(store, panel, counter, timeout_ms=timeout_ms, thanks_ms=thanks_ms,
                                      parent=panel)
        with qtbot.waitSignal(controller.feed.online, timeout=WAIT_MS):
            controller.start()
        panel.show()
        made.append(controller)
        return panel, controller

    yield factory
    for controller in made:
        controller.stop()
