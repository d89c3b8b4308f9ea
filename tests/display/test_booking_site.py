"""Booking, cancel, rebook and phone numbers over real HTTP, against the real store (SQLite file and PostgreSQL).

The server is the status page's own (display.http_front) on a free port of 127.0.0.1; each client
binds its own 127.0.0.x source address so the per-address limits see distinct phones. A hostile
user posts garbage, huge bodies, wrong methods, unknown services and past slots: each gets a 4xx
page with one clear line, never a 5xx or a traceback.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from common.config import AppConfig
from common.core.bookings import BookingState
from common.core.clock import ManualClock
from common.store import Store
from common.store.db import connect as open_db
from display import booking_site
from display.booking_site import BookingSite
from display.change_hub import ChangeHub
from display.http_front import HttpFront
from display.status_site import RateLimiter, StatusSite
from tests.booking_office import with_plan
from tests.display.phone import connect, get, parse, read_all

TODAY = date(2026, 11, 25)  # conftest's MORNING: a Wednesday, 08:00 in Hà Nội
TOMORROW = TODAY + timedelta(days=1)
Answer = tuple[int, dict[str, str], str]


def post(port: int, path: str, body: bytes | str, source: str = "127.0.0.2", headers: str = "",
         method: str = "POST") -> Answer:
    data = body.encode() if isinstance(body, str) else body
    with connect(port, source) as sock:
        sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     f"Content-Length: {len(data)}\r\n{headers}\r\n".encode() + data)
        return parse(read_all(sock))


def one_line(page: str) -> str:
    """The page's message: the text of its one ``state`` block."""
    found = re.search(r'<div class="state">(.*?)</div>', page)
    assert found is not None, page[-400:]
    return found.group(1)


@pytest.fixture
def booked_store(store: Store, example_config: AppConfig) -> Store:
    return with_plan(store, example_config)


@pytest.fixture
def server(booked_store: Store) -> Iterator[tuple[HttpFront, StatusSite, BookingSite]]:
    site = StatusSite("Bộ phận Một cửa", limiter=RateLimiter(burst=10_000, per_second=10_000))
    booking = BookingSite(booked_store, "Bộ phận Một cửa", tz=booked_store.tz, limiter=site.limiter,
                          post_limiter=RateLimiter(burst=10_000, per_second=10_000),
                          on_issued=site.issuing.__setitem__)
    front = HttpFront(site, ChangeHub(site.event_data), "127.0.0.1", 0, booking=booking)
    assert front.start()
    yield front, site, booking
    front.close()


def book(port: int, service: str = "TP", day: date = TOMORROW, at: str = "08:00", contact: str = "",
         source: str = "127.0.0.2") -> Answer:
    return post(port, f"/dat-lich/{service}/{day.isoformat()}", f"lien_he={contact}&gio={at}", source)


def test_a_citizen_books_sees_the_code_and_qr_and_the_store_holds_it(server, booked_store: Store) -> None:
    port = server[0].port
    status, _h, page = get(port, "/dat-lich")
    assert status == 200 and 'href="/dat-lich/TP"' in page and 'href="/dat-lich/CT"' in page
    assert 'href="/dat-lich/DD"' not in page  # no plan, no bookings
    status, _h, page = get(port, "/dat-lich/TP")
    assert status == 200 and f'href="/dat-lich/TP/{TOMORROW.isoformat()}"' in page
    status, _h, page = get(port, f"/dat-lich/TP/{TOMORROW.isoformat()}")
    assert status == 200 and 'name="gio" value="08:00"' in page and "còn 2 chỗ" in page
    status, headers, _ = book(port, contact="0912 345 678")
    assert status == 303 and headers["location"].startswith("/hen/")
    code = headers["location"].removeprefix("/hen/")
    status, _h, page = get(port, f"/hen/{code}")
    assert status == 200 and code in page and "<svg" in page and "08:00–08:15" in page
    assert "07:45" in page and "08:10" in page  # the check-in window: 15 min early, 10 late
    assert "0912345678" not in page  # the contact is the office's, not the page's
    kept = booked_store.booking(code)
    assert kept is not None and kept.state == BookingState.BOOKED and kept.contact is not None
    assert "0912345678" in kept.contact.replace(" ", "")
    _s, _h, page = get(port, f"/dat-lich/TP/{TOMORROW.isoformat()}")
    assert "còn 1 chỗ" in page  # the place is taken


