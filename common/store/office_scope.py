"""A province role's dashboard: is this connection the province's, and one office's store for the drill-down.

The province role (``motcua_province``) reads every office and writes nothing (assets/postgres/
offices.sql). To look at one office's own dashboard it connects again with ``motcua.office`` set
at connection start (libpq ``options``): offices.sql's ``province_scope`` policy then narrows the
province's reads to that office's rows. The setting can only narrow what the province already
reads; every other role's policies never look at it, so no role reaches another office by it.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from common.store import Store
from common.store.db import connect
from common.store.offices import Office, connected_office, list_offices

SCOPE_SETTING = "motcua.office"


def is_province(store: Store) -> bool:
    """Whether the store's connection is a province role (PostgreSQL only; a SQLite file is one office)."""
    return not store.db.is_sqlite and connected_office(store.db) is None


def offices(store: Store) -> list[Office]:
    return list_offices(store.db)


def scoped_url(url: str, office_id: int) -> str:
    parsed = make_url(url)
    given = parsed.query.get("options", "")
    earlier = given if isinstance(given, str) else " ".join(given)
    options = f"{earlier} -c {SCOPE_SETTING}={int(office_id)}".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def office_store(store: Store, office: Office) -> Store:
    """A read-only store that sees ``office`` only, in its own time zone (the drill-down's)."""
    if not is_province(store):
        raise PermissionError("only a province role opens another office's dashboard")
    db = connect(scoped_url(store.db.url, office.id))
    return Store(db, store.clock, office.timezone, default_service_minutes=store.default_service_s / 60,
                 call_starts_service=store.call_starts_service)
