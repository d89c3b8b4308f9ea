"""Event kinds are one enum, stored in the same VARCHAR(32) column, read back as the enum."""

from __future__ import annotations

from common.core.events import CALLS, COUNTER_STATES, KIND_LENGTH, OF_ACTION, EventKind
from common.core.model import PrintStatus
from common.core.rules import TICKET_ACTIONS, CounterState
from common.store import Store
from common.store.orm import EventRow


def test_every_kind_fits_the_column() -> None:
    assert max(len(kind.value) for kind in EventKind) <= KIND_LENGTH
    assert EventRow.__table__.c.kind.type.length == KIND_LENGTH  # type: ignore[attr-defined]


def test_counter_and_print_kinds_exist_for_every_state() -> None:
    assert {EventKind.counter(s) for s in CounterState} == COUNTER_STATES
    assert all(EventKind.printed(p.value).value == "print_" + p.value for p in PrintStatus)


def test_every_ticket_move_writes_an_event() -> None:
    assert set(OF_ACTION) == set(TICKET_ACTIONS)
    assert {EventKind.CALLED, EventKind.RECALLED} == CALLS


def test_the_log_reads_back_as_enums(store: Store) -> None:
    issued = store.issue_ticket("TP").ticket
    store.sign_in(1, "lan")
    store.call_next(1, "lan")
    events = store.events_since(0)
    assert all(isinstance(e.kind, EventKind) for e in events)
    mine = [e.kind for e in events if e.ticket_id == issued.id]
    assert mine == [EventKind.ISSUED, EventKind.CALLED]
    assert EventKind.COUNTER_OPEN in {e.kind for e in events}
