"""Every relative link in the README and docs/ points at a file of the repository (issue 16: docs/metrics.md
linked a file that was not there)."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_every_relative_link_in_the_docs_resolves() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    broken = [f"{page.relative_to(ROOT)}: {link}" for page in pages
              for link in re.findall(r"\]\(([^)#\s]+)", page.read_text(encoding="utf-8"))
              if not link.startswith(("http://", "https://", "mailto:")) and not (page.parent / link).exists()]
    assert len(pages) > 5 and broken == []
