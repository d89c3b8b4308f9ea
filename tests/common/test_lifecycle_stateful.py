"""No sequence of clerk and kiosk actions breaks the queue's invariants (hypothesis, stateful).

A RuleBasedStateMachine drives the real Store on a real SQLite file: issuing,
calling (next and specific), recalling, starting, finishing, no-shows, transfers,
hold/resume, cancelling, signing in, closing the day, and moving the clock by
minutes, hours and across midnight. After every step it queries the database:

- a counter holds at most one ticket, and a ticket at a counter names its counter and clerk;
- a citizen's visit is in at most one live row (never in two queues or at two counters);
- numbers are unique and gapless per service and service day;
- no wait, walk or service time is negative, and timestamps come in order;
- the latest event of every ticket ends in the ticket's status (every transition was logged).

A rule that is refused must raise DomainError and leave the database unchanged.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import text

from common.config import load_config
from common.core.clock import ManualClock
from common.core.errors import DomainError
from common.store import Store
from common.store.db import Database, connect, make_engine, upgrade
from tests.conftest import EXAMPLE_OFFICE, MORNING, TZ, examples

CLERK_OF = {1: "lan", 2: "minh", 3: "hoa", 8: "tuan"}
COUNTERS = st.sampled_from(sorted(CLERK_OF))
SERVICES = st.sampled_from(["TP", "CT", "DD", "XD"])
LIVE = ("waiting", "called", "serving", "on_hold", "no_show")
_TEMPLATE: Path | None = None


def template() -> Path:
    """One migrated SQLite file for the whole run; each example gets a copy."""
    global _TEMPLATE
    if _TEMPLATE is None:
        path = Path(tempfile.mkdtemp(prefix="motcua-stateful-")) / "template.sqlite3"
        db = Database(make_engine(f"sqlite:///{path}"), f"sqlite:///{path}")
        upgrade(db)
        db.engine.dispose()
        _TEMPLATE = path
    return _TEMPLATE


class Lifecycle(RuleBasedStateMachine):
    tickets = Bundle("tickets")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="motcua-example-"))
        path = self.dir / "motcua.sqlite3"
        shutil.copy(template(), path)
        self.clock = ManualClock(MORNING)
        self.store = Store(connect(f"sqlite:///{path}"), self.clock, TZ)
        self.store.load_office(load_config(EXAMPLE_OFFICE).office)
        self.refused = 0

    def teardown(self) -> None:
        self.store.db.engine.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ------------------------------------------------------------------ helpers
    def rows(self, query: str) -> list[tuple[Any, ...]]:
        with self.store.db.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query))]

    def state(self) -> tuple[Any, ...]:
        return (self.rows("SELECT count(*), max(id) FROM events"), self.rows("SELECT * FROM tickets ORDER BY id"),
                self.rows("SELECT id, state, clerk_id FROM counters ORDER BY id"))

    def attempt(self, action: Callable[[], Any]) -> Any:
        """Run one operation; if the store refuses it, nothing may have been written."""
        before = self.state()
        try:
            return action()
        except DomainError as exc:
            assert str(exc) and exc.en, "a refusal needs a message"
            assert self.state() == before, f"refused ({exc.en}) but the database changed"
            self.refused += 1
            return None

    # ------------------------------------------------------------------ rules
    @initialize(target=tickets, service=SERVICES)
    def first_ticket(self, service: str) -> str:
        return self.store.issue_ticket(service).ticket.token or ""

    @rule(target=tickets, service=SERVICES, priority=st.sampled_from([None, None, None, "elderly", "pregnant"]))
    def issue(self, service: str, priority: str | None) -> str:
        issued = self.attempt(lambda: self.store.issue_ticket(service, priority, check_hours=False))
        return issued.ticket.token if issued else "no-such-token-0000000000"

    @rule(counter=COUNTERS)
    def call_next(self, counter: int) -> None:
        self.attempt(lambda: self.store.call_next(counter, CLERK_OF[counter]))

    @rule(ref=tickets, counter=COUNTERS)
    def call_specific(self, ref: str, counter: int) -> None:
        self.attempt(lambda: self.store.call_specific(ref, counter, CLERK_OF[counter], "out of order"))

    @rule(counter=COUNTERS, action=st.sampled_from(["recall", "start_service", "finish_service", "mark_no_show",
                                                    "hold"]))
    def at_counter(self, counter: int, action: str) -> None:
        self.attempt(lambda: getattr(self.store, action)(counter, CLERK_OF[counter]))

    @rule(counter=COUNTERS, to_service=SERVICES)
    def transfer_to_service(self, counter: int, to_service: str) -> None:
        self.attempt(lambda: self.store.transfer(counter, CLERK_OF[counter], to_service=to_service))

    @rule(counter=COUNTERS, to_counter=COUNTERS)
    def transfer_to_counter(self, counter: int, to_counter: int) -> None:
        self.attempt(lambda: self.store.transfer(counter, CLERK_OF[counter], to_counter=to_counter))

    @rule(ref=tickets, counter=COUNTERS)
    def resume(self, ref: str, counter: int) -> None:
        self.attempt(lambda: self.store.resume(ref, counter, CLERK_OF[counter]))

    @rule(ref=tickets)
    def cancel(self, ref: str) -> None:
        self.attempt(lambda: self.store.cancel(ref, "lan", "left"))

    @rule(counter=COUNTERS)
    def sign_in(self, counter: int) -> None:
        self.attempt(lambda: self.store.sign_in(counter, CLERK_OF[counter]))

    @rule()
    def close_day(self) -> None:
        self.store.close_day()

    @rule(seconds=st.sampled_from([1, 45, 300, 1800, 4 * 3600, 16 * 3600, 24 * 3600]))
    def advance_clock(self, seconds: int) -> None:
        self.clock.advance(seconds)

    # ------------------------------------------------------------------ invariants
    @invariant()
    def a_counter_holds_at_most_one_ticket(self) -> None:
        assert self.rows("SELECT counter_id FROM tickets WHERE status IN ('called', 'serving') "
                         "GROUP BY counter_id HAVING count(*) > 1") == []
        assert self.rows("SELECT id FROM tickets WHERE status IN ('called', 'serving', 'on_hold') "
                         "AND (counter_id IS NULL OR clerk_id IS NULL)") == []

    @invariant()
    def a_visit_is_live_in_one_place_at_most(self) -> None:
        live = ", ".join(f"'{s}'" for s in LIVE)
        assert self.rows(f"SELECT visit_id FROM tickets WHERE status IN ({live}) "
                         "GROUP BY visit_id HAVING count(*) > 1") == []

    @invariant()
    def numbers_are_unique_and_gapless_per_service_day(self) -> None:
        # A transfer keeps its number (same visit); distinct visits never share one.
        assert self.rows("SELECT number_service_id, service_day, number FROM tickets "
                         "GROUP BY number_service_id, service_day, number HAVING count(DISTINCT visit_id) > 1") == []
        for _, _, lowest, highest, distinct in self.rows(
                "SELECT number_service_id, service_day, min(number), max(number), count(DISTINCT number) "
                "FROM tickets GROUP BY number_service_id, service_day"):
            assert (lowest, highest) == (1, distinct)

    @invariant()
    def no_negative_durations_and_ordered_timestamps(self) -> None:
        assert self.rows("SELECT id FROM tickets WHERE wait_s < 0 OR walk_s < 0 OR service_s < 0") == []
        for t in self.store.tickets(MORNING.date() - timedelta(days=1), self.store.today):
            assert t.wait_seconds is None or t.wait_seconds >= 0, t
            now = self.clock.now()
            stamps = [s for s in (t.issued_at, t.called_at, t.finished_at) if s is not None]
            assert stamps == sorted(stamps) and stamps[-1] <= now, t
            assert t.first_called_at is None or t.first_called_at <= (t.last_called_at or now), t
            if t.started_at is not None:
                assert t.first_called_at is not None and t.started_at <= (t.finished_at or now), t
            assert t.issued_at.utcoffset() == timedelta(0)

    @invariant()
    def every_transition_has_an_event(self) -> None:
        latest = dict(self.rows(
            "SELECT e.ticket_id, e.to_status FROM events e WHERE e.id = (SELECT max(id) FROM events x "
            "WHERE x.ticket_id = e.ticket_id AND x.to_status IS NOT NULL)"))
        for ticket_id, status in self.rows("SELECT id, status FROM tickets"):
            assert latest.get(ticket_id) == status, f"ticket {ticket_id} is {status} but its log says " \
                                                    f"{latest.get(ticket_id)}"

    @invariant()
    def the_day_follows_the_office_clock(self) -> None:
        assert self.store.today == self.clock.now().astimezone(TZ).date()


Lifecycle.TestCase.settings = settings(
    max_examples=examples(30), stateful_step_count=50, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestLifecycle = Lifecycle.TestCase
