from __future__ import annotations

import json

from pytestqt.qtbot import QtBot

from common.core.model import Ticket
from common.store import Store
from common.store.rating import Channel, Score, rate_by_token, rating_of
from tests.rating.conftest import WAIT_MS, PanelFactory


def serve(store: Store, counter: int = 1, clerk: str = "lan", service: str = "TP") -> Ticket:
    store.issue_ticket(service)
    store.call_next(counter, clerk)
    store.start_service(counter, clerk)
    return store.finish_service(counter, clerk)


def rated_events(store: Store) -> list[dict[str, object]]:
    return [json.loads(e.detail or "{}") for e in store.events_since(0) if e.kind == "rated"]


def test_finishing_a_ticket_shows_the_panel_for_it_and_only_at_its_counter(
        qtbot: QtBot, store: Store, open_panel: PanelFactory) -> None:
    panel, controller = open_panel(counter=1)
    prompted: list[int] = []
    controller.prompted.connect(prompted.append)
    assert panel.state == "idle"
    serve(store, counter=3, clerk="hoa", service="DD")  # another counter's citizen
    with qtbot.waitSignal(controller.prompted, timeout=WAIT_MS) as signal:
        ticket = serve(store, counter=1)
    assert signal.args == [ticket.id] and prompted == [ticket.id]
    assert panel.state == "ask" and f"Vé {ticket.code}" in panel.ticket.text() and "Quầy số 1" in panel.ticket.text()
    assert all(tile.isEnabled() for tile in panel.tiles)


def test_a_tap_stores_exactly_one_rating_then_thanks_then_idle(
        qtbot: QtBot, store: Store, open_panel: PanelFactory) -> None:
    panel, controller = open_panel()
    with qtbot.waitSignal(controller.prompted, timeout=WAIT_MS):
        ticket = serve(store)
    recorded: list[object] = []
    controller.recorded.connect(recorded.append)
    tile = panel.tiles[0]
    tile.click()
    tile.click()  # a double tap before the first write returns
    qtbot.waitUntil(lambda: bool(recorded), timeout=WAIT_MS)
    assert panel.state == "message" and "Cảm ơn" in panel.message.text()
    rating = rating_of(store, ticket.id)
    assert rating is not None and rating.score == Score.VERY_SATISFIED and rating.channel == Channel.COUNTER
    assert (rating.counter, rating.clerk, rating.service) == (1, "lan", "TP")
    qtbot.waitUntil(lambda: panel.state == "idle", timeout=WAIT_MS)
    assert len(rated_events(store)) == 1 and len(recorded) == 1


def test_a_low_rating_asks_for_reasons_one_tap_each(qtbot: QtBot, store: Store, open_panel: PanelFactory) -> None:
    panel, controller = open_panel()
    with qtbot.waitSignal(controller.prompted, timeout=WAIT_MS):
        ticket = serve(store)
    panel.tiles[3].click()  # Không hài lòng
    assert panel.state == "reasons"
    panel.reason_buttons[0].click()
    panel.reason_buttons[3].click()
    panel.reason_buttons[1].click()
    panel.reason_buttons[1].click()  # tapped again: not chosen after all
    with qtbot.waitSignal(controller.recorded, timeout=WAIT_MS) as signal:
        panel.send.click()
    assert signal.args[0].reasons == ("Chờ lâu", "Thủ tục phức tạp")
    stored = rating_of(store, ticket.id)
    assert stored is not None and stored.score == Score.UNSATISFIED
    assert stored.reasons == ("Chờ lâu", "Thủ tục phức tạp")


def test_the_timeout_leaves_the_ticket_unrated(qtbot: QtBot, store: Store, open_panel: PanelFactory) -> None:
    panel, controller = open_panel(timeout_ms=300)
    with qtbot.waitSignal(controller.prompted, timeout=WAIT_MS):
        ticket = serve(store)
    assert panel.state == "ask"
    with qtbot.waitSignal(controller.expired, timeout=WAIT_MS) as signal:
        pass
    assert signal.args == [ticket.id] and panel.state == "idle"
    panel.tiles[0].click()  # a late tap on a screen no longer shown does nothing
    assert rating_of(store, ticket.id) is None and rated_events(store) == []


def test_on_the_reasons_screen_the_timeout_keeps_the_face_chosen(
        qtbot: QtBot, store: Store, open_panel: PanelFactory) -> None:
    panel, controller = open_panel(timeout_ms=300)
    with qtbot.waitSignal(controller.prompted, timeout=WAIT_MS):
        ticket = serve(store)
    panel.tiles[2].click()  # Bình thường
    panel.reason_buttons[2].click()
    with qtbot.waitSignal(controller.recorded, timeout=WAIT_MS):
        pass
    stored = rating_of(store, ticket.id)
    assert stored is not None and stored.score == Score.NEUTRAL and stored.reasons == ("Hướng dẫn chưa rõ",)


def test_a_second_rating_is_refused_with_a_clear_message(
        qtbot: QtBot, store: Store, open_panel: PanelFactory) -> None:
    panel, controller = open_panel()
    with qtbot.waitSignal(controller.prompted, timeout=WAIT_MS):
        ticket = serve(store)
    rate_by_token(store, ticket.token or "", Score.SATISFIED)  # the citizen rated on the phone meanwhile
    with qtbot.waitSignal(controller.refused, timeout=WAIT_MS) as signal:
        panel.tiles[3].click()
        panel.send.click()
    assert "đã được đánh giá" in signal.args[0] and "Mỗi vé chỉ đánh giá một lần" in signal.args[0]
    assert panel.state == "message" and panel.message.text() == signal.args[0]
    stored = rating_of(store, ticket.id)
    assert stored is not None and stored.score == Score.SATISFIED and stored.channel == Channel.PHONE
    assert len(rated_events(store)) == 1


def test_the_next_finished_ticket_replaces_one_still_asked(
        qtbot: QtBot, store: Store, open_panel: PanelFactory) -> None:
    panel, controller = open_panel()
    with qtbot.waitSignal(controller.prompted, timeout=WAIT_MS):
        first = serve(store)
    with qtbot.waitSignal(controller.prompted, timeout=WAIT_MS):
        second = serve(store)
    with qtbot.waitSignal(controller.recorded, timeout=WAIT_MS):
        panel.tiles[1].click()
    assert rating_of(store, first.id) is None
    assert rating_of(store, second.id).score == Score.SATISFIED  # type: ignore[union-attr]
