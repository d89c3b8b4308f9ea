"""Every state has its words, in Vietnamese and English, and the refusals name the ticket."""

from __future__ import annotations

import pytest

from common.core import wording
from common.core.rules import CounterState, TicketStatus


def test_every_state_has_its_words() -> None:
    for table in (wording.STATUS, wording.REFUSAL):
        assert set(table) == set(TicketStatus)
        assert all(vi and en and vi != en for vi, en in table.values())
    assert set(wording.PUBLIC) == set(TicketStatus)
    assert set(wording.COUNTER_STATE) == set(CounterState)


def test_a_break_is_a_break_not_closed() -> None:
    assert wording.counter_state_text(CounterState.BREAK) == "Tạm nghỉ"
    assert wording.counter_state_text(CounterState.BREAK, "en") == "On a break"


def test_the_public_sees_no_more_than_five_states() -> None:
    assert set(wording.PUBLIC.values()) == set(wording.PublicState)
    assert wording.PUBLIC[TicketStatus.ON_HOLD] == wording.PublicState.ON_HOLD


@pytest.mark.parametrize("status", list(TicketStatus))
def test_refusal_names_the_ticket(status: TicketStatus) -> None:
    vi, en = wording.refusal(status, "A023", 3)
    assert "A023" in vi and "A023" in en
    assert "{" not in vi + en
    assert ("quầy 3" in vi) == ("{counter}" in wording.REFUSAL[status][0])
