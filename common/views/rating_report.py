"""Citizen satisfaction against the 95% target (Decision 468/QĐ-TTg), as defined in docs/metrics.md.

Counted per served transaction, like the wait figures, over the same service days and
groupings (service, counter, clerk, day), so satisfaction and waiting time can be read
side by side; ``wait_bands`` does exactly that. ``store.views.satisfaction`` reads it in one
transaction (common/store/reads/satisfaction.py); counts are
aggregated by the database (one GROUP BY over tickets LEFT JOIN ratings).
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from common.views.vi_numbers import decimal

TARGET_PCT = 95.0  # Decision 468/QĐ-TTg: at least 95% of citizens satisfied by 2025
GROUPINGS = ("service", "counter", "clerk", "day")
# (label, lowest wait in seconds, highest): < 10, 10–20, 20–30 (30 itself is within target), > 30 minutes.
WAIT_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("< 10 phút", 0, 599), ("10–20 phút", 600, 1199), ("20–30 phút", 1200, 1800), ("> 30 phút", 1801, None))
TOP_REASONS = 10
COLUMNS = ("served", "rated", "response_rate_pct", "satisfaction_pct", "very_satisfied", "satisfied", "neutral",
           "dissatisfied", "meets_target")


@dataclass(frozen=True)
class Satisfaction:
    served: int
    rated: int
    very_satisfied: int
    satisfied: int
    neutral: int
    dissatisfied: int
    satisfaction_pct: float | None  # (very_satisfied + satisfied) / rated
    response_rate_pct: float | None  # rated / served
    meets_target: bool | None  # satisfaction_pct >= 95


@dataclass(frozen=True)
class SatisfactionGroup:
    key: str | int | None
    label: str
    figures: Satisfaction


@dataclass(frozen=True)
class WaitBand:
    label: str
    min_wait_s: int
    max_wait_s: int | None
    rated: int
    satisfied: int
    satisfaction_pct: float | None


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    count: int
    pct_of_low: float | None  # share of the low ratings that gave this reason


@dataclass(frozen=True)
class SatisfactionReport:
    start: date
    end: date
    timezone: str
    by: str | None
    generated_at: datetime
    target_pct: float
    overall: Satisfaction
    groups: tuple[SatisfactionGroup, ...]
    wait_bands: tuple[WaitBand, ...]
    low_ratings: int
    reasons: tuple[ReasonCount, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(), "to": self.end.isoformat(), "timezone": self.timezone, "by": self.by,
            "generated_at": self.generated_at.isoformat(), "target_pct": self.target_pct,
            "overall": asdict(self.overall),
            "groups": [{"key": _plain(g.key), "label": g.label, **asdict(g.figures)} for g in self.groups],
            "wait_bands": [asdict(b) for b in self.wait_bands],
            "low_ratings": self.low_ratings,
            "reasons": [asdict(r) for r in self.reasons],
        }


def satisfaction_of(rows: list[tuple[int, ...]]) -> Satisfaction:
    served, rated, four, three, two, one = (sum(r[i] for r in rows) for i in range(6))
    pct = percent(four + three, rated)
    return Satisfaction(served, rated, four, three, two, one, pct, percent(rated, served),
                        None if pct is None else pct >= TARGET_PCT)


def label_of(by: str | None, key: Any) -> str:
    if key is None:
        return "(không rõ)"
    return f"{key:%d/%m/%Y}" if by == "day" else str(key)


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


# ---------------------------------------------------------------------------- text and CSV
GROUP_VI = {None: "Tổng hợp", "service": "Dịch vụ", "counter": "Quầy", "clerk": "Cán bộ", "day": "Ngày"}
TOTAL_VI = "Tổng cộng"


def rows(report: SatisfactionReport) -> list[tuple[Any, str, Satisfaction]]:
    """(key, label, figures) per group, then the total."""
    return [*((g.key, g.label, g.figures) for g in report.groups), (None, TOTAL_VI, report.overall)]


def to_csv(report: SatisfactionReport) -> str:
    """One line per group and the total (the JSON field names as headings); bands and reasons are in the JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("key", "label", *COLUMNS, "target_pct"))
    for key, label, f in rows(report):
        values = asdict(f)
        writer.writerow([_csv(_plain(key)), label, *(_csv(values[c]) for c in COLUMNS), report.target_pct])
    return buffer.getvalue()


def to_table(report: SatisfactionReport) -> str:
    header = (GROUP_VI[report.by], "Phục vụ", "Đánh giá", "Tỷ lệ ĐG %", "Hài lòng %", "Rất HL", "HL", "Bình thường",
              "Không HL", f"Đạt {report.target_pct:g}%")
    lines = [[label, str(f.served), str(f.rated), _num(f.response_rate_pct), _num(f.satisfaction_pct),
              str(f.very_satisfied), str(f.satisfied), str(f.neutral), str(f.dissatisfied), _yes(f.meets_target)]
             for _, label, f in rows(report)]
    out = [f"Mức độ hài lòng {report.start:%d/%m/%Y}–{report.end:%d/%m/%Y} ({report.timezone}), "
           f"chỉ tiêu ≥ {report.target_pct:g}% hài lòng", *_aligned(header, lines, total=bool(report.groups))]
    out += ["", "Hài lòng theo thời gian chờ:",
            *_aligned(("Thời gian chờ", "Đánh giá", "Hài lòng", "Hài lòng %"),
                      [[b.label, str(b.rated), str(b.satisfied), _num(b.satisfaction_pct)] for b in report.wait_bands])]
    out += ["", f"Lý do chưa hài lòng ({report.low_ratings} đánh giá Bình thường / Không hài lòng):"]
    out += [f"  {r.count:>4}  {_num(r.pct_of_low):>5}%  {r.reason}" for r in report.reasons] or ["  –"]
    return "\n".join(out)


def _aligned(header: tuple[str, ...], lines: list[list[str]], *, total: bool = False) -> list[str]:
    widths = [max(len(c) for c in column) for column in zip(header, *lines, strict=True)]

    def line(cells: Any) -> str:
        return "  ".join([cells[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells[1:], widths[1:],
                                                                                  strict=True))]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    body = [line(c) for c in lines]
    if total:
        body.insert(len(body) - 1, rule)
    return [line(header), rule, *body]


def _num(value: float | None) -> str:
    return decimal(value)  # 57,1: the Vietnamese decimal comma, as on the screens


def _yes(value: bool | None) -> str:
    return "–" if value is None else ("đạt" if value else "chưa đạt")


def _csv(value: Any) -> Any:
    return "" if value is None else value
