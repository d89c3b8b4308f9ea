"""A believable morning for screenshots and benchmarks: the example office in a temporary SQLite file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from common.config import AppConfig
from common.core.clock import ManualClock
from common.store import Store
from common.store.bootstrap import store_for
from ui.screenshot import sample_config as screenshot_config

# A Wednesday mid-morning in Hà Nội: every example service is open.
SAMPLE_MORNING = datetime(2026, 11, 25, 9, 40, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# (service, tickets waiting) — a peak at land and civil status, as at a provincial centre.
WAITING = {"TP": 7, "CT": 3, "DD": 11, "KD": 2, "LD": 4, "BH": 5, "CA": 9}


def sample_config(path: Path | None = None) -> AppConfig:
    return screenshot_config(path)  # a PC's own file (no services) draws the example office's


def sample_store(folder: Path, config: AppConfig, url: str | None = None) -> Store:
    """Counters open, some citizens served, queues waiting; the construction-permit service sold out.

    In a new SQLite file in ``folder``, or in the empty database ``url`` (``--db``)."""
    clock = ManualClock(SAMPLE_MORNING - timedelta(hours=2))
    store = store_for(config, url or f"sqlite:///{folder / 'sample.sqlite3'}", clock)
    store.load_office(config.office, {"office.name": config.settings.office.name})
    clerks = [c.username for c in config.office.clerks if c.role.value == "clerk"]
    for number, clerk in zip((1, 3, 6, 7), clerks, strict=False):
        store.sign_in(number, clerk)
    desks = list(zip((1, 3, 6, 7), clerks, ("TP", "DD", "LD", "CA"), strict=False))
    for _round in range(3):  # some history, so that estimates come from real service times
        for number, clerk, code in desks:
            store.issue_ticket(code, check_hours=False)
            if store.call_next(number, clerk):
                clock.advance(60)
                store.start_service(number, clerk)
                clock.advance(6 * 60)
                store.finish_service(number, clerk)
    clock.set(SAMPLE_MORNING - timedelta(minutes=30))
    for code, n in WAITING.items():
        for i in range(n):
            store.issue_ticket(code, "elderly" if i == 2 and code == "TP" else None)
            clock.advance(15)
    xd = next(s for s in config.office.services if s.code == "XD")
    for _ in range(xd.daily_cap or 0):
        store.issue_ticket("XD")
    clock.set(SAMPLE_MORNING)
    return store
