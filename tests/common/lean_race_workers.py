"""Worker for tests/common/test_lean_race.py (spawned: it must be importable)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.core.errors import DomainError
from tests.common.race_workers import _run, _store


def call_same_counter(url: str, instant: datetime, worker: int, barrier: Any, queue: Any) -> None:
    """Counter 1, clerk1, from several PCs at once: report what call_next did here."""
    store = _store(url, instant)
    store.current_ticket(1)  # connect and read the catalog before the barrier

    def body() -> tuple[str, Any]:
        try:
            called = store.call_next(1, "clerk1")
        except DomainError as exc:
            return ("refused", str(exc))
        return ("called", called.id if called else None)

    _run(worker, queue, barrier, body)
