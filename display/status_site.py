"""The ticket status site as plain Python: routes, rate limit, answers from memory.

The HTTP glue (display.status_server) hands each request's method, path and client
address here and writes back the ``Reply``. Nothing here touches the store: the
controller refreshes ``board`` and ``statuses`` off the GUI thread after each change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from common.views.board import BoardState, CallView, PublicStatus, public_status
from display import pages, rating_form, ticket_page
from display.reply import Reply

RATE_SUFFIX = "/rate"
PUBLIC_PATH = "/cong-khai"
CALLABLE = frozenset({"waiting", "on_hold", "called", "no_show"})  # states a call can move a ticket from
TOO_MANY = Reply(429, pages.message_page("Quá nhiều yêu cầu", "Vui lòng thử lại sau ít giây."),
                 headers={"Retry-After": "5"})


class RateLimiter:
    """A token bucket per client address: ``burst`` requests at once, then ``per_second``."""

    def __init__(self, burst: int = 20, per_second: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.rate, self.clock = burst, per_second, clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, client: str) -> bool:
        now = self.clock()
        tokens, last = self._buckets.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if len(self._buckets) > 10_000:  # a flood of addresses must not grow memory for ever
            self._buckets.clear()
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return False
        self._buckets[client] = (tokens - 1, now)
        return True


class StatusSite:
    """Everything is read-only but one form: ``POST /t/{token}/rate`` (see display.rating_form).

    ``on_rating(token, score, reasons)`` is set by the controller, which writes the rating
    off the GUI thread; until the refreshed statuses show it, ``pending`` holds it so the
    page can say "being recorded", and ``rating_notes`` a refusal to show once.
    """

    def __init__(self, office: str, *, refresh_seconds: int = 15, limiter: RateLimiter | None = None,
                 reasons: Sequence[str] = (), tz: ZoneInfo | None = None) -> None:
        self.office = office
        self.refresh = refresh_seconds
        self.limiter = limiter or RateLimiter()
        self.reasons = tuple(reasons)
        self.tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
        self.board: BoardState | None = None
        self._statuses: Mapping[str, PublicStatus] = {}
        # Told of every new set of statuses (display.change_hub pushes them to the open pages).
        self.listeners: list[Callable[[Mapping[str, PublicStatus]], None]] = []
        self.on_rating: Callable[[str, int, list[str]], bool] | None = None
        self.pending: dict[str, int] = {}
        self.rating_notes: dict[str, str] = {}
        self.public: Callable[[], Reply] | None = None  # /cong-khai (display.public_page), when served
        self.issuing: dict[str, str] = {}  # token → number just taken by phone (/lay-so), until the re-read shows it

    @property
    def statuses(self) -> Mapping[str, PublicStatus]:
        return self._statuses

    @statuses.setter
    def statuses(self, value: Mapping[str, PublicStatus]) -> None:
        # Replaced whole, never mutated: the HTTP thread reads one consistent mapping.
        self._statuses = value
        for listener in self.listeners:
            listener(value)

    def called(self, calls: Sequence[CallView]) -> None:
        """Calls just seen on the change feed reach the phones at once, before the statuses are re-read.

        Re-reading every ticket's status takes a while on a long queue (one estimate per place in
        line), and the citizen must hear "your turn" within 2 s. The re-read then confirms it; its
        alert key (counter and call time) is the same, so the phone does not ring twice.
        """
        by_code = {s.code: token for token, s in self._statuses.items() if s.state in CALLABLE}
        new = dict(self._statuses)
        for call in calls:
            token = by_code.get(call.ticket)
            if token is not None:
                new[token] = replace(new[token], state="called", counter=call.counter, called_at=call.at,
                                     recalled=call.recall, people_ahead=0, estimated_wait_seconds=0)
        if new != self._statuses:
            self.statuses = new

    def event_data(self, status: PublicStatus, token: str, en: bool) -> str:
        return ticket_page.event_data(status, en=en, tz=self.tz, token=token)

    def respond(self, method: str, path: str, client: str, body: bytes = b"", *, lang: str = "vi") -> Reply:
        rating = path.startswith("/t/") and path.rstrip("/").endswith(RATE_SUFFIX)
        if method == "POST" and rating:
            if not self.limiter.allow(client):
                return TOO_MANY
            return rating_form.post(self, path[3:].rstrip("/").removesuffix(RATE_SUFFIX), body)
        if method not in ("GET", "HEAD"):
            return Reply(405, pages.message_page("Không được phép", "Trang này chỉ để xem."),
                         headers={"Allow": "GET, HEAD"})
        if not self.limiter.allow(client):
            return TOO_MANY
        if path.rstrip("/") == PUBLIC_PATH and self.public is not None:
            return self.public()
        if path in ("/", "/index.html"):
            if self.board is None:
                return Reply(503, pages.message_page("Đang khởi động", "Vui lòng thử lại sau ít giây."),
                             headers={"Retry-After": "5"})
            return Reply(200, pages.summary_page(self.board, self.office, self.refresh))
        if rating:
            return Reply(405, pages.message_page("Không được phép", "Địa chỉ này chỉ nhận phiếu đánh giá."),
                         headers={"Allow": "POST"})
        if path.startswith("/t/"):
            token = path[3:].rstrip("/")
            status = public_status(self.statuses, token)
            if status is None and token in self.issuing:
                return Reply(200, pages.page("Số của quý vị", pages.issuing_part(self.issuing[token]), refresh=2,
                                             office=self.office))
            self.issuing.pop(token, None)
            if status is not None:
                if status.rating is not None:
                    self.pending.pop(token, None)
                return Reply(200, ticket_page.ticket_page(
                    status, self.office, self.refresh, token=token, reasons=self.reasons,
                    pending=self.pending.get(token), notice=self.rating_notes.pop(token, None), en=lang == "en",
                    tz=self.tz))
        # A citizen's QR from an earlier day lands here too: a page in Vietnamese, never a bare "404 Not Found".
        return Reply(404, pages.message_page(
            "Không tìm thấy", "Không tìm thấy vé này. Trang chỉ tra cứu được vé trong ngày cấp: "
            "vé của ngày khác không còn dùng được, vui lòng lấy số mới."))
