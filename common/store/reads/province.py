"""The province view's reads: one GROUP BY office over tickets, one over visits, one over ratings.

A province role (PostgreSQL) sees every office; any other role sees its own office only
(row-level security), so the same query serves an office's own line. Service days are each
office's own local days (tickets.service_day), so one period means the same days everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, select, text

from common.core.rules import TicketStatus as W
from common.store.orm import OfficeRow, RatingRow, TicketRow
from common.store.province_days import DAYS, not_summed, p90_of_minutes, summed, summed_waits
from common.store.rating import Score
from common.views.province import TARGET_WAIT_S, OfficeFigures, ProvinceView, rank

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from common.store import Store


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def province_view(store: Store, start: date, end: date) -> ProvinceView:
    with store.transaction(readonly=True, consistent=True) as tx:
        s = tx.session
        pg = not store.db.is_sqlite
        offices = {o.id: o for o in s.scalars(select(OfficeRow))}
        sums: dict[int, dict[str, int]] = {}
        if pg:  # closed days come summed (office_days); only the others are read ticket by ticket
            sums = summed(s, start, end)
            start_raw = _raw_start(s, start, end, list(offices))
            if sums:  # the raw part is a day or two: parallel workers would cost more to start than they save
                s.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        raw = Raw(start_raw if pg else start, end, pg)
        tickets = _tickets(s, raw)
        visits = _visits(s, raw)
        ratings = _ratings(s, raw)
        p90 = _p90(s, raw)
        if sums:
            _add_sums(tickets, visits, ratings, sums)
            minutes = summed_waits(s, start, end)
            for office_id, hist in _raw_minutes(s, raw, set(sums)).items():
                for minute, n in hist.items():
                    minutes.setdefault(office_id, {})[minute] = minutes.get(office_id, {}).get(minute, 0) + n
            for office_id in sums:
                p90.pop(office_id, None)
                value = p90_of_minutes(minutes.get(office_id, {}))
                if value is not None:
                    p90[office_id] = value
    figures = []
    for office_id in sorted(set(tickets) | set(ratings)):
        o = offices.get(office_id)
        t = tickets.get(office_id, (0, 0, 0, 0, 0, 0, 0))
        v = visits.get(office_id, (0, 0))
        r = ratings.get(office_id, (0, 0))
        figures.append(OfficeFigures(
            office_id, o.code if o else str(office_id), o.name if o else "", o.level if o else "province",
            tickets=t[0], served=t[1], no_show=t[2], judged=t[3], within=t[4], wait_n=t[5], wait_sum=float(t[6]),
            visits=v[0], visits_within=v[1], p90_wait_s=p90.get(office_id), ratings=r[0], satisfied=r[1]))
    return ProvinceView(start.isoformat(), end.isoformat(), rank(figures))


def _judged() -> Any:
    return and_(TicketRow.wait_s.is_not(None), TicketRow.status != W.WAITING.value)


def _observed() -> Any:
    return and_(TicketRow.wait_s.is_not(None), TicketRow.status.not_in((W.EXPIRED.value, W.WAITING.value)))


@dataclass(frozen=True)
class Raw:
    """The tickets read one by one: days in [start, end] not summed in office_days (PostgreSQL)."""

    start: date
    end: date
    pg: bool

    def where(self) -> Any:
        T = TicketRow
        in_days = T.service_day.between(self.start, self.end)
        return and_(in_days, not_summed(T.office_id, T.service_day)) if self.pg else in_days


def _raw_start(s: Session, start: date, end: date, offices: list[int]) -> date:
    """The first day that some office has not summed: before it, every day comes from office_days.

    Summed days run without a gap up to each office's last closed day (close_day sums every
    earlier day not yet summed), so the raw read starts after the earliest office's last one.
    An office that sees only itself (row-level security) sees only its own summary.
    """
    last = dict(s.execute(select(DAYS.c.office_id, func.max(DAYS.c.service_day))
                          .where(DAYS.c.service_day.between(start, end)).group_by(DAYS.c.office_id)).all())
    own = s.execute(text("SELECT CASE WHEN motcua_is_province() THEN NULL ELSE motcua_office() END")).scalar()
    seen = [own] if own is not None else offices  # an office's role reads its own tickets only
    return min((last[o] + timedelta(days=1) if o in last else start for o in seen), default=start)


def _add_sums(tickets: dict[int, tuple[int, ...]], visits: dict[int, tuple[int, int]],
              ratings: dict[int, tuple[int, int]], sums: dict[int, dict[str, int]]) -> None:
    for office_id, d in sums.items():
        t = tickets.get(office_id, (0, 0, 0, 0, 0, 0, 0))
        add = (d["tickets"], d["served"], d["no_show"], d["judged"], d["within"], d["wait_n"], d["wait_sum"])
        tickets[office_id] = tuple(a + b for a, b in zip(t, add, strict=True))
        v = visits.get(office_id, (0, 0))
        visits[office_id] = (v[0] + d["visits"], v[1] + d["visits_within"])
        r = ratings.get(office_id, (0, 0))
        ratings[office_id] = (r[0] + d["ratings"], r[1] + d["satisfied"])


def _raw_minutes(s: Session, raw: Raw, offices: set[int]) -> dict[int, dict[int, int]]:
    """The raw days' waits of these offices by whole minute (to join their summed days' histogram)."""
    T = TicketRow
    minute = (T.wait_s // 60).label("minute")
    stmt = (select(T.office_id, minute, func.count()).where(raw.where(), _observed(), T.office_id.in_(offices))
            .group_by(T.office_id, minute))
    result: dict[int, dict[int, int]] = {}
    for office_id, m, n in s.execute(stmt):
        result.setdefault(office_id, {})[int(m or 0)] = int(n)
    return result


def _tickets(s: Session, raw: Raw) -> dict[int, tuple[int, ...]]:
    T = TicketRow
    stmt = (select(T.office_id, func.count(), _count_if(T.status == W.DONE.value),
                   _count_if(T.status == W.NO_SHOW.value), _count_if(_judged()),
                   _count_if(and_(_judged(), T.wait_s <= TARGET_WAIT_S)), _count_if(_observed()),
                   func.coalesce(func.sum(case((_observed(), T.wait_s))), 0))
            .where(raw.where()).group_by(T.office_id))
    return {row[0]: tuple(row[1:]) for row in s.execute(stmt)}


def _visits(s: Session, raw: Raw) -> dict[int, tuple[int, int]]:
    """A visit waits the sum of its transactions' waits (a transfer queues again)."""
    T = TicketRow
    per_visit = (select(T.office_id.label("office_id"), func.sum(T.wait_s).label("wait"))
                 .where(raw.where(), _judged())
                 .group_by(T.office_id, func.coalesce(T.visit_id, T.id)).subquery())
    stmt = (select(per_visit.c.office_id, func.count(), _count_if(per_visit.c.wait <= TARGET_WAIT_S))
            .group_by(per_visit.c.office_id))
    return {row[0]: (row[1], row[2]) for row in s.execute(stmt)}