def test_cancel_and_rebook_need_the_code_and_post(server, booked_store: Store) -> None:
    port = server[0].port
    code = book(port)[1]["location"].removeprefix("/hen/")
    status, headers, _ = post(port, f"/hen/{code}/doi/{TOMORROW.isoformat()}", "gio=09:30")
    assert status == 303 and headers["location"] == f"/hen/{code}"
    moved = booked_store.booking(code)
    assert moved is not None and moved.slot_start.astimezone(booked_store.tz).strftime("%H:%M") == "09:30"
    assert get(port, f"/hen/{code}/huy")[0] == 405  # a link or a prefetch never cancels
    status, headers, _ = post(port, f"/hen/{code}/huy", "")
    assert status == 303 and headers["location"] == f"/hen/{code}"
    assert booked_store.booking(code).state == BookingState.CANCELLED  # type: ignore[union-attr]
    status, _h, page = get(port, f"/hen/{code}")
    assert status == 200 and "Đã huỷ" in page and "/huy" not in page
    # Typing the code on the first page leads to it; a wrong code to one line, nothing listed.
    assert post(port, "/hen", f"ma={code.lower()}")[1]["location"] == f"/hen/{code}"
    status, _h, page = get(port, "/hen/ACDEFGHJ")
    assert status == 404 and one_line(page) == "Không tìm thấy lịch hẹn với mã này."
    assert get(port, "/hen")[0] == 303  # no listing of bookings at all


@pytest.mark.parametrize(("path", "body", "status", "line"), [
    ("/dat-lich/DD/2026-11-26", "gio=08:00", 404, "Thủ tục này không nhận đặt lịch."),
    ("/dat-lich/NOPE/2026-11-26", "gio=08:00", 404, "Thủ tục này không nhận đặt lịch."),
    ("/dat-lich/TP/2026-13-45", "gio=08:00", 404, "Ngày này không nhận đặt lịch."),
    ("/dat-lich/TP/2027-06-01", "gio=08:00", 404, "Ngày này không nhận đặt lịch."),
    ("/dat-lich/TP/2026-11-26", "gio=08:07", 400, "Xin chọn một giờ hẹn trong danh sách."),
    ("/dat-lich/TP/2026-11-26", "gio=<script>", 400, "Xin chọn một giờ hẹn trong danh sách."),
    ("/dat-lich/TP/2026-11-26", "gio=08:00&lien_he=<b>x</b>", 400,
     "Số điện thoại hoặc e-mail không hợp lệ (có thể để trống)."),
    ("/dat-lich/TP/2026-11-26", b"gio=08:00&\xff\xfe", 400, "Dữ liệu gửi lên không hợp lệ."),
    ("/dat-lich/TP/2026-11-26", "&".join(f"f{i}=1" for i in range(50)), 400, "Dữ liệu gửi lên không hợp lệ."),
    ("/lay-so", "dv=DD", 404, "Thủ tục này không lấy số trực tuyến được."),
    ("/hen/x/y/z", "", 404, "Không tìm thấy lịch hẹn với mã này."),
])
def test_garbage_gets_one_clear_line(server, path: str, body: str | bytes, status: int, line: str) -> None:
    got, _h, page = post(server[0].port, path, body)
    assert (got, one_line(page)) == (status, line)


def test_past_slots_wrong_methods_and_huge_bodies(server, booked_store: Store) -> None:
    port = server[0].port
    status, _h, page = book(port, day=TODAY, at="07:30")  # 07:30 today is before the clock's 08:00
    assert status in (400, 409) and "<div class=\"state\">" in page
    _s, _h, page = get(port, f"/dat-lich/TP/{TODAY.isoformat()}")
    assert 'value="07:30"' not in page  # a past slot is never offered as a button
    assert post(port, "/dat-lich", "", method="PUT")[0] == 405
    assert post(port, "/dat-lich/TP", "x=1")[0] == 405
    status, _h, _ = post(port, f"/dat-lich/TP/{TOMORROW.isoformat()}", b"gio=08:00&" + b"x" * 20_000)
    assert status == 413
    status, _h, _ = post(port, "/lay-so", "dv=TP", headers="Content-Length: abc\r\n")
    assert status in (400, 303)  # one of the two Content-Length lines is read; never a 5xx
    assert booked_store.bookings_for_day(TOMORROW) == []


