"""Every state of a ticket as the citizen's phone words it, read from the real store (read_statuses)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from common.core.clock import ManualClock
from common.store import Store
from display.ticket_page import live_part, ticket_page

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def live(store: Store, token: str | None, *, en: bool = False):  # type: ignore[no-untyped-def]
    return live_part(store.views.statuses()[token or ""], en=en, tz=TZ, token=token or "")


def test_waiting_shows_service_counters_ahead_estimate_serving_and_issue_time(store: Store) -> None:
    tickets = [store.issue_ticket("TP").ticket for _ in range(6)]
    store.call_next(2, "lan")
    mine = tickets[-1]
    status = store.views.statuses()[mine.token or ""]
    page = live(store, mine.token)
    assert page.alert == "" and "Đang chờ" in page.html and "Sắp đến lượt" not in page.html
    assert status.people_ahead == 4 and "Số người phía trước</td><td class=r>4<" in page.html
    # The estimate agrees with the kiosk's, which printed it on the ticket with the same rule.
    assert status.counters == (1, 2, 8) and "Quầy phục vụ</td><td class=r>1, 2, 8<" in page.html
    assert f"{tickets[0].code} (quầy 2)" in page.html
    assert "Giờ lấy số</td><td class=r>08:00<" in page.html  # issued 08:00 office time (01:00 UTC)
    assert "khoảng" in page.html and "phút" in page.html
    late = store.issue_ticket("TP").ticket  # nothing moved since the kiosk printed it: the same two figures
    now = store.views.statuses()[late.token or ""]
    assert (now.people_ahead, now.estimated_wait_seconds) == (late.people_ahead, late.estimated_wait_seconds)


def test_almost_at_three_ahead_and_no_minutes_beside_nobody_ahead(store: Store) -> None:
    store.sign_in(1, "lan")  # a counter serves TP (none open: tests/kiosk/test_no_counter.py)
    tickets = [store.issue_ticket("TP").ticket for _ in range(4)]
    assert "Sắp đến lượt" in live(store, tickets[3].token).html  # 3 ahead
    first = live(store, tickets[0].token).html
    assert "bạn là người tiếp theo" in first and "phút" not in first and "Thời gian chờ" not in first


def test_called_recalled_serving(store: Store, clock: ManualClock) -> None:
    ticket = store.issue_ticket("TP").ticket
    store.call_next(1, "lan")
    called = live(store, ticket.token)
    assert called.card == "MỜI BẠN ĐẾN QUẦY SỐ 1" and called.alert and "gọi lúc 08:00" in called.html
    clock.advance(timedelta(minutes=2))
    store.recall(1, "lan")
    recalled = live(store, ticket.token)
    assert "Gọi lại" in recalled.html and recalled.alert != called.alert  # a recall alerts the phone again
    store.start_service(1, "lan")
    serving = live(store, ticket.token)
    assert "Đang được phục vụ tại Quầy số 1" in serving.html and "mời" not in serving.html.lower()
    assert serving.alert == ""


def test_no_show_says_when_and_where_and_what_to_do(store: Store, clock: ManualClock) -> None:
    ticket = store.issue_ticket("TP").ticket
    clock.advance(timedelta(minutes=12))
    store.call_next(1, "lan")
    clock.advance(timedelta(minutes=3))
    store.mark_no_show(1, "lan")
    assert ("Đã gọi lúc 08:12 tại Quầy 1 nhưng không thấy bạn: hãy đến quầy hướng dẫn"
            in live(store, ticket.token).html)
    assert "Called at 08:12 at counter 1 but you were not there" in live(store, ticket.token, en=True).html


def test_hold_transfer_served_expired(store: Store) -> None:
    held = store.issue_ticket("TP").ticket
    store.call_next(1, "lan")
    store.hold(1, "lan")
    assert "bạn sẽ được gọi lại" in live(store, held.token).html
    moved = store.issue_ticket("TP").ticket
    store.call_next(1, "lan")
    store.transfer(1, "lan", to_service="DD")
    page = live(store, moved.token).html
    assert "Bạn đã được chuyển sang" in page and "Đất đai" in page and "Quầy phục vụ</td><td class=r>3, 5<" in page
    done = store.issue_ticket("CT").ticket
    store.call_next(2, "lan")
    store.start_service(2, "lan")
    store.finish_service(2, "lan")
    page = live(store, done.token).html
    assert "Đã phục vụ xong" in page and 'action="/t/' in page
    left = store.issue_ticket("KD").ticket
    store.close_day()
    assert "Vé đã hết hạn" in live(store, left.token).html


def test_full_page_english_and_without_javascript(store: Store) -> None:
    ticket = store.issue_ticket("TP").ticket
    status = store.views.statuses()[ticket.token or ""]
    vi = ticket_page(status, "Bộ phận Một cửa", 15, token=ticket.token or "", tz=TZ).decode()
    assert '<noscript><meta http-equiv="refresh" content="15"></noscript>' in vi and "<script>" in vi
    assert 'lang="vi"' in vi and 'href="?lang=en"' in vi and "Chạm vào đây một lần" in vi
    en = ticket_page(status, "Bộ phận Một cửa", 15, token=ticket.token or "", en=True, tz=TZ).decode()
    assert 'lang="en"' in en and "People ahead" in en and "Tap here once" in en
