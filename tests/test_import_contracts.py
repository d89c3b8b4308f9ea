"""What import-linter cannot say: common/core imports the standard library and common.core, nothing else.

import-linter forbids listed packages; this walks the source so that a new third-party
import (or one of common's other subpackages) in the ticket's rules fails too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "common" / "core"


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_common_core_imports_only_the_standard_library() -> None:
    modules = sorted(CORE.glob("*.py"))
    assert {m.name for m in modules} >= {"model.py", "clock.py", "errors.py"}
    foreign = {
        f"{path.name}: {name}"
        for path in modules
        for name in imported(path)
        if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith("common.core")
    }
    assert foreign == set()
