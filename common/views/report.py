"""Wait-time reports against each service's target, as defined in docs/metrics.md.

``store.views.report`` (common/store/reads/report.py) reads one period of service days in one transaction. Counts and
sums are aggregated by the database (GROUP BY with CASE); percentiles come from
PostgreSQL's ``percentile_cont`` or, on SQLite, from the sorted waits of each
group. The same code path feeds ``motcua report`` and the supervisor dashboard.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

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
    # The mean wait with expired tickets counted at their censored wait: a lower bound, shown "≥".
    wait_mean_incl_expired_s: float | None
    # Visit-level (docs/metrics.md, "Visits"): grouped by each visit's first transaction.
    visits: int
    visit_waits_judged: int
    visit_waits_within: int
    visit_within_target_pct: float | None
    visit_wait_mean_s: float | None  # closed visits without an expired part: waits to first calls, summed
    visit_wait_mean_incl_expired_s: float | None  # a lower bound, shown "≥"


@dataclass(frozen=True)
class Overall(Figures):
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

    @property
    def target_vi(self) -> str:
        """The targets the within-target shares were judged by: the office's, and every service's own."""
        own = "; ".join(f"{code} {minutes} phút" for code, minutes in sorted(self.service_targets.items())
                        if minutes != self.target_minutes)
        return f"chỉ tiêu {self.target_minutes} phút" + (f" ({own})" if own else "")

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


def fallback_label(by: str | None, key: Any) -> str:
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