def _ratings(s: Session, raw: Raw) -> dict[int, tuple[int, int]]:
    R, T = RatingRow, TicketRow
    stmt = (select(R.office_id, func.count(), _count_if(R.score >= int(Score.SATISFIED)))
            .join(T, T.id == R.ticket_id).where(raw.where()).group_by(R.office_id))
    return {row[0]: (row[1], row[2]) for row in s.execute(stmt)}


def _p90(s: Session, raw: Raw) -> dict[int, float]:
    T = TicketRow
    where = (raw.where(), _observed())
    if raw.pg:
        stmt = (select(T.office_id, func.percentile_cont(0.9).within_group(T.wait_s))
                .where(*where).group_by(T.office_id))
        return {row[0]: float(row[1]) for row in s.execute(stmt) if row[1] is not None}
    # SQLite is one office: its waits sorted, interpolated as percentile_cont does.
    result: dict[int, float] = {}
    for office_id in s.scalars(select(T.office_id).where(*where).distinct()):
        waits = [w for w in s.scalars(select(T.wait_s).where(*where, T.office_id == office_id).order_by(T.wait_s))
                 if w is not None]
        pos = 0.9 * (len(waits) - 1)
        lo = int(pos)
        hi = min(lo + 1, len(waits) - 1)
        result[office_id] = waits[lo] + (waits[hi] - waits[lo]) * (pos - lo)
    return result
