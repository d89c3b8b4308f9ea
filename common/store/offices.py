"""The offices of a province sharing one PostgreSQL, and the database roles of each.

A single office (SQLite, or PostgreSQL as before) is office 1 and never needs this module.
Isolation is the database's job (assets/postgres/offices.sql): each office's roles are
members of the app roles of roles.sql, registered in ``office_roles``, and row-level
security shows them their own office's rows only. This module only writes the registry
and prints the SQL that makes the roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common.core.errors import ConfigError, bilingual
from common.store.db import Database
from common.store.orm import OfficeRow

LEVELS = ("province", "district", "commune")
# The app roles of assets/postgres/roles.sql, and the office administrator of offices.sql.
APP_ROLES = ("kiosk", "counter", "display", "supervisor")
ADMIN_ROLE = "motcua_office_admin"
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class Office:
    id: int
    code: str
    name: str
    level: str
    parent_code: str | None
    timezone: str
    active: bool = True


def add_office(db: Database, code: str, name: str, *, level: str = "commune", parent: str | None = None,
               timezone: str = "Asia/Ho_Chi_Minh") -> Office:
    """Register a new office (the owner's command: `motcua office add`)."""
    if not CODE_PATTERN.fullmatch(code):
        raise bilingual(ConfigError(f"bad office code {code!r}"),
                        f"mã đơn vị {code!r} không hợp lệ: chữ thường, số, - hoặc _, tối đa 32 ký tự",
                        f"bad office code {code!r}: lower-case letters, digits, - or _, at most 32")
    if level not in LEVELS:
        raise ConfigError(f"office level must be one of {', '.join(LEVELS)}, not {level!r}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"unknown time zone {timezone!r}") from exc
    with Session(db.engine) as s, s.begin():
        parent_id = None
        if parent is not None:
            parent_id = s.scalar(select(OfficeRow.id).where(OfficeRow.code == parent))
            if parent_id is None:
                raise ConfigError(f"no office with code {parent!r} (motcua office list)")
        if s.scalar(select(OfficeRow.id).where(OfficeRow.code == code)) is not None:
            raise bilingual(ConfigError(f"office {code!r} exists"), f"đơn vị {code!r} đã có",
                            f"office {code!r} already exists")
        row = OfficeRow(code=code, name=name, level=level, parent_id=parent_id, timezone=timezone)
        s.add(row)
        try:
            s.flush()
        except IntegrityError as exc:  # another owner added the same code at the same moment
            raise ConfigError(f"office {code!r} already exists") from exc
        return Office(row.id, code, name, level, parent, timezone)


def list_offices(db: Database) -> list[Office]:
    with Session(db.engine) as s:
        parents = {row.id: row.code for row in s.execute(select(OfficeRow.id, OfficeRow.code))}
        rows = s.scalars(select(OfficeRow).order_by(OfficeRow.id)).all()
        return [Office(r.id, r.code, r.name, r.level, parents.get(r.parent_id) if r.parent_id else None,
                       r.timezone, r.active) for r in rows]


def find_office(db: Database, code: str) -> Office:
    for office in list_offices(db):
        if office.code == code:
            return office
    raise bilingual(ConfigError(f"no office {code!r}"), f"không có đơn vị {code!r} (motcua office list)",
                    f"no office {code!r} (motcua office list)")


def connected_office(db: Database) -> int | None:
    """The office this connection works for: its role's on PostgreSQL (None for a province role), else 1."""
    if db.is_sqlite:
        return 1
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT CASE WHEN motcua_is_province() THEN NULL "
                                 "ELSE motcua_office_default() END")).scalar()


def check_office(db: Database, code: str) -> None:
    """A PC's config names its office ([office] code); its database role must belong to that office."""
    with Session(db.engine) as s:
        wanted = s.scalar(select(OfficeRow.id).where(OfficeRow.code == code))
        count = s.scalar(select(func.count()).select_from(OfficeRow))
    if wanted is None:
        raise bilingual(ConfigError(f"no office {code!r} in {db.masked_url}"),
                        f"không có đơn vị {code!r} trong {db.masked_url}: xem `motcua office list`",
                        f"no office {code!r} in {db.masked_url}: see `motcua office list`")
    actual = connected_office(db)
    if actual is not None and actual != wanted:
        raise bilingual(ConfigError(f"role of office {actual}, config of office {code!r}"),
                        f"[office] code = {code!r} nhưng tài khoản cơ sở dữ liệu thuộc đơn vị số {actual}",
                        f"[office] code = {code!r} but the database role belongs to office {actual} "
                        f"(of {count})")


def role_names(office_id: int, groups: dict[str, str] | None = None) -> dict[str, str]:
    """``app -> role`` of one office: ``motcua_kiosk_o2``...; ``groups`` renames the app roles (tests)."""
    groups = groups or {app: f"motcua_{app}" for app in (*APP_ROLES, "office_admin")}
    return {app: f"{group}_o{office_id}" for app, group in groups.items()}


def office_roles_sql(office_id: int, groups: dict[str, str] | None = None) -> str:
    """The SQL, run by the owner, that creates an office's roles and registers them in office_roles.

    Each role is a member of its app role, so it has exactly that role's grants and policies;
    offices.sql's restrictive policy then limits every one of them to this office.
    """
    groups = groups or {app: f"motcua_{app}" for app in (*APP_ROLES, "office_admin")}
    lines = [f"-- Roles of office {office_id}: give each a password (ALTER ROLE ... PASSWORD '...')."]
    for app, role in role_names(office_id, groups).items():
        login = "NOLOGIN" if app == "office_admin" else "LOGIN"
        lines += [
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
            f"CREATE ROLE \"{role}\" {login}; END IF; END $$;",
            f'GRANT "{groups[app]}" TO "{role}";',
            f"INSERT INTO office_roles (role_name, office_id) VALUES ('{role}', {int(office_id)}) "
            f"ON CONFLICT (role_name) DO UPDATE SET office_id = EXCLUDED.office_id, province = false;",
        ]
    # The owner acts as the office's administrator for its `setup load` ([database] role).
    lines.append(f'GRANT "{role_names(office_id, groups)["office_admin"]}" TO CURRENT_USER;')
    return "\n".join(lines) + "\n"


def apply_office_roles(db: Database, office_id: int, groups: dict[str, str] | None = None) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(office_roles_sql(office_id, groups))
        cursor.close()
        raw.commit()
    finally:
        raw.close()
