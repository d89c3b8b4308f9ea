"""`motcua report`, `export tickets` and `simulate`, run as real processes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from common.core.clock import ManualClock
from common.store import Store
from tests.common.test_report import TUE, WED, build_day, finish_day

ROOT = Path(__file__).resolve().parents[2]
# Figures that depend on "now" (tickets still waiting): the CLI runs on the system clock.
MONDAY = date(2026, 11, 23)
NOW_DEPENDENT = {"generated_at", "waits_judged", "waits_within", "waits_within_target_pct",
                 "visit_waits_judged", "visit_waits_within", "visit_within_target_pct"}


def motcua(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MOTCUA_DB", "MOTCUA_CONFIG")}
    return subprocess.run([sys.executable, "-m", "common.cli.main", "--db", db, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def strip_now(figures: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in figures.items() if k not in NOW_DEPENDENT}


@pytest.fixture
def day(store: Store, clock: ManualClock) -> Store:
    build_day(store, clock)
    finish_day(store, clock)
    return store


def test_report_json_is_build_report(day: Store, db_url: str) -> None:
    run = motcua("report", "--from", "2026-11-24", "--to", "2026-11-25", "--by", "service", "--format", "json",
                 db=db_url)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    expected = day.views.report(TUE, WED, "service").to_json()
    assert strip_now(data["overall"]) == strip_now(expected["overall"])
    assert [strip_now(g) for g in data["groups"]] == [strip_now(g) for g in expected["groups"]]
    assert (data["from"], data["to"], data["target_minutes"]) == ("2026-11-24", "2026-11-25", 30)


def test_report_table_csv_and_xlsx(day: Store, db_url: str, tmp_path: Path) -> None:
    table = motcua("report", "--from", "2026-11-24", "--to", "2026-11-25", "--by", "hour", db=db_url)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[1].split()[:2] == ["Giờ", "Số"] and any(line.startswith("06:00–07:00") for line in lines)
    assert any(line.startswith("Tổng cộng") and line.split()[2] == "10" for line in lines)

    run = motcua("report", "--from", "2026-11-24", "--to", "2026-11-25", "--by", "service", "--format", "csv",
                 "--headings", "vi", db=db_url)
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert rows[0][:4] == ["Mã", "Nhóm", "Số lượt", "Đã phục vụ"]
    assert rows[1][:3] == ["TP", "Tư pháp – Hộ tịch", "6"] and rows[-1][1:3] == ["Tổng cộng", "10"]

    out = tmp_path / "report.xlsx"
    run = motcua("report", "--from", "2026-11-24", "--to", "2026-11-25", "--format", "xlsx", "--output", str(out),
                 db=db_url)
    assert run.returncode == 0, run.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["Tổng hợp", "Theo dịch vụ", "Theo quầy", "Theo cán bộ", "Theo giờ", "Theo thứ",
                               "Theo ngày"]
    sheet = book["Theo dịch vụ"]
    assert [c.value for c in sheet[2]][:3] == ["Dịch vụ", "Số lượt", "Đã phục vụ"]
    assert [c.value for c in sheet[3]][:2] == ["Tư pháp – Hộ tịch", 6]
    mean_minutes = [c.value for c in sheet[2]].index("Chờ trung bình (phút)")
    assert sheet[sheet.max_row][mean_minutes].value == round(1610.0 / 60, 2)
    assert sheet[sheet.max_row][0].font.bold


def test_bad_dates_give_one_line(sqlite_url: str) -> None:
    for args, needle in ((("--from", "2026-13-01"), "--from"), (("--to", "yesterday"), "--to"),
                         (("--from", "2026-11-25", "--to", "2026-11-24"), "trước --from")):
        run = motcua("report", *args, db=sqlite_url)
        assert run.returncode == 2
        assert len(run.stderr.strip().splitlines()) == 1 and needle in run.stderr, run.stderr
    run = motcua("report", "--format", "xlsx", db=sqlite_url)
    assert run.returncode == 2 and "--output" in run.stderr


def test_export_tickets(day: Store, db_url: str) -> None:
    run = motcua("export", "tickets", "--from", "2026-11-24", "--to", "2026-11-25", "--format", "json", db=db_url)
    assert run.returncode == 0, run.stderr
    tickets = json.loads(run.stdout)["tickets"]
    assert len(tickets) == 10
    d001 = next(t for t in tickets if t["code"] == "D001")
    assert d001["issued_utc"].startswith("2026-11-24T23:30:00") and d001["issued_local"].startswith(
        "2026-11-25T06:30:00+07:00")
    assert (d001["wait_s"], d001["walk_s"], d001["service_s"], d001["clerk"]) == (4200, 60, 540, "tuan")
    transferred = [t for t in tickets if t["code"] == "B001"]
    assert len(transferred) == 2 and transferred[0]["visit_id"] == transferred[1]["visit_id"]

    run = motcua("export", "tickets", "--from", "2026-11-24", "--to", "2026-11-24", "--format", "csv", db=db_url)
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(r["code"], r["status"], r["wait_s"]) for r in rows] == [("C001", "expired", "")]


def test_simulate_leaves_the_office_alone_unless_asked(store: Store, db_url: str) -> None:
    run = motcua("simulate", "--counters", "2", "--arrivals-per-hour", "10", "--mean-service-minutes", "6",
                 "--start", "2026-11-23", "--seed", "5", "--json", db=db_url)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["tickets"] > 20 and data["report"]["overall"]["tickets"] == data["tickets"]
    assert data["database"] == "temporary" and data["erlang_c"]["counters"] == 2
    assert store.tickets(MONDAY, MONDAY) == []  # nothing written here

    run = motcua("simulate", "--counters", "2", "--arrivals-per-hour", "10", "--start", "2026-11-23",
                 "--into-store", db=db_url)
    assert run.returncode == 0, run.stderr
    assert "Tổng cộng" in run.stdout
    assert {t.service for t in store.tickets(MONDAY, MONDAY)} == {"TP", "CT"}


def test_simulate_rejects_nonsense(sqlite_url: str) -> None:
    run = motcua("simulate", "--counters", "0", db=sqlite_url)
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert run.stderr.startswith("motcua simulate: --counters: 0 ") and "(counters: 1–200)" in run.stderr
