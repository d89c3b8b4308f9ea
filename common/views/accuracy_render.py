"""``motcua report --accuracy``: the estimate accuracy (common/views/estimate_accuracy.py) as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields
from typing import Any

from common.views.estimate_accuracy import FORMULA_ONLY, Accuracy, AccuracyReport
from common.views.vi_numbers import decimal

GROUPINGS = ("service", "hour")
COLUMNS = tuple(f.name for f in fields(Accuracy))


def groups(report: AccuracyReport, by: str | None) -> tuple[Accuracy, ...]:
    """The rows of one breakdown (per service unless ``by`` is "hour"), then the total."""
    return (*(report.hours if by == "hour" else report.services), report.overall)


def to_json(report: AccuracyReport, by: str | None) -> dict[str, Any]:
    return {"from": report.start.isoformat(), "to": report.end.isoformat(), "by": by or "service",
            "groups": [asdict(a) for a in groups(report, by)[:-1]], "overall": asdict(report.overall),
            "printed_by_formula_only": report.formula_only}


def to_csv(report: AccuracyReport, by: str | None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for a in groups(report, by):
        writer.writerow(["" if v is None else v for v in asdict(a).values()])
    return buffer.getvalue()


def to_table(report: AccuracyReport, by: str | None) -> str:
    """Minutes with one decimal: printed estimate, then the naive formula, then how much better the printed is."""
    header = ("Giờ" if by == "hour" else "Dịch vụ", "Số vé", "MAE in", "Lệch in", "Trễ>5' in %", "MAE đơn giản",
              "Lệch đơn giản", "Trễ>5' đơn giản %", "Tốt hơn %", "Chờ thực TB", "Trong p10–p90 %")
    lines = [[a.name_vi if a.code is None or by == "hour" else a.code, str(a.checked), _min(a.mae_s),
              _min(a.bias_s), _num(a.late_over_5min_pct), _min(a.naive_mae_s), _min(a.naive_bias_s),
              _num(a.naive_late_over_5min_pct), _num(a.mae_vs_naive_pct), _min(a.mean_wait_s),
              _num(a.inside_band_pct)]
             for a in groups(report, by)]
    widths = [max(len(c) for c in column) for column in zip(header, *lines, strict=True)]
    title = (f"Độ chính xác ước tính {report.start:%d/%m/%Y}–{report.end:%d/%m/%Y} (phút): vé in so với công thức "
             "đơn giản (người phía trước + 1) × phục vụ gần đây ÷ quầy mở")
    rows = [title, *("  ".join([r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))])
                     for r in (header, *lines))]
    if report.formula_only:
        rows.append(f"* {FORMULA_ONLY[0]}.")
    return "\n".join(rows)


def _min(seconds: float | None) -> str:
    return "–" if seconds is None else decimal(seconds / 60)


def _num(value: float | None) -> str:
    return decimal(value)  # 57,1: the Vietnamese decimal comma, as on the screens
