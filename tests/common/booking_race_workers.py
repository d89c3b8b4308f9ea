"""Code the booking race tests run in separate (spawned) processes: it must be importable.

Each worker builds its own Store, waits at the barrier with the others, then books (or takes a
remote number) once and reports what happened: ("ok", worker, ("booked", code) | ("refused", reason)).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.core.bookings import BookingRefused
from common.core.clock import ManualClock
from common.store import Store
from common.store.db import connect
from tests.common.race_workers import _run


def _store(url: str, instant: datetime) -> Store:
    return Store(connect(url, upgrade_sqlite=False), ManualClock(instant), "Asia/Ho_Chi_Minh")


def book_once(url: str, instant: datetime, worker: int, service: str, slot: datetime, contact: str | None,
              barrier: Any, queue: Any) -> None:
    store = _store(url, instant)
    store.booking_days(service)  # warms up the connection before the barrier

    def body() -> tuple[str, str]:
        try:
            return ("booked", store.book(service, slot, contact).code)
        except BookingRefused as refused:
            return ("refused", refused.reason)

    _run(worker, queue, barrier, body)
    store.db.engine.dispose()


def remote_once(url: str, instant: datetime, worker: int, service: str, device: str, barrier: Any,
                queue: Any) -> None:
    store = _store(url, instant)
    store.services()

    def body() -> tuple[str, str]:
        try:
            return ("issued", store.issue_remote_ticket(service, device).ticket.code)
        except BookingRefused as refused:
            return ("refused", refused.reason)

    _run(worker, queue, barrier, body)
    store.db.engine.dispose()
