"""Commit another user's action in the middle of a read transaction, to test that the read sees one instant."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from common.store import Store


@contextmanager
def committed_before(store: Store, marker: str, action: Callable[[], Any]) -> Iterator[list[Any]]:
    """Run ``action`` (its own transaction, on another connection) just before the first statement
    containing ``marker``; yields the list that receives the action's result, so a test can check it ran."""
    done: list[Any] = []
    started = False

    def interleave(conn, cursor, statement: str, *_: object) -> None:  # type: ignore[no-untyped-def]
        nonlocal started
        if not started and marker.lower() in statement.lower():
            started = True  # the action's own statements must not trigger it again
            done.append(action())

    event.listen(store.db.engine, "before_cursor_execute", interleave)
    try:
        yield done
    finally:
        event.remove(store.db.engine, "before_cursor_execute", interleave)
