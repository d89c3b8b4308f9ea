"""What the command line says when it succeeds, in the office's language, as its errors already are.

A day at one counter through the real ``motcua`` (subprocesses, a SQLite file), once with an office whose
language is vi and once with en. Vietnamese alone for vi; for en the Vietnamese first, then " / " and the
English (common.core.errors.pair), and a table in English (its headings cannot carry both). Statuses are
the glossary's words (docs/glossary.md), never the raw values ``on_hold`` or ``no_show``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.common.test_error_language import VIETNAMESE
from tests.conftest import EXAMPLE_OFFICE, ROOT

pytestmark = pytest.mark.slow  # each step starts a Python process (~1 s)
RAW = re.compile(r"\b(on_hold|no_show|waiting|called|serving|open|closed)\b")


def office(tmp_path: Path, lang: str) -> Path:
    """The example office in ``lang``, open at any hour the test runs (its opening hours removed)."""
    lines = [ln for ln in EXAMPLE_OFFICE.read_text(encoding="utf-8").splitlines()
             if not ln.startswith(("hours =", "weekdays ="))]
    path = tmp_path / f"office-{lang}.toml"
    path.write_text("\n".join(f'language = "{lang}"' if ln.startswith("language =") else ln for ln in lines) + "\n",
                    encoding="utf-8")
    return path


def motcua(config: Path, db: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MOTCUA_DB", "MOTCUA_CONFIG", "MOTCUA_DEBUG")}
    env.update(PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "common.cli.main", "--config", str(config), "--db", db, *args],
                          cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=60, env=env)


def said(config: Path, db: str, *args: str, stdin: str = "") -> str:
    result = motcua(config, db, *args, stdin=stdin)
    assert result.returncode == 0 and result.stderr == "", result
    return result.stdout


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_day_at_the_counter_in_the_office_language(lang: str, tmp_path: Path) -> None:
    config, db = office(tmp_path, lang), f"sqlite:///{tmp_path / 'o.sqlite3'}"

    def line(vi: str, en: str, *args: str, stdin: str = "") -> str:
        """One line: the Vietnamese ``vi`` for every office, and for en the English ``en`` after " / "."""
        out = said(config, db, *args, stdin=stdin)
        assert out.count("\n") == 1 and VIETNAMESE.search(out) and vi in out, out
        assert not RAW.search(out.partition(" / ")[0]), out  # no raw status value, no English, in the vi half
        assert (en in out.partition(" / ")[2]) == (lang == "en"), out
        return out

    line("lược đồ", "schema", "db", "upgrade")
    line("đã nạp 8 dịch vụ, 8 quầy, 6 cán bộ", "loaded 8 services, 8 counters, 6 clerks", "setup", "load", str(config))
    line("đã lưu giám sát viên an", "saved supervisor an", "clerk", "add", "an", "--role", "supervisor", stdin="pw\n")
    line("A001  Tư pháp – Hộ tịch  phía trước: 0", "ahead: 0", "issue", "TP")
    line("Quầy 5: không có ai đang chờ", "nobody is waiting for counter 5", "call", "5", "--clerk", "tuan")
    line("A001  Tư pháp – Hộ tịch: Đang gọi tại quầy 1, đã chờ ", "called at counter 1",
         "call", "1", "--clerk", "lan")
    line(": Đang phục vụ tại quầy 1", "serving at counter 1", "start", "1", "--clerk", "lan")
    line(": Đang giữ tại quầy 1", "on hold at counter 1", "hold", "1", "--clerk", "lan")
    line(": Đang phục vụ tại quầy 1", "serving at counter 1", "resume", "1", "A001", "--clerk", "lan")
    line(": Đã phục vụ tại quầy 1", "served at counter 1", "finish", "1", "--clerk", "lan")
    said(config, db, "issue", "TP")
    line("A002  Tư pháp – Hộ tịch: Đang gọi", "called", "call", "1", "--clerk", "lan")
    line(": Vắng mặt tại quầy 1", "no-show at counter 1", "no-show", "1", "--clerk", "lan")
    said(config, db, "issue", "TP")

    table = said(config, db, "status")
    if lang == "vi":
        assert table.startswith("dịch vụ ") and "quầy  1  Đang mở" in table and "quầy  2  Đóng" in table, table
        assert not RAW.search(table) and "counter" not in table, table
    else:
        assert table.startswith("service ") and "counter  1  Open" in table and "counter  2  Closed" in table, table

    line("đã chuyển 1 vé còn chờ sang Hết hạn", "expired 1 tickets still waiting", "close-day")


def test_issue_print_without_a_printer_is_one_vietnamese_line(tmp_path: Path) -> None:
    """printer.type = none: the ticket is valid; one line says it was not printed, not a raw logging record."""
    config, db = office(tmp_path, "vi"), f"sqlite:///{tmp_path / 'o.sqlite3'}"
    said(config, db, "db", "upgrade")
    said(config, db, "setup", "load", str(config))
    result = motcua(config, db, "issue", "TP", "--print")
    assert result.returncode == 0 and result.stdout.startswith("A001  Tư pháp – Hộ tịch  phía trước"), result
    assert result.stderr == "motcua: A001 không in: chưa đặt máy in (printer.type = none); báo số cho công dân\n"


def test_the_commands_are_described_in_vietnamese(tmp_path: Path) -> None:
    result = motcua(office(tmp_path, "vi"), "sqlite:///unused.sqlite3", "--help")
    assert result.returncode == 0, result
    described = dict(re.findall(r"^    ([a-z-]+) +(\S.*)$", result.stdout, re.M))
    assert len(described) >= 30 and described["status"].startswith("hàng chờ hiện tại"), described
    assert all(VIETNAMESE.search(text) for text in described.values()), described
