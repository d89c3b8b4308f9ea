"""The province view's reads: one GROUP BY office over tickets, one over visits, one over ratings.

A province role (PostgreSQL) sees every office; any other role sees its own office only
(row-level security), so the same query serves an office's own line. Service days are each
office's own local days (tickets.service_day), so one period means the same days everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, select

from common.core.rules import TicketStatus as W
from common.store.orm import OfficeRow, RatingRow, TicketRow
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
        tickets = _tickets(s, start, end, pg)
        visits = _visits(s, start, end)
        ratings = _ratings(s, start, end)
        p90 = _p90(s, start, end, pg)
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


def _tickets(s: Session, start: date, end: date, pg: bool) -> dict[int, tuple[int, ...]]:
    T = TicketRow
    stmt = (select(T.office_id, func.count(), _count_if(T.status == W.DONE.value),
                   _count_if(T.status == W.NO_SHOW.value), _count_if(_judged()),
                   _count_if(and_(_judged(), T.wait_s <= TARGET_WAIT_S)), _count_if(_observed()),
                   func.coalesce(func.sum(case((_observed(), T.wait_s))), 0))
            .where(T.service_day.between(start, end)).group_by(T.office_id))
    return {row[0]: tuple(row[1:]) for row in s.execute(stmt)}


def _visits(s: Session, start: date, end: date) -> dict[int, tuple[int, int]]:
    """A visit waits the sum of its transactions' waits (a transfer queues again)."""
    T = TicketRow
    per_visit = (select(T.office_id.label("office_id"), func.sum(T.wait_s).label("wait"))
                 .where(T.service_day.between(start, end), _judged())
                 .group_by(T.office_id, func.coalesce(T.visit_id, T.id)).subquery())
    stmt = (select(per_visit.c.office_id, func.count(), _count_if(per_visit.c.wait <= TARGET_WAIT_S))
            .group_by(per_visit.c.office_id))
    return {row[0]: (row[1], row[2]) for row in s.execute(stmt)}


def _ratings(s: Session, start: date, end: date) -> dict[int, tuple[int, int]]:
    R, T = RatingRow, TicketRow
    stmt = (select(R.office_id, func.count(), _count_if(R.score >= int(Score.SATISFIED)))
            .join(T, T.id == R.ticket_id).where(T.service_day.between(start, end)).group_by(R.office_id))
    return {row[0]: (row[1], row[2]) for row in s.execute(stmt)}


def _p90(s: Session, start: date, end: date, pg: bool) -> dict[int, float]:
    T = TicketRow
    where = (T.service_day.between(start, end), _observed())
    if pg:
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
