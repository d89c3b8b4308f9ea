"""The one-statement call racing itself: several PCs press F2 on the same counter at once.

On PostgreSQL each sees the counter free in its own snapshot; the unique index on the
counter's current ticket stops all but one, and the store retries those on the checked
path, which words the refusal. No IntegrityError may reach the clerk, on either backend.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.common import lean_race_workers, race_workers
from tests.common.test_race import fresh_store, run_processes
from tests.conftest import MORNING

pytestmark = pytest.mark.slow


def test_one_counter_pressed_from_several_pcs_calls_once(db_url: str) -> None:
    store = fresh_store(db_url, 1)
    for i in range(10):
        store.issue_ticket(race_workers.SERVICES[i % 2])
    store.sign_in(1, "clerk1")
    store.db.engine.dispose()

    results = run_processes(lean_race_workers.call_same_counter, [(db_url, MORNING, w) for w in range(4)])

    outcomes = sorted(kind for kind, _ in results.values())
    assert outcomes == ["called", "refused", "refused", "refused"], results
    assert all("1" in why for kind, why in results.values() if kind == "refused"), results
    with store.db.engine.connect() as conn:
        at_counter = conn.execute(text(
            "SELECT count(*) FROM tickets WHERE counter_id IS NOT NULL AND status = 'called'")).scalar_one()
        calls = conn.execute(text("SELECT count(*) FROM events WHERE kind = 'called'")).scalar_one()
    assert (at_counter, calls) == (1, 1)
    store.db.engine.dispose()