def test_the_contact_cap_and_the_rate_limit(server, booked_store: Store) -> None:
    front, _site, booking = server
    assert book(front.port, at="08:00", contact="0912345678")[0] == 303
    assert book(front.port, at="08:15", contact="0912.345.678")[0] == 303
    status, _h, page = book(front.port, at="08:30", contact="0912345678")
    assert status == 409 and "2" in one_line(page)  # the core's cap, said in one line
    booking.post_limiter = RateLimiter(burst=2, per_second=0.001)
    answers = [book(front.port, at="09:00", source="127.0.0.9")[0] for _ in range(4)]
    assert answers[2:] == [429, 429]
    assert book(front.port, at="09:15", source="127.0.0.10")[0] == 303  # another address is not held back


def test_two_phones_racing_for_the_last_place_get_one_booking(server, booked_store: Store) -> None:
    port = server[0].port
    answers: list[int] = []

    def one(i: int) -> None:
        answers.append(book(port, service="CT", at="08:00", source=f"127.0.1.{i + 1}")[0])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(answers) == [303] + [409] * 11
    assert len(booked_store.bookings_for_day(TOMORROW, ["CT"])) == 1


def test_a_full_slot_freed_by_a_cancel_is_offered_again_at_once(server, booked_store: Store) -> None:
    port = server[0].port
    first = book(port, service="CT", at="08:00")[1]["location"]
    status, _h, page = book(port, service="CT", at="08:00", source="127.0.0.3")
    assert status == 409 and "hết chỗ" in one_line(page)
    assert book(port, service="CT", at="08:00", source="127.0.0.4")[0] == 409  # refused again (from memory)
    assert post(port, f"{first}/huy", "")[0] == 303
    status, headers, _ = book(port, service="CT", at="08:00", source="127.0.0.5")
    assert status == 303 and headers["location"] != first
    assert len([b for b in booked_store.bookings_for_day(TOMORROW, ["CT"]) if b.state == BookingState.BOOKED]) == 1


