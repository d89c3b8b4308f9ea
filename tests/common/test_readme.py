"""The README's configuration reference is generated from common/settings.py and must not drift."""

from __future__ import annotations

from pathlib import Path

from common.settings import SETTINGS, reference_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_setting_as_declared() -> None:
    text = README.read_text(encoding="utf-8")
    begin, end = text.index("<!-- settings:begin -->"), text.index("<!-- settings:end -->")
    table = text[begin:end].split("\n", 1)[1].strip()
    assert table == reference_table(), "README is stale: paste the output of `motcua config` between the markers"
    assert all(f"`{s.name}`" in table for s in SETTINGS)
