"""Renderers: CSV keeps the report's numbers; the table lines up; the workbook has one sheet per grouping."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from common.core.clock import ManualClock
from common.store import Store
from common.views.report import GROUPINGS
from common.views.report_render import COLUMNS, to_csv, to_table, write_xlsx
from tests.common.test_report import TUE, WED, build_day, finish_day


def test_csv_carries_the_json_figures(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    finish_day(store, clock)
    report = store.views.report(TUE, WED, "counter")
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert [r["key"] for r in rows] == ["1", "2", "4", "8", "", ""]  # the counters, "not called", the total
    groups = report.to_json()["groups"]
    for row, group in zip(rows, groups, strict=False):
        for name in COLUMNS:
            assert row[name] == ("" if group[name] is None else str(group[name])), name
    assert rows[-1]["label"] == "Tổng cộng" and rows[-1]["tickets"] == "10"


def test_table_columns_line_up(store: Store, clock: ManualClock) -> None:
    build_day(store, clock)
    finish_day(store, clock)
    lines = to_table(store.views.report(TUE, WED, "service")).splitlines()
    header, rule = lines[1], lines[2]
    assert "Chờ TB" in header and set(rule) <= {"-", " "}
    # every number column ends where its heading ends
    ends = [i + 1 for i, ch in enumerate(rule) if ch == "-" and (i + 1 == len(rule) or rule[i + 1] == " ")]
    for line in lines[3:-2]:  # the table, without the visits line and the footnote under it
        if set(line) <= {"-", " "}:
            continue
        assert all(line[end - 1] != " " for end in ends[1:]), line
    assert "26:50" in lines[-3]  # the overall mean wait 1610 s as minutes:seconds
    assert "≥ " in lines[-3] and lines[-1].startswith("* kể cả vé hết hạn")  # the lower bound, marked and explained


def test_workbook_one_sheet_per_grouping(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    build_day(store, clock)
    finish_day(store, clock)
    reports = [store.views.report(TUE, WED, by) for by in GROUPINGS]
    book = load_workbook(write_xlsx(reports, tmp_path / "r.xlsx"))
    assert book.sheetnames == ["Theo dịch vụ", "Theo quầy", "Theo cán bộ", "Theo giờ", "Theo thứ", "Theo ngày"]
    hours = book["Theo giờ"]
    assert hours["A1"].value.startswith("Báo cáo thời gian chờ từ 24/11/2026 đến 25/11/2026")
    assert [hours.cell(row=r, column=1).value for r in range(3, hours.max_row + 1)] == [
        "06:00–07:00", "08:00–09:00", "09:00–10:00", "16:00–17:00", "Tổng cộng"]
    assert hours.freeze_panes == "B3" and hours["A3"].font.name == "DejaVu Sans"
