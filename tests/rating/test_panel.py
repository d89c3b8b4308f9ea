from __future__ import annotations

from pytestqt.qtbot import QtBot

from common.store.rating import CHOICES
from rating.panel import RatingPanel
from rating.widgets import mm_to_px
from tests.rating.conftest import REASONS
from ui.style import FONT_FAMILY


def test_touch_targets_are_at_least_20_mm_and_the_font_is_named(qtbot: QtBot) -> None:
    panel = RatingPanel(2, REASONS)
    qtbot.addWidget(panel)
    panel.resize(1024, 600)
    panel.show()
    panel.ask("B007")
    twenty_mm = mm_to_px(panel, 20)
    for tile in panel.tiles:
        assert tile.width() >= twenty_mm and tile.height() >= twenty_mm
    panel.show_reasons()
    for button in (*panel.reason_buttons, panel.send):
        assert button.width() >= twenty_mm and button.height() >= twenty_mm
        assert button.font().family() == FONT_FAMILY
    assert [t.text() for t in panel.tiles] == [s.label_vi for s in CHOICES]


def test_four_in_a_row_on_a_landscape_screen_two_by_two_in_portrait(qtbot: QtBot) -> None:
    panel = RatingPanel(2, REASONS)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    panel.ask("B007")
    qtbot.waitUntil(lambda: len({t.y() for t in panel.tiles}) == 1)
    panel.resize(800, 1280)
    qtbot.waitUntil(lambda: len({t.y() for t in panel.tiles}) == 2 and len({t.x() for t in panel.tiles}) == 2)


def test_a_reason_is_chosen_and_unchosen_by_one_tap_each(qtbot: QtBot) -> None:
    panel = RatingPanel(2, REASONS)
    qtbot.addWidget(panel)
    sent: list[list[str]] = []
    panel.reasons_sent.connect(sent.append)
    panel.ask("B007")
    panel.show_reasons()
    panel.reason_buttons[2].click()
    assert panel.reason_buttons[2].text() == "✓ Hướng dẫn chưa rõ"
    panel.reason_buttons[0].click()
    panel.reason_buttons[0].click()
    panel.send.click()
    assert sent == [["Hướng dẫn chưa rõ"]]
    panel.ask("B008")  # the next citizen starts with nothing ticked
    assert panel.selected_reasons() == [] and panel.state == "ask"
