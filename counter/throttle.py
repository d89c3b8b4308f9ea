"""Slow down repeated failed sign-ins on this PC: 0, 1, 2, 4, ... seconds, capped.

The delay is served on the worker thread before the password is checked, so the
window stays responsive while a guesser waits. Sleep is injectable: tests record
the delays instead of waiting them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

BASE_SECONDS = 1.0
CAP_SECONDS = 30.0


class SignInThrottle:
    """Counts consecutive failures (any username: a guesser may vary it) and waits before the next try."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, *,
                 base: float = BASE_SECONDS, cap: float = CAP_SECONDS) -> None:
        self._sleep = sleep
        self.base = base
        self.cap = cap
        self.failures = 0

    @property
    def delay(self) -> float:
        """Seconds to wait before the next attempt."""
        if self.failures == 0:
            return 0.0
        return min(self.cap, self.base * 2 ** (self.failures - 1))

    def wait(self) -> float:
        delay = self.delay
        if delay:
            self._sleep(delay)
        return delay

    def failed(self) -> None:
        self.failures += 1

    def succeeded(self) -> None:
        self.failures = 0
