"""The NOTIFY channel of each office (PostgreSQL), so a display of office A sleeps through office B's calls.

Office 1 keeps the single-office channel ``motcua``: a one-office install (office 1 after
migration 0010) and its displays are unchanged. Office N > 1 uses ``motcua_oN``. A province
role listens on every office's channel.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, literal

CHANNEL = "motcua"


def channel_name(office_id: int) -> str:
    return CHANNEL if office_id == 1 else f"{CHANNEL}_o{office_id}"


def channel_sql(office_id: Any) -> Any:
    """The same name, computed in SQL from an office id expression (the written row's office_id)."""
    return case((office_id == 1, literal(CHANNEL)), else_=func.concat(f"{CHANNEL}_o", office_id))


def caller_channel_sql() -> Any:
    """The channel of the connecting role's office (the owner and a single-office role: office 1)."""
    return channel_sql(func.motcua_office_default())
