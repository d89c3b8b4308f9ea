"""The one word for each status and alert, as every screen and export says it (docs/glossary.md).

A supervisor who reads "Sắp quá hạn" on a tile and "Sắp quá chỉ tiêu" in the banner wonders whether they
are two things; so tiles, banners, tables, the hall board, the counter and the exports take their words
from here. "Hạn" is kept for "Hết hạn" (removed at the end of the day) alone; a wait is measured
against a "chỉ tiêu" (target).
"""

from __future__ import annotations

from common.core import wording
from common.core.model import CounterState, TicketStatus

# The state words are common.core.wording's (the rules' own wording): one source for both.
TICKET_STATUS: dict[TicketStatus, str] = {status: vi for status, (vi, _) in wording.STATUS.items()}
COUNTER_STATE: dict[CounterState, str] = {state: vi for state, (vi, _) in wording.COUNTER_STATE.items()}

# How a counter that is open reads when it has or has not a citizen.
SERVING = "Đang phục vụ"
IDLE = "Quầy rảnh"

# The wait against the service's target (common.views.live_metrics defines the two counts).
WITHIN_TARGET = "Trong chỉ tiêu"
AT_RISK = "Sắp quá chỉ tiêu"  # waited past office.at_risk_minutes, not yet past the target
OVER_TARGET = "Quá chỉ tiêu"  # waited past the service's target

# The hall board.
NO_CALL_YET = "Chưa có lượt gọi"
RECALL = "Gọi lại"

TERMS: dict[str, str] = {
    **{f"ticket.{k.value}": v for k, v in TICKET_STATUS.items()},
    **{f"counter.{k.value}": v for k, v in COUNTER_STATE.items()},
    "counter.serving": SERVING,
    "counter.idle": IDLE,
    "wait.within_target": WITHIN_TARGET,
    "wait.at_risk": AT_RISK,
    "wait.over_target": OVER_TARGET,
    "board.no_call_yet": NO_CALL_YET,
    "board.recall": RECALL,
}


def counter_state(state: CounterState | str) -> str:
    return COUNTER_STATE[CounterState(state)]


def ticket_status(status: TicketStatus | str) -> str:
    return TICKET_STATUS[TicketStatus(status)]
