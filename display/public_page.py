"""``/cong-khai`` on the status server: the province's transparency page, live, from a cache.

The page is rendered by common.views.public_page (the same renderer as ``motcua province
--format html``) from two province reads, today and this month. Those reads are whole GROUP BYs
over the period, so they are never run per request: a request more than ``max_age`` seconds after the last
refresh started starts one refresh on a background thread (at most one at a time) and is answered at once with
the page in memory; only the very first request, before any page exists, gets "đang chuẩn bị".
The HTTP thread never waits on the database.

Which offices it lists is the display's database role's business (row-level security): an
office's display shows its own office, a status server run with the province role every office.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from common.store import Store
from common.views.province import ProvinceView
from common.views.public_page import render
from display import pages
from display.reply import Reply

log = logging.getLogger(__name__)
MAX_AGE_S = 60
PREPARING = Reply(503, pages.message_page("Đang chuẩn bị số liệu", "Vui lòng tải lại trang sau ít giây."),
                  headers={"Retry-After": "5"})

# Reads today's and this month's views and the "updated" text; runs on the refresh thread.
Read = Callable[[], tuple[ProvinceView, ProvinceView, str]]


def store_read(store: Store) -> Read:
    def read() -> tuple[ProvinceView, ProvinceView, str]:
        today = store.today
        now: datetime = store.clock.now().astimezone(store.tz)
        return (store.views.province(today, today), store.views.province(today.replace(day=1), today),
                now.strftime("%H:%M %d/%m/%Y"))
    return read


class PublicPage:
    """The cached page; ``reply()`` is called on the HTTP thread, ``read`` runs on a thread of its own."""

    def __init__(self, read: Read, *, max_age: float = MAX_AGE_S, clock: Callable[[], float] = time.monotonic,
                 background: bool = True) -> None:
        self.read, self.max_age, self.clock, self.background = read, max_age, clock, background
        self._body: bytes | None = None
        self._tried = float("-inf")  # when the last refresh started: at most one per max_age, even failing
        self._busy = False
        self._lock = threading.Lock()
        self.refreshes = 0  # how many reads ran: the tests check the cache holds

    def reply(self) -> Reply:
        with self._lock:
            start = not self._busy and self.clock() - self._tried >= self.max_age
            if start:
                self._busy, self._tried = True, self.clock()
        if start:
            if self.background:
                threading.Thread(target=self._refresh, name="motcua-cong-khai", daemon=True).start()
            else:
                self._refresh()
        body = self._body
        if body is None:
            return PREPARING
        return Reply(200, body)

    def _refresh(self) -> None:
        try:
            today, month, updated = self.read()
            body = render(today, month, updated=updated, refresh_seconds=int(self.max_age)).encode()
            with self._lock:
                self._body = body
            self.refreshes += 1
        except Exception:  # the database is away: keep the last page, try again on a later request
            log.warning("the công khai page could not be refreshed", exc_info=True)
        finally:
            with self._lock:
                self._busy = False
