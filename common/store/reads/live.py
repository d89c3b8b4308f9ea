"""The dashboard's live figures, read in one transaction (values and alert rules: common/views/live_metrics.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.core.clock import local_midnight
from common.core.events import EventKind
from common.core.model import CounterState, TicketStatus
from common.settings import AT_RISK_MINUTES
from common.store.orm import CounterRow, EventRow, ServiceRow, TicketRow, read_kinds
from common.store.reads.report import build_report
from common.views.live_metrics import CounterTally, LiveFigures, ServiceLive, WaitingTicket

if TYPE_CHECKING:
    from common.store import Store


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


PRINT_EVENTS = (EventKind.PRINT_PRINTED, EventKind.PRINT_FAILED, EventKind.PRINT_SENT)


def printer_notice(session: Session, since: datetime) -> str | None:
    """The latest print outcome today, if it carried a problem (paper near its end, a failure and its reason).

    One indexed read (ix_events_kind_at): a clean print after a problem clears the notice.
    """
    last = session.execute(select(EventRow.kind, EventRow.detail, EventRow.at, TicketRow.code)
                           .join(TicketRow, TicketRow.id == EventRow.ticket_id, isouter=True)
                           .where(EventRow.kind.in_(PRINT_EVENTS), read_kinds(EventRow.kind), EventRow.at >= since)
                           .order_by(EventRow.at.desc(), EventRow.id.desc()).limit(1)).first()
    if last is None or not last.detail:
        return None
    reason = json.loads(last.detail).get("error")
    if not reason:
        return None
    what = "vé không in được" if last.kind == EventKind.PRINT_FAILED else "cảnh báo"
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
