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
from sqlalchemy.orm import Session
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


def group_key(by: str, dialect: str) -> SQLColumnExpression[Any]:
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


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def status_is(status: W) -> ColumnElement[bool]:
    return T.status == status.value


def aggregate(s: Session, scope: Scope, key: SQLColumnExpression[Any] | None,
              extra: Iterable[Label[Any]] = ()) -> dict[Any, Raw]:
    """Counts and sums per group key (one key, None, when ungrouped); ``extra`` columns fill Raw fields too."""
    k: Label[Any] = key.label("k") if key is not None else literal_column("NULL").label("k")
    observed = observed_wait()
    columns = [
        func.count().label("tickets"),
        count_if(status_is(W.DONE)).label("served"),
        count_if(status_is(W.NO_SHOW)).label("no_show"),
        count_if(status_is(W.EXPIRED)).label("expired"),
        count_if(status_is(W.TRANSFERRED)).label("transferred"),
        count_if(status_is(W.CANCELLED)).label("cancelled"),
        count_if(status_is(W.WAITING)).label("waiting"),
        count_if(judged_wait()).label("judged"),
        count_if(and_(judged_wait(), T.wait_s <= scope.target_s)).label("within"),
        count_if(observed).label("wait_n"),
        func.coalesce(func.sum(case((observed, T.wait_s))), 0).label("wait_sum"),
        count_if(judged_wait()).label("wait_lb_n"),
        func.coalesce(func.sum(case((judged_wait(), T.wait_s))), 0).label("wait_lb_sum"),
        func.count(T.service_s).label("service_n"),
        func.coalesce(func.sum(T.service_s), 0).label("service_sum"),
        func.count(T.walk_s).label("walk_n"),
        func.coalesce(func.sum(T.walk_s), 0).label("walk_sum"),
        # A visit's first transaction has transfer_seq 0; its last one, if served, is its only `done` row, and
        # that row's queued_at is the visit's first issue (transfers keep it): no GROUP BY visit_id needed.
        count_if(T.transfer_seq == 0).label("visits"),
        count_if(status_is(W.DONE)).label("visit_n"),
        func.coalesce(func.sum(case((status_is(W.DONE), seconds(T.queued_at, T.finished_at, scope.dialect)))), 0)
        .label("visit_sum"),
    ]
    columns += extra
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


def seconds(start: SQLColumnExpression[Any], end: SQLColumnExpression[Any], dialect: str) -> ColumnElement[Any]:
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
