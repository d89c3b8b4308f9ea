from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from common.core.errors import MotcuaError
from common.store import Store
from rating.main import run


def test_screenshot_writes_the_asking_and_the_reasons_screens(tmp_path: Path, qapp: object) -> None:
    out = tmp_path / "rating.png"
    assert run(["--screenshot", str(out), "--size", "1024x600"], config=None, db=None) == 0
    for path in (out, tmp_path / "rating-reasons.png"):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1024, 600)
    # Different screens, not one picture twice.
    assert out.read_bytes() != (tmp_path / "rating-reasons.png").read_bytes()


def test_an_unknown_counter_or_none_is_one_clear_error(store: Store, db_url: str) -> None:
    with pytest.raises(MotcuaError, match="--counter 99: no such counter; the office has 1, 2, 3"):
        run(["--counter", "99"], config=None, db=db_url)
    with pytest.raises(MotcuaError, match="which counter"):
        run([], config=None, db=db_url)


def test_malformed_reasons_in_the_config_are_refused(tmp_path: Path, store: Store, db_url: str) -> None:
    config = tmp_path / "office.toml"
    config.write_text('[rating]\nreasons = ["Chờ lâu", ""]\n', encoding="utf-8")
    with pytest.raises(MotcuaError, match=r"office\.toml:2: rating\.reasons"):
        run(["--screenshot", str(tmp_path / "x.png")], config=str(config), db=db_url)


def test_an_office_without_counters_says_what_to_do(sqlite_url: str) -> None:
    with pytest.raises(MotcuaError, match="no counters yet: load its config with `motcua setup load FILE`"):
        run(["--counter", "1"], config=None, db=sqlite_url)
