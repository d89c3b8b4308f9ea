"""Wait out the store's sign-in back-off on the worker thread, then try again.

The back-off itself lives in the store (common.store.signin: per user name and per PC,
1, 2, 4 ... s, surviving restarts). When the store says "too soon", the counter waits
the time it names here, off the GUI thread, so a clerk who mistyped just sees
"Đang kiểm tra…" a little longer instead of an error, while a guesser gets at most one
try per back-off. Sleep is injectable: tests record the delays (and move their clock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from common.core.errors import AuthError, Throttled

T = TypeVar("T")
CAP_SECONDS = 60.0  # the store's cap: never wait longer than it could ask


class SignInThrottle:
    """Runs a sign-in check, waiting once for the store's back-off when it asks for one."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, *, cap: float = CAP_SECONDS) -> None:
        self._sleep = sleep
        self.cap = cap
        self.failures = 0  # consecutive failures seen from this window (shown nowhere; for tests and logs)

    def attempt(self, check: Callable[[], T]) -> T:
        try:
            result = self._once(check)
        except Throttled as exc:
            if exc.retry_after > self.cap:
                raise
            self._sleep(exc.retry_after)
            result = self._once(check)  # a second Throttled (another PC guessing) goes to the clerk
        return result

    def _once(self, check: Callable[[], T]) -> T:
        try:
            result = check()
        except Throttled:
            raise
        except AuthError:
            self.failures += 1
            raise
        self.failures = 0
        return result
