"""How far the kiosk's estimates were from the waits, summed in SQL (values: common/views/estimate_accuracy.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from common.core.estimate import NO_COUNTER
from common.store.orm import ServiceRow, TicketRow
from common.views.estimate_accuracy import LATE_MARGIN_S, SUMS, AccuracyReport, accuracy, hour_label

if TYPE_CHECKING:
    from common.store import Store

T = TicketRow


def estimate_accuracy(store: Store, start: date, end: date) -> AccuracyReport:
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    with store.transaction(readonly=True) as tx:
        services = list(tx.session.scalars(select(ServiceRow).order_by(ServiceRow.position)))
        cells = _sums(tx.session, start, end, tx.dialect)
    # One GROUP BY (service, hour); every sum adds up, so both breakdowns and the total come from its cells.
    by_service: dict[Any, tuple[int, ...]] = {}
    by_hour: dict[Any, tuple[int, ...]] = {}
    for (service_id, hour), sums in cells.items():
        by_service[service_id] = _add(by_service.get(service_id), sums)
        by_hour[hour] = _add(by_hour.get(hour), sums)
    per_service = tuple(accuracy(svc.code, svc.name_vi, by_service.get(svc.id, (0,) * SUMS)) for svc in services)
    per_hour = tuple(accuracy(f"{hour:02d}", hour_label(hour), sums) for hour, sums in sorted(by_hour.items()))
    total = tuple(sum(values[i] for values in by_service.values()) for i in range(SUMS))
    return AccuracyReport(start, end, per_service, accuracy(None, "Tổng cộng", total), per_hour)


def _add(a: tuple[int, ...] | None, b: tuple[int, ...]) -> tuple[int, ...]:
    return b if a is None else tuple(x + y for x, y in zip(a, b, strict=True))


def _sums(s: Session, start: date, end: date, dialect: str) -> dict[tuple[Any, Any], tuple[int, ...]]:
    """Per (service, hour): count, Σ|error|, Σerror, Σestimate, Σwait, late count, the naive formula's four,
    then the forecast-printed count and how many of them waited within their p10–p90 band."""
    wait = _first_call_wait(dialect)
    naive = func.coalesce(T.naive_wait_s, T.estimated_wait_s)
    error, naive_error = T.estimated_wait_s - wait, naive - wait
    banded = and_(T.forecast_p10_s.is_not(None), T.forecast_p90_s.is_not(None))  # printed from the forecast
    # Kept to the visit's first transaction and to called tickets; a province filter would join here.
    # A ticket issued with no counter staffed promised no wait (common.core.estimate.NO_COUNTER): left out.
    checkable = and_(T.service_day.between(start, end), T.transfer_seq == 0, T.first_called_at.is_not(None),
                     func.coalesce(T.estimate_method, "") != NO_COUNTER)
    rows = s.execute(select(
        T.service_id, T.local_hour, func.count(), func.sum(func.abs(error)), func.sum(error),
        func.sum(T.estimated_wait_s), func.sum(wait), func.sum(case((error < -LATE_MARGIN_S, 1), else_=0)),
        func.sum(func.abs(naive_error)), func.sum(naive_error), func.sum(naive),
        func.sum(case((naive_error < -LATE_MARGIN_S, 1), else_=0)),
        func.sum(case((banded, 1), else_=0)),
        func.sum(case((and_(banded, wait >= T.forecast_p10_s, wait <= T.forecast_p90_s), 1), else_=0)),
    ).where(checkable).group_by(T.service_id, T.local_hour)).all()
    return {(service_id, hour): _ints(rest) for service_id, hour, *rest in rows}


def _first_call_wait(dialect: str) -> Any:
    """Issued → first call in whole seconds: ``wait_s`` unless a no-show was called again (then it counts later)."""
    seconds: Any
    if dialect == "postgresql":
        seconds = func.extract("epoch", T.first_called_at - T.issued_at)
    else:
        seconds = (func.julianday(T.first_called_at) - func.julianday(T.issued_at)) * 86400.0
    return case((T.first_called_at == T.called_at, T.wait_s), else_=func.round(seconds))


def _ints(values: Sequence[Any]) -> tuple[int, ...]:
    return tuple(round(float(v or 0)) for v in values)
