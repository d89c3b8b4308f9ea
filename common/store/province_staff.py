"""The province's named people: their accounts, their sign-in (throttled, logged) and its log (migration 0014).

The province view's database role (``motcua_province``) is shared by the PCs of the province; the
person at the PC signs in by name. ``add_staff`` is the owner's (``motcua province-staff add``);
``authenticate`` runs as the province role: the salt and the comparison come from the database's
SECURITY DEFINER functions (no role reads a digest), and every attempt, ok, failed or throttled,
is a row of ``province_signins``. Consecutive failures of a user name are throttled as the clerks'
sign-ins are (common.store.signin.backoff: 1, 2, 4 ... s, capped), counted from that log.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.orm import Session

from common.core.errors import AuthError, MotcuaError, Throttled, said
from common.store import passwords
from common.store.signin import SignInRecord, backoff, this_pc

if TYPE_CHECKING:
    from common.store.operations import Store

_meta = MetaData()
STAFF = Table("province_staff", _meta,
              Column("id", Integer, primary_key=True), Column("username", String(150)),
              Column("full_name", String(200)), Column("password_hash", String(300)),
              Column("active", Boolean), Column("created_at", DateTime(timezone=True)))
SIGNINS = Table("province_signins", _meta,
                Column("id", Integer, primary_key=True), Column("at", DateTime(timezone=True)),
                Column("username", String(150)), Column("outcome", String(20)), Column("pc", String(150)),
                Column("app", String(40)))
LOOKBACK = 40  # failures counted back to the last success, at most this many rows


@dataclass(frozen=True)
class ProvinceUser:
    username: str
    full_name: str
    active: bool = True


def add_staff(store: Store, username: str, full_name: str, password: str) -> ProvinceUser:
    """A province account (the owner's connection); a taken user name is refused in one line."""
    username, full_name = username.strip(), full_name.strip()
    if not username or not full_name:
        raise said(MotcuaError, "cần tên đăng nhập và họ tên", "a user name and a full name are needed")
    if not password:
        raise said(MotcuaError, "mật khẩu không được để trống", "the password may not be empty")
    with store.transaction(notify=False) as tx:
        if tx.session.scalar(select(STAFF.c.id).where(STAFF.c.username == username)) is not None:
            raise said(MotcuaError, f"tên đăng nhập {username!r} của tỉnh đã có",
                       f"the province user name {username!r} is taken")
        tx.session.execute(insert(STAFF).values(username=username, full_name=full_name, active=True,
                                                password_hash=passwords.hash_password(password),
                                                created_at=tx.now))
    return ProvinceUser(username, full_name)


def set_active(store: Store, username: str, active: bool) -> None:
    with store.transaction(notify=False) as tx:
        found = tx.session.scalar(select(STAFF.c.id).where(STAFF.c.username == username))
        if found is None:
            raise said(MotcuaError, f"không có tài khoản tỉnh {username!r}", f"no province account {username!r}")
        tx.session.execute(update(STAFF).where(STAFF.c.id == found).values(active=active))


def staff(store: Store) -> list[ProvinceUser]:
    with store.transaction(readonly=True) as tx:
        rows = tx.session.execute(select(STAFF.c.username, STAFF.c.full_name, STAFF.c.active)
                                  .order_by(STAFF.c.username)).all()
    return [ProvinceUser(r.username, r.full_name, bool(r.active)) for r in rows]


def authenticate(store: Store, username: str, password: str, *, pc: str | None = None,
                 app: str = "dashboard") -> ProvinceUser:
    """The signed-in person, or AuthError / Throttled; every attempt is logged."""
    pc, username = (pc or this_pc())[:150], username[:150]
    with store.transaction(readonly=True) as tx:
        wait = _blocked_for(tx.session, username, tx.now)
        row = None if wait else tx.session.execute(
            select(STAFF.c.username, STAFF.c.full_name).where(STAFF.c.username == username, STAFF.c.active)).first()
        spec, stored = _salt(tx.session, tx.dialect, username) if row is not None else (None, None)
    if wait:
        _log(store, username, "throttled", pc, app)
        raise Throttled(wait)
    digest = passwords.candidate_digest(password, spec)  # scrypt, outside any transaction
    with store.transaction(notify=False) as tx:
        good = row is not None and digest is not None and _matches(tx.session, tx.dialect, username, stored, digest)
        tx.session.execute(insert(SIGNINS).values(at=tx.now, username=username, outcome="ok" if good else "failed",
                                                  pc=pc, app=app))
    if not good or row is None:
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password")
    return ProvinceUser(row.username, row.full_name)


def recent(store: Store, limit: int = 200) -> list[SignInRecord]:
    """The latest province sign-in attempts, newest first."""
    with store.transaction(readonly=True) as tx:
        rows = tx.session.execute(select(SIGNINS).order_by(SIGNINS.c.id.desc()).limit(limit)).all()
    return [SignInRecord(r.at, r.outcome, r.username, r.pc, r.app) for r in rows]


def _log(store: Store, username: str, outcome: str, pc: str, app: str) -> None:
    with store.transaction(notify=False) as tx:
        tx.session.execute(insert(SIGNINS).values(at=tx.now, username=username, outcome=outcome, pc=pc, app=app))


def _blocked_for(session: Session, username: str, now: datetime) -> float:
    rows = session.execute(
        select(SIGNINS.c.outcome, SIGNINS.c.at).where(SIGNINS.c.username == username)
        .order_by(SIGNINS.c.id.desc()).limit(LOOKBACK)).all()
    failures = 0
    last: datetime | None = None
    for r in rows:
        if r.outcome == "ok":
            break
        if r.outcome == "failed":
            failures += 1
            last = last or r.at
    if last is None:
        return 0.0
    if last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=now.tzinfo)
    return max(0.0, backoff(failures) - (now - last).total_seconds())


def _salt(session: Session, dialect: str, username: str) -> tuple[str | None, str | None]:
    if dialect == "postgresql":
        spec = session.scalar(text("SELECT motcua_staff_salt(:u)"), {"u": username})
        return spec, None
    stored = session.scalar(select(STAFF.c.password_hash).where(STAFF.c.username == username))
    return (passwords.salt_spec(stored) if stored else None), stored


def _matches(session: Session, dialect: str, username: str, stored: str | None, digest: str) -> bool:
    if dialect == "postgresql":
        return bool(session.scalar(text("SELECT motcua_check_staff_password(:u, :d)"),
                                   {"u": username, "d": digest}))
    return hmac.compare_digest(digest.encode(), (stored or "").rpartition("$")[2].encode())
