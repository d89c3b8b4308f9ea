"""Booking (``/dat-lich``, ``/hen/{code}``) and remote numbers (``/lay-so``) on the status server.

Unlike the ticket pages, these read and write the store, so display.http_front runs
``respond`` on a small thread pool of its own, never on the GUI thread nor its event loop.
Each POST is one store operation (one transaction) followed by a redirect (Post/Redirect/Get).

Anti-abuse, because the page is public: every request passes the per-address ``limiter``
and every POST also the stricter ``post_limiter``; the store caps active bookings per contact, and
those without a contact per calling address and day (common.store.bookings.book_from);
only the code's own page shows a booking (no listing, no search); garbage gets one line and a
4xx, never a traceback. The only booking datum in a URL is the code, on its own page.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from common.core.bookings import AppointmentPlan, Booking, BookingRefused
from common.core.errors import MotcuaError
from common.store.bookings import book_from
from common.store.notify import ChangeStamp
from display import booking_pages as bp
from display.reply import Reply
from display.status_site import RateLimiter

if TYPE_CHECKING:
    from common.store import Store

log = logging.getLogger(__name__)
PREFIXES = ("/dat-lich", "/hen", "/lay-so")
DEVICE_COOKIE = "motcua_may"
DEVICE_AGE = 24 * 3600  # a day: a remote number is today's
CODE = re.compile(r"[A-Za-z0-9-]{4,32}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
PHONE = re.compile(r"\+?\d{8,14}")
EMAIL = re.compile(r"[^@\s<>\"']{1,64}@[^@\s<>\"']{1,60}\.[A-Za-z]{2,24}")
SERVICES_SECONDS = 60.0  # the offered services are re-read at most this often (every GET would cost a query each)
# A slot the store just said is full is refused from memory: when a popular slot opens, hundreds of phones post
# for it at once, and each refusal would otherwise cost a write transaction. The database still decides every
# booking it is asked for. The mark holds until the store announces any change (common.store.notify.ChangeStamp:
# a cancellation anywhere, from this page, the counter, the CLI or another PC, frees its place at once), and at
# most this long (the stamp's connection lost, or a change the stamp cannot see).
FULL_SECONDS = 5.0


class BadInput(Exception):
    def __init__(self, status: int, vi: str, en: str) -> None:
        super().__init__(en)
        self.status, self.vi, self.en = status, vi, en


def contact_of(raw: str) -> str | None:
    """A phone number (digits, spaces, dots and dashes dropped) or an e-mail address; empty is None."""
    text = raw.strip()
    if not text:
        return None
    if "@" in text:
        if len(text) <= 80 and EMAIL.fullmatch(text):
            return text.lower()
    else:
        digits = re.sub(r"[\s.()-]", "", text)
        if PHONE.fullmatch(digits):
            return digits
    raise BadInput(400, "Số điện thoại hoặc e-mail không hợp lệ (có thể để trống).",
                   "That phone number or e-mail is not valid (you may leave it empty).")


def form_of(body: bytes) -> dict[str, str]:
    try:
        parsed = parse_qs(body.decode("utf-8"), max_num_fields=8, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInput(400, "Dữ liệu gửi lên không hợp lệ.", "The form sent is not valid.") from exc
    return {k: v[0] for k, v in parsed.items() if v}


def cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


class BookingSite:
    """Routes, checks and answers; ``respond`` runs on a worker thread of display.http_front."""

    def __init__(self, store: Store, office: str, *, tz: ZoneInfo, limiter: RateLimiter | None = None,
                 post_limiter: RateLimiter | None = None, on_issued: Callable[[str, str], None] | None = None) -> None:
        self.store, self.office, self.tz = store, office, tz
        self.limiter = limiter or RateLimiter()
        # A booking is a write: 10 at once from one address, then one every 5 s (a shared NAT still gets through).
        self.post_limiter = post_limiter or RateLimiter(burst=10, per_second=0.2)
        self.on_issued = on_issued  # (token, ticket code): the status page shows it before its next re-read
        self._read_at = -1e9
        self._plan = AppointmentPlan()
        self._offered: list[bp.Offered] = []
        # (service, slot) -> (when marked, the change stamp read before the store refused, the refusal)
        self._full: dict[tuple[str, datetime], tuple[float, int, BookingRefused]] = {}
        self.changes = ChangeStamp(store)  # opens its connection at the first booking, not here
        self.refused_from_mark = 0  # refusals the store was not asked for (benchmarks/booking_bench.py prints it)
        self._count_lock = threading.Lock()

    @staticmethod
    def handles(path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in PREFIXES)

    # -- the entry point
    def respond(self, method: str, path: str, client: str, body: bytes = b"", *, lang: str = "vi",
                cookies: str = "") -> Reply:
        en = lang == "en"
        if method not in ("GET", "HEAD", "POST"):
            return self._say(405, "Không được phép", "Not allowed", "Phương thức không được hỗ trợ.",
                             "That method is not supported.", en, headers={"Allow": "GET, HEAD, POST"})
        if not self.limiter.allow(client) or (method == "POST" and not self.post_limiter.allow(client)):
            return self._say(429, "Quá nhiều yêu cầu", "Too many requests", "Vui lòng thử lại sau ít giây.",
                             "Please try again in a few seconds.", en, headers={"Retry-After": "5"})
        parts = [p for p in path.split("/") if p]
        back = ("/lay-so", "Về trang lấy số", "Back") if parts[0] == "lay-so" else (
            "/dat-lich", "Về trang đặt lịch", "Back to booking")
        try:
            if parts[0] == "lay-so":
                return self._remote(method, parts[1:], body, en, cookies)
            if parts[0] == "dat-lich":
                return self._book(method, parts[1:], body, en, client)
            return self._code(method, parts[1:], body, en)
        except BadInput as bad:
            allow = {"Allow": "GET, HEAD, POST"} if bad.status == 405 else {}
            return self._say(bad.status, "Chưa thực hiện được", "Not done", bad.vi, bad.en, en, allow, back)
        except BookingRefused as refused:
            vi, english = getattr(refused, "vi", str(refused)), getattr(refused, "en", str(refused))
            if refused.reason == "too_many_here" and len(parts) == 3:  # back to the form, where the contact goes
                back = ("/" + "/".join(parts), "Nhập số điện thoại rồi chọn lại giờ",
                        "Enter a phone number, then choose the time again")
            return self._say(409, "Chưa thực hiện được", "Not done", vi, english, en, None, back)
        except MotcuaError as exc:
            vi, english = getattr(exc, "vi", str(exc)), getattr(exc, "en", str(exc))
            return self._say(409, "Chưa thực hiện được", "Not done", vi, english, en, None, back)
        except Exception:
            log.exception("booking page failed: %s %s", method, path)
            return self._say(503, "Đang bận", "Busy", "Hệ thống đang bận. Vui lòng thử lại sau ít phút.",
                             "The system is busy. Please try again in a few minutes.", en,
                             headers={"Retry-After": "5"})

    # -- /dat-lich[/svc[/day]]
    def _book(self, method: str, rest: list[str], body: bytes, en: bool, client: str) -> Reply:
        if not rest:
            self._only(method, "GET")
            return Reply(200, bp.services_page(self.offered(), office=self.office, en=en))
        service = self._service(rest[0])
        if len(rest) == 1:
            self._only(method, "GET")
            days = self.store.booking_days(service.code)
            return Reply(200, bp.days_page(service, days, base=f"/dat-lich/{service.code}", office=self.office, en=en))
        if len(rest) > 2:
            raise self._not_found()
        day = self._day(service, rest[1])
        action = f"/dat-lich/{service.code}/{day.isoformat()}"
        if method != "POST":
            return Reply(200, bp.slots_page(service, day, self.store.booking_slots(service.code, day), action=action,
                                            office=self.office, en=en, tz=self.tz, now=self.store.clock.now(),
                                            ask_contact=True))
        form = form_of(body)
        contact = contact_of(form.get("lien_he", ""))
        slot = self._slot(service, day, form.get("gio", ""))
        booking = self._book_slot(service.code, slot, contact, client)
        return see_other(f"/hen/{booking.code}")

    # -- /hen, /hen/{code}, /hen/{code}/huy, /hen/{code}/doi[/day]
    def _code(self, method: str, rest: list[str], body: bytes, en: bool) -> Reply:
        if not rest:
            if method != "POST":
                return see_other("/dat-lich")
            typed = form_of(body).get("ma", "").strip().upper()
            if not CODE.fullmatch(typed):
                raise BadInput(400, "Mã hẹn không hợp lệ.", "That booking code is not valid.")
            return see_other(f"/hen/{typed}")
        booking = self._booking(rest[0])
        here = f"/hen/{booking.code}"
        if len(rest) == 1:
            self._only(method, "GET")
            return Reply(200, bp.booking_page(booking, office=self.office, en=en, tz=self.tz,
                                              early_minutes=self.plan().early_minutes,
                                              late_minutes=self.plan().late_minutes,
                                              ticket_token=self._token(booking)))
        if rest[1] == "huy" and len(rest) == 2:
            self._only(method, "POST")
            self.store.cancel_booking(booking.code, contact=False)
            self._full.pop((booking.service, booking.slot_start), None)  # its place is free again
            return see_other(here)
        if rest[1] != "doi" or len(rest) > 3:
            raise self._not_found()
        service = bp.Offered(booking.service, booking.service_name_vi, booking.service_name_en)
        title = bp.tr(en, "Đổi giờ hẹn", "Change the time")
        if len(rest) == 2:
            self._only(method, "GET")
            return Reply(200, bp.days_page(service, self.store.booking_days(service.code), base=f"{here}/doi",
                                           office=self.office, en=en, title=title))
        day = self._day(service, rest[2])
        action = f"{here}/doi/{day.isoformat()}"
        if method != "POST":
            return Reply(200, bp.slots_page(service, day, self.store.booking_slots(service.code, day), action=action,
                                            office=self.office, en=en, tz=self.tz, now=self.store.clock.now(),
                                            ask_contact=False, title=title))
        slot = self._slot(service, day, form_of(body).get("gio", ""))
        self._refuse_if_full(booking.service, slot)
        self.store.rebook(booking.code, slot, contact=False)
        self._full.pop((booking.service, booking.slot_start), None)
        return see_other(here)

    # -- /lay-so
    def _remote(self, method: str, rest: list[str], body: bytes, en: bool, cookies: str) -> Reply:
        if rest:
            raise self._not_found()
        plan = self.plan()
        offered = [s for s in self.all_services() if (sp := plan.service(s.code)) is not None and sp.remote_number]
        if method != "POST":
            return Reply(200, bp.remote_page(offered, office=self.office, en=en))
        wanted = form_of(body).get("dv", "")
        service = next((s for s in offered if s.code == wanted), None)
        if service is None:
            raise BadInput(404, "Thủ tục này không lấy số trực tuyến được.", "That service takes no numbers by phone.")
        device = cookie(cookies, DEVICE_COOKIE)
        headers: dict[str, str] = {}
        if not re.fullmatch(r"[0-9a-f]{32}", device):
            device = secrets.token_hex(16)
        headers["Set-Cookie"] = f"{DEVICE_COOKIE}={device}; Max-Age={DEVICE_AGE}; Path=/; HttpOnly; SameSite=Lax"
        issued = self.store.issue_remote_ticket(service.code, device)
        token = issued.ticket.token or ""
        if self.on_issued is not None and token:
            self.on_issued(token, issued.ticket.code)
        return see_other(f"/t/{token}", headers)

    def _book_slot(self, service: str, slot: datetime, contact: str | None, client: str) -> Booking:
        self._refuse_if_full(service, slot)
        stamp = self.changes.read()  # before the store answers: a place freed after its answer moves the stamp
        try:
            # without a contact, the store counts this address's bookings of the day under the contact cap
            return book_from(self.store, service, slot, contact, client, source="web")
        except BookingRefused as refused:
            if refused.reason == "full":
                if len(self._full) > 1000:  # a slot a key: bounded, whatever is posted
                    self._full.clear()
                self._full[(service, slot)] = (time.monotonic(), stamp, refused)
            raise

    def _refuse_if_full(self, service: str, slot: datetime) -> None:
        seen = self._full.get((service, slot))
        if seen is None:
            return
        marked, stamp, said = seen
        if time.monotonic() - marked < FULL_SECONDS and self.changes.read() == stamp:
            with self._count_lock:
                self.refused_from_mark += 1
            raise BookingRefused(said.reason, said.vi, said.en)  # a new one: threads never share a traceback
        self._full.pop((service, slot), None)  # something changed (maybe a cancellation): the store decides

    def close(self) -> None:
        """Close the change stamp's connection (the status server's front calls it when it stops)."""
        self.changes.close()

    # -- checks
    def all_services(self) -> list[bp.Offered]:
        return [bp.Offered(s.code, s.name_vi, s.name_en) for s in self.store.services() if s.active]

    def plan(self) -> AppointmentPlan:
        """The office's plan (the same for every PC: the store keeps it), re-read at most once a minute."""
        self._refresh()
        return self._plan

    def offered(self) -> list[bp.Offered]:
        """The services that take bookings from today, re-read at most once a minute."""
        self._refresh()
        return self._offered

    def _refresh(self) -> None:
        if time.monotonic() - self._read_at > SERVICES_SECONDS:
            plan = self.store.appointment_plan()
            offered = [s for s in self.all_services() if s.code in plan.services and self.store.booking_days(s.code)]
            self._plan, self._offered, self._read_at = plan, offered, time.monotonic()

    def _service(self, code: str) -> bp.Offered:
        found = next((s for s in self.offered() if s.code == code), None)
        if found is None:
            raise BadInput(404, "Thủ tục này không nhận đặt lịch.", "That service takes no bookings.")
        return found

    def _day(self, service: bp.Offered, text: str) -> date:
        """A day the plan opens for ``service``, from today to ``ahead_days``: checked without a query
        (a refused POST then costs one transaction, the booking's; the store checks it all again)."""
        try:
            day = date.fromisoformat(text) if DAY.fullmatch(text) else None
        except ValueError:
            day = None
        plan = self.plan()
        sp = plan.service(service.code)
        today = self.store.today
        if day is None or sp is None or not plan.open_on(sp, day) or not today <= day <= today + timedelta(
                days=sp.ahead_days):
            raise BadInput(404, "Ngày này không nhận đặt lịch.", "That day takes no bookings.")
        return day

    def _slot(self, service: bp.Offered, day: date, text: str) -> datetime:
        """The start of the slot at ``HH:MM`` (office time) on ``day``: only a time on the plan's grid."""
        sp = self.plan().service(service.code)
        if HHMM.fullmatch(text) and sp is not None:
            start = datetime.combine(day, clock_time(int(text[:2]), int(text[3:])), self.tz).astimezone(UTC)
            if sp.holds(start, self.tz):
                return start
        raise BadInput(400, "Xin chọn một giờ hẹn trong danh sách.", "Please choose a time from the list.")

    def _booking(self, code: str) -> Booking:
        found = self.store.booking(code.upper(), contact=False) if CODE.fullmatch(code) else None
        if found is None:
            raise self._not_found("Không tìm thấy lịch hẹn với mã này.", "No booking has this code.")
        return found

    def _token(self, booking: Booking) -> str | None:
        if not booking.ticket_code or booking.slot_start.astimezone(self.tz).date() != self.store.today:
            return None
        try:
            return self.store.find_ticket(booking.ticket_code).token
        except MotcuaError:
            return None

    @staticmethod
    def _only(method: str, allowed: str) -> None:
        if method != allowed and not (allowed == "GET" and method == "HEAD"):
            raise BadInput(405, "Địa chỉ này không nhận yêu cầu này.", "This address does not take that request.")

    @staticmethod
    def _not_found(vi: str = "Không tìm thấy trang này.", en: str = "No such page.") -> BadInput:
        return BadInput(404, vi, en)

    def _say(self, status: int, title_vi: str, title_en: str, vi: str, en_text: str, en: bool,
             headers: dict[str, str] | None = None,
             back: tuple[str, str, str] = ("/dat-lich", "Về trang đặt lịch", "Back to booking")) -> Reply:
        body = bp.message(bp.tr(en, title_vi, title_en), bp.tr(en, vi, en_text), office=self.office, en=en,
                          back=back[0], back_label=bp.tr(en, back[1], back[2]))
        return Reply(status, body, headers=headers or {})


def see_other(location: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(303, b"", headers={"Location": location, **(headers or {})})

