from __future__ import annotations

from counter.throttle import SignInThrottle


def test_delays_double_after_each_failure_up_to_the_cap() -> None:
    slept: list[float] = []
    throttle = SignInThrottle(slept.append, base=1, cap=5)
    delays = []
    for _ in range(6):
        delays.append(throttle.wait())
        throttle.failed()
    assert delays == [0, 1, 2, 4, 5, 5]
    assert slept == [1, 2, 4, 5, 5]  # no call at all for the first try


def test_success_resets() -> None:
    throttle = SignInThrottle(lambda _s: None)
    throttle.failed()
    throttle.failed()
    throttle.succeeded()
    assert throttle.delay == 0
