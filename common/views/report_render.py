"""A report as an aligned text table, CSV, or an XLSX workbook with Vietnamese headings.

CSV keeps the JSON field names by default (machines read it) and switches to
Vietnamese headings with ``headings="vi"`` (people read it). Waits stay in seconds
in CSV; the table and the workbook show minutes, which is what a director reports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from common.core.glossary import TICKET_STATUS
from common.core.model import TicketStatus
from common.views.report import Figures, Report
from common.views.vi_numbers import decimal

COLUMNS = ("tickets", "served", "served_pct", "no_show", "no_show_pct", "expired", "transferred", "cancelled",
           "waiting", "waits_within_target_pct", "wait_mean_s", "wait_median_s", "wait_p90_s", "service_mean_s",
           "walk_mean_s", "wait_mean_incl_expired_s", "visits", "visit_within_target_pct", "visit_wait_mean_s",
           "visit_wait_mean_incl_expired_s")
# Means that count expired tickets at their censored wait: lower bounds, marked "≥" wherever they are shown.
LOWER_BOUNDS = {"wait_mean_incl_expired_s", "visit_wait_mean_incl_expired_s"}
VI = {
    "key": "Mã", "label": "Nhóm", "tickets": "Số lượt", "served": "Đã phục vụ", "served_pct": "% đã phục vụ",
    # Statuses in the glossary's words (common/core/glossary.py), as on every screen.
    "no_show": TICKET_STATUS[TicketStatus.NO_SHOW], "no_show_pct": "% vắng mặt",
    "expired": TICKET_STATUS[TicketStatus.EXPIRED], "transferred": TICKET_STATUS[TicketStatus.TRANSFERRED],
    "cancelled": TICKET_STATUS[TicketStatus.CANCELLED], "waiting": TICKET_STATUS[TicketStatus.WAITING],
    "waits_within_target_pct": "% chờ trong chỉ tiêu",
    "wait_mean_s": "Chờ trung bình (giây)", "wait_median_s": "Chờ trung vị (giây)", "wait_p90_s": "Chờ P90 (giây)",
    "service_mean_s": "Phục vụ trung bình (giây)", "walk_mean_s": "Di chuyển trung bình (giây)",
    "wait_mean_incl_expired_s": "≥ Chờ TB kể cả vé hết hạn (giây)",
    "visits": "Lượt khách", "visit_within_target_pct": "% lượt khách chờ trong chỉ tiêu",
    "visit_wait_mean_s": "Chờ TB mỗi lượt khách (giây)",
    "visit_wait_mean_incl_expired_s": "≥ Chờ TB mỗi lượt khách kể cả hết hạn (giây)",
}
GROUP_VI = {None: "Tổng hợp", "service": "Dịch vụ", "counter": "Quầy", "clerk": "Cán bộ", "hour": "Giờ",
            "weekday": "Thứ", "day": "Ngày"}
TOTAL_VI = "Tổng cộng"
SECONDS = {"wait_mean_s", "wait_median_s", "wait_p90_s", "service_mean_s", "walk_mean_s", *LOWER_BOUNDS,
           "visit_wait_mean_s"}


def rows(report: Report) -> list[tuple[Any, str, Figures]]:
    """(key, label, figures) per group, then the total."""
    out: list[tuple[Any, str, Figures]] = [(g.key, g.label, g.figures) for g in report.groups]
    out.append((None, TOTAL_VI, report.overall))
    return out


def to_csv(report: Report, headings: str = "keys") -> str:
    if headings not in ("keys", "vi"):
        raise ValueError("headings must be 'keys' or 'vi'")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = ("key", "label", *COLUMNS)
    writer.writerow([VI[n] for n in names] if headings == "vi" else names)
    for key, label, figures in rows(report):
        values = asdict(figures)
        writer.writerow([_plain(key), label, *(_plain(values[n]) for n in COLUMNS)])
    return buffer.getvalue()


def to_table(report: Report) -> str:
    """Aligned text for a terminal: waits in minutes:seconds."""
    header = (GROUP_VI[report.by], "Số lượt", "Phục vụ", "Vắng %", "Hết hạn", "Đang chờ", "Trong CT %",
              "Chờ TB", "Trung vị", "P90", "Phục vụ TB", "Di chuyển", "Chờ TB*", "Lượt KH", "KH trong CT %",
              "Chờ/KH", "Chờ/KH*")
    lines = [[label, str(f.tickets), str(f.served), _num(f.no_show_pct), str(f.expired), str(f.waiting),
              _num(f.waits_within_target_pct), _mmss(f.wait_mean_s), _mmss(f.wait_median_s), _mmss(f.wait_p90_s),
              _mmss(f.service_mean_s), _mmss(f.walk_mean_s), at_least(_mmss(f.wait_mean_incl_expired_s)),
              str(f.visits), _num(f.visit_within_target_pct), _mmss(f.visit_wait_mean_s),
              at_least(_mmss(f.visit_wait_mean_incl_expired_s))] for _, label, f in rows(report)]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]
    title = (f"Báo cáo thời gian chờ {report.start:%d/%m/%Y}–{report.end:%d/%m/%Y} ({report.timezone}), "
             f"{report.target_vi}")
    out = [title, _line(header, widths), "  ".join("-" * w for w in widths)]
    out += [_line(cells, widths) for cells in lines[:-1]]
    if report.groups:
        out.append("  ".join("-" * w for w in widths))
    out.append(_line(lines[-1], widths))
    o = report.overall
    out.append(f"Lượt khách (visit): {o.visits}, thời gian trung bình {_mmss(o.visit_mean_s)}")
    out.append(FOOTNOTE)
    return "\n".join(out)


FOOTNOTE = ("* kể cả vé hết hạn, tính bằng thời gian đã chờ đến khi đóng ngày: giá trị thực ít nhất bằng số này (≥). "
            "Lượt khách (KH): tổng thời gian chờ qua các lần chuyển, đến lần gọi đầu tiên.")


def at_least(text: str) -> str:
    """A lower bound as shown to people: "≥ 39:30" (nothing to bound stays "–")."""
    return f"≥ {text}" if any(ch.isdigit() for ch in text) else text


def _line(cells: Sequence[str], widths: list[int]) -> str:
    first = cells[0].ljust(widths[0])
    return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))]).rstrip()


def _num(value: float | None) -> str:
    return decimal(value)  # 57,1: the Vietnamese decimal comma, as on the screens


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


def write_xlsx(reports: Sequence[Report], path: str | Path) -> Path:
    """One formatted sheet per report (grouping), Vietnamese headings, waits in minutes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold, head_fill = Font(name="DejaVu Sans", bold=True), PatternFill("solid", fgColor="DDEBF7")
    plain = Font(name="DejaVu Sans")
    names = ("label", *COLUMNS)
    for report in reports:
        sheet = book.create_sheet(f"Theo {GROUP_VI[report.by].lower()}" if report.by else GROUP_VI[None])
        sheet.append([f"Báo cáo thời gian chờ từ {report.start:%d/%m/%Y} đến {report.end:%d/%m/%Y}, "
                      f"{report.target_vi}"])
        sheet["A1"].font = Font(name="DejaVu Sans", bold=True, size=13)
        headings = [GROUP_VI[report.by], *(_minutes_heading(n) for n in COLUMNS)]
        sheet.append(headings)
        for cell in sheet[2]:
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for _, label, figures in rows(report):
            values = asdict(figures)
            sheet.append([label, *(_xlsx_value(n, values[n]) for n in COLUMNS)])
            for cell in sheet[sheet.max_row]:
                cell.font = bold if label == TOTAL_VI else plain
        for index, name in enumerate(names, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 34 if index == 1 else 14
            # "#,##0.0": Excel draws the grouping and the decimal mark in the reader's locale, so a
            # Vietnamese Excel shows 1.446 and 158,9 as the screens do; the cells stay numbers.
            fmt = "#,##0.0" if name in SECONDS or name.endswith("_pct") else "#,##0"
            for cell in sheet[letter][2:]:
                if index > 1:
                    cell.number_format = fmt
        sheet.freeze_panes = "B3"
    target = Path(path)
    book.save(target)
    return target


def _minutes_heading(name: str) -> str:
    return VI[name].replace("(giây)", "(phút)") if name in SECONDS else VI[name]


def _xlsx_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    return round(value / 60, 2) if name in SECONDS else value
