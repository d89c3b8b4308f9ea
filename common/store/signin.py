"""Signing in, throttled in the store: every sign-in path (counter, dashboard, --password-stdin,
rating admin) goes through :func:`authenticate`.

Failures are counted per user name and per PC in ``sign_in_throttle`` (migration 0005), so
restarting an app does not reset the back-off. After n consecutive failures on a key, the
next attempt on it is refused, without looking at the password, until 1, 2, 4, 8 ... s
(capped at :data:`CAP_SECONDS`) have passed. Every attempt, success or failure, is a row in
the audit log (``signin_ok``, ``signin_failed``, ``signin_throttled``).

The password is checked (scrypt, tens of milliseconds) between two short transactions, so
that SQLite's write lock is never held while hashing.
"""

from __future__ import annotations

import hmac
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, text

from common.core.errors import AuthError, Throttled
from common.core.events import EventKind
from common.core.model import Clerk
from common.store import passwords
from common.store.orm import ClerkRow, SignInThrottleRow
from common.store.tx import Tx, clerk_value

if TYPE_CHECKING:
    from common.store.operations import Store

BASE_SECONDS = 1.0
CAP_SECONDS = 60.0
SIGNIN_KINDS = (EventKind.SIGNIN_OK, EventKind.SIGNIN_FAILED, EventKind.SIGNIN_THROTTLED)
__all__ = ["Throttled", "authenticate", "backoff", "recent_sign_ins"]


@dataclass(frozen=True)
class SignInRecord:
    """One attempt as the dashboard's "sign-ins" view lists it."""

    at: datetime
    outcome: str  # ok, failed, throttled
    username: str
    pc: str
    app: str


def backoff(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive failures: 0, 1, 2, 4, 8 ... capped."""
    if failures <= 0:
        return 0.0
    return float(min(CAP_SECONDS, BASE_SECONDS * 2 ** min(failures - 1, 32)))


def this_pc() -> str:
    return socket.gethostname() or "?"


def keys(username: str, pc: str) -> tuple[str, str]:
    return f"user:{username[:150]}", f"pc:{pc[:150]}"


def authenticate(store: Store, username: str, password: str, *, pc: str | None = None, app: str = "cli") -> Clerk:
    pc = pc or this_pc()
    detail = {"username": username[:150], "pc": pc[:150], "app": app}
    with store.transaction(readonly=True) as tx:
        wait = _blocked_for(tx, username, pc)
        row = None if wait else tx.session.scalar(select(ClerkRow).where(ClerkRow.username == username))
        spec, stored = _salt(tx, row) if row is not None else (None, None)
    if wait:
        with store.transaction(notify=False) as tx:
            tx.log(EventKind.SIGNIN_THROTTLED, detail={**detail, "retry_after_s": round(wait, 1)})
        raise Throttled(wait)
    # scrypt runs here, outside any transaction; on PostgreSQL the database then compares digests.
    digest = passwords.candidate_digest(password, spec)
    with store.transaction(notify=False) as tx:
        good = row is not None and row.active and _matches(tx, row, stored, digest)
        user_key, pc_key = keys(username, pc)
        if good:
            for key in (user_key, pc_key):
                if (mark := tx.session.get(SignInThrottleRow, key)) is not None:
                    tx.session.delete(mark)
            tx.log(EventKind.SIGNIN_OK, k=tx.session.get(ClerkRow, row.id), detail=detail)  # type: ignore[union-attr]
        else:
            for key in (user_key, pc_key):
                _count_failure(tx, key)
            tx.log(EventKind.SIGNIN_FAILED, detail=detail)
    if not good:
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password")
    return clerk_value(row)  # type: ignore[arg-type]


def _salt(tx: Tx, row: ClerkRow) -> tuple[str | None, str | None]:
    """The salt spec ("scrypt$N$r$p$salt") and, on SQLite only, the stored hash.

    On PostgreSQL the spec comes from motcua_password_salt() (migration 0006) and the stored
    hash stays in the database: the app roles cannot read a digest at all."""
    if tx.dialect == "postgresql":
        spec: str | None = tx.session.scalar(text("SELECT motcua_password_salt(:u)"), {"u": row.username})
        return spec, None
    return (passwords.salt_spec(row.password_hash) if row.password_hash else None), row.password_hash


def _matches(tx: Tx, row: ClerkRow, stored: str | None, digest: str | None) -> bool:
    """Whether the candidate digest is the stored one; PostgreSQL compares inside the database."""
    if digest is None:
        return False
    if tx.dialect == "postgresql":
        return bool(tx.session.scalar(text("SELECT motcua_check_password(:u, :d)"),
                                      {"u": row.username, "d": digest}))
    return hmac.compare_digest(digest.encode(), (stored or "").rpartition("$")[2].encode())


def _blocked_for(tx: Tx, username: str, pc: str) -> float:
    rows = tx.session.scalars(select(SignInThrottleRow).where(SignInThrottleRow.key.in_(keys(username, pc))))
    return max([(r.blocked_until - tx.now).total_seconds() for r in rows] + [0.0])


def _count_failure(tx: Tx, key: str) -> None:
    mark = tx.session.get(SignInThrottleRow, key)
    if mark is None:
        mark = SignInThrottleRow(key=key, failures=0, last_failure_at=tx.now, blocked_until=tx.now)
        tx.session.add(mark)
    mark.failures += 1
    mark.last_failure_at = tx.now
    mark.blocked_until = tx.now + timedelta(seconds=backoff(mark.failures))


def recent_sign_ins(store: Store, limit: int = 200) -> list[SignInRecord]:
    """The latest sign-in attempts, newest first, for the dashboard's "sign-ins" view."""
    import json

    from common.store.orm import EventRow, read_kinds

    with store.transaction(readonly=True) as tx:
        rows = tx.session.scalars(select(EventRow).where(EventRow.kind.in_(SIGNIN_KINDS),
                                                        read_kinds(EventRow.kind))
                                  .order_by(EventRow.id.desc()).limit(limit)).all()
        out = []
        for r in rows:
            d = json.loads(r.detail or "{}")
            out.append(SignInRecord(r.at, r.kind.removeprefix("signin_"), str(d.get("username", "")),
                                    str(d.get("pc", "")), str(d.get("app", ""))))
        return out
