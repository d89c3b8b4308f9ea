"""The ``motcua`` command line, run as a real subprocess against a SQLite file and PostgreSQL.

The office under test is the example office with its opening hours removed, so
that the tests pass at any hour of the wall clock the CLI runs on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from common.config import load_config
from common.store import Store
from common.store.db import connect
from tests.conftest import EXAMPLE_OFFICE, ROOT

pytestmark = pytest.mark.slow  # each case starts a Python process (~1 s)
TICKET_KEYS = {"id", "code", "service", "token", "status", "priority", "issued_at", "first_called_at", "started_at",
               "finished_at", "counter", "clerk", "people_ahead", "estimated_wait_seconds", "wait_seconds"}


@pytest.fixture
def office(tmp_path: Path) -> Path:
    lines = EXAMPLE_OFFICE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "office.toml"
    path.write_text("\n".join(ln for ln in lines if not ln.startswith(("hours =", "weekdays ="))), encoding="utf-8")
    return path


def motcua(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "common.cli.main", "--db", url, *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60, env=_env())


def _env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("MOTCUA_DB", "MOTCUA_CONFIG")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def ok(url: str, *args: str, stdin: str | None = None) -> str:
    result = motcua(url, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


def ticket_of(url: str, *args: str) -> dict[str, Any] | None:
    return json.loads(ok(url, *args, "--json"))["ticket"]


def everything(url: str) -> list[list[tuple[Any, ...]]]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = [[tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
                for t in ("tickets", "events", "counters", "clerks", "services", "daily_numbers")]
    engine.dispose()
    return rows


@pytest.fixture
def loaded(db_url: str, office: Path) -> str:
    assert "đã nạp 8 dịch vụ, 8 quầy, 6 cán bộ" in ok(db_url, "setup", "load", str(office))
    return db_url


def test_setup_load_is_idempotent(loaded: str, office: Path) -> None:
    once = everything(loaded)
    ok(loaded, "setup", "load", str(office))
    again = everything(loaded)
    assert again[2:] == once[2:]  # counters, clerks, services, numbers unchanged
    assert len(again[1]) == len(once[1]) + 1 and again[0] == once[0]  # one "office_loaded" event more


def test_clerk_add_reads_the_password_from_stdin(loaded: str) -> None:
    assert "đã lưu giám sát viên lan" in ok(loaded, "clerk", "add", "lan", "--name", "Nguyễn Thị Lan",
                                            "--role", "supervisor", stdin="mật khẩu\n")
    store = Store(connect(loaded))
    assert store.authenticate("lan", "mật khẩu").full_name == "Nguyễn Thị Lan"
    store.db.engine.dispose()
    result = motcua(loaded, "clerk", "add", "minh", stdin="\n")
    assert result.returncode == 2 and "không được để trống mật khẩu" in result.stderr


def test_a_day_at_the_counter(loaded: str) -> None:
    assert ticket_of(loaded, "call", "1", "--clerk", "lan") is None  # {"ticket": null}: nobody waits
    issued = json.loads(ok(loaded, "issue", "TP", "--json"))
    assert issued["counters"] == [1, 2, 8]
    a1 = issued["ticket"]
    assert set(a1) >= TICKET_KEYS and (a1["code"], a1["status"], a1["service"]) == ("A001", "waiting", "TP")
    assert len(a1["token"]) >= 22 and a1["issued_at"].endswith("+00:00")
    a2 = ticket_of(loaded, "issue", "TP", "--priority", "elderly")
    assert (a2["code"], a2["priority"], a2["people_ahead"]) == ("A002", True, 0)

    called = ticket_of(loaded, "call", "1", "--clerk", "lan")
    assert (called["code"], called["status"], called["counter"], called["clerk"]) == ("A002", "called", 1, "lan")
    assert called["wait_seconds"] >= 0 and called["first_called_at"]
    assert ticket_of(loaded, "recall", "1", "--clerk", "lan")["recall_count"] == 1
    assert ticket_of(loaded, "start", "1", "--clerk", "lan")["status"] == "serving"
    done = ticket_of(loaded, "finish", "1", "--clerk", "lan")
    assert done["status"] == "done" and done["finished_at"]

    assert ticket_of(loaded, "call", "1", "--clerk", "lan")["code"] == "A001"
    assert ticket_of(loaded, "no-show", "1", "--clerk", "lan")["status"] == "no_show"

    ok(loaded, "issue", "CT")
    assert ticket_of(loaded, "call", "2", "--clerk", "minh")["code"] == "B001"
    moved = ticket_of(loaded, "transfer", "2", "--to", "TP", "--clerk", "minh")
    assert (moved["code"], moved["service"], moved["status"]) == ("B001", "TP", "waiting")

    status = json.loads(ok(loaded, "status", "--json"))
    waiting = {s["service"]: s["waiting"] for s in status["services"]}
    assert waiting["TP"] == 1 and waiting["CT"] == 0
    counters = {c["counter"]: c for c in status["counters"]}
    assert counters[1]["clerk"] == "lan" and counters[1]["current"] is None
    assert counters[2]["state"] == "open"
    assert "TP" in ok(loaded, "status")  # the table form


ERRORS = [
    (("issue", "NOPE"), "Không có dịch vụ 'NOPE'"),
    (("issue", "TP", "--priority", "vip"), "Không có diện ưu tiên 'vip'"),
    (("call", "99", "--clerk", "lan"), "Không có quầy số 99"),
    (("call", "1", "--clerk", "ghost"), "Không có cán bộ 'ghost'"),
    (("finish", "1", "--clerk", "lan"), "A001 đã được gọi tới quầy 1"),
    (("start", "2", "--clerk", "minh"), "Quầy 2 chưa gọi vé nào"),
    (("call", "1", "--clerk", "lan"), "Quầy 1 đang gọi A001"),
    (("call", "1", "--clerk", "minh"), "Quầy 1 đang do lan sử dụng"),
    (("transfer", "1", "--to", "NOPE", "--clerk", "lan"), "Không có dịch vụ 'NOPE'"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_errors_are_one_line_exit_2_and_write_nothing(db_url: str, office: Path, args: tuple[str, ...],
                                                     message: str) -> None:
    store = Store(connect(db_url))  # set up in-process: A001 called at counter 1 by lan
    store.load_office(load_config(office).office)
    store.issue_ticket("TP")
    store.call_next(1, "lan")
    store.db.engine.dispose()
    loaded = db_url
    before = everything(loaded)
    result = motcua(loaded, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("motcua: ")
    assert message in result.stderr
    assert everything(loaded) == before


def test_malformed_toml_names_file_and_line(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[office]\nname = "Một cửa"\n[[services]]\ncode = TP\n', encoding="utf-8")
    before = everything(sqlite_url)
    result = motcua(sqlite_url, "setup", "load", str(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"motcua: {bad}:4: TOML sai cú pháp") and result.stderr.count("\n") == 1
    assert everything(sqlite_url) == before


def test_db_after_the_command_says_where_it_goes_and_masks_the_password() -> None:
    # `motcua status --db URL`: argparse echoes what it did not take, the password with it.
    for command in (["status"], ["kiosk"]):
        result = subprocess.run([sys.executable, "-m", "common.cli.main", *command,
                                 "--db", "postgresql://clerk:hunter2@db.example/motcua"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60, env=_env())
        assert result.returncode == 2 and result.stdout == ""
        assert "hunter2" not in result.stderr and "clerk:***@db.example/motcua" in result.stderr
        assert result.stderr.count("\n") == 1 and "--db đặt trước tên lệnh" in result.stderr


def test_a_mistyped_option_still_masks_a_password_it_echoes(tmp_path: Path) -> None:
    result = motcua(f"sqlite:///{tmp_path / 'm.db'}", "report", "--frm", "postgresql://a:p@ss@host/db")
    assert result.returncode == 2 and "p@ss" not in result.stderr and "a:***@host/db" in result.stderr
    assert "đặt trước" not in result.stderr  # only --db / --config get the hint


def test_unreachable_database_masks_the_password() -> None:
    result = motcua("postgresql://clerk:hunter2@127.0.0.1:1/motcua", "status")
    assert result.returncode == 2 and result.stdout == ""
    assert "hunter2" not in result.stderr and "clerk:***@127.0.0.1:1/motcua" in result.stderr
    assert result.stderr.count("\n") == 1 and "không kết nối được cơ sở dữ liệu" in result.stderr


def test_an_empty_report_says_what_period_it_read_and_what_to_try(loaded: str) -> None:
    """`report --from D` alone is the one day D; a supervisor who meant "since D" is told so, on stderr."""
    result = motcua(loaded, "report", "--from", "2020-01-06")
    assert result.returncode == 0 and "Tổng cộng" in result.stdout
    assert result.stderr.startswith("motcua report: chưa có phiếu nào từ 2020-01-06 đến 2020-01-06; thử --from "
                                    "2020-01-01 --to ")
    ok(loaded, "issue", "TP")
    assert motcua(loaded, "report").stderr == ""  # today has a ticket: nothing to add


def test_the_output_files_name_chooses_its_format(loaded: str, tmp_path: Path) -> None:
    """`report --output tuan.xlsx` wrote a text table into a file Excel refuses; --format still wins."""
    ok(loaded, "report", "--output", str(tmp_path / "tuan.xlsx"))
    assert (tmp_path / "tuan.xlsx").read_bytes().startswith(b"PK")  # a workbook (a zip)
    ok(loaded, "report", "--output", str(tmp_path / "tuan.CSV"))
    assert (tmp_path / "tuan.CSV").read_text(encoding="utf-8").startswith("key,label,tickets")
    ok(loaded, "report", "--output", str(tmp_path / "vi.csv"), "--headings", "vi")  # for Excel: with a BOM
    assert (tmp_path / "vi.csv").read_bytes().startswith("\ufeffMã,".encode())
    ok(loaded, "report", "--output", str(tmp_path / "tuan.json"), "--format", "table")
    assert (tmp_path / "tuan.json").read_text(encoding="utf-8").startswith("Báo cáo thời gian chờ")
    result = motcua(loaded, "report", "--accuracy", "--output", str(tmp_path / "a.xlsx"))
    assert result.returncode == 2 and "--accuracy" in result.stderr and not (tmp_path / "a.xlsx").exists()


def test_a_reports_heading_names_every_target_it_judged_by(loaded: str, tmp_path: Path) -> None:
    """CT is judged at 15 minutes in the example office: "chỉ tiêu 30 phút" alone could not be reproduced."""
    assert ok(loaded, "report").splitlines()[0].endswith("chỉ tiêu 30 phút (CT 15 phút)")
    ok(loaded, "report", "--output", str(tmp_path / "r.xlsx"))
    from openpyxl import load_workbook

    assert str(load_workbook(tmp_path / "r.xlsx").worksheets[0]["A1"].value).endswith("(CT 15 phút)")
