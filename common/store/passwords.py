"""Salted scrypt password hashes (standard library; no extra dependency)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# RFC 7914's interactive-login parameters: ~50 ms and 16 MiB per check on a desk PC.
N, R, P = 2**14, 8, 1
MAXMEM = 64 * 1024 * 1024


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("a password may not be empty")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, maxmem=MAXMEM)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    scheme, _, digest = stored.rpartition("$")
    candidate = candidate_digest(password, scheme)
    return candidate is not None and hmac.compare_digest(candidate.encode(), digest.encode())


def salt_spec(stored: str) -> str:
    """The hash without its digest ("scrypt$N$r$p$salt"): what a verifier needs, useless to a cracker.

    PostgreSQL hands the app roles only this (motcua_password_salt(), migration 0006); the
    digest stays in the database, which compares it with :func:`candidate_digest`'s answer.
    """
    return stored.rpartition("$")[0]


def candidate_digest(password: str, spec: str | None) -> str | None:
    """The base64 scrypt digest of ``password`` under ``spec`` (see :func:`salt_spec`), or None if malformed."""
    if not spec:
        return None
    try:
        scheme, n, r, p, salt = spec.split("$")
        if scheme != "scrypt":
            return None
        raw = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=MAXMEM)
    except ValueError:
        return None
    return _b64(raw)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
