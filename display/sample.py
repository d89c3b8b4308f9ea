"""A morning's worth of calls in a temporary SQLite store: for ``--screenshot`` and the README."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.errors import DomainError
from common.store.bootstrap import Context, store_for

# (service, how many issued) and (counter, clerk) pairs that call in turn.
ISSUES = (("TP", 14), ("CT", 9), ("DD", 6), ("KD", 4), ("XD", 3), ("LD", 5), ("BH", 4), ("CA", 8))
CALLS = ((1, "lan"), (2, "minh"), (3, "hoa"), (4, "tuan"), (7, "giamdoc"), (1, "lan"), (2, "minh"), (6, "admin"),
         (1, "lan"), (3, "hoa"))


def sample_context(config: AppConfig, folder: Path, url: str | None = None) -> Context:
    """The config's office in a fresh SQLite file (or the empty database ``url``), with tickets issued and
    called since 09:00 local."""
    tz = config.tz
    clock = ManualClock(datetime.now(tz).replace(hour=9, minute=0, second=0, microsecond=0))
    store = store_for(config, url or f"sqlite:///{folder / 'sample.sqlite3'}", clock)
    store.load_office(config.office)
    for service, count in ISSUES:
        for _ in range(count):
            clock.advance(timedelta(seconds=40))
            store.issue_ticket(service, check_hours=False)
    for counter, clerk in CALLS:
        clock.advance(timedelta(minutes=3))
        try:
            current = store.current_ticket(counter)
            if current is not None:
                if current.started_at is None:
                    store.start_service(counter, clerk)
                store.finish_service(counter, clerk)
            store.call_next(counter, clerk)
        except DomainError:
            continue  # a counter whose services have nobody waiting: fine for a picture
    return Context(config, store)
