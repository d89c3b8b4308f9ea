"""Services, counters and clerks, cached for the life of a Store.

They change a few times a year (``motcua office load``, a new clerk) but every action
names them, so reading them in each transaction cost a round trip or three per action
(issue 12). The catalog is a plain snapshot of the few columns the hot paths need.

When it is refreshed:
- every write that changes them logs ``office_loaded`` or ``clerk_saved``; the highest
  such event id is the catalog's version. ``issue_ticket`` reads that version inside its
  one read statement and reloads when it moved (another process loaded the office);
- this process's own writes call ``clear()``;
- the change feed (common.store.notify) clears it when such an event arrives;
- the call and counter moves check ids and states in SQL, so a stale entry makes them take
  the checked slow path (which refreshes), never act on a wrong row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import time
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.core.events import EventKind
from common.core.model import DEFAULT_PRIORITY_CATEGORIES, OpeningHours, Ordering, parse_span
from common.store.orm import (
    ClerkRow,
    CounterRow,
    CounterServiceRow,
    EventRow,
    ServiceRow,
    SettingRow,
    read_kinds,
)

CATALOG_KINDS = (EventKind.OFFICE_LOADED.value, EventKind.CLERK_SAVED.value)
BREAKS_SETTING = "counter_breaks"  # office_settings row: {"3": ["10:00-10:15", …]}, the counters' daily breaks
TYPICAL_SETTING = "service_typical_minutes"  # office_settings row: {"TP": 12, …}, [[services]] typical_minutes


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    prefix: str
    name_vi: str
    name_en: str
    number_min: int
    number_max: int
    hours: OpeningHours
    daily_cap: int | None
    target_minutes: int
    active: bool
    counters: tuple[int, ...]  # numbers of the active counters serving it, in order


@dataclass(frozen=True)
class CounterInfo:
    id: int
    number: int
    ordering: Ordering


@dataclass(frozen=True)
class Snapshot:
    version: int
    services: dict[str, ServiceInfo]
    services_by_id: dict[int, ServiceInfo]
    counters: dict[int, CounterInfo]  # by number
    counter_numbers: dict[int, int]  # id -> number
    clerks: dict[str, int]  # username -> id (active clerks only)
    clerk_names: dict[int, str]  # id -> username (all clerks)
    categories: frozenset[str]
    booked_first: bool = True  # [appointments] order: a checked-in booking is called before walk-ins
    # Scheduled daily breaks by counter number, office time (issue 17): [counters] breaks, via `setup load`.
    breaks: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    # Each service's typical duration in seconds, where the config gives one: the forecast's prior (issue 17).
    typical_s: dict[str, float] = field(default_factory=dict)


def version_query():  # type: ignore[no-untyped-def]
    """The catalog's version: the newest event that changed services, counters or clerks."""
    return select(func.coalesce(func.max(EventRow.id), 0)).where(
        EventRow.kind.in_(CATALOG_KINDS), read_kinds(EventRow.kind))


class Catalog:
    """The cached snapshot; ``get`` loads it on first use (4 statements, once)."""

    def __init__(self) -> None:
        self._snap: Snapshot | None = None
        self._lock = Lock()  # the counter app calls the store from worker threads

    def clear(self) -> None:
        self._snap = None

    @property
    def current(self) -> Snapshot | None:
        """The snapshot if one is loaded (no statement); None before the first ``get``."""
        return self._snap

    @property
    def version(self) -> int | None:
        return self._snap.version if self._snap else None

    def get(self, session: Session) -> Snapshot:
        snap = self._snap
        if snap is None:
            with self._lock:
                snap = self._snap = load(session)
        return snap

    def reload(self, session: Session) -> Snapshot:
        self.clear()
        return self.get(session)


def load(session: Session) -> Snapshot:
    version = session.scalar(version_query()) or 0
    counter_rows = session.execute(select(
        CounterRow.id, CounterRow.number, CounterRow.ordering, CounterRow.active)).all()
    active_numbers = {r.id: r.number for r in counter_rows if r.active}
    links: dict[int, list[int]] = {}
    for service_id, counter_id in session.execute(select(CounterServiceRow.service_id, CounterServiceRow.counter_id)):
        if counter_id in active_numbers:
            links.setdefault(service_id, []).append(active_numbers[counter_id])
    services = [
        ServiceInfo(r.id, r.code, r.prefix, r.name_vi, r.name_en, r.number_min, r.number_max,
                    OpeningHours(tuple(parse_span(s) for s in r.hours.split(",")), tuple(int(d) for d in r.weekdays)),
                    r.daily_cap, r.target_minutes, r.active, tuple(sorted(links.get(r.id, ()))))
        for r in session.scalars(select(ServiceRow))
    ]
    # The user name alone: on PostgreSQL the kiosk and display roles may read no other column but id.
    clerk_rows = session.execute(select(ClerkRow.id, ClerkRow.username)).all()
    active_clerks = set(session.scalars(select(ClerkRow.id).where(ClerkRow.active.is_(True)))) \
        if _may_read_active(session) else {r.id for r in clerk_rows}
    # One statement for both settings rows (issue 19 added the appointments plan's call order).
    rows = dict(session.execute(select(SettingRow.key, SettingRow.value).where(
        SettingRow.key.in_(("priority_categories", "appointments", BREAKS_SETTING, TYPICAL_SETTING)))).all())
    known = json.loads(rows["priority_categories"]) if "priority_categories" in rows else None
    categories = frozenset(known or DEFAULT_PRIORITY_CATEGORIES)  # an empty list means the defaults
    plan = json.loads(rows["appointments"]) if "appointments" in rows else {}
    booked_first = (plan or {}).get("order", "after_priority") == "after_priority"
    breaks = {int(number): tuple(parse_span(span) for span in spans)
              for number, spans in json.loads(rows.get(BREAKS_SETTING) or "{}").items()}
    typical_s = {code: float(minutes) * 60 for code, minutes in json.loads(rows.get(TYPICAL_SETTING) or "{}").items()}
    return Snapshot(
        version=version,
        services={s.code: s for s in services},
        services_by_id={s.id: s for s in services},
        counters={r.number: CounterInfo(r.id, r.number, Ordering(r.ordering)) for r in counter_rows if r.active},
        counter_numbers={r.id: r.number for r in counter_rows},
        clerks={r.username: r.id for r in clerk_rows if r.id in active_clerks},
        clerk_names={r.id: r.username for r in clerk_rows},
        categories=categories,
        booked_first=booked_first,
        breaks=breaks,
        typical_s=typical_s,
    )


def _may_read_active(session: Session) -> bool:
    """The kiosk and display roles may not read clerks.active; they never act as a clerk either."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(select(func.has_column_privilege("clerks", "active", "SELECT"))))
