"""Visit-level waits for the report (docs/metrics.md, "Visits"), without a GROUP BY over every visit.

A visit is one printed number of one service day and its transfers: its rows share
(number_service_id, service_day, number) and count ``transfer_seq`` up from 0. Most visits are one row:
those are summed in the report's own GROUP BY pass (``single_columns``). Only the rows of transferred
visits (a row that was transferred, or came from a transfer) are grouped per visit (``add_transferred``),
a few per cent of the period. Every visit is grouped under its FIRST row (its service, counter, hour...).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import SQLColumnExpression, and_, case, func, literal_column, not_, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, Label

from common.core.model import TicketStatus as W
from common.store.orm import TicketRow as T
from common.store.reads.report_sql import DEFAULT_TARGET_S, Raw, Scope, count_if, seconds, status_is

VISIT = (T.number_service_id, T.service_day, T.number)
# The rows of visits with a transfer: the partial index ix_tickets_transferred (migration 0008) holds just these.
# Literals, not bound parameters: SQLite uses a partial index only when the query repeats its condition.
TRANSFERRED_VISIT_ROW = or_(T.status == literal_column("'transferred'"), T.transfer_seq > literal_column("0"))


def citizen_wait(dialect: str) -> ColumnElement[Any]:
    """One row's part of its visit's wait: issued (or transferred) → its FIRST call.

    A no-show called again later waited until the first call, not the recall that ended it; for other called
    rows the first call is the counted one, so the stored whole-second ``wait_s`` is used. An expired row
    never called adds its censored wait (so the visit's is a lower bound); a row still waiting adds 0.
    """
    # One cheap test for nearly every row; the timestamp arithmetic only for the few recalled no-shows.
    return case(
        (or_(T.first_called_at.is_(None), T.first_called_at == T.called_at), func.coalesce(T.wait_s, 0)),
        else_=func.round(seconds(T.issued_at, T.first_called_at, dialect)),
    )


def _censored() -> ColumnElement[bool]:
    return and_(status_is(W.EXPIRED), T.first_called_at.is_(None))


def _unknown() -> ColumnElement[bool]:
    """Cancelled before any call: nobody knows how long this part would have lasted."""
    return and_(status_is(W.CANCELLED), T.first_called_at.is_(None))


def single_columns(scope: Scope) -> list[Label[Any]]:
    """Raw's visit fields for the one-row visits, as columns of the report's GROUP BY pass."""
    # A one-row visit is closed exactly when it has a wait_s: waiting rows and rows cancelled before a call
    # have none, every called row and every expired one (censored) has one. One cheap test per row.
    closed = and_(T.transfer_seq == 0, T.status != W.TRANSFERRED.value, T.wait_s.is_not(None))
    observed = and_(closed, not_(_censored()))
    wait = citizen_wait(scope.dialect)
    return [
        count_if(closed).label("visit_judged"),
        count_if(and_(closed, wait <= scope.target_s)).label("visit_within"),
        count_if(observed).label("visit_wait_n"),
        func.coalesce(func.sum(case((observed, wait))), 0).label("visit_wait_sum"),
        count_if(closed).label("visit_lb_n"),
        func.coalesce(func.sum(case((closed, wait))), 0).label("visit_lb_sum"),
    ]


def add_transferred(s: Session, scope: Scope, key: SQLColumnExpression[Any] | None, raws: dict[Any, Raw]) -> None:
    """Add the transferred visits to ``raws``, then judge the in-progress visits already past their target."""
    first = T.transfer_seq == 0
    # The first row's key, typed as the key (SQLite returns MAX over dates as text otherwise).
    k = (type_coerce(func.max(case((first, key))), key.type)  # type: ignore[attr-defined]
         if key is not None else literal_column("NULL"))
    stmt = select(
        *VISIT, k.label("k"), func.max(case((first, T.service_id))).label("first_service"),
        func.sum(citizen_wait(scope.dialect)).label("wait"), count_if(status_is(W.WAITING)).label("open"),
        count_if(_censored()).label("censored"), count_if(_unknown()).label("unknown"),
    ).where(scope.in_period, TRANSFERRED_VISIT_ROW).group_by(*VISIT)
    in_progress: dict[tuple[Any, ...], tuple[Any, float, int]] = {}
    for row in s.execute(stmt).mappings():
        raw, target = raws.get(row["k"]), scope.targets.get(row["first_service"], DEFAULT_TARGET_S)
        if raw is None:
            continue
        wait = float(row["wait"] or 0)
        if row["open"]:
            in_progress[(row["number_service_id"], row["service_day"], row["number"])] = (row["k"], wait, target)
        elif not row["unknown"]:
            raw.visit_judged += 1
            raw.visit_within += wait <= target
            raw.visit_lb_n += 1
            raw.visit_lb_sum += wait
            if not row["censored"]:
                raw.visit_wait_n += 1
                raw.visit_wait_sum += wait
    _judge_in_progress(s, scope, key, raws, in_progress)


def _judge_in_progress(s: Session, scope: Scope, key: SQLColumnExpression[Any] | None, raws: dict[Any, Raw],
                       transferred: dict[tuple[Any, ...], tuple[Any, float, int]]) -> None:
    """A visit still waiting counts once, as over target, when its wait so far exceeds it (few rows: today's)."""
    k = key if key is not None else literal_column("NULL")
    rows = s.execute(select(*VISIT, T.transfer_seq, k, T.service_id, T.issued_at)
                     .where(scope.in_period, T.status == W.WAITING.value))
    for number_service, day, number, seq, group, service_id, issued_at in rows:
        if seq == 0:
            group, so_far, target = group, 0.0, scope.targets.get(service_id, DEFAULT_TARGET_S)
        else:
            group, so_far, target = transferred.get((number_service, day, number), (None, 0.0, DEFAULT_TARGET_S))
        if group in raws and so_far + (scope.now - issued_at).total_seconds() > target:
            raws[group].visit_judged += 1

