"""The wait-time report, read in one transaction (the values and their grouping rules are in common/views/report.py)."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from common.store.orm import ClerkRow, CounterRow, ServiceRow
from common.store.reads import report_sql as q
from common.store.reads import visits
from common.views.report import GROUPINGS, Figures, Group, Overall, Report, fallback_label, group_order

if TYPE_CHECKING:
    from common.store import Store


def build_report(store: Store, start: date, end: date, by: str | None = None) -> Report:
    """The figures of the service days ``start``..``end`` (inclusive), optionally grouped."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"cannot group a report by {by!r}; choose one of {', '.join(GROUPINGS)}")
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    with store.transaction(readonly=True, consistent=True) as tx:
        s = tx.session
        services = list(s.scalars(select(ServiceRow).order_by(ServiceRow.position)))
        targets = {svc.id: svc.target_minutes * 60 for svc in services}
        scope = q.Scope(start, end, targets, tx.now, tx.dialect)
        key = q.group_key(by, tx.dialect) if by else None
        raws = q.aggregate(s, scope, key, visits.single_columns(scope))
        visits.add_transferred(s, scope, key, raws)
        total = q.combine(raws.values())
        if key is not None:
            overall_pct = q.overall_percentiles(s, scope, raws)
        else:
            overall_pct = raws[None].percentiles if raws else (None, None)
        labels = group_labels(s, by, services) if by else {}
        now = tx.now
    overall = Overall(**asdict(_figures(total, overall_pct)),
                      visit_mean_s=_round(_mean(total.visit_sum, total.visit_n)))
    groups = tuple(
        Group(*labels.get(k, (k, fallback_label(by, k))), _figures(raw, raw.percentiles))
        for k, raw in sorted(raws.items(), key=lambda kv: group_order(by, kv[0], labels))
    ) if by else ()
    return Report(start, end, store.tz.key, by, now, _main_target(services),
                  {svc.code: svc.target_minutes for svc in services}, overall, groups)


def _figures(raw: q.Raw, pct: tuple[float | None, float | None]) -> Figures:
    return Figures(
        tickets=raw.tickets, served=raw.served, no_show=raw.no_show, expired=raw.expired,
        transferred=raw.transferred, cancelled=raw.cancelled, waiting=raw.waiting,
        waits_judged=raw.judged, waits_within=raw.within,
        waits_within_target_pct=_pct(raw.within, raw.judged),
        wait_mean_s=_round(_mean(raw.wait_sum, raw.wait_n)),
        wait_median_s=_round(pct[0]), wait_p90_s=_round(pct[1]),
        service_mean_s=_round(_mean(raw.service_sum, raw.service_n)),
        walk_mean_s=_round(_mean(raw.walk_sum, raw.walk_n)),
        no_show_pct=_pct(raw.no_show, raw.tickets), served_pct=_pct(raw.served, raw.tickets),
        wait_mean_incl_expired_s=_round(_mean(raw.wait_lb_sum, raw.wait_lb_n)),
        visits=raw.visits, visit_waits_judged=raw.visit_judged, visit_waits_within=raw.visit_within,
        visit_within_target_pct=_pct(raw.visit_within, raw.visit_judged),
        visit_wait_mean_s=_round(_mean(raw.visit_wait_sum, raw.visit_wait_n)),
        visit_wait_mean_incl_expired_s=_round(_mean(raw.visit_lb_sum, raw.visit_lb_n)),
    )


def _mean(total: float, n: int) -> float | None:
    return total / n if n else None


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _main_target(services: list[ServiceRow]) -> int:
    """The target most services share (30 minutes by Decision 468/QĐ-TTg unless configured)."""
    if not services:
        return 30
    tally = Tally(svc.target_minutes for svc in services)
    return max(tally, key=lambda minutes: (tally[minutes], minutes))


def group_labels(session: Any, by: str | None, services: list[ServiceRow] | None = None) -> dict[Any, tuple[Any, str]]:
    """Raw group key -> (public key, label): ids become codes, numbers and usernames (services in office order)."""
    if by == "service":
        if services is None:
            services = list(session.scalars(select(ServiceRow).order_by(ServiceRow.position)))
        return {svc.id: (svc.code, svc.name_vi) for svc in services}
    if by == "counter":
        return {c.id: (c.number, c.name) for c in session.scalars(select(CounterRow))}
    if by == "clerk":
        return {k.id: (k.username, k.full_name) for k in session.scalars(select(ClerkRow))}
    return {}


def groupings_report(store: Store, start: date, end: date, by: str | None = None) -> list[Report]:
    """The ungrouped report, then one per grouping (only ``by`` if given): what the XLSX export writes, a sheet each."""
    return [build_report(store, start, end, grouping) for grouping in (None, *((by,) if by else GROUPINGS))]
