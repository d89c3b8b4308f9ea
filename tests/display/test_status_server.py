from __future__ import annotations

import threading
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from common.store import Store
from display.board_window import BoardWindow
from display.controller import DisplayController
from display.status_server import StatusServer
from display.status_site import RateLimiter, StatusSite


def fetch(qtbot: QtBot, url: str, method: str = "GET") -> tuple[int, str, dict[str, str]]:
    """urllib on a thread, so the server keeps answering on the GUI thread meanwhile."""
    out: list[tuple[int, str, dict[str, str]]] = []

    def go() -> None:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as r:
                out.append((r.status, r.read().decode(), {k.lower(): v for k, v in r.headers.items()}))
        except urllib.error.HTTPError as e:
            out.append((e.code, e.read().decode(), {k.lower(): v for k, v in e.headers.items()}))

    threading.Thread(target=go, daemon=True).start()
    qtbot.waitUntil(lambda: bool(out), timeout=10000)
    return out[0]


@pytest.fixture
def served(qtbot: QtBot, store: Store):  # type: ignore[no-untyped-def]
    site = StatusSite("Bộ phận Một cửa", limiter=RateLimiter(burst=50))
    board = BoardWindow("Bộ phận Một cửa", ZoneInfo("Asia/Ho_Chi_Minh"), "")
    qtbot.addWidget(board)
    # Parented to the board, so that Qt deletes them on the GUI thread with it, never a stray GC.
    server = StatusServer(site, "127.0.0.1", 0, parent=board)
    controller = DisplayController(store, board, site=site, parent=board)
    controller.start()
    yield site, server, f"http://127.0.0.1:{server.port}"
    controller.stop()
    server.close()


def test_waiting_and_called_tickets_over_http(qtbot: QtBot, store: Store, served) -> None:  # type: ignore[no-untyped-def]
    site, _server, base = served
    a = store.issue_ticket("TP").ticket
    b = store.issue_ticket("TP").ticket
    qtbot.waitUntil(lambda: b.token in site.statuses, timeout=5000)
    status, page, headers = fetch(qtbot, f"{base}/t/{b.token}")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b.code in page and 'http-equiv="refresh"' in page
    assert "Số người phía trước</td><td class=r>1<" in page and "Sắp đến lượt" in page
    assert "Quầy phục vụ" in page and "Giờ lấy số" in page and f'data-events="/t/{b.token}/events"' in page
    store.call_next(1, "lan")
    qtbot.waitUntil(lambda: site.statuses[a.token].state == "called" and site.board.latest is not None,
                    timeout=5000)
    status, page, _ = fetch(qtbot, f"{base}/t/{a.token}")
    assert status == 200 and "MỜI BẠN ĐẾN QUẦY SỐ 1" in page
    status, page, _ = fetch(qtbot, f"{base}/")
    assert status == 200 and a.code in page and "Vừa gọi" in page


def test_unknown_malformed_and_writes_are_refused(qtbot: QtBot, served) -> None:  # type: ignore[no-untyped-def]
    _site, _server, base = served
    status, page, _ = fetch(qtbot, f"{base}/t/{'x' * 22}")
    assert status == 404 and "Không tìm thấy vé này" in page and "Not Found" not in page
    assert fetch(qtbot, f"{base}/t/..%2F..%2Fetc")[0] == 404
    assert fetch(qtbot, f"{base}/admin")[0] == 404
    status, _page, headers = fetch(qtbot, f"{base}/", method="POST")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_a_client_asking_too_often_gets_429(qtbot: QtBot, served) -> None:  # type: ignore[no-untyped-def]
    site, _server, base = served
    site.limiter = RateLimiter(burst=3, per_second=0.01)
    codes = [fetch(qtbot, f"{base}/t/{'y' * 22}")[0] for _ in range(5)]
    assert codes == [404, 404, 404, 429, 429]
    status, _page, headers = fetch(qtbot, f"{base}/")
    assert status == 429 and headers["retry-after"] == "5"
