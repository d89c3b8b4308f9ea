"""A ticket's QR token: the hour it was made, then 16 random bytes.

The token is what the slip's QR code and the phone's status page (``/t/{token}``) carry, and the
only secret that lets a citizen follow and rate their ticket. Its 16 random bytes
(``secrets.token_urlsafe(16)``, 22 characters) make it unguessable, as before.

The 4 characters in front are the hour it was issued (hours since 1970 in base 36, fixed width),
so that the tokens of the same hour sort together and after every earlier hour's. Why: the
tickets' token index is a B-tree. With purely random tokens every new ticket lands on a random
leaf of it; in a province (one database, millions of tickets) that index is hundreds of MB,
mostly outside PostgreSQL's shared buffers, so each kiosk issue read a cold leaf (and dirtied it).
With the hour first, the hour's new tokens go to a few leaves at one place in the index, which stay
cached. The hour is printed on the slip anyway: the prefix tells nothing a slip does not.

Digits and lowercase letters only: they sort the same byte by byte (SQLite, PostgreSQL's C
collation) and under the usual linguistic collations (digits before letters, one case), so the order
holds whatever collation the database was created with. Tokens made before this (22 characters,
no prefix) still look up: the store finds a token by equality, never by its shape.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"  # ascending in every collation in use
PREFIX_LEN = 4  # 36**4 hours: until the year 2161
RANDOM_BYTES = 16
TOKEN_LEN = PREFIX_LEN + 22  # token_urlsafe(16) is 22 characters
_LAST = len(ALPHABET) ** PREFIX_LEN - 1
_last: tuple[int, str] = (-1, "")  # the last hour asked and its prefix


def hour_prefix(unix_s: float) -> str:
    """The hour of ``unix_s`` (seconds since 1970, UTC) in ``PREFIX_LEN`` base-36 digits, clamped to the range."""
    global _last
    hour = min(max(int(unix_s) // 3600, 0), _LAST)
    last_hour, prefix = _last  # one tuple, replaced whole: safe across the kiosk's threads
    if hour == last_hour:  # every ticket of the hour but its first: a few µs less per issue
        return prefix
    digits, n = [], hour
    for _ in range(PREFIX_LEN):
        n, d = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[d])
    prefix = "".join(reversed(digits))
    _last = (hour, prefix)
    return prefix


def ticket_token(unix_s: float) -> str:
    """A new ticket's token, issued at ``unix_s`` (the store's clock, not the wall): the hour, then 16 random bytes."""
    return hour_prefix(unix_s) + secrets.token_urlsafe(RANDOM_BYTES)
