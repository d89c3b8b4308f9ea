"""A kiosk process whose cached catalog misses a service reloads the whole catalog, and issues by the new one.

Another PC (here another Store on the same file) added a service with its own typical duration and a new
priority category. The kiosk's first ticket of it must use both: the reloaded catalog's typical time for its
estimate (no history yet) and its categories, not the copy cached before the change.
"""

from __future__ import annotations

from dataclasses import replace

from common.config import AppConfig
from common.core.clock import ManualClock
from common.core.model import Service
from common.store import Store
from common.store.db import connect
from tests.conftest import TZ


def test_a_service_added_elsewhere_is_issued_by_the_reloaded_catalog(db_url: str, clock: ManualClock,
                                                                     example_config: AppConfig) -> None:
    kiosk, supervisor = Store(connect(db_url), clock, TZ), Store(connect(db_url), clock, TZ)
    try:
        kiosk.load_office(example_config.office)
        kiosk.issue_ticket("TP", check_hours=False)  # the kiosk's catalog is cached now
        office = example_config.office
        supervisor.load_office(replace(
            office, services=(*office.services, Service("NEW", "N", "Dịch vụ mới", "New service", typical_minutes=45)),
            priority_categories={**office.priority_categories, "veteran": ("Cựu chiến binh", "Veteran")}))
        ticket = kiosk.issue_ticket("NEW", "veteran", check_hours=False).ticket
        assert ticket.priority_category == "veteran"
        assert ticket.estimated_wait_seconds == 45 * 60  # the new service's typical time, not the office default
    finally:
        kiosk.db.engine.dispose()
        supervisor.db.engine.dispose()
