"""The counter waits out the store's back-off once, on the worker thread (counter.throttle)."""

from __future__ import annotations

import pytest

from common.core.errors import AuthError, Throttled
from counter.throttle import SignInThrottle


def test_a_throttled_try_waits_the_time_the_store_names_then_tries_again() -> None:
    slept: list[float] = []
    answers: list[object] = [Throttled(2.5), "lan"]

    def check() -> object:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert SignInThrottle(slept.append).attempt(check) == "lan"
    assert slept == [2.5]


def test_a_second_refusal_reaches_the_clerk_and_failures_are_counted() -> None:
    throttle = SignInThrottle(lambda _s: None)

    def always_throttled() -> str:
        raise Throttled(1)

    with pytest.raises(Throttled):
        throttle.attempt(always_throttled)

    def wrong() -> str:
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu")

    for _ in range(2):
        with pytest.raises(AuthError):
            throttle.attempt(wrong)
    assert throttle.failures == 2
    assert throttle.attempt(lambda: "ok") == "ok" and throttle.failures == 0


def test_a_wait_longer_than_the_cap_is_not_slept() -> None:
    slept: list[float] = []

    def long_block() -> str:
        raise Throttled(120)

    with pytest.raises(Throttled):
        SignInThrottle(slept.append, cap=60).attempt(long_block)
    assert slept == []
