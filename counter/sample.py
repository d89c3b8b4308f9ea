"""Sample data for ``motcua counter --screenshot``: the example office mid-morning, signed in as a demo clerk."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from common.config import load_config
from common.core.clock import ManualClock
from common.core.model import Role
from common.store import Store
from common.store.bootstrap import store_for

EXAMPLE_OFFICE = Path(__file__).resolve().parent.parent / "assets" / "office.example.toml"
DEMO_CLERK, DEMO_PASSWORD, DEMO_COUNTER = "lan", "demo-lan", 1
TZ = "Asia/Ho_Chi_Minh"


def sample_store(directory: Path, day: datetime, url: str | None = None) -> Store:
    """A SQLite store in ``directory`` (or the empty database ``url``) on a clock stopped at 09:40 of ``day``'s
    date, with a morning behind it."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(TZ)
    start = datetime(day.year, day.month, day.day, 7, 30, tzinfo=tz)
    clock = ManualClock(start)
    config = load_config(EXAMPLE_OFFICE)
    store = store_for(config, url or f"sqlite:///{directory / 'sample.sqlite3'}", clock)
    store.load_office(config.office)
    store.add_clerk(DEMO_CLERK, "Nguyễn Thị Lan", Role.CLERK, DEMO_PASSWORD)
    at = lambda minutes: clock.set(start + timedelta(minutes=minutes))  # noqa: E731
    # The early morning: six citizens served at counter 1, one no-show.
    for i, service in enumerate(("TP", "CT", "TP", "TP", "CT", "TP", "TP")):
        at(1 + i * 1.3)
        store.issue_ticket(service, "elderly" if i == 3 else None, check_hours=False)
    for i in range(7):
        at(10 + i * 9)
        store.call_next(DEMO_COUNTER, DEMO_CLERK)
        if i == 4:
            at(12 + i * 9)
            store.mark_no_show(DEMO_COUNTER, DEMO_CLERK)
            continue
        at(11 + i * 9)
        store.start_service(DEMO_COUNTER, DEMO_CLERK)
        at(17 + i * 9)
        store.finish_service(DEMO_COUNTER, DEMO_CLERK)
    # Who is waiting now: a spread of waits, so the colours show, and one priority citizen.
    for minute, service, category in ((88, "TP", None), (94, "CT", None), (99, "TP", None), (101, "TP", "pregnant"),
                                      (104, "CT", None), (109, "TP", "elderly"), (116, "TP", None),
                                      (121, "CT", None), (126, "TP", None)):
        at(minute)
        store.issue_ticket(service, category, check_hours=False)
    at(120)
    store.call_next(DEMO_COUNTER, DEMO_CLERK)
    at(121)
    store.start_service(DEMO_COUNTER, DEMO_CLERK)
    at(129)
    return store
