"""Exports from the History tab: real CSV, XLSX and PDF files with Vietnamese headings and the table's numbers."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from common.views.report import GROUPINGS
from dashboard.history_tab import HistoryTab
from tests.dashboard.conftest import WAIT_MS, Open


@pytest.fixture
def exported(qtbot: QtBot, day, open_dashboard: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    window = open_dashboard(day)
    window.select("history")
    qtbot.waitUntil(lambda: window.history.table.report is not None, timeout=WAIT_MS)
    monkeypatch.setattr(HistoryTab, "ask_path", classmethod(lambda cls, _p, fmt, _s: str(tmp_path / f"r.{fmt}")))

    def export(fmt: str) -> Path:
        with qtbot.waitSignal(window.history.exported, timeout=WAIT_MS) as wrote:
            window.history.buttons[fmt].click()
        return Path(wrote.args[0])

    return window, export


def test_csv_has_vietnamese_headings_and_the_tables_numbers(exported) -> None:  # type: ignore[no-untyped-def]
    window, export = exported
    path = export("csv")
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["Nhóm"] == "Tư pháp – Hộ tịch" and rows[-1]["Nhóm"] == "Tổng cộng"
    assert [int(r["Số lượt"]) for r in rows] == window.history.table.column_values("tickets")
    assert rows[-1]["% chờ trong chỉ tiêu"] == "57,1"  # the Vietnamese way, as on screen and in the PDF
    # No dot in any number: neither an English decimal point ("158.9") nor a thousands dot ("1.446"), which an
    # English Excel reads as 1,446 thousandths.
    assert not [v for r in rows for v in r.values() if re.fullmatch(r"[\d.,]*\.[\d.,]*", v)]
    assert window.history.message.text().startswith("Đã lưu")


def test_xlsx_has_one_sheet_per_grouping(exported) -> None:  # type: ignore[no-untyped-def]
    _, export = exported
    book = load_workbook(export("xlsx"))
    assert len(book.sheetnames) == 1 + len(GROUPINGS)
    assert book.sheetnames[:2] == ["Tổng hợp", "Theo dịch vụ"]
    sheet = book["Theo dịch vụ"]
    headings = [c.value for c in sheet[2]]
    assert headings[:3] == ["Dịch vụ", "Số lượt", "Đã phục vụ"] and "Chờ trung bình (phút)" in headings
    tp = [c.value for c in sheet[3]]
    assert tp[0] == "Tư pháp – Hộ tịch" and tp[1] == 5 and tp[2] == 3
    assert tp[headings.index("Chờ trung bình (phút)")] == pytest.approx(560 / 60, abs=0.01)
    assert tp[headings.index("% chờ trong chỉ tiêu")] == 75.0
    # Numbers stay numbers; the format's grouping and decimal marks are drawn in the reader's (vi) locale.
    assert {c.number_format for c in sheet[3][1:]} == {"#,##0", "#,##0.0"}


def test_pdf_is_a_real_pdf_with_a_page_per_grouping(exported) -> None:  # type: ignore[no-untyped-def]
    _, export = exported
    data = export("pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>") >= 1 + len(
        GROUPINGS)


def test_pdf_numbers_are_written_the_vietnamese_way_as_on_screen(exported) -> None:  # type: ignore[no-untyped-def]
    from dashboard.export import html

    window, _ = exported
    report = window.history.table.report
    page = html([report])
    table = window.history.table
    total = table.rowCount() - 1
    on_screen = [table.item(total, c).text() for c in range(1, table.columnCount())]
    assert "57,1" in on_screen and all("." not in t for t in on_screen if "," in t)
    for text in on_screen:
        assert f">{text}</td>" in page  # the PDF shows exactly what the table shows



def test_pdf_marks_the_lower_bounds(exported) -> None:  # type: ignore[no-untyped-def]
    from dashboard.export import html

    window, _export = exported
    report = window.history.table.report
    assert report.overall.wait_mean_incl_expired_s is not None  # the day has an expired ticket
    page = html([report])
    assert "Chờ TB kể cả hết hạn (phút)" in page and "<td align='right'>≥ " in page
