"""The phone rating: the status page's form over real HTTP, on the real display controller and store."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from common.core.model import Ticket
from common.store import Store
from common.store.rating import Channel, Score, rate_ticket, rating_of
from display.board_window import BoardWindow
from display.controller import DisplayController
from display.status_server import StatusServer
from display.status_site import RateLimiter, StatusSite
from tests.rating.conftest import REASONS, WAIT_MS


def fetch(qtbot: QtBot, url: str, form: dict[str, object] | None = None) -> tuple[int, str, str]:
    """urllib on a thread (the server answers on the GUI thread); returns (status, page, final url)."""
    out: list[tuple[int, str, str]] = []
    data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None

    def go() -> None:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as r:
                out.append((r.status, r.read().decode(), r.url))
        except urllib.error.HTTPError as e:
            out.append((e.code, e.read().decode(), url))

    threading.Thread(target=go, daemon=True).start()
    qtbot.waitUntil(lambda: bool(out), timeout=WAIT_MS)
    return out[0]


@pytest.fixture
def served(qtbot: QtBot, store: Store):  # type: ignore[no-untyped-def]
    site = StatusSite("Bộ phận Một cửa", limiter=RateLimiter(burst=100), reasons=REASONS)
    board = BoardWindow("Bộ phận Một cửa", ZoneInfo("Asia/Ho_Chi_Minh"), "")
    qtbot.addWidget(board)
    server = StatusServer(site, "127.0.0.1", 0, parent=board)
    controller = DisplayController(store, board, site=site, parent=board)
    controller.start()
    yield site, controller, f"http://127.0.0.1:{server.port}"
    controller.stop()
    server.close()


def finish(store: Store, counter: int = 1, clerk: str = "lan") -> Ticket:
    store.call_next(counter, clerk)
    store.start_service(counter, clerk)
    return store.finish_service(counter, clerk)


def test_a_rating_through_the_status_page(qtbot: QtBot, store: Store, served) -> None:  # type: ignore[no-untyped-def]
    site, _controller, base = served
    ticket = store.issue_ticket("TP").ticket
    token = ticket.token or ""
    finish(store)
    qtbot.waitUntil(lambda: token in site.statuses and site.statuses[token].rating_open, timeout=WAIT_MS)
    status, page, _ = fetch(qtbot, f"{base}/t/{token}")
    assert status == 200 and f'action="/t/{token}/rate"' in page and "Không hài lòng" in page
    assert all(f'value="{r}"' in page for r in REASONS) and 'http-equiv="refresh"' not in page

    status, page, final = fetch(qtbot, f"{base}/t/{token}/rate",
                                {"score": 2, "reason": ["Chờ lâu", "not offered", "Thái độ"]})
    assert status == 200 and final == f"{base}/t/{token}"  # 303 → the ticket's page (Post/Redirect/Get)
    assert "Đang ghi nhận" in page or "Quý vị đã đánh giá: Bình thường" in page
    qtbot.waitUntil(lambda: site.statuses[token].rating == 2, timeout=WAIT_MS)
    status, page, _ = fetch(qtbot, f"{base}/t/{token}")
    assert status == 200 and "Quý vị đã đánh giá: Bình thường" in page and "<form" not in page
    assert ".state svg{width:3rem;height:3rem" in page  # the face given is phone-sized, not 310 px wide
    status, page, _ = fetch(qtbot, f"{base}/t/{token}?lang=en")
    assert status == 200 and "Your rating: Neutral" in page
    stored = rating_of(store, ticket.id)
    assert stored is not None and stored.channel == Channel.PHONE and stored.score == Score.NEUTRAL
    assert stored.reasons == ("Chờ lâu", "Thái độ") and (stored.counter, stored.clerk) == (1, "lan")

    status, page, _ = fetch(qtbot, f"{base}/t/{token}/rate", {"score": 4})
    assert status == 409 and "đã được đánh giá rồi" in page
    assert rating_of(store, ticket.id).score == Score.NEUTRAL  # type: ignore[union-attr]


def test_refused_before_the_ticket_is_served(qtbot: QtBot, store: Store, served) -> None:  # type: ignore[no-untyped-def]
    site, _controller, base = served
    ticket = store.issue_ticket("TP").ticket
    token = ticket.token or ""
    qtbot.waitUntil(lambda: token in site.statuses, timeout=WAIT_MS)
    status, page, _ = fetch(qtbot, f"{base}/t/{token}")
    assert status == 200 and "<form" not in page
    status, page, _ = fetch(qtbot, f"{base}/t/{token}/rate", {"score": 4})
    assert status == 409 and "chưa được phục vụ xong" in page and 'lang="vi"' in page
    store.call_next(1, "lan")
    qtbot.waitUntil(lambda: site.statuses[token].state == "called", timeout=WAIT_MS)
    assert fetch(qtbot, f"{base}/t/{token}/rate", {"score": 4})[0] == 409
    assert rating_of(store, ticket.id) is None and site.pending == {}


def test_malformed_forms_and_other_writes_are_refused(qtbot: QtBot, store: Store, served) -> None:  # type: ignore[no-untyped-def]
    site, _controller, base = served
    ticket = store.issue_ticket("TP").ticket
    token = ticket.token or ""
    finish(store)
    qtbot.waitUntil(lambda: token in site.statuses and site.statuses[token].rating_open, timeout=WAIT_MS)
    for form in ({}, {"score": 9}, {"score": "x"}):
        status, page, _ = fetch(qtbot, f"{base}/t/{token}/rate", form)
        assert status == 400 and "bốn mức" in page
    assert fetch(qtbot, f"{base}/t/{'z' * 22}/rate", {"score": 4})[0] == 404
    assert fetch(qtbot, f"{base}/t/{token}", {"score": 4})[0] == 405  # only /rate takes a POST
    assert fetch(qtbot, f"{base}/t/{token}/rate")[0] == 405  # and only a POST
    assert rating_of(store, ticket.id) is None
    site.limiter = RateLimiter(burst=1, per_second=0.01)
    fetch(qtbot, f"{base}/")
    assert fetch(qtbot, f"{base}/t/{token}/rate", {"score": 4})[0] == 429
    assert rating_of(store, ticket.id) is None


def test_a_rating_the_store_refuses_is_explained_on_the_next_page(
        qtbot: QtBot, store: Store, served) -> None:  # type: ignore[no-untyped-def]
    site, controller, base = served
    ticket = store.issue_ticket("TP").ticket
    token = ticket.token or ""
    finish(store)
    qtbot.waitUntil(lambda: token in site.statuses and site.statuses[token].rating_open, timeout=WAIT_MS)
    rate_ticket(store, ticket.id, Score.VERY_SATISFIED, counter=1)  # the panel was quicker
    assert controller.rate(token, 1, [])  # the form, posted before the page heard of it
    qtbot.waitUntil(lambda: token in site.rating_notes, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: site.statuses[token].rating == 4, timeout=WAIT_MS)
    status, page, _ = fetch(qtbot, f"{base}/t/{token}")
    assert status == 200 and "đã được đánh giá rồi" in page and "Quý vị đã đánh giá: Rất hài lòng" in page
    assert rating_of(store, ticket.id).channel == Channel.COUNTER  # type: ignore[union-attr]
