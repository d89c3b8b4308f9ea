"""A plan checked on the office's own counters (the store-free engine): counters that serve only some services
are not one pooled queue, so the same number of counters keeps fewer waits within target."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest

from common.config import OfficeSpec
from common.core.model import Counter, OpeningHours, Service
from common.planning.office_check import check_office, counter_order
from common.planning.open_hours import as_seconds
from common.planning.verify import Profile, verify
from common.store import Store
from common.store.db import connect
from tests.dashboard.day import TZ

MORNING = tuple(as_seconds([(time(7, 30), time(11, 30))]))
HOURS = OpeningHours(((time(7, 30), time(11, 30)),), (1, 2, 3, 4, 5))


@pytest.fixture
def split_office(tmp_path: Path) -> Iterator[Store]:
    """Two services, each on two counters of its own; counter 5 serves both."""
    store = Store(connect(f"sqlite:///{tmp_path / 'office.sqlite3'}"), tz=TZ)
    services = (Service("TP", "A", "Tư pháp", "Justice", hours=HOURS),
                Service("DD", "D", "Đất đai", "Land", hours=HOURS))
    counters = (Counter(1, "Quầy 1", ("TP",)), Counter(2, "Quầy 2", ("TP",)), Counter(3, "Quầy 3", ("DD",)),
                Counter(4, "Quầy 4", ("DD",)), Counter(5, "Quầy 5", ("TP", "DD")))
    store.load_office(OfficeSpec(services=services, counters=counters))
    yield store
    store.db.engine.dispose()


def test_counter_order_gives_every_service_set_a_counter_first(split_office: Store) -> None:
    assert counter_order(split_office.counters()) == [1, 3, 5, 2, 4]


def test_split_counters_keep_fewer_waits_within_target_than_one_pool(split_office: Store) -> None:
    # TP busy (16/h × 8 min = 2.1 erlangs), DD quiet (4/h): 2.7 erlangs in all, which 3 pooled counters carry;
    # split, TP has counter 1 and a share of counter 5, and its queue grows all morning.
    rates = {h: {"TP": 16.0, "DD": 4.0} for h in range(7, 12)}
    means = {"TP": 480.0, "DD": 480.0}
    plan = dict.fromkeys(range(7, 12), 3)  # counters 1 (TP), 3 (DD), 5 (both)
    office = check_office(split_office, plan, rates, means, MORNING, days=8, first_seed=2)
    pooled = verify(Profile({h: 20.0 for h in range(7, 12)}, MORNING, 480.0), plan, 8, 2)
    assert office.tickets > 8 * 50 and office.days == 8
    assert pooled.overall > 0.85 and office.overall < pooled.overall - 0.1
    more = check_office(split_office, dict.fromkeys(range(7, 12), 5), rates, means, MORNING, days=8, first_seed=2)
    assert more.tickets == office.tickets and more.overall > office.overall  # the same citizens, more counters
