"""Sign-in throttling kept in the store (common.store.signin), on a SQLite file and PostgreSQL."""

from __future__ import annotations

import pytest

from common.core.clock import ManualClock
from common.core.errors import AuthError, Throttled
from common.core.model import Role
from common.store import Store
from common.store.db import connect
from common.store.signin import CAP_SECONDS, backoff, recent_sign_ins


def test_backoff_doubles_from_one_second_and_is_capped() -> None:
    assert [backoff(n) for n in range(6)] == [0, 1, 2, 4, 8, 16]
    assert backoff(10_000) == CAP_SECONDS


def fail(store: Store, user: str = "lan", pc: str = "pc1") -> None:
    with pytest.raises(AuthError) as caught:
        store.authenticate(user, "sai", pc=pc)
    assert not isinstance(caught.value, Throttled)


def test_failures_back_off_per_user_name(store: Store, clock: ManualClock) -> None:
    store.add_clerk("lan", "Nguyễn Thị Lan", Role.CLERK, "đúng")
    fail(store)
    with pytest.raises(Throttled) as caught:  # even the right password waits out the back-off
        store.authenticate("lan", "đúng", pc="pc1")
    assert caught.value.retry_after == pytest.approx(1)
    clock.advance(1)
    fail(store)
    clock.advance(1.5)
    with pytest.raises(Throttled) as caught:  # from another PC too: the user name is blocked
        store.authenticate("lan", "sai", pc="pc2")
    assert caught.value.retry_after == pytest.approx(0.5)
    assert "thử lại sau 1 giây" in str(caught.value)
    clock.advance(0.5)
    assert store.authenticate("lan", "đúng", pc="pc1").username == "lan"
    fail(store)  # the success reset the count: one failure, one second again
    clock.advance(1)
    assert store.authenticate("lan", "đúng", pc="pc1").username == "lan"


def test_a_pc_guessing_many_user_names_is_throttled(store: Store, clock: ManualClock) -> None:
    fail(store, "an", "kiosk-hall")
    clock.advance(1)
    fail(store, "binh", "kiosk-hall")
    with pytest.raises(Throttled):
        store.authenticate("chi", "x", pc="kiosk-hall")
    store.add_clerk("dung", "Dung", Role.CLERK, "pw")
    assert store.authenticate("dung", "pw", pc="other-pc").username == "dung"


def test_the_back_off_survives_a_restart(db_url: str, store: Store, clock: ManualClock) -> None:
    for _ in range(4):
        fail(store)
        clock.advance(backoff(1 + _))
    fail(store)  # the fifth failure: 16 s
    store.db.engine.dispose()
    again = Store(connect(db_url), clock, store.tz)  # a new process would build exactly this
    clock.advance(15)
    with pytest.raises(Throttled) as caught:
        again.authenticate("lan", "sai", pc="pc1")
    assert caught.value.retry_after == pytest.approx(1)
    again.db.engine.dispose()


def test_every_attempt_is_in_the_audit_log(store: Store, clock: ManualClock) -> None:
    store.add_clerk("lan", "Nguyễn Thị Lan", Role.SUPERVISOR, "đúng")
    assert store.authenticate("lan", "đúng", pc="pc1", app="dashboard").username == "lan"
    fail(store)
    with pytest.raises(Throttled):
        store.authenticate("lan", "đúng", pc="pc1", app="counter")
    rows = recent_sign_ins(store)
    assert [(r.outcome, r.username, r.pc, r.app) for r in rows] == [
        ("throttled", "lan", "pc1", "counter"), ("failed", "lan", "pc1", "cli"), ("ok", "lan", "pc1", "dashboard")]
    assert all(r.at == clock.now() for r in rows)
