"""The hall as the forecast sees it (common.planning.forecast.HallState), read inside the issuing transaction.

``common.store.lean.issue`` calls :func:`forecast_columns` between its read and its one insert
(so the row is still inserted once). It reads the hall in five statements (the counters with
their services; the day's open tickets with the last hour's arrivals; the recent service times,
one index walk per service; the past days' arrivals at this time of day, counted in SQL; the
bookings still to come today with the past days' show-ups, issue 19), adds the new ticket at
the back of its queue, runs the forecast, and returns the columns the insert carries: its
quantiles, its method and the printed figure.

The arrival rate counts walk-ins only (a checked-in booking's ticket is left out of it): the
booked load enters as the bookings actually taken, at their slots, instead.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, literal, or_, select, union_all

from common.core.bookings import BookingState
from common.core.model import CounterState, OpeningHours, Ordering, TicketStatus
from common.planning.forecast import (
    BREAK_S,
    BUDGET_S,
    FORECAST_SAMPLE,
    PROFILE_AFTER_S,
    PROFILE_BEFORE_S,
    PROFILE_DAYS,
    Arrivals,
    BookedArrival,
    Desk,
    Forecast,
    HallState,
    Method,
    Waiting,
    forecast,
    pooled_arrivals,
)
from common.store.orm import BookingRow, CounterRow, CounterServiceRow, ServiceRow, TicketRow, finished_done
from common.store.tx import Tx

W = TicketStatus
log = logging.getLogger(__name__)
RATE_WINDOW_S = 3600.0  # arrivals over the last hour give the rate ahead...
MIN_RATE_WINDOW_S = 900.0  # ...or over the time since the first of them, if the hall opened since


# Per service on the kiosk's home screen, every refresh: a third of the slip's budget (the median of
# 130+ runs on a busy hall, shown in whole minutes), so eight services cost at most 80 ms off the GUI thread.
HOME_BUDGET_S = BUDGET_S / 3
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
        if seq == 0 and since <= issued <= now and not booked:  # walk-ins: the bookings are read as such
            arrived.append((code, bool(priority), issued))
        if status == W.WAITING.value:
            waiting.append(Waiting(tid, code, bool(priority), queued,
                                   numbers.get(target) if target is not None else None, bool(booked)))
        elif status in (W.CALLED.value, W.SERVING.value) and at is not None:
            began = started or called or now
            current[at] = (code, max(0.0, (now - began).total_seconds()))

    desks = []
    for cid, d in counters.items():
        elapsed, breaks = scheduled_breaks(now, tx.tz, d["state"], d["since"], tx.snap.breaks.get(d["number"], ()))
        desks.append(Desk(d["number"], tuple(d["services"]), d["ordering"], d["state"], elapsed,
                          current.get(cid, (None, 0.0))[0], current.get(cid, (None, 0.0))[1],
                          tx.snap.booked_first, breaks))
    waiting.append(ticket)
    return HallState(now, ticket, tuple(waiting), tuple(desks), _recent_service_times(tx, codes),
                     _arrivals(tx, arrived, codes), tx.default_service_s, booked=_booked_ahead(tx),
                     typical_s=tx.snap.typical_s)


# A break taken up to this long before its scheduled start, or begun up to this long after its scheduled
# end (the clerk finished a long service first), is that scheduled break under way.
SCHEDULE_SLACK_S = 900.0


def scheduled_breaks(now: datetime, tz: ZoneInfo, state: CounterState, since: datetime | None,
                     spans: Sequence[tuple[time, time]], break_s: float = BREAK_S,
                     ) -> tuple[float, tuple[tuple[float, float], ...]]:
    """A counter's ``Desk.state_elapsed_s`` and ``Desk.breaks`` from its daily schedule (office time) and state.

    ``spans`` are today's scheduled breaks as times of day in ``tz``; the forecast wants
    (start, length) in seconds from ``now``. A break counts while its scheduled end is ahead,
    unless the counter changed state since it began (it went and came back). A counter on a
    break now is not counted twice: when its break began within SCHEDULE_SLACK_S of a scheduled
    one, it is that one, dropped from the list, and the counter is back at the break's start +
    its scheduled length (the forecast's "back when the break ends" is ``break_s`` after the
    start, so the elapsed time is set to make it so). An unscheduled break keeps the forecast's
    ``break_s``, and the schedule still ahead of it.
    """
    elapsed = _seconds(now, since)
    day = now.astimezone(tz).date()
    today = []
    for start, end in spans:
        begin = datetime.combine(day, start, tz)
        stop = datetime.combine(day + timedelta(days=1), time(0), tz) if end == time.max else \
            datetime.combine(day, end, tz)
        today.append((begin, stop))
    slack = timedelta(seconds=SCHEDULE_SLACK_S)
    after = None  # only the breaks that begin after this one are still to come
    if state == CounterState.BREAK and since is not None:
        taking = [(b, e) for b, e in today if b - slack <= since < e + slack]
        if taking:
            begin, stop = taking[-1]
            back = max(begin, since) + (stop - begin)
            if back > now:
                elapsed = break_s - (back - now).total_seconds()  # below 0 for a break longer than break_s
            after = begin
    ahead = tuple(
        ((b - now).total_seconds(), (e - b).total_seconds()) for b, e in today
        if e > now and (after is None or b > after)
        and (state == CounterState.BREAK or since is None or b > since))
    return elapsed, ahead


def _seconds(now: datetime, since: datetime | None) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0


def _recent_service_times(tx: Tx, codes: dict[int, str]) -> dict[str, list[float]]:
    """Each service's latest finished services, newest first: one statement, one index walk per service."""
    if not codes:
        return {}
    parts = [
        select(TicketRow.service_id, TicketRow.service_s)
        .where(TicketRow.service_id == sid, finished_done(TicketRow.status), TicketRow.service_s.is_not(None))
        .order_by(TicketRow.id.desc()).limit(FORECAST_SAMPLE).subquery().select()
        for sid in sorted(codes)
    ]
    samples: dict[str, list[float]] = defaultdict(list)
    for sid, seconds in tx.session.execute(union_all(*parts)):
        samples[codes[sid]].append(float(seconds))
    return dict(samples)


