"""`motcua booking …` (issue 19) on a real SQLite file: Vietnamese lines, one line and exit 2 on bad input."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from common.cli.main import main
from tests.conftest import EXAMPLE_OFFICE


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, "--config", str(EXAMPLE_OFFICE), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_booking_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    assert run(capsys, db, "db", "upgrade")[0] == 0
    assert run(capsys, db, "setup", "load", str(EXAMPLE_OFFICE))[0] == 0
    code, out, _ = run(capsys, db, "booking", "slots", "TP", "--json")
    days = json.loads(out)["days"]
    assert code == 0 and days
    day = next(d for d in days if date.fromisoformat(d) > date.today())  # a whole day of slots to come
    code, out, _ = run(capsys, db, "booking", "add", "TP", "--at", f"{day} 09:15", "--contact", "0912 345 678")
    assert code == 0 and out.startswith("Đã đặt lịch: ") and "đã hẹn" in out
    booking = out.split()[3]
    code, out, _ = run(capsys, db, "booking", "show", booking.lower())
    assert code == 0 and booking in out and "0912345678" in out
    code, out, err = run(capsys, db, "booking", "add", "TP", "--at", f"{day} 09:17")
    assert code == 2 and err.count("\n") == 1 and "không nhận lịch hẹn" in err
    code, out, err = run(capsys, db, "booking", "add", "TP", "--at", "tomorrow")
    assert code == 2 and "YYYY-MM-DD HH:MM" in err and err.count("\n") == 1
    assert run(capsys, db, "booking", "orphans")[1].startswith("Mọi lịch hẹn")
    code, out, _ = run(capsys, db, "booking", "cancel", booking)
    assert code == 0 and "đã huỷ" in out
    code, _, err = run(capsys, db, "booking", "cancel", booking)
    assert code == 2 and "đã bị huỷ" in err
    far = date.today() + timedelta(days=60)
    code, _, err = run(capsys, db, "booking", "slots", "TP", "--day", f"{far}")
    assert code == 0
