"""Office days: the province view's sums of each office's closed days (PostgreSQL, migration 0012).

``close_day`` calls ``motcua_close_days`` (the caller's own office, every day before today not
yet summed); the bulk loader sums every office at once as the owner. The province view reads
these sums for the days they cover and the raw tickets for the others (today), so a year of a
province is 50 k summary rows instead of 8 M tickets. The p90 of summed days comes from a
histogram of waits in whole minutes, interpolated within its minute.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, Table, and_, exists, func, select, text

# Not the ORM's metadata: SQLite never has these tables.
meta = MetaData()
DAYS = Table("office_days", meta, Column("office_id", Integer), Column("service_day", Date),
             *(Column(c, Integer) for c in ("tickets", "served", "no_show", "judged", "within", "wait_n",
                                            "wait_sum", "visits", "visits_within", "ratings", "satisfied")))
WAITS = Table("office_day_waits", meta, Column("office_id", Integer), Column("service_day", Date),
              Column("minute", Integer), Column("n", Integer))
SUMS = ("tickets", "served", "no_show", "judged", "within", "wait_n", "wait_sum", "visits", "visits_within",
        "ratings", "satisfied")


def not_summed(office_id: Any, service_day: Any) -> Any:
    """A ticket's day is not in office_days (read it raw)."""
    return ~exists().where(and_(DAYS.c.office_id == office_id, DAYS.c.service_day == service_day))


def summed(s: Any, start: date, end: date) -> dict[int, dict[str, int]]:
    """office → the sums of its summed days in [start, end]."""
    stmt = (select(DAYS.c.office_id, *(func.sum(DAYS.c[c]).label(c) for c in SUMS))
            .where(DAYS.c.service_day.between(start, end)).group_by(DAYS.c.office_id))
    return {row.office_id: {c: int(getattr(row, c)) for c in SUMS} for row in s.execute(stmt)}


def summed_waits(s: Any, start: date, end: date) -> dict[int, dict[int, int]]:
    """office → {minute: waits} of its summed days in [start, end]."""
    stmt = (select(WAITS.c.office_id, WAITS.c.minute, func.sum(WAITS.c.n))
            .where(WAITS.c.service_day.between(start, end)).group_by(WAITS.c.office_id, WAITS.c.minute))
    result: dict[int, dict[int, int]] = {}
    for office_id, minute, n in s.execute(stmt):
        result.setdefault(office_id, {})[minute] = int(n)
    return result


def p90_of_minutes(hist: dict[int, int]) -> float | None:
    """percentile_cont(0.9) of waits known by whole minute, each minute's waits spread evenly within it."""
    total = sum(hist.values())
    if total == 0:
        return None
    pos = 0.9 * (total - 1)
    lo = int(pos)

    def at(rank: int) -> float:
        before = 0
        for minute in sorted(hist):
            n = hist[minute]
            if rank < before + n:
                return 60.0 * minute + 60.0 * (rank - before + 0.5) / n
            before += n
        return 60.0 * max(hist) + 60.0

    low = at(lo)
    return low + (at(min(lo + 1, total - 1)) - low) * (pos - lo)


def summarize_all(conn: Connection, last: date) -> int:
    """The owner sums every office's days up to ``last`` not yet summed (the bulk loader, a backfill)."""
    return int(conn.execute(text("SELECT coalesce(sum(motcua_summarize_office_days(id, :last)), 0) FROM offices"),
                            {"last": last}).scalar() or 0)
