"""Every kind of error a person can cause at the command line, in both office languages.

Each case runs the real ``motcua`` in a subprocess, once with an office whose language is
vi and once with en, and expects: a non-zero exit, exactly one line on stderr, no
traceback, Vietnamese alone for vi, Vietnamese then " / " and the English for en, and no
database password anywhere.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from common.core.clock import ManualClock
from common.core.model import Role
from common.store import Store
from common.store.db import connect
from tests.conftest import ROOT

SECRET = "s3cr3t-pw"
# Letters only Vietnamese uses: the vi half of a line must contain some.
VIETNAMESE = re.compile(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", re.I)


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]  # "{db}" and "{missing}" are filled in
    english: str  # a fragment of the English message, absent from the vi line
    stdin: str = ""
    config_extra: str = ""  # TOML appended to the office's config


CASES = [
    Case("unknown driver", ("--db", f"mysql://lan:{SECRET}@db.local/motcua", "issue", "TP"),
         "unsupported database URL"),
    Case("server down", ("--db", f"postgresql://lan:{SECRET}@127.0.0.1:1/motcua", "issue", "TP"),
         "cannot reach the database"),
    Case("not a URL", ("--db", f"::{SECRET}::", "issue", "TP"), "not a database URL"),
    Case("missing sqlite file", ("--db", "{missing}", "issue", "TP"), "no database file"),
    Case("not a number", ("--db", "{db}", "call", "abc"), "is not a whole number"),
    Case("out of range", ("--db", "{db}", "call", "99999999999999999999999"), "is out of range"),
    Case("unknown command", ("--db", "{db}", "frobnicate"), "invalid choice"),
    Case("unknown option", ("--db", "{db}", "status", "--frob"), "unrecognized arguments"),
    Case("bad date", ("--db", "{db}", "report", "--from", "2026-13-01"), "is not a date"),
    Case("empty password", ("--db", "{db}", "clerk", "add", "lan"), "an empty password is not allowed"),
    Case("unknown service", ("--db", "{db}", "issue", "ZZ"), "No service"),
    Case("wrong sign-in", ("--db", "{db}", "dashboard", "--user", "binh", "--password-stdin"),
         "Wrong username or password", stdin="sai\n"),
    Case("bad setting", ("--db", "{db}", "status"), "must be from 1 to 65535",
         config_extra="[printer]\nport = 99999999999\n"),
    Case("unknown setting", ("--db", "{db}", "status"), "unknown setting", config_extra="[printer]\nportt = 1\n"),
    Case("printer needs a host", ("--db", "{db}", "print-test"), "needs printer.host",
         config_extra='[printer]\ntype = "network"\n'),
]


@pytest.fixture
def office_db(sqlite_url: str, clock: ManualClock, example_config: object) -> str:
    store = Store(connect(sqlite_url), clock, "Asia/Ho_Chi_Minh")
    store.load_office(example_config.office)  # type: ignore[attr-defined]
    store.add_clerk("binh", "Võ Thanh Bình", Role.SUPERVISOR, "mật khẩu")
    store.db.engine.dispose()
    return sqlite_url


def run(case: Case, lang: str, db: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / f"office-{lang}.toml"
    config.write_text(f'[office]\nlanguage = "{lang}"\n{case.config_extra}', encoding="utf-8")
    missing = f"sqlite:///{tmp_path / 'ofice.sqlite3'}"
    args = [a.replace("{db}", db).replace("{missing}", missing) for a in case.args]
    env = {k: v for k, v in os.environ.items() if k not in ("MOTCUA_DB", "MOTCUA_CONFIG", "MOTCUA_DEBUG")}
    env.update(PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "common.cli.main", "--config", str(config), *args], cwd=ROOT,
                          input=case.stdin, capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_line_in_the_office_language(case: Case, lang: str, office_db: str, tmp_path: Path) -> None:
    result = run(case, lang, office_db, tmp_path)
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr and SECRET not in result.stderr + result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("motcua"), result.stderr
    line = result.stderr.strip()
    vi, _, en = line.partition(" / ")
    assert VIETNAMESE.search(vi), line
    if lang == "vi":
        assert case.english not in line, line
    else:
        assert case.english in en, line
    assert not (tmp_path / "ofice.sqlite3").exists()  # a misspelled database is never created