def test_a_slot_freed_by_a_cancellation_elsewhere_is_offered_at_once(
        server, booked_store: Store, db_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The full mark holds through a burst, and goes when the store announces a change: a cancellation by
    another connection (the counter, the CLI, another PC), not this page, so nothing in this process pops it."""
    monkeypatch.setattr(booking_site, "FULL_SECONDS", 3600.0)  # the mark cannot expire here: only the notice clears it
    port, site, postgres = server[0].port, server[2], not db_url.startswith("sqlite")
    first = book(port, service="CT", at="08:00")[1]["location"]
    if postgres:  # the booking's own NOTIFY arrives a moment after its commit: let it, so it is not the one seen below
        assert site.changes.wait(10)
    assert book(port, service="CT", at="08:00", source="127.0.0.3")[0] == 409  # the store said full: marked
    marked = dict(site._full)
    assert len(marked) == 1
    for i in range(5):  # a burst for the full slot: refused from the mark, the store not asked (the mark unchanged)
        assert book(port, service="CT", at="08:00", source=f"127.0.0.{10 + i}")[0] == 409
    assert site._full == marked

    other = Store(open_db(db_url), clock, booked_store.tz)  # its own connections, as a second process has
    try:
        other.cancel_booking(first.rsplit("/", 1)[1], contact=False)
    finally:
        other.db.engine.dispose()
    if postgres:  # NOTIFY is delivered just after the commit; SQLite's data_version moves with the commit itself
        assert site.changes.wait(10)
    status, headers, _ = book(port, service="CT", at="08:00", source="127.0.0.5")
    assert status == 303 and headers["location"] != first
    assert len([b for b in booked_store.bookings_for_day(TOMORROW, ["CT"]) if b.state == BookingState.BOOKED]) == 1
    assert book(port, service="CT", at="08:00", source="127.0.0.6")[0] == 409  # full again, and marked again
    assert len(site._full) == 1


def test_a_phone_takes_one_number_and_lands_on_its_status_page(server, booked_store: Store) -> None:
    port = server[0].port
    status, _h, page = get(port, "/lay-so")
    assert status == 200 and 'value="TP"' in page and 'value="CT"' not in page  # CT has remote numbers off
    status, headers, _ = post(port, "/lay-so", "dv=TP")
    assert status == 303 and headers["location"].startswith("/t/")
    device = headers["set-cookie"].split(";")[0]
    token = headers["location"].removeprefix("/t/")
    ticket = booked_store.ticket_by_token(token)
    assert ticket is not None and ticket.service == "TP"
    status, _h, page = get(port, headers["location"])
    assert status == 200 and ticket.code in page  # before the statuses' re-read, the number is shown
    status, _h, page = post(port, "/lay-so", "dv=TP", headers=f"Cookie: {device}\r\n")
    assert status == 409 and ticket.code in one_line(page)  # one active number per phone
    assert sum(1 for t in booked_store.tickets(TODAY, TODAY) if t.service == "TP") == 1


def test_english_on_request(server) -> None:
    port = server[0].port
    status, headers, page = get(port, "/dat-lich?lang=en")
    assert status == 200 and "Book a time" in page and "lang=en" in headers["set-cookie"]
    _s, _h, page = get(port, "/dat-lich/TP", headers="Cookie: lang=en\r\n")
    assert "Choose a day" in page


def test_the_ticket_status_page_still_works(server, booked_store: Store) -> None:
    front, _site, _booking = server
    status, _h, page = get(front.port, "/t/unknown-token")
    assert status == 404 and "Không tìm thấy vé" in page
    assert get(front.port, "/")[0] == 503  # no board read yet: the summary page says so, as before


def test_a_checked_in_booking_shows_its_ticket(server, booked_store: Store, clock: ManualClock) -> None:
    port = server[0].port
    code = book(port, day=TODAY, at="08:15")[1]["location"].removeprefix("/hen/")
    booked_store.check_in(code)
    status, _h, page = get(port, f"/hen/{code}")
    done = booked_store.booking(code)
    assert done is not None and done.ticket_code is not None
    assert status == 200 and "Đã lấy số" in page and done.ticket_code in page and 'href="/t/' in page


def test_bookings_without_a_contact_are_capped_per_address_and_day(server, booked_store: Store,
                                                                    clock: ManualClock) -> None:
    """One phone leaving the contact empty cannot take a day's slots (paced under the rate limit, every
    POST its own booking): an address holds as many bookings without a contact a day as a phone does (2
    here). A contact lifts it (the contact's own cap then counts), another address is not held back, a
    cancellation gives the place back, and the next day the address starts again."""
    port = server[0].port
    first = book(port, at="08:00", source="127.0.0.7")
    assert first[0] == 303 and book(port, at="08:15", source="127.0.0.7")[0] == 303
    status, _h, page = book(port, at="08:30", source="127.0.0.7")
    assert status == 409
    assert one_line(page) == ("Hôm nay đã có 2 lịch hẹn không kèm số điện thoại được đặt từ mạng này. Để đặt thêm, "
                              "xin nhập số điện thoại hoặc e-mail (của người đi làm thủ tục hoặc người nhà)")
    assert f'href="/dat-lich/TP/{TOMORROW.isoformat()}"' in page  # back to the form, where the contact goes
    assert book(port, at="08:45", source="127.0.0.7")[0] == 409  # every slot: it is the address, not the slot
    assert book(port, at="08:30", source="127.0.0.7", contact="0912345678")[0] == 303  # a relative's phone
    assert book(port, at="08:30", source="127.0.0.8")[0] == 303  # another address
    booked = [b for b in booked_store.bookings_for_day(TOMORROW, ["TP"]) if b.state == BookingState.BOOKED]
    assert len(booked) == 4 and sum(b.contact is None for b in booked) == 3

    assert post(port, f"{first[1]['location']}/huy", "")[0] == 303  # cancelled: its place in the count is free
    assert book(port, at="09:00", source="127.0.0.7")[0] == 303
    assert book(port, at="09:15", source="127.0.0.7")[0] == 409

    clock.advance(timedelta(days=1))  # Thursday 08:00: a new day for the address (its bookings still stand)
    assert book(port, day=TOMORROW + timedelta(days=1), at="08:00", source="127.0.0.7")[0] == 303


def test_bookings_without_a_contact_racing_from_one_address_get_the_cap(server, booked_store: Store) -> None:
    """Ten at once from one address, each for its own slot: the database counts them (SQLite's write lock,
    PostgreSQL's advisory lock on the address's key), so exactly the cap is booked."""
    port = server[0].port
    times = [f"{8 + i // 4:02d}:{i % 4 * 15:02d}" for i in range(10)]
    answers: list[int] = []

    def one(at: str) -> None:
        answers.append(book(port, at=at, source="127.0.0.11")[0])

    threads = [threading.Thread(target=one, args=(at,)) for at in times]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(answers) == [303, 303] + [409] * 8
    assert len(booked_store.bookings_for_day(TOMORROW, ["TP"])) == 2
