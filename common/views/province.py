"""The province view: every office's waits and satisfaction side by side, ranked, the laggards flagged.

Pure values and arithmetic (common/store/reads/province.py reads the sums). The rules are
docs/metrics.md's: a wait is within target at ≤ 30 minutes (Decision 468/QĐ-TTg), per
transaction and per visit (a visit's waits added up); satisfaction is ratings of 3 or 4
among all ratings, against 95 %; the response rate is ratings per served transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from common.views import vi_numbers as vi

WITHIN_TARGET = 0.95  # Decision 468: the share of waits within 30 minutes the province looks for
SATISFACTION_TARGET = 0.95
TARGET_WAIT_S = 30 * 60


@dataclass(frozen=True)
class OfficeFigures:
    """One office over one period; the sums are additive so levels and the province add them up."""

    office_id: int
    code: str
    name: str
    level: str
    tickets: int
    served: int
    no_show: int
    judged: int  # waits that can be held against the target
    within: int
    visits: int
    visits_within: int
    wait_n: int
    wait_sum: float
    p90_wait_s: float | None
    ratings: int
    satisfied: int

    @property
    def within_pct(self) -> float | None:
        return self.within / self.judged if self.judged else None

    @property
    def visits_within_pct(self) -> float | None:
        return self.visits_within / self.visits if self.visits else None

    @property
    def mean_wait_s(self) -> float | None:
        return self.wait_sum / self.wait_n if self.wait_n else None

    @property
    def satisfaction_pct(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None

    @property
    def response_rate(self) -> float | None:
        return self.ratings / self.served if self.served else None

    @property
    def under_target(self) -> bool:
        """Flagged: fewer than 95 % of waits within 30 minutes, or satisfaction under 95 %."""
        w, s = self.within_pct, self.satisfaction_pct
        return (w is not None and w < WITHIN_TARGET) or (s is not None and s < SATISFACTION_TARGET)


@dataclass(frozen=True)
class ProvinceView:
    start: str
    end: str
    offices: tuple[OfficeFigures, ...]  # ranked: best share within target first

    def by_level(self) -> dict[str, tuple[OfficeFigures, ...]]:
        levels: dict[str, list[OfficeFigures]] = {}
        for o in self.offices:
            levels.setdefault(o.level, []).append(o)
        return {k: tuple(v) for k, v in levels.items()}


def rank(offices: list[OfficeFigures]) -> tuple[OfficeFigures, ...]:
    """Best first: share within 30 minutes, then satisfaction, then the shorter mean wait; no data last."""
    def key(o: OfficeFigures) -> tuple[float, float, float, str]:
        return (-(o.within_pct if o.within_pct is not None else -1.0),
                -(o.satisfaction_pct if o.satisfaction_pct is not None else -1.0),
                o.mean_wait_s if o.mean_wait_s is not None else float("inf"), o.code)
    return tuple(sorted(offices, key=key))


COLUMNS = ("rank", "office", "name", "level", "tickets", "served", "no_show", "within_30_pct",
           "visits_within_30_pct", "mean_wait_min", "p90_wait_min", "satisfaction_pct", "response_rate_pct",
           "under_target")


def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.1f}"


def _min(x: float | None) -> str:
    return "" if x is None else f"{x / 60:.1f}"


def rows(view: ProvinceView) -> list[list[str]]:
    return [[str(i), o.code, o.name, o.level, str(o.tickets), str(o.served), str(o.no_show), _pct(o.within_pct),
             _pct(o.visits_within_pct), _min(o.mean_wait_s), _min(o.p90_wait_s), _pct(o.satisfaction_pct),
             _pct(o.response_rate), "x" if o.under_target else ""]
            for i, o in enumerate(view.offices, 1)]


def to_csv(view: ProvinceView) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows(view))
    return out.getvalue()


def to_table(view: ProvinceView) -> str:
    """The terminal table, numbers the Vietnamese way as every screen writes them (1.405 · 62,3);
    the CSV and JSON keep machine numbers."""
    def pct(x: float | None) -> str:
        return vi.decimal(None if x is None else 100 * x)

    def minutes(x: float | None) -> str:
        return vi.decimal(None if x is None else x / 60)

    head = ("#", "đơn vị", "cấp", "phiếu", "≤30' %", "lượt ≤30' %", "TB phút", "p90 phút", "hài lòng %",
            "phản hồi %", "không-đến", "")
    body = [[str(i), o.code, o.level, vi.count(o.tickets), pct(o.within_pct), pct(o.visits_within_pct),
             minutes(o.mean_wait_s), minutes(o.p90_wait_s), pct(o.satisfaction_pct), pct(o.response_rate),
             vi.count(o.no_show), "⚠ dưới chỉ tiêu" if o.under_target else ""]
            for i, o in enumerate(view.offices, 1)]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=False)]
    lines = [f"Tỉnh: {_day(view.start)} – {_day(view.end)} (chỉ tiêu: 95 % chờ ≤ 30 phút, 95 % hài lòng)"]
    for line in (head, *body):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)).rstrip())
    return "\n".join(lines)


def _day(iso: str) -> str:
    """``2026-12-01`` → ``01/12/2026``, as the office reports head their period."""
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def public_rows(view: ProvinceView) -> list[dict[str, str]]:
    """The transparency page ("công khai"): per office, no ticket, no person, no clerk."""
    return [{"office": o.name, "level": o.level, "tickets": str(o.tickets), "within_30_pct": _pct(o.within_pct),
             "mean_wait_min": _min(o.mean_wait_s), "satisfaction_pct": _pct(o.satisfaction_pct)}
            for o in view.offices]
