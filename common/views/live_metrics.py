"""The dashboard's live figures: who waits now, for how long, and what the counters are doing.

One read-only transaction returns a :class:`LiveFigures`. "Served today" and "% within
target today" come from ``build_report`` over today's service day, so that the live
panel and ``motcua report`` can never disagree.

Definitions (docs/metrics.md has the report's):

- a ticket **waits** while its status is ``waiting`` on today's service day; its wait so far is now − issued;
- **over target**: it has waited longer than its service's target (30 minutes unless configured);
- **at risk**: it has waited longer than ``office.at_risk_minutes`` (20) but is not over target yet, so the
  two counts never overlap;
- a counter is **serving** when it is open with a ticket called or being served, **idle** when open with none,
  **on break** in the ``break`` state, **back office** in ``back_office``; closed and inactive counters are
  counted as closed.
- **alerts**: a waiting ticket raises one alert when it crosses its target − 5 minutes (25 for the usual
  30-minute target) and one when it crosses the target itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.core.clock import local_midnight
from common.core.model import CounterState, TicketStatus
from common.store import Store
from common.store.orm import CounterRow, EventRow, ServiceRow, TicketRow
from common.views.report import build_report

AT_RISK_MINUTES = 20
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


def live_figures(store: Store, at_risk_minutes: int = AT_RISK_MINUTES) -> LiveFigures:
    with store.transaction(readonly=True, consistent=True) as tx:
        s, now = tx.session, tx.now
        services = list(s.scalars(select(ServiceRow).order_by(ServiceRow.position)))
        by_id = {svc.id: svc for svc in services}
        rows = s.execute(select(TicketRow.id, TicketRow.code, TicketRow.service_id, TicketRow.issued_at).where(
            TicketRow.status == TicketStatus.WAITING.value, TicketRow.service_day == tx.day)).all()
        busy = set(s.scalars(select(TicketRow.counter_id).where(
            TicketRow.status.in_((TicketStatus.CALLED.value, TicketStatus.SERVING.value)))))
        counters = list(s.execute(select(CounterRow.id, CounterRow.state, CounterRow.active)))
        day = tx.day
        notice = printer_notice(s, local_midnight(day, tx.tz))
    waiting = sorted((WaitingTicket(i, code, by_id[sid].code, max(0, round((now - issued).total_seconds())),
                                    by_id[sid].target_minutes * 60) for i, code, sid, issued in rows),
                     key=lambda t: (-t.waited_s, t.id))
    risk_s = at_risk_minutes * 60
    per_service = tuple(_service_live(svc, [t for t in waiting if t.service == svc.code], risk_s)
                        for svc in services)
    today = build_report(store, day, day).overall
    return LiveFigures(now, per_service, tuple(waiting), _tally(counters, busy), today.served,
                       today.waits_within_target_pct, at_risk_minutes, notice)


PRINT_EVENTS = ("print_printed", "print_failed", "print_sent")


def printer_notice(session: Session, since: datetime) -> str | None:
    """The latest print outcome today, if it carried a problem (paper near its end, a failure and its reason).

    One indexed read (ix_events_kind_at): a clean print after a problem clears the notice.
    """
    last = session.execute(select(EventRow.kind, EventRow.detail, EventRow.at, TicketRow.code)
                           .join(TicketRow, TicketRow.id == EventRow.ticket_id, isouter=True)
                           .where(EventRow.kind.in_(PRINT_EVENTS), EventRow.at >= since)
                           .order_by(EventRow.at.desc(), EventRow.id.desc()).limit(1)).first()
    if last is None or not last.detail:
        return None
    reason = json.loads(last.detail).get("error")
    if not reason:
        return None
    what = "vé không in được" if last.kind == "print_failed" else "cảnh báo"
    return f"Máy in lấy số: {reason} ({what}, vé {last.code or '?'})"


def _service_live(svc: ServiceRow, mine: list[WaitingTicket], risk_s: int) -> ServiceLive:
    over = sum(1 for t in mine if t.waited_s > t.target_s)
    risky = sum(1 for t in mine if risk_s < t.waited_s <= t.target_s)
    return ServiceLive(svc.code, svc.name_vi, svc.target_minutes, len(mine),
                       max((t.waited_s for t in mine), default=0), risky, over)


def _tally(counters: Iterable[tuple[int, str, bool]], busy: set[int | None]) -> CounterTally:
    serving = idle = on_break = back = closed = 0
    for cid, state, active in counters:
        if not active or state == CounterState.CLOSED.value:
            closed += 1
        elif state == CounterState.BREAK.value:
            on_break += 1
        elif state == CounterState.BACK_OFFICE.value:
            back += 1
        elif cid in busy:
            serving += 1
        else:
            idle += 1
    return CounterTally(serving + idle, serving, idle, on_break, back, closed)


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
