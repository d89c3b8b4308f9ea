"""The table of moves and the desk's actions, checked as properties: no database, no Qt."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from common.core import rules
from common.core.rules import FINAL, MOVES, Action, CounterState, TicketStatus

STATUSES = st.sampled_from(list(TicketStatus))
ACTIONS = st.sampled_from(list(Action))
COUNTER_STATES = st.sampled_from(list(CounterState))


def test_final_states_have_no_moves_and_the_others_have_some() -> None:
    sources = {status for status, _ in MOVES}
    assert sources == set(TicketStatus) - FINAL


def test_every_state_is_reachable_from_waiting() -> None:
    reached, frontier = {TicketStatus.WAITING}, [TicketStatus.WAITING]
    while frontier:
        status = frontier.pop()
        for (source, _), move in MOVES.items():
            for target in {move.to, move.target(started=True)}:
                if source == status and target not in reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == set(TicketStatus)


@given(STATUSES, ACTIONS, st.booleans())
def test_move_agrees_with_allowed(status: TicketStatus, action: Action, started: bool) -> None:
    after = rules.move(status, action, started=started)
    assert (after is not None) == rules.allowed(status, action)
    assert (status in rules.from_states(action)) == rules.allowed(status, action)


@given(st.lists(st.tuples(ACTIONS, st.booleans()), max_size=30))
def test_a_walk_never_leaves_a_final_state(steps: list[tuple[Action, bool]]) -> None:
    status = TicketStatus.WAITING
    for action, started in steps:
        after = rules.move(status, action, started=started)
        if status.final:
            assert after is None
        if after is not None:
            status = after


def test_a_held_ticket_comes_back_to_service_once_started() -> None:
    assert rules.move(TicketStatus.ON_HOLD, Action.RESUME, started=False) == TicketStatus.CALLED
    assert rules.move(TicketStatus.ON_HOLD, Action.RESUME, started=True) == TicketStatus.SERVING
    assert rules.move(TicketStatus.ON_HOLD, Action.CALL_SPECIFIC, started=True) == TicketStatus.SERVING


def test_only_a_ticket_not_yet_served_can_be_cancelled() -> None:
    assert rules.from_states(Action.CANCEL) == set(TicketStatus) - FINAL - {TicketStatus.SERVING}


@given(COUNTER_STATES, st.one_of(st.none(), STATUSES.filter(lambda s: s.at_counter)), st.booleans())
def test_desk_actions_follow_the_table(state: CounterState, current: TicketStatus | None, held: bool) -> None:
    actions = rules.desk_actions(state, current, held)
    assert Action.SIGN_OUT in actions
    if current is not None:
        # A counter holds one ticket: no call, no break, no resume until it is done with.
        assert not actions & {Action.CALL_NEXT, Action.CALL_SPECIFIC, Action.BREAK, Action.BACK_OFFICE,
                              Action.RESUME}
        assert all(rules.allowed(current, a) for a in actions - {Action.SIGN_OUT})
        assert actions - {Action.SIGN_OUT} == {
            a for a in rules.TICKET_ACTIONS & rules.DESK_ACTIONS if rules.allowed(current, a)}
    else:
        assert {Action.BREAK, Action.BACK_OFFICE} <= actions
        assert (Action.CALL_NEXT in actions) == (state == CounterState.OPEN)
        assert (Action.RESUME in actions) == held


def test_f2_is_off_on_a_break() -> None:
    assert Action.CALL_NEXT not in rules.desk_actions(CounterState.BREAK, None, held=False)
    assert Action.CALL_NEXT in rules.desk_actions(CounterState.OPEN, None, held=False)


@given(st.sampled_from([Action.BREAK, Action.BACK_OFFICE]), COUNTER_STATES)
def test_break_and_back_office_toggle(action: Action, current: CounterState) -> None:
    after = rules.counter_state_after(action, current)
    again = rules.counter_state_after(action, after)
    assert CounterState.OPEN in (after, again)
    assert after != current


def test_the_rules_import_only_the_standard_library() -> None:
    """So that they can be read, tested and reused without a database or a screen."""
    core = Path(rules.__file__).parent
    allowed_own = {"common.core.rules", "common.core.events"}
    for name in ("rules.py", "events.py", "wording.py"):
        tree = ast.parse((core / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in sys.stdlib_module_names or module in allowed_own, f"{name} imports {module}"


def test_the_desk_neither_cancels_nor_closes_the_day() -> None:
    assert not rules.DESK_ACTIONS & {Action.CANCEL, Action.EXPIRE}
