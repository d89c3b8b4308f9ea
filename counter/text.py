"""How the counter window words things: statuses, durations, priority categories, wait colours."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from common.core import wording
from common.core.model import DEFAULT_PRIORITY_CATEGORIES, CounterState, TicketStatus
from common.settings import AT_RISK_MINUTES
from ui import numbers

# The words live in common.core.wording (one place for the counter, the board and the errors).
STATUS_VI: dict[TicketStatus, str] = {status: vi for status, (vi, _) in wording.STATUS.items()}
STATE_VI: dict[CounterState, str] = {state: vi for state, (vi, _) in wording.COUNTER_STATE.items()}

# Wait colours: green, amber, red (text stays dark on all three for legibility).
GREEN, AMBER, RED = "#cdebd6", "#ffe08a", "#f6b3ac"
NATIONAL_TARGET_MINUTES = 30  # Decision 468/QĐ-TTg; at_risk_minutes is set against it


def minutes_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def duration(seconds: float | None) -> str:
    """``None`` → "–"; 450 → "7 phút 30 giây"; 45 → "45 giây"; 1849 → "31 phút"; 4320 → "1 giờ 12 phút"."""
    return numbers.duration(seconds)


def priority_label(category: str | None, categories: Mapping[str, tuple[str, str]] | None = None) -> str:
    if category is None:
        return "Thường"
    known = categories or DEFAULT_PRIORITY_CATEGORIES
    return f"Ưu tiên: {known[category][0]}" if category in known else f"Ưu tiên: {category}"


def wait_colour(waited_minutes: int, target_minutes: int, at_risk_minutes: int = AT_RISK_MINUTES) -> str:
    """Green, amber or red against the service's target.

    With the law's 30-minute target and the default 20-minute at-risk setting this is
    green under 20, amber 20–30 and red over 30; a service with a 15-minute target turns
    amber at the same fraction (10) and red over 15.
    """
    amber_from = at_risk_minutes * target_minutes / NATIONAL_TARGET_MINUTES
    if waited_minutes > target_minutes:
        return RED
    if waited_minutes >= amber_from:
        return AMBER
    return GREEN
