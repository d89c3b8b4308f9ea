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
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), maxmem=MAXMEM
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