def _arrivals(tx: Tx, arrived: list[tuple[str, bool, datetime]], codes: dict[int, str]) -> tuple[Arrivals, ...]:
    """The rate ahead per service, with its priority share: today's last hour pooled with the day's profile.

    Today: new tickets over the last hour (or since the first of them, at least 15 min). The
    profile: the new tickets of the past PROFILE_DAYS at this time of day, PROFILE_BEFORE_S
    before to PROFILE_AFTER_S after, over the part of that window the service is open (its
    opening hours). A past day counts only if the office issued a ticket in the window, so
    weekends and holidays add nothing (a quiet open day with none is then missed: the rate
    leans slightly high for a service of a few tickets an hour).
    """
    now = tx.now
    counts: dict[tuple[str, bool], int] = defaultdict(int)
    today_s = 0.0  # no ticket yet today: how long the hall has been open is unknown, so today adds nothing
    if arrived:
        first = min(issued for _, _, issued in arrived)
        today_s = min(RATE_WINDOW_S, max(MIN_RATE_WINDOW_S, (now - first).total_seconds()))
    for code, priority, _ in arrived:
        counts[code, priority] += 1
    local = now.astimezone(tx.tz)
    services = {sid: tx.snap.services_by_id[sid] for sid in codes if sid in tx.snap.services_by_id}
    lo = local - timedelta(seconds=PROFILE_BEFORE_S)
    hi = local + timedelta(seconds=PROFILE_AFTER_S)
    # A window wholly outside the hours (tickets issued anyway, or hours changed since): count it whole.
    open_s = {svc.code: _open_seconds(svc.hours, lo, hi) or PROFILE_BEFORE_S + PROFILE_AFTER_S
              for svc in services.values()}
    # Wall-clock arithmetic on the office's zone: the same time of day on each past day.
    windows = [((lo - timedelta(days=k)).astimezone(UTC), (hi - timedelta(days=k)).astimezone(UTC))
               for k in range(1, PROFILE_DAYS + 1)]
    days: set[date] = set()
    for day, sid, priority, n in tx.session.execute(
            select(TicketRow.service_day, TicketRow.service_id, TicketRow.priority, func.count())
            .where(TicketRow.service_day.between(tx.day - timedelta(days=PROFILE_DAYS), tx.day - timedelta(days=1)),
                   TicketRow.transfer_seq == 0, TicketRow.booked.is_(False),
                   or_(*(TicketRow.issued_at.between(a, b) for a, b in windows)))
            .group_by(TicketRow.service_day, TicketRow.service_id, TicketRow.priority)):
        days.add(day)
        if sid in codes:
            counts[codes[sid], bool(priority)] += n
    exposure = {code: today_s + len(days) * open_s.get(code, PROFILE_BEFORE_S + PROFILE_AFTER_S)
                for code in {*codes.values()}}
    until = {svc.code: _until_close(svc.hours, local) for svc in services.values()}
    return pooled_arrivals(counts, exposure, until)


