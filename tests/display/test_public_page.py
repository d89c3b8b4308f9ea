"""/cong-khai over real HTTP: the province's transparency page, served from a cache, carrying no person."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from pytestqt.qtbot import QtBot

from common.core.clock import ManualClock
from common.store import Store
from common.store.rating import rate_ticket
from display.board_window import BoardWindow
from display.public_page import PublicPage, store_read
from display.status_server import StatusServer
from display.status_site import RateLimiter, StatusSite
from tests.display.test_status_server import fetch


class Ticks:
    """The cache's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Balanced(HTMLParser):
    """Every element the page opens it closes again (the void ones aside): a cheap validity check."""

    VOID = frozenset({"meta", "br", "img", "link", "input", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def served_day(store: Store, clock: ManualClock) -> list[str]:
    """A morning: tickets issued, called, served, rated; returns what must never reach the page."""
    secrets = ["Nguyễn Thị Lan", "Trần Văn Minh", ">lan<"]  # names, the user name as a cell
    for _ in range(3):
        t = store.issue_ticket("TP").ticket
        secrets += [t.token]
    for _ in range(2):
        clock.advance(600)
        called = store.call_next(1, "lan")
        assert called is not None
        store.start_service(1, "lan")
        clock.advance(300)
        done = store.finish_service(1, "lan")
        rate_ticket(store, done.id, 4)
    return secrets


@pytest.fixture
def page_server(qtbot: QtBot, store: Store):  # type: ignore[no-untyped-def]
    site = StatusSite("Bộ phận Một cửa", limiter=RateLimiter(burst=50))
    ticks = Ticks()
    public = PublicPage(store_read(store), max_age=60, clock=ticks)
    site.public = public.reply
    board = BoardWindow("Bộ phận Một cửa", store.tz, "")
    qtbot.addWidget(board)
    server = StatusServer(site, "127.0.0.1", 0, parent=board)
    yield public, ticks, f"http://127.0.0.1:{server.port}"
    server.close()


def test_cong_khai_is_served_cached_and_carries_no_person(qtbot: QtBot, store: Store, clock: ManualClock,
                                                          page_server) -> None:  # type: ignore[no-untyped-def]
    public, ticks, base = page_server
    secrets = served_day(store, clock)
    status, body, headers = fetch(qtbot, f"{base}/cong-khai")
    # The first request starts the read on its own thread and is answered at once.
    assert status in (200, 503)
    qtbot.waitUntil(lambda: public.refreshes == 1, timeout=10000)
    status, body, headers = fetch(qtbot, f"{base}/cong-khai")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "Công khai thời gian chờ" in body and "Bộ phận Một cửa" in body and "Hôm nay" in body
    assert "Tháng này" in body and "name='viewport'" in body
    assert "100,0 %" in body  # both waits within 30 minutes, both ratings satisfied: Vietnamese decimals
    for secret in secrets:
        assert secret not in body, secret
    parser = Balanced()
    parser.feed(body)
    assert not parser.errors and parser.stack == []
    # Cached: more requests within the minute read nothing.
    for _ in range(5):
        assert fetch(qtbot, f"{base}/cong-khai/")[0] == 200
    assert public.refreshes == 1
    # After the minute, one request starts one refresh; it still gets the page in memory meanwhile.
    ticks.now = 61.0
    store.issue_ticket("TP")
    assert fetch(qtbot, f"{base}/cong-khai")[0] == 200
    qtbot.waitUntil(lambda: public.refreshes == 2, timeout=10000)
    assert fetch(qtbot, f"{base}/cong-khai")[0] == 200 and public.refreshes == 2


def test_cong_khai_is_rate_limited_and_read_only(qtbot: QtBot, store: Store) -> None:
    site = StatusSite("Bộ phận Một cửa", limiter=RateLimiter(burst=1, per_second=0.0001))
    site.public = PublicPage(store_read(store), background=False).reply
    board = BoardWindow("Bộ phận Một cửa", store.tz, "")
    qtbot.addWidget(board)
    server = StatusServer(site, "127.0.0.1", 0, parent=board)
    base = f"http://127.0.0.1:{server.port}"
    try:
        assert fetch(qtbot, f"{base}/cong-khai", method="POST")[0] == 405
        assert fetch(qtbot, f"{base}/cong-khai")[0] == 200
        assert fetch(qtbot, f"{base}/cong-khai")[0] == 429
    finally:
        server.close()


def test_without_the_page_the_address_is_not_found(qtbot: QtBot) -> None:
    site = StatusSite("Bộ phận Một cửa")
    assert site.respond("GET", "/cong-khai", "1.2.3.4").status == 404
