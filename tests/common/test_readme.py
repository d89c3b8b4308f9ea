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


def test_one_measured_call_to_board_latency_quoted_everywhere() -> None:
    """README and docs/multi-pc.md quote the PostgreSQL p99 that docs/benchmarks/display.md measured."""
    import re

    docs = README.parent / "docs"
    row = next(line for line in (docs / "benchmarks" / "display.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| PostgreSQL"))
    p99 = row.split("|")[5].strip()  # database | command | calls | p50 | p99 | ...
    summary = next(line for line in (docs / "benchmarks.md").read_text(encoding="utf-8").splitlines()
                   if line.startswith("| call commit → board"))
    assert summary.split("|")[4].strip() == p99
    for page in (README, docs / "multi-pc.md"):
        quoted = re.findall(r"on the\s+board within ([^(]+?) \(p99", page.read_text(encoding="utf-8"))
        assert quoted == [p99], page.name
