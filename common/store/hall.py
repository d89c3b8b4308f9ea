"""The hall as the forecast sees it (common.planning.forecast.HallState), read inside the issuing transaction.

``common.store.lean.issue`` calls :func:`forecast_columns` between its read and its one insert
(so the row is still inserted once). It reads the hall in three statements (the counters with
their services; the day's open tickets with the last hour's arrivals; the recent service times,
one index walk per service), adds the new ticket at the back of its queue, runs the forecast,
and returns the columns the insert carries: its quantiles, its method and the printed figure.
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


NEW_TICKET_ID = 2**62  # the ticket being issued has no id yet; any id above the day's sorts it last on ties


def hall_state(tx: Tx, ticket: Waiting) -> HallState:
    """The hall at ``tx.now`` with the not-yet-inserted ``ticket`` joining its queue."""
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
    for tid, sid, code, status, priority, queued, issued, seq, target, at, called, started, booked in (
        tx.session.execute(
            select(TicketRow.id, TicketRow.service_id, ServiceRow.code, TicketRow.status, TicketRow.priority,
                   TicketRow.queued_at, TicketRow.issued_at, TicketRow.transfer_seq, TicketRow.target_counter_id,
                   TicketRow.counter_id, TicketRow.last_called_at, TicketRow.started_at, TicketRow.booked)
            .join(ServiceRow, ServiceRow.id == TicketRow.service_id)
            .where(TicketRow.service_day == tx.day,
                   or_(TicketRow.status.in_((W.WAITING.value, W.CALLED.value, W.SERVING.value)),
                       TicketRow.issued_at >= since)))):
        codes[sid] = code
        if seq == 0 and since <= issued <= now:
            arrived.append((code, bool(priority), issued))
        if status == W.WAITING.value:
            waiting.append(Waiting(tid, code, bool(priority), queued,
                                   numbers.get(target) if target is not None else None, bool(booked)))
        elif status in (W.CALLED.value, W.SERVING.value) and at is not None:
            began = started or called or now
            current[at] = (code, max(0.0, (now - began).total_seconds()))

    desks = tuple(
        Desk(d["number"], tuple(d["services"]), d["ordering"], d["state"],
             _seconds(now, d["since"]), current.get(cid, (None, 0.0))[0], current.get(cid, (None, 0.0))[1],
             tx.snap.booked_first)
        for cid, d in counters.items())
    waiting.append(ticket)
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


def forecast_columns(tx: Tx, ticket: Waiting, formula_s: int, seed: int) -> dict[str, Any]:
    """The forecast's columns for the ticket about to be inserted; the median becomes the printed estimate.

    ``naive_wait_s`` keeps the formula's figure for the accuracy view (printed against naive).
    When the forecast falls back, the formula stays printed. Seeded by the ticket's place in the
    day, so the same hall gives the same figure.
    """
    state = hall_state(tx, ticket)
    try:
        result = forecast(state, seed=seed)
    except Exception:  # a citizen gets a ticket even if the forecast has a bug: the formula stays printed
        log.exception("wait forecast failed for %s; the formula's estimate is printed", ticket.service)
        result = Forecast(formula_s, Method.FORMULA)
    printed = result.printed_s if result.method is Method.FORECAST else formula_s
    return {"estimate_method": result.method.value, "forecast_p10_s": result.p10_s,
            "forecast_p50_s": result.p50_s, "forecast_p90_s": result.p90_s,
            "estimated_wait_s": printed, "naive_wait_s": formula_s}
