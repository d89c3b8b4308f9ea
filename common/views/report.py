"""Wait-time reports against each service's target, as defined in docs/metrics.md.

``build_report`` reads one period of service days in one transaction. Counts and
sums are aggregated by the database (GROUP BY with CASE); percentiles come from
PostgreSQL's ``percentile_cont`` or, on SQLite, from the sorted waits of each
group. The same code path feeds ``motcua report`` and the supervisor dashboard.
"""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from common.store import Store
from common.store.orm import ClerkRow, CounterRow, ServiceRow
from common.views import report_sql as q

GROUPINGS = ("service", "counter", "clerk", "hour", "weekday", "day")
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
NOT_CALLED = "(chưa gọi)"


@dataclass(frozen=True)
class Figures:
    """The figures of one group of transactions (or of the whole period)."""

    tickets: int
    served: int
    no_show: int
    expired: int
    transferred: int
    cancelled: int
    waiting: int
    waits_judged: int  # the within-target share's denominator
    waits_within: int
    waits_within_target_pct: float | None
    wait_mean_s: float | None
    wait_median_s: float | None
    wait_p90_s: float | None
    service_mean_s: float | None
    walk_mean_s: float | None
    no_show_pct: float | None
    served_pct: float | None


@dataclass(frozen=True)
class Overall(Figures):
    visits: int
    visit_mean_s: float | None


@dataclass(frozen=True)
class Group:
    key: str | int | None
    label: str
    figures: Figures


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    timezone: str
    by: str | None
    generated_at: datetime
    target_minutes: int
    service_targets: dict[str, int]
    overall: Overall
    groups: tuple[Group, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "timezone": self.timezone,
            "by": self.by,
            "generated_at": self.generated_at.isoformat(),
            "target_minutes": self.target_minutes,
            "service_targets": dict(self.service_targets),
            "overall": asdict(self.overall),
            "groups": [{"key": g.key, "label": g.label, **asdict(g.figures)} for g in self.groups],
        }


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
        raws = q.aggregate(s, scope, key)
        total = q.combine(raws.values())
        if key is not None:
            overall_pct = q.overall_percentiles(s, scope, raws)
        else:
            overall_pct = raws[None].percentiles if raws else (None, None)
        labels = group_labels(s, by, services) if by else {}
        now = tx.now
    overall = Overall(**asdict(_figures(total, overall_pct)), visits=total.visits,
                      visit_mean_s=_round(_mean(total.visit_sum, total.visit_n)))
    groups = tuple(
        Group(*labels.get(k, (k, _fallback_label(by, k))), _figures(raw, raw.percentiles))
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


def _fallback_label(by: str | None, key: Any) -> str:
    if key is None:
        return NOT_CALLED
    if by == "hour":
        return f"{key:02d}:00–{(key + 1) % 24:02d}:00"
    if by == "weekday":
        return WEEKDAYS_VI[int(key) - 1]
    if by == "day":
        return f"{key:%d/%m/%Y}"
    return str(key)


def group_order(by: str | None, key: Any, labels: dict[Any, tuple[Any, str]]) -> tuple[int, Any]:
    """Groups in office order: services as listed, counters by number, clerks by username, the rest by key."""
    if key is None:
        return (1, 0)
    if by == "service":
        return (0, list(labels).index(key) if key in labels else len(labels))
    if by in ("counter", "clerk"):
        return (0, labels.get(key, (key, ""))[0])
    return (0, key)


def groupings_report(store: Store, start: date, end: date, by: str | None = None) -> list[Report]:
    """The ungrouped report, then one per grouping (only ``by`` if given): what the XLSX export writes, a sheet each."""
    return [build_report(store, start, end, grouping) for grouping in (None, *((by,) if by else GROUPINGS))]