# The show-up share before an office has a history of its own: 9 of 10, weighted as 10 bookings.
PRIOR_SHOWS, PRIOR_BOOKINGS = 9.0, 10.0


def _booked_ahead(tx: Tx) -> tuple[BookedArrival, ...]:
    """Today's bookings not yet checked in whose slot has not ended, with the office's show-up share.

    One statement: the bookings to come (state booked, slot ending after now, starting today),
    and beside them the past PROFILE_DAYS' checked-in and no-show counts, both on the
    (state, slot_start) index. The share pools those counts with PRIOR_SHOWS of PRIOR_BOOKINGS.
    A booking whose slot has begun checks in now at the earliest.
    """
    now = tx.now
    day_end = datetime.combine(tx.day + timedelta(days=1), time(0), tx.tz).astimezone(UTC)
    b = BookingState
    ahead = select(BookingRow.state, BookingRow.service_id, BookingRow.slot_start, literal(1)).where(
        BookingRow.state == b.BOOKED.value, BookingRow.slot_start < day_end, BookingRow.slot_end > now)
    history = (select(BookingRow.state, literal(0), func.min(BookingRow.slot_start), func.count())
               .where(and_(BookingRow.state.in_((b.CHECKED_IN.value, b.NO_SHOW.value)),
                           BookingRow.slot_start.between(now - timedelta(days=PROFILE_DAYS), now)))
               .group_by(BookingRow.state))
    coming: list[tuple[int, datetime]] = []
    shows, total = PRIOR_SHOWS, PRIOR_BOOKINGS
    for state, sid, start, n in tx.session.execute(union_all(ahead, history)):
        if state == b.BOOKED.value:
            coming.append((sid, start))
        else:
            total += n
            shows += n if state == b.CHECKED_IN.value else 0
    services = tx.snap.services_by_id
    return tuple(BookedArrival(services[sid].code, max(0.0, (_utc(start) - now).total_seconds()), shows / total)
                 for sid, start in sorted(coming, key=lambda c: c[1]) if sid in services)


def _utc(at: datetime) -> datetime:
    """SQLite hands back a naive UTC instant from a compound select; PostgreSQL an aware one."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _open_seconds(hours: OpeningHours, lo: datetime, hi: datetime) -> float:
    """Seconds of the local window [lo, hi) inside the opening intervals (times of day; same day assumed)."""
    a, b = _tod(lo), _tod(hi) if hi.date() == lo.date() else 86400.0
    return sum(max(0.0, min(b, _tod_t(end)) - max(a, _tod_t(start))) for start, end in hours.intervals)


def _until_close(hours: OpeningHours, local: datetime) -> float:
    """Seconds until the opening interval that holds ``local`` ends; 0 when the service is closed now."""
    now = _tod(local)
    return max((_tod_t(end) - now for start, end in hours.intervals if _tod_t(start) <= now < _tod_t(end)),
               default=0.0)


def _tod(at: datetime) -> float:
    return _tod_t(at.time())


def _tod_t(t: time) -> float:
    return t.hour * 3600.0 + t.minute * 60.0 + t.second + t.microsecond / 1e6


def hall_estimates(tx: Tx, codes: Sequence[str], budget_s: float = HOME_BUDGET_S) -> dict[str, int]:
    """The wait the slip would print now for a new ordinary ticket of each service (the kiosk's home buttons).

    The hall is read once (the same four statements as an issue) and run forward once per
    service, each with ``budget_s`` of CPU; like the slip, the formula stands in when the
    forecast falls back. A service whose forecast fails is left out (its button keeps the formula).
    """
    if not codes:
        return {}
    state = hall_state(tx, Waiting(NEW_TICKET_ID, codes[0], False, tx.now))
    ahead = state.waiting[:-1]
    out: dict[str, int] = {}
    for i, code in enumerate(codes):
        me = Waiting(NEW_TICKET_ID, code, False, tx.now)
        try:
            out[code] = forecast(replace(state, ticket=me, waiting=(*ahead, me)), seed=i, budget_s=budget_s).printed_s
        except Exception:  # the home screen must still show: that button keeps the formula
            log.exception("wait forecast for the %s button failed; its formula is shown", code)
    return out


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
