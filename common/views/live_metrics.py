"""The dashboard's live figures: who waits now, for how long, and what the counters are doing.

One read-only transaction returns a :class:`LiveFigures`. "Served today" and "% within
target today" come from ``build_report`` over today's service day, so that the live
panel and ``motcua report`` can never disagree.

Definitions (docs/metrics.md has the report's):

- a ticket **waits** while its status is ``waiting`` on today's service day; its wait so far is now − issued;
- **over target**: it has waited longer than its service's target (30 minutes unless configured);
- **at risk**: it has waited longer than ``office.at_risk_minutes`` (20 by default) but is not over target yet, so the
  two counts never overlap;
- a counter is **serving** when it is open with a ticket called or being served, **idle** when open with none,
  **on break** in the ``break`` state, **back office** in ``back_office``; closed and inactive counters are
  counted as closed.
- **alerts**: a waiting ticket raises one alert when it crosses its target − 5 minutes (25 for the usual
  30-minute target) and one when it crosses the target itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from common.settings import AT_RISK_MINUTES as AT_RISK_MINUTES  # the dashboard's default, declared once

WARNING_LEAD_MINUTES = 5  # the first alert comes this long before the target


@dataclass(frozen=True)
class WaitingTicket:
    id: int
    code: str
    service: str
    waited_s: int
    target_s: int


@dataclass(frozen=True)
class ServiceLive:
    code: str
    name_vi: str
    target_minutes: int
    waiting: int
    longest_wait_s: int
    at_risk: int
    over_target: int


@dataclass(frozen=True)
class CounterTally:
    open: int  # serving + idle: a clerk is at the counter and may call
    serving: int
    idle: int
    on_break: int
    back_office: int
    closed: int


@dataclass(frozen=True)
class LiveFigures:
    at: datetime
    services: tuple[ServiceLive, ...]
    waiting: tuple[WaitingTicket, ...]  # longest wait first
    counters: CounterTally
    served_today: int
    within_target_today_pct: float | None
    at_risk_minutes: int
    printer_notice: str | None = None  # the kiosk printer's last problem today, if no clean print came after

    @property
    def waiting_total(self) -> int:
        return len(self.waiting)

    @property
    def longest(self) -> WaitingTicket | None:
        return self.waiting[0] if self.waiting else None

    @property
    def at_risk(self) -> int:
        return sum(s.at_risk for s in self.services)

    @property
    def over_target(self) -> int:
        return sum(s.over_target for s in self.services)


@dataclass(frozen=True)
class Crossing:
    """A waiting ticket passed an alert threshold (``level`` is "warning" or "over")."""

    ticket: WaitingTicket
    level: str
    minutes: int


def thresholds(target_s: int) -> tuple[tuple[str, int], ...]:
    """The alert levels of one ticket: (level, seconds), earliest first."""
    return (("warning", max(60, target_s - WARNING_LEAD_MINUTES * 60)), ("over", target_s))


def crossings(figures: LiveFigures, already: set[tuple[int, str]]) -> list[Crossing]:
    """Thresholds crossed since the last look; ``already`` (ticket id, level) is updated in place.

    A ticket that crossed both since the last look raises only the more serious alert.
    """
    out: list[Crossing] = []
    for ticket in figures.waiting:
        passed = [(level, s) for level, s in thresholds(ticket.target_s) if ticket.waited_s >= s]
        fresh = [(level, s) for level, s in passed if (ticket.id, level) not in already]
        already.update((ticket.id, level) for level, _ in passed)
        if fresh:
            level, s = fresh[-1]
            out.append(Crossing(ticket, level, s // 60))
    # Forget tickets that no longer wait, so that the set stays as small as the queue.
    waiting_ids = {t.id for t in figures.waiting}
    already.intersection_update({key for key in already if key[0] in waiting_ids})
    return out
