"""How far the kiosk's estimates were from the waits, summed in SQL (values: common/views/estimate_accuracy.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, select

from common.core.model import TicketStatus
from common.store.orm import ServiceRow, TicketRow
from common.views.estimate_accuracy import LATE_MARGIN_S, AccuracyReport, accuracy

if TYPE_CHECKING:
    from common.store import Store


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
    per_service = tuple(accuracy(svc.code, svc.name_vi, sums.get(svc.id, (0,) * 6)) for svc in services)
    total = tuple(sum(values[i] for values in sums.values()) for i in range(6))
    return AccuracyReport(start, end, per_service, accuracy(None, "Tổng cộng", total))
