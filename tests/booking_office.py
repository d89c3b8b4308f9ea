"""The example office with an appointment plan (issue 19), for the apps' booking tests."""

from __future__ import annotations

from dataclasses import replace

from common.config import AppConfig
from common.core.bookings import AppointmentPlan, ServicePlan
from common.store import Store

PLAN = AppointmentPlan(max_active_per_contact=2, services={
    "TP": ServicePlan("TP", slot_minutes=15, capacity=2, remote_number=True),
    "CT": ServicePlan("CT", slot_minutes=30, capacity=1, remote_number=False),
})


def with_plan(store: Store, config: AppConfig, plan: AppointmentPlan = PLAN) -> Store:
    store.load_office(replace(config.office, appointments=plan))
    return store
