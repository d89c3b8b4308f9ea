"""The ticket status site as plain Python: routes, rate limit, answers from memory.

The HTTP glue (display.status_server) hands each request's method, path and client
address here and writes back the ``Reply``. Nothing here touches the store: the
controller refreshes ``board`` and ``statuses`` off the GUI thread after each change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from common.board import BoardState, PublicStatus, public_status
from display import pages

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = HTML
    headers: Mapping[str, str] = field(default_factory=dict)


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
    def __init__(self, office: str, *, refresh_seconds: int = 15, limiter: RateLimiter | None = None) -> None:
        self.office = office
        self.refresh = refresh_seconds
        self.limiter = limiter or RateLimiter()
        self.board: BoardState | None = None
        self.statuses: Mapping[str, PublicStatus] = {}

    def respond(self, method: str, path: str, client: str) -> Reply:
        if method not in ("GET", "HEAD"):
            return Reply(405, pages.message_page("Không được phép", "Trang này chỉ để xem."),
                         headers={"Allow": "GET, HEAD"})
        if not self.limiter.allow(client):
            return Reply(429, pages.message_page("Quá nhiều yêu cầu", "Vui lòng thử lại sau ít giây."),
                         headers={"Retry-After": "5"})
        if path in ("/", "/index.html"):
            if self.board is None:
                return Reply(503, pages.message_page("Đang khởi động", "Vui lòng thử lại sau ít giây."),
                             headers={"Retry-After": "5"})
            return Reply(200, pages.summary_page(self.board, self.office, self.refresh))
        if path.startswith("/t/"):
            status = public_status(self.statuses, path[3:].rstrip("/"))
            if status is not None:
                return Reply(200, pages.ticket_page(status, self.office, self.refresh))
        return Reply(404, b"404 Not Found - Khong tim thay\n", "text/plain; charset=utf-8")
