"""A property test of the whole command line: Hypothesis builds bad arguments for every subcommand.

For each generated command line: no traceback, a non-zero exit with exactly one line on
stderr, the database byte-for-byte unchanged, and a deadline per run. The commands run
in-process through common.cli.main.main (fast); a sample also runs as real processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.cli.main import main
from common.config import load_config
from common.store import Store
from common.store.db import connect
from tests.conftest import EXAMPLE_OFFICE, ROOT, examples

MISSING = "/no/such/folder/x"
SERVICE_CODES = {s.code for s in load_config(EXAMPLE_OFFICE).office.services}

# Numbers no command accepts where a counter, a count or a rate is expected.
huge = st.integers(min_value=10**4, max_value=10**40).map(str)
negative = st.integers(max_value=-1, min_value=-(10**40)).map(str)
special = st.sampled_from(["nan", "NaN", "inf", "-inf", "1e309", "-0x1", "", " ", "1.5", "٣", "１", "0", "+"])
odd_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=40)
bad_int = st.one_of(huge, negative, special, odd_text.filter(lambda s: not s.strip().lstrip("+").isdigit()))
bad_float = st.one_of(st.sampled_from(["nan", "inf", "-inf", "1e309", "-1", "1e400", "abc", ""]),
                      st.floats(min_value=10_001, allow_infinity=True).map(repr),
                      st.floats(max_value=-1e-9).map(repr))
bad_date = st.one_of(odd_text.filter(lambda s: not s[:1].isdigit()), st.sampled_from(
    ["2026-13-01", "2026-02-30", "99999-01-01", "0000-00-00", "25/11/2026", "2026-11-25T99"]))
bad_path = st.builds(lambda name: f"{MISSING}/{name}.csv", st.text("abcxyzđ", min_size=1, max_size=8))
service = odd_text.filter(lambda s: s.strip().upper() not in SERVICE_CODES and not s.startswith("-"))
user_name = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() != "" and not s.startswith("-"))
clerk = st.sampled_from(["lan", "khong-co-ai", "Nguyễn"])


def counter_command(name: str) -> st.SearchStrategy[list[str]]:
    return st.builds(lambda n, k: [name, n, "--clerk", k], bad_int.filter(lambda s: not s.startswith("-")), clerk)


COMMANDS = st.one_of(
    counter_command("call"), counter_command("recall"), counter_command("start"), counter_command("finish"),
    counter_command("no-show"), counter_command("hold"),
    st.builds(lambda n: ["call", "--clerk", "lan", "--", n], negative),
    st.builds(lambda n, t: ["resume", "--clerk", "lan", "--", n, t], negative, odd_text),
    st.builds(lambda n: ["transfer", "1", "--clerk", "lan", f"--to-counter={n}"], bad_int),
    st.builds(lambda s: ["issue", "--", s], service),
    st.builds(lambda t: ["cancel", "--clerk", "lan", "--", t], odd_text.filter(lambda s: s.strip() != "")),
    st.builds(lambda t: ["call-ticket", "1", "--clerk", "lan", "--reason", "x", "--", t], odd_text),
    st.builds(lambda d: ["report", f"--from={d}"], bad_date),
    st.builds(lambda d: ["export", "tickets", "--format", "csv", f"--to={d}"], bad_date),
    st.builds(lambda p: ["report", "--output", p], bad_path),
    st.builds(lambda p: ["export", "tickets", "--format", "json", "--output", p], bad_path),
    st.builds(lambda f: ["simulate", f"--arrivals-per-hour={f}"], bad_float),
    st.builds(lambda f: ["simulate", f"--mean-service-minutes={f}"], bad_float),
    st.builds(lambda n: ["simulate", f"--days={n}"], bad_int),
    st.builds(lambda n: ["simulate", f"--counters={n}"], bad_int),
    st.builds(lambda n: ["simulate", f"--seed={n}"], st.one_of(negative, special.filter(lambda s: s != "0"))),
    st.builds(lambda t: ["announce-test", "--ticket", t, "--counter", "1", "--wav", "/tmp/x.wav"],
              odd_text.filter(lambda s: not s[:1].isalnum() or len(s) > 7)),
    st.builds(lambda n: ["announce-test", "--ticket", "A1", f"--counter={n}", "--wav", "/tmp/x.wav"], bad_int),
    st.builds(lambda p: ["announce-test", "--ticket", "A1", "--counter", "1", "--wav", p + ".wav"], bad_path),
    st.builds(lambda p: ["setup", "load", p], bad_path),
    # Never a valid port: that would open the hall display.
    st.builds(lambda n: ["display", f"--port={n}"], st.one_of(negative, special, st.integers(65536, 10**40).map(str))),
    st.builds(lambda n: ["counter", f"--counter={n}"], bad_int),
    st.builds(lambda n: ["rating", f"--counter={n}"], bad_int),
    st.builds(lambda c, x: [c, f"--no-such-option={x}"], st.sampled_from(
        ["status", "close-day", "config", "print-test", "db", "issue", "report", "export", "simulate"]), odd_text),
    st.builds(lambda u, c: ["--db", u, *c.split()], st.sampled_from(
        ["mysql://a@b/c", "oracle://x", "nonsense", "sqlite:///" + MISSING + ".sqlite3", "sqlite:////proc/version",
         "sqlite:////etc/hostname", "postgresql://u@127.0.0.1:1/none"]),
        st.sampled_from(["status", "close-day", "db current", "report"])),
    st.just(["clerk", "add", "lan"]),  # an empty password on stdin
    st.builds(lambda r: ["clerk", "add", "lan", "--role", r], odd_text.filter(
        lambda s: s not in ("clerk", "supervisor", "admin"))),
    st.builds(lambda a: ["db", a], odd_text.filter(lambda s: s not in ("upgrade", "current"))),
    st.builds(lambda n: ["demo", f"--history={n}"], st.one_of(negative, st.integers(3661, 10**30).map(str))),
    # A user name without --password-stdin (never an empty one: that opens the sign-in window).
    st.builds(lambda u: ["dashboard", "--user", u], user_name),
    st.builds(lambda u: ["counter", "--counter", "1", "--user", u], user_name),
    st.builds(lambda x: ["kiosk", f"--no-such-option={x}"], odd_text),
)


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    # An empty write-ahead log and none at all are the same database (closing the last
    # connection removes an empty one), so a missing -wal file reads as empty.
    for part in (path, path.with_name(path.name + "-wal")):
        digest.update(part.read_bytes() if part.exists() else b"")
        digest.update(b"|")
    return digest.hexdigest()


@pytest.fixture(scope="module")
def office_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli-property") / "office.sqlite3"
    store = Store(connect(f"sqlite:///{path}"))
    store.load_office(load_config(EXAMPLE_OFFICE).office)
    store.db.engine.dispose()
    with sqlite3.connect(path) as conn:  # everything in the main file, so only a write can change the bytes
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    yield path


def run_in_process(argv: list[str]) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(argv)
    finally:
        sys.stdin = stdin
    return code, err.getvalue()


@settings(max_examples=examples(40), deadline=timedelta(seconds=20), derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(COMMANDS)
def test_every_bad_command_line_is_one_line_and_writes_nothing(office_file: Path, argv: list[str]) -> None:
    if argv[0] != "--db":
        argv = ["--db", f"sqlite:///{office_file}", *argv]
    before = fingerprint(office_file)
    code, err = run_in_process(argv)
    assert code != 0, argv
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, (argv, err)
    assert fingerprint(office_file) == before, argv


SAMPLE = [
    ["simulate", "--arrivals-per-hour", "inf"],
    ["call", "99999999999999999999999", "--clerk", "lan"],
    ["report", "--output", MISSING + "/r.csv"],
    ["--db", "mysql://a@b/c", "status"],
    ["announce-test", "--ticket", "A023", "--counter", "3", "--wav", MISSING + "/a.wav"],
]


@pytest.mark.slow
@pytest.mark.parametrize("argv", SAMPLE, ids=lambda a: " ".join(a)[:40])
def test_a_sample_as_real_processes(office_file: Path, argv: list[str]) -> None:
    if argv[0] != "--db":
        argv = ["--db", f"sqlite:///{office_file}", *argv]
    before = fingerprint(office_file)
    result = subprocess.run([sys.executable, "-m", "common.cli", *argv], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert fingerprint(office_file) == before


@pytest.mark.slow
def test_a_closed_pipe_is_one_line() -> None:
    reader = subprocess.run(f"{sys.executable} -m common.cli config | head -1", shell=True, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert reader.stdout.startswith("| setting")
    assert "Traceback" not in reader.stderr and len(reader.stderr.strip().splitlines()) <= 1
