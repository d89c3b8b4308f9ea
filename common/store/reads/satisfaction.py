"""The satisfaction report, read in one transaction (the values and their rendering: common/views/rating_report.py)."""

from __future__ import annotations

import json
from collections import Counter as Tally
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import SQLColumnExpression, case, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, Label

from common.core.model import TicketStatus
from common.store.orm import RatingRow as R
from common.store.orm import TicketRow as T
from common.store.rating import Score
from common.store.reads.report import group_labels
from common.views.rating_report import (
    GROUPINGS,
    TARGET_PCT,
    TOP_REASONS,
    WAIT_BANDS,
    ReasonCount,
    SatisfactionGroup,
    SatisfactionReport,
    WaitBand,
    label_of,
    percent,
    satisfaction_of,
)
from common.views.report import group_order

if TYPE_CHECKING:
    from common.store import Store


def satisfaction_report(store: Store, start: date, end: date, by: str | None = None) -> SatisfactionReport:
    """Satisfaction of the transactions served on service days ``start``..``end``, optionally grouped."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"cannot group satisfaction by {by!r}; choose one of {', '.join(GROUPINGS)}")
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    with store.transaction(readonly=True) as tx:
        s = tx.session
        # The period alone in WHERE, so the day index is used (on SQLite an equality on status would pick the
        # status index and scan every served ticket ever); ratings exist only for served tickets.
        period = T.service_day.between(start, end)
        rows = _counts(s, period, _key(by))
        overall = satisfaction_of(list(rows.values()))
        labels = group_labels(s, by)
        groups = tuple(SatisfactionGroup(*labels.get(k, (k, label_of(by, k))), satisfaction_of([raw]))
                       for k, raw in sorted(rows.items(), key=lambda kv: group_order(by, kv[0], labels))) if by else ()
        bands = _bands(s, period)
        low, reasons = _reasons(s, period)
        now = tx.now
    return SatisfactionReport(start, end, store.tz.key, by, now, TARGET_PCT, overall, groups, bands, low, reasons)


# ---------------------------------------------------------------------------- the queries
def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _key(by: str | None) -> SQLColumnExpression[Any] | None:
    return {"service": T.service_id, "counter": T.counter_id, "clerk": T.clerk_id, "day": T.service_day,
            None: None}[by]


def _counts(s: Session, period: ColumnElement[bool],
            key: SQLColumnExpression[Any] | None) -> dict[Any, tuple[int, ...]]:
    """Per group with anyone served: served, rated, and the count of each score (4, 3, 2, 1)."""
    k: Label[Any] = key.label("k") if key is not None else literal_column("NULL").label("k")
    done = T.status == TicketStatus.DONE.value
    stmt = (select(k, _count_if(done), func.count(R.id), *(_count_if(R.score == v) for v in (4, 3, 2, 1)))
            .select_from(T).outerjoin(R, R.ticket_id == T.id).where(period))
    if key is not None:
        stmt = stmt.group_by(key)
    return {row[0]: tuple(int(n) for n in row[1:]) for row in s.execute(stmt) if row[1]}


def _bands(s: Session, period: ColumnElement[bool]) -> tuple[WaitBand, ...]:
    band = case(*((T.wait_s <= hi, i) for i, (_, _, hi) in enumerate(WAIT_BANDS) if hi is not None),
                else_=len(WAIT_BANDS) - 1)
    stmt = (select(band.label("band"), func.count(R.id), _count_if(R.score >= int(Score.SATISFIED)))
            .select_from(T).join(R, R.ticket_id == T.id).where(period, T.wait_s.is_not(None)).group_by(band))
    found = {int(b): (int(n), int(ok)) for b, n, ok in s.execute(stmt)}
    out = []
    for i, (label, lo, hi) in enumerate(WAIT_BANDS):
        rated, ok = found.get(i, (0, 0))
        out.append(WaitBand(label, lo, hi, rated, ok, percent(ok, rated)))
    return tuple(out)


def _reasons(s: Session, period: ColumnElement[bool]) -> tuple[int, tuple[ReasonCount, ...]]:
    """The low ratings (Bình thường, Không hài lòng) and their most frequent reasons."""
    rows = s.execute(select(R.reasons).select_from(T).join(R, R.ticket_id == T.id)
                     .where(period, R.score <= int(Score.NEUTRAL))).scalars().all()
    tally = Tally(reason for text in rows if text for reason in json.loads(text))
    ranked = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
    return len(rows), tuple(ReasonCount(r, n, percent(n, len(rows))) for r, n in ranked)
