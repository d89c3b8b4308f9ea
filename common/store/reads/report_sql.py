"""The report's queries: one GROUP BY pass for counts and sums, one for percentiles.

Kept apart from common/store/reads/report.py so that the SQL (and its two dialects) can be read
in one place. docs/metrics.md states the rules these expressions implement.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Integer, SQLColumnExpression, and_, case, cast, func, literal, literal_column, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement, Label

from common.core.model import TicketStatus as W
from common.store.orm import TicketRow as T

DEFAULT_TARGET_S = 30 * 60


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    targets: dict[int, int]  # service id -> target seconds
    now: datetime
    dialect: str

    @property
    def in_period(self) -> ColumnElement[bool]:
        return T.service_day.between(self.start, self.end)

    @property
    def target_s(self) -> ColumnElement[int]:
        if not self.targets:
            return literal(DEFAULT_TARGET_S)
        return case(self.targets, value=T.service_id, else_=DEFAULT_TARGET_S)


@dataclass
class Raw:
    """Additive counts and sums of one group, plus its wait percentiles (median, p90)."""

    tickets: int = 0
    served: int = 0
    no_show: int = 0
    expired: int = 0
    transferred: int = 0
    cancelled: int = 0
    waiting: int = 0
    judged: int = 0
    within: int = 0
    wait_n: int = 0
    wait_sum: float = 0
    service_n: int = 0
    service_sum: float = 0
    walk_n: int = 0
    walk_sum: float = 0
    wait_lb_n: int = 0  # observed and expired (censored) waits: the mean with expired tickets, a lower bound
    wait_lb_sum: float = 0
    visits: int = 0
    visit_n: int = 0
    visit_sum: float = 0
    # Visit-level waits (docs/metrics.md, "Visits"): filled by visit_aggregate, keyed by the visit's first row.
    visit_judged: int = 0
    visit_within: int = 0
    visit_wait_n: int = 0
    visit_wait_sum: float = 0
    visit_lb_sum: float = 0  # over visit_judged minus the in-progress ones: closed visits, expired ones included
    visit_lb_n: int = 0
    percentiles: tuple[float | None, float | None] = (None, None)
    waits: list[int] = field(default_factory=list)  # sorted; SQLite only


SUMMED = [name for name in Raw.__dataclass_fields__ if name not in ("percentiles", "waits")]


def observed_wait() -> ColumnElement[bool]:
    """A wait that ended with a call: the sample of mean, median and p90."""
    return and_(T.wait_s.is_not(None), T.status.not_in((W.EXPIRED.value, W.WAITING.value)))


def judged_wait() -> ColumnElement[bool]:
    """A wait that can be held against the target: called, or expired (censored at day end)."""
    return and_(T.wait_s.is_not(None), T.status != W.WAITING.value)


def group_key(by: str, dialect: str, table: Any = T) -> SQLColumnExpression[Any]:
    """The grouping expression over ``table`` (the tickets table, or an alias of it such as a visit's first row)."""
    T = table  # noqa: N806 - the same spelling as the module's tickets table
    if by == "service":
        return T.service_id
    if by == "counter":
        return T.counter_id
    if by == "clerk":
        return T.clerk_id
    if by == "hour":
        return T.local_hour
    if by == "day":
        return T.service_day
    if by == "weekday":  # ISO: 1 = Monday ... 7 = Sunday, of the service day (already local)
        if dialect == "postgresql":
            return cast(func.extract("isodow", T.service_day), Integer)
        return (cast(func.strftime("%w", T.service_day), Integer) + 6) % 7 + 1
    raise ValueError(by)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _status(status: W) -> ColumnElement[bool]:
    return T.status == status.value


def aggregate(s: Session, scope: Scope, key: SQLColumnExpression[Any] | None) -> dict[Any, Raw]:
    """Counts and sums per group key (one key, None, when ungrouped)."""
    k: Label[Any] = key.label("k") if key is not None else literal_column("NULL").label("k")
    observed = observed_wait()
    columns = [
        func.count().label("tickets"),
        _count_if(_status(W.DONE)).label("served"),
        _count_if(_status(W.NO_SHOW)).label("no_show"),
        _count_if(_status(W.EXPIRED)).label("expired"),
        _count_if(_status(W.TRANSFERRED)).label("transferred"),
        _count_if(_status(W.CANCELLED)).label("cancelled"),
        _count_if(_status(W.WAITING)).label("waiting"),
        _count_if(judged_wait()).label("judged"),
        _count_if(and_(judged_wait(), T.wait_s <= scope.target_s)).label("within"),
        _count_if(observed).label("wait_n"),
        func.coalesce(func.sum(case((observed, T.wait_s))), 0).label("wait_sum"),
        _count_if(judged_wait()).label("wait_lb_n"),
        func.coalesce(func.sum(case((judged_wait(), T.wait_s))), 0).label("wait_lb_sum"),
        func.count(T.service_s).label("service_n"),
        func.coalesce(func.sum(T.service_s), 0).label("service_sum"),
        func.count(T.walk_s).label("walk_n"),
        func.coalesce(func.sum(T.walk_s), 0).label("walk_sum"),
        # A visit's first transaction has transfer_seq 0; its last one, if served, is its only `done` row, and
        # that row's queued_at is the visit's first issue (transfers keep it): no GROUP BY visit_id needed.
        _count_if(T.transfer_seq == 0).label("visits"),
        _count_if(_status(W.DONE)).label("visit_n"),
        func.coalesce(func.sum(case((_status(W.DONE), _seconds(T.queued_at, T.finished_at, scope.dialect)))), 0)
        .label("visit_sum"),
    ]
    if scope.dialect == "postgresql":
        wait = case((observed, T.wait_s))
        columns += [func.percentile_cont(0.5).within_group(wait).label("p50"),
                    func.percentile_cont(0.9).within_group(wait).label("p90")]
    stmt = select(k, *columns).where(scope.in_period)
    if key is not None:
        stmt = stmt.group_by(key)
    raws: dict[Any, Raw] = {}
    for row in s.execute(stmt).mappings():
        if row["tickets"] == 0:
            continue  # the ungrouped query over an empty period
        raw = Raw()
        for name in SUMMED:  # sums are float, counts int: what the dataclass declares
            if name in row:
                setattr(raw, name, float(row[name]) if name.endswith("_sum") else int(row[name]))
        if scope.dialect == "postgresql":
            raw.percentiles = (_float(row["p50"]), _float(row["p90"]))
        raws[row["k"]] = raw
    if scope.dialect != "postgresql":
        _sqlite_percentiles(s, scope, key, raws)
    _waiting_over_target(s, scope, key, raws)
    return raws


VISIT = (T.number_service_id, T.service_day, T.number)  # one visit: a printed number and its transfers


def citizen_wait(dialect: str) -> ColumnElement[Any]:
    """One transaction's part of its visit's wait: issued (or transferred) → its FIRST call.

    A no-show called again later waited until the first call, not the recall that ended it; for the
    other called transactions first call = counted call, so the stored whole-second ``wait_s`` is used.
    An expired never-called transaction contributes its censored wait (a lower bound); still waiting, 0.
    """
    return case(
        (and_(T.first_called_at.is_not(None), T.first_called_at == T.called_at), T.wait_s),
        (T.first_called_at.is_not(None), func.round(_seconds(T.issued_at, T.first_called_at, dialect))),
        (_status(W.EXPIRED), T.wait_s),
        else_=0,
    )


def visit_aggregate(s: Session, scope: Scope, by: str | None, raws: dict[Any, Raw]) -> None:
    """Visit-level waits per group of the visit's FIRST transaction (its service, counter, hour...).

    One GROUP BY over the visits (a subquery), joined to each visit's first row for its group and target.
    A visit is *closed* when none of its transactions is still waiting or was cancelled before a call;
    closed visits are judged against the target, and the observed mean leaves out those with an expired,
    never-called transaction (censored: their mean with them is a lower bound). In-progress visits count
    once, as over target, when their wait so far already exceeds it (as for transactions).
    """
    visit = select(
        *VISIT,
        func.sum(citizen_wait(scope.dialect)).label("wait"),
        _count_if(_status(W.WAITING)).label("open"),
        _count_if(and_(_status(W.EXPIRED), T.first_called_at.is_(None))).label("censored"),
        _count_if(and_(_status(W.CANCELLED), T.first_called_at.is_(None))).label("unknown"),
    ).where(scope.in_period).group_by(*VISIT).subquery("v")
    first = aliased(T, name="first")
    k: Label[Any] = group_key(by, scope.dialect, first).label("k") if by else literal_column("NULL").label("k")
    target = case(scope.targets, value=first.service_id, else_=DEFAULT_TARGET_S) if scope.targets else literal(
        DEFAULT_TARGET_S)
    closed = and_(visit.c.open == 0, visit.c.unknown == 0)
    observed = and_(closed, visit.c.censored == 0)
    joined = visit.join(first, and_(first.number_service_id == visit.c.number_service_id,
                                    first.service_day == visit.c.service_day, first.number == visit.c.number,
                                    first.transfer_seq == 0))
    stmt = select(
        k,
        _count_if(closed).label("visit_judged"),
        _count_if(and_(closed, visit.c.wait <= target)).label("visit_within"),
        _count_if(observed).label("visit_wait_n"),
        func.coalesce(func.sum(case((observed, visit.c.wait))), 0).label("visit_wait_sum"),
        func.coalesce(func.sum(case((closed, visit.c.wait))), 0).label("visit_lb_sum"),
    ).select_from(joined)
    if by:
        stmt = stmt.group_by(k)
    for row in s.execute(stmt).mappings():
        raw = raws.get(row["k"])
        if raw is None:
            continue  # the ungrouped query over an empty period
        raw.visit_judged, raw.visit_within = int(row["visit_judged"]), int(row["visit_within"])
        raw.visit_wait_n, raw.visit_lb_n = int(row["visit_wait_n"]), int(row["visit_judged"])
        raw.visit_wait_sum, raw.visit_lb_sum = float(row["visit_wait_sum"]), float(row["visit_lb_sum"])
    # In-progress visits past their target: few rows (today's waiting ones), checked against "now".
    waiting = select(k, visit.c.wait, T.issued_at, target).select_from(joined.join(T, and_(
        T.number_service_id == visit.c.number_service_id, T.service_day == visit.c.service_day,
        T.number == visit.c.number, T.status == W.WAITING.value)))
    for group, so_far, issued_at, target_s in s.execute(waiting):
        if group in raws and float(so_far) + (scope.now - issued_at).total_seconds() > target_s:
            raws[group].visit_judged += 1


def _sqlite_percentiles(s: Session, scope: Scope, key: SQLColumnExpression[Any] | None, raws: dict[Any, Raw]) -> None:
    """SQLite has no percentile function: fetch each group's waits, sorted by the database."""
    k: Label[Any] = key.label("k") if key is not None else literal_column("NULL").label("k")
    order = [key, T.wait_s] if key is not None else [T.wait_s]
    rows = s.execute(select(k, T.wait_s).where(scope.in_period, observed_wait()).order_by(*order))
    for group, pairs in groupby(rows, key=lambda pair: pair[0]):
        raw = raws[group]
        raw.waits = [wait for _, wait in pairs]
        raw.percentiles = (percentile(raw.waits, 0.5), percentile(raw.waits, 0.9))


def _waiting_over_target(s: Session, scope: Scope, key: SQLColumnExpression[Any] | None, raws: dict[Any, Raw]) -> None:
    """A ticket still waiting counts against the target once it has waited longer than it (docs/metrics.md)."""
    k: Label[Any] = key.label("k") if key is not None else literal_column("NULL").label("k")
    rows = s.execute(select(k, T.service_id, T.issued_at).where(scope.in_period, T.status == W.WAITING.value))
    for group, service_id, issued_at in rows:
        if (scope.now - issued_at).total_seconds() > scope.targets.get(service_id, DEFAULT_TARGET_S):
            raws[group].judged += 1


def combine(raws: Iterable[Raw]) -> Raw:
    total = Raw()
    for raw in raws:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(raw, name))
    return total


def overall_percentiles(s: Session, scope: Scope, raws: dict[Any, Raw]) -> tuple[float | None, float | None]:
    """The whole period's median and p90 when the rows were grouped."""
    if scope.dialect != "postgresql":
        merged = list(heapq.merge(*(raw.waits for raw in raws.values())))
        return percentile(merged, 0.5), percentile(merged, 0.9)
    wait = case((observed_wait(), T.wait_s))
    p50, p90 = s.execute(select(
        func.percentile_cont(0.5).within_group(wait), func.percentile_cont(0.9).within_group(wait),
    ).where(scope.in_period)).one()
    return _float(p50), _float(p90)


def _seconds(start: SQLColumnExpression[Any], end: SQLColumnExpression[Any], dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def percentile(sorted_values: list[int], p: float) -> float | None:
    """Linear interpolation between closest ranks: the same as PostgreSQL's percentile_cont."""
    if not sorted_values:
        return None
    position = p * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
