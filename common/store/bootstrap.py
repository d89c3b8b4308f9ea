"""Wiring in one place: from a config path and a database URL to a ready Store.

The CLI, every app and the tests build their store here, so that a test store and
a real one are put together the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.config import AppConfig, config_path, load_config
from common.core.clock import Clock
from common.store import Store
from common.store.db import connect, resolve_url
from common.store.offices import check_office


@dataclass(frozen=True)
class Context:
    config: AppConfig
    store: Store


def store_for(config: AppConfig, db_url: str | None = None, clock: Clock | None = None, *,
              must_exist: bool = False) -> Store:
    url = resolve_url(db_url, config.settings.database.url or None)
    db = connect(url, must_exist=must_exist, role=config.settings.database.role)
    if config.settings.office.code:
        check_office(db, config.settings.office.code)  # a PC of office A must not run on office B's role
    return Store(
        db,
        clock,
        config.tz,
        default_service_minutes=config.settings.office.default_service_minutes,
        call_starts_service=config.settings.office.call_starts_service,
        hall_forecast=True,
    )


def bootstrap(config: str | None = None, db_url: str | None = None, clock: Clock | None = None, *,
              must_exist: bool = False) -> Context:
    """Read the config (``--config``/``MOTCUA_CONFIG``) and open the store it names.

    ``must_exist``: a SQLite file named explicitly must already be there (the CLI's rule).
    """
    cfg = load_config(config_path(config))
    return Context(cfg, store_for(cfg, db_url, clock, must_exist=must_exist))
