"""python-escpos' printer database is parsed once per user, not once per process (common/devices/__init__.py)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import escpos.capabilities
import pytest

from common.devices import ESCPOS_PICKLE_DIR, escpos_pickle_name, share_escpos_capabilities
from tests.conftest import ROOT


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # platformdirs' user cache directory on Linux
    monkeypatch.delenv(ESCPOS_PICKLE_DIR, raising=False)
    return tmp_path / "motcua" / "escpos"


def test_the_parsed_database_is_kept_whole_in_the_user_cache(cache: Path) -> None:
    assert share_escpos_capabilities() == cache
    assert os.environ[ESCPOS_PICKLE_DIR] == str(cache)  # what the process's children inherit
    assert [p.name for p in cache.iterdir()] == [escpos_pickle_name()]  # no private folder left behind
    with (cache / escpos_pickle_name()).open("rb") as f:
        assert pickle.load(f) == escpos.capabilities.CAPABILITIES


def test_a_pickle_older_than_the_database_is_built_again(cache: Path) -> None:
    share_escpos_capabilities()
    kept = cache / escpos_pickle_name()
    kept.write_bytes(b"torn")
    os.utime(kept, (0, 0))  # older than escpos' capabilities.json
    del os.environ[ESCPOS_PICKLE_DIR]
    share_escpos_capabilities()
    with kept.open("rb") as f:
        assert pickle.load(f) == escpos.capabilities.CAPABILITIES


def test_a_folder_the_caller_chose_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(ESCPOS_PICKLE_DIR, str(tmp_path / "mine"))
    assert share_escpos_capabilities() == tmp_path / "mine"
    assert not (tmp_path / "cache").exists()


def test_a_new_process_reads_the_pickle_instead_of_parsing(cache: Path) -> None:
    share_escpos_capabilities()
    env = {k: v for k, v in os.environ.items() if k != ESCPOS_PICKLE_DIR}
    probe = "import logging; logging.basicConfig(level=logging.DEBUG); import common.devices.printing"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"Loading capabilities from pickle in {cache / escpos_pickle_name()}" in result.stderr, result.stderr
