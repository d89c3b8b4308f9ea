"""The hall as the forecast sees it (common.planning.forecast.HallState), read inside the issuing transaction.

``Store.issue_ticket`` calls :func:`forecast_onto` once the new row is flushed. It reads the
hall in three statements (the counters with their services; the day's open tickets with the
last hour's arrivals; the recent service times, one index walk per service), runs the
forecast, and writes its quantiles and method onto the row, which goes out with the rest.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, union_all

from common.core.model import CounterState, Ordering, TicketStatus
from common.planning.forecast import (
    FORECAST_SAMPLE,
    Arrivals,
    Desk,
    Forecast,
    HallState,
    Method,
    Waiting,
    forecast,
)
from common.store.orm import CounterRow, CounterServiceRow, ServiceRow, TicketRow
from common.store.tx import Tx

W = TicketStatus
log = logging.getLogger(__name__)
RATE_WINDOW_S = 3600.0  # arrivals over the last hour give the rate ahead...
MIN_RATE_WINDOW_S = 900.0  # ...or over the time since the first of them, if the hall opened since


def hall_state(tx: Tx, row: TicketRow) -> HallState:
    """The hall at ``tx.now`` around the just-flushed ticket ``row``."""
    now = tx.now
    counters: dict[int, dict[str, Any]] = {}
    codes: dict[int, str] = {}
    for cid, number, ordering, state, since, sid, code in tx.session.execute(
            select(CounterRow.id, CounterRow.number, CounterRow.ordering, CounterRow.state, CounterRow.state_since,
                   ServiceRow.id, ServiceRow.code)
            .join(CounterServiceRow, CounterServiceRow.counter_id == CounterRow.id)
            .join(ServiceRow, ServiceRow.id == CounterServiceRow.service_id)
            .where(CounterRow.active.is_(True))
            .order_by(CounterRow.number, CounterServiceRow.position)):
        desk = counters.setdefault(cid, {"number": number, "ordering": Ordering(ordering),
                                         "state": CounterState(state), "since": since, "services": []})
        desk["services"].append(code)
        codes[sid] = code
    numbers = {cid: d["number"] for cid, d in counters.items()}

    # One read for the queue, the counters' tickets and the last hour's arrivals.
    since = now - timedelta(seconds=RATE_WINDOW_S)
    waiting: list[Waiting] = []
    current: dict[int, tuple[str, float]] = {}
    arrived: list[tuple[str, bool, datetime]] = []
    for tid, sid, code, status, priority, queued, issued, seq, target, at, called, started in tx.session.execute(
            select(TicketRow.id, TicketRow.service_id, ServiceRow.code, TicketRow.status, TicketRow.priority,
                   TicketRow.queued_at, TicketRow.issued_at, TicketRow.transfer_seq, TicketRow.target_counter_id,
                   TicketRow.counter_id, TicketRow.last_called_at, TicketRow.started_at)
            .join(ServiceRow, ServiceRow.id == TicketRow.service_id)
            .where(TicketRow.service_day == tx.day,
                   or_(TicketRow.status.in_((W.WAITING.value, W.CALLED.value, W.SERVING.value)),
                       TicketRow.issued_at >= since))):
        codes[sid] = code
        if seq == 0 and since <= issued <= now:
            arrived.append((code, bool(priority), issued))
        if status == W.WAITING.value:
            waiting.append(Waiting(tid, code, bool(priority), queued,
                                   numbers.get(target) if target is not None else None))
        elif status in (W.CALLED.value, W.SERVING.value) and at is not None:
            began = started or called or now
            current[at] = (code, max(0.0, (now - began).total_seconds()))

    desks = tuple(
        Desk(d["number"], tuple(d["services"]), d["ordering"], d["state"],
             _seconds(now, d["since"]), *current.get(cid, (None, 0.0)))
        for cid, d in counters.items())
    ticket = next(w for w in waiting if w.id == row.id)
    return HallState(now, ticket, tuple(waiting), desks, _recent_service_times(tx, codes),
                     _arrivals(arrived, now), tx.default_service_s)


def _seconds(now: datetime, since: datetime | None) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0


def _recent_service_times(tx: Tx, codes: dict[int, str]) -> dict[str, list[float]]:
    """Each service's latest finished services, newest first: one statement, one index walk per service."""
    if not codes:
        return {}
    parts = [
        select(TicketRow.service_id, TicketRow.service_s)
        .where(TicketRow.service_id == sid, TicketRow.status == W.DONE.value, TicketRow.service_s.is_not(None))
        .order_by(TicketRow.id.desc()).limit(FORECAST_SAMPLE).subquery().select()
        for sid in sorted(codes)
    ]
    samples: dict[str, list[float]] = defaultdict(list)
    for sid, seconds in tx.session.execute(union_all(*parts)):
        samples[codes[sid]].append(float(seconds))
    return dict(samples)


def _arrivals(arrived: list[tuple[str, bool, datetime]], now: datetime) -> tuple[Arrivals, ...]:
    """New tickets per service over the last hour (or since the first of them), with their priority share."""
    if not arrived:
        return ()
    first = min(issued for _, _, issued in arrived)
    window = min(RATE_WINDOW_S, max(MIN_RATE_WINDOW_S, (now - first).total_seconds()))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, priority, _ in arrived:
        counts[code][1 if priority else 0] += 1
    return tuple(Arrivals(code, (plain + urgent) * 3600.0 / window, urgent / (plain + urgent))
                 for code, (plain, urgent) in counts.items())


def forecast_onto(tx: Tx, row: TicketRow) -> Forecast:
    """Forecast ``row``'s wait and keep it on the row; the median becomes the printed estimate.

    When the forecast falls back, the formula's estimate already on the row stays printed.
    Seeded by the ticket's id, so the same hall gives the same figure.
    """
    with tx.session.no_autoflush:  # the row's pending estimate need not go out before these reads: one UPDATE later
        state = hall_state(tx, row)
    try:
        result = forecast(state, seed=row.id)
    except Exception:  # a citizen gets a ticket even if the forecast has a bug: the formula stays printed
        log.exception("wait forecast failed for ticket %s; the formula's estimate is printed", row.id)
        result = Forecast(row.estimated_wait_s, Method.FORMULA)
    row.estimate_method = result.method.value
    row.forecast_p10_s, row.forecast_p50_s, row.forecast_p90_s = result.p10_s, result.p50_s, result.p90_s
    if result.method is Method.FORECAST:
        row.estimated_wait_s = result.printed_s
    return result
