"""How far the wait printed on each ticket was from the wait the citizen actually had.

Per service and overall, over a period of service days, for every **printed estimate that can be checked**:
the visit's first transaction (``transfer_seq = 0``: a transfer prints nothing new, the citizen keeps their
paper) that was called (``wait_s`` set and the ticket not expired, as in the report's observed waits).

- **error** = estimated − real wait, in seconds;
- **MAE** (mean absolute error) = mean of |error|: how far off a citizen's paper typically is;
- **bias** = mean of error: positive when the kiosk promises longer waits than people have (pessimistic),
  negative when citizens wait longer than they were told (the one that angers them);
- **% under-estimated by more than 5 minutes**: the citizens who waited over 5 minutes longer than printed.

Aggregated in SQL: one GROUP BY over the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from common.core.model import TicketStatus
from common.store import Store
from common.store.orm import ServiceRow, TicketRow

LATE_MARGIN_S = 5 * 60


@dataclass(frozen=True)
class Accuracy:
    code: str | None  # None for the whole office
    name_vi: str
    checked: int
    mae_s: float | None
    bias_s: float | None
    mean_estimate_s: float | None
    mean_wait_s: float | None
    late_over_5min_pct: float | None


@dataclass(frozen=True)
class AccuracyReport:
    start: date
    end: date
    services: tuple[Accuracy, ...]
    overall: Accuracy


def estimate_accuracy(store: Store, start: date, end: date) -> AccuracyReport:
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    T = TicketRow
    error = T.estimated_wait_s - T.wait_s
    checkable = and_(T.service_day.between(start, end), T.transfer_seq == 0, T.wait_s.is_not(None),
                     T.status.not_in((TicketStatus.EXPIRED.value, TicketStatus.WAITING.value)))
    with store.transaction(readonly=True) as tx:
        services = list(tx.session.scalars(select(ServiceRow).order_by(ServiceRow.position)))
        rows = tx.session.execute(select(
            T.service_id, func.count(), func.sum(func.abs(error)), func.sum(error), func.sum(T.estimated_wait_s),
            func.sum(T.wait_s), func.sum(case((error < -LATE_MARGIN_S, 1), else_=0)),
        ).where(checkable).group_by(T.service_id)).all()
    sums = {sid: tuple(int(v or 0) for v in rest) for sid, *rest in rows}
    per_service = tuple(_accuracy(svc.code, svc.name_vi, sums.get(svc.id, (0,) * 6)) for svc in services)
    total = tuple(sum(values[i] for values in sums.values()) for i in range(6))
    return AccuracyReport(start, end, per_service, _accuracy(None, "Tổng cộng", total))


def _accuracy(code: str | None, name: str, sums: tuple[int, ...]) -> Accuracy:
    n, abs_sum, err_sum, est_sum, wait_sum, late = sums
    if n == 0:
        return Accuracy(code, name, 0, None, None, None, None, None)
    return Accuracy(code, name, n, round(abs_sum / n, 1), round(err_sum / n, 1), round(est_sum / n, 1),
                    round(wait_sum / n, 1), round(100 * late / n, 1))
