"""Exports of the summary with Vietnamese headings: CSV, XLSX (one sheet per grouping) and PDF.

XLSX comes from common.views.report_render (the renderer of ``motcua report``), its cells numbers that
Excel shows in the reader's locale; the CSV writes the decimal comma with no thousands dot; the PDF is an HTML
table laid out by QTextDocument and printed with QPdfWriter (A4 landscape), on the GUI thread because
Qt's text layout and fonts belong there.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from common.views.report import Report
from common.views.report_render import COLUMNS as CSV_COLUMNS
from common.views.report_render import GROUP_VI, TOTAL_VI, VI, rows, write_xlsx
from dashboard.figures_table import COLUMNS
from ui.style import FONT_FAMILY, font

FORMATS = {"csv": "CSV (*.csv)", "xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)"}


def write_csv(report: Report, path: str | Path) -> Path:
    target = Path(path)
    # utf-8-sig: Excel opens a CSV with a BOM as UTF-8, so the diacritics survive a double click.
    target.write_text(vi_csv(report), encoding="utf-8-sig")
    return target


def vi_csv(report: Report) -> str:
    """The summary for people: Vietnamese headings and the decimal comma, as on screen (158,9), but no
    thousands dot: an English Excel reads "1.446" as one and a half, where "1446" is the same number
    everywhere (XLSX is the file whose numbers every Excel reads alike).

    `motcua report --format csv` keeps the field names and plain numbers for machines; this one is
    what a supervisor exports from the dashboard and reads beside the table and the PDF.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # a "158,9" cell is quoted, so it stays one cell
    writer.writerow([VI[n] for n in ("key", "label", *CSV_COLUMNS)])
    for key, label, figures in rows(report):
        values = asdict(figures)
        shown_key = "" if key is None else key.isoformat() if hasattr(key, "isoformat") else str(key)
        writer.writerow([shown_key, label, *(_vi_cell(values[n]) for n in CSV_COLUMNS)])
    return buffer.getvalue()


def _vi_cell(value: int | float | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.1f}".replace(".", ",")


def write_workbook(reports: Sequence[Report], path: str | Path) -> Path:
    return write_xlsx(reports, path)


def html(reports: Sequence[Report], office: str = "") -> str:
    parts = [f"<html><body style=\"font-family: '{FONT_FAMILY}'\">"]
    for i, report in enumerate(reports):
        if i:
            parts.append("<p style='page-break-before: always'></p>")
        parts.append(f"<h2>{escape(office)}</h2>" if office else "")
        parts.append(f"<h3>Báo cáo thời gian chờ {report.start:%d/%m/%Y} – {report.end:%d/%m/%Y}: theo "
                     f"{escape(GROUP_VI[report.by].lower())} ({escape(report.target_vi)})</h3>")
        head = f"<th width='22%'>{escape(GROUP_VI[report.by])}</th>" + "".join(
            f"<th>{escape(c.heading)}</th>" for c in COLUMNS)
        parts.append("<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
                     f"<tr style='background:#ddebf7'>{head.replace(chr(10), ' ')}</tr>")
        for _, label, figures in rows(report):
            weight = " style='font-weight:bold'" if label == TOTAL_VI else ""
            tds = "".join(f"<td align='right'>{escape(c.show(getattr(figures, c.field)))}</td>" for c in COLUMNS)
            parts.append(f"<tr{weight}><td>{escape(label)}</td>{tds}</tr>")
        parts.append("</table>")
        made = report.generated_at.astimezone(ZoneInfo(report.timezone))
        parts.append(f"<p style='font-size:8pt'>Lập lúc {made:%H:%M %d/%m/%Y} ({escape(report.timezone)}) · "
                     "thời gian tính bằng phút</p>")
    parts.append("</body></html>")
    return "".join(parts)


def write_pdf(reports: Sequence[Report], path: str | Path, office: str = "") -> Path:
    target = Path(path)
    writer = QPdfWriter(str(target))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    writer.setTitle("Báo cáo thời gian chờ")
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)  # lay out at the PDF's 300 dpi, not the screen's: else tiny text
    doc.setDefaultFont(font(9))
    doc.setHtml(html(reports, office))
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.print_(writer)
    return target
