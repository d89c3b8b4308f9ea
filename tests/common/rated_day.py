"""Build a day of served and rated tickets by hand: shared by the satisfaction report's and dashboard's tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from common.core.clock import ManualClock
from common.store import Store
from common.store.rating import rate_ticket

# (service, counter, clerk, wait in minutes, score or None for unrated, reasons)
Row = tuple[str, int, str, int, int | None, tuple[str, ...]]


def serve(store: Store, clock: ManualClock, service: str, counter: int, clerk: str, wait_minutes: int) -> int:
    ticket = store.issue_ticket(service, check_hours=False).ticket
    clock.advance(timedelta(minutes=wait_minutes))
    called = store.call_next(counter, clerk)
    assert called is not None and called.id == ticket.id
    store.start_service(counter, clerk)
    clock.advance(timedelta(minutes=2))
    store.finish_service(counter, clerk)
    return ticket.id


def serve_and_rate(store: Store, clock: ManualClock, rows: Iterable[Row]) -> None:
    """Each row served at its counter after its wait, then rated at the counter's panel (unless None)."""
    for service, counter, clerk, wait, score, reasons in rows:
        ticket_id = serve(store, clock, service, counter, clerk, wait)
        if score is not None:
            rate_ticket(store, ticket_id, score, reasons, counter=counter)
