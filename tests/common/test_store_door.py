"""One front door: outside common/store nothing imports SQLAlchemy, the ORM rows or a transaction.

The read models are ``store.views`` methods and the writes are ``Store`` methods; this
test reads every module's imports (and its calls of ``.transaction(``) so that a new
query written beside an app or a view fails here rather than in review.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from common.core.clock import ManualClock
from common.planning.staffing import STATE_EVENTS
from common.store import Store

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("common", "kiosk", "counter", "display", "dashboard", "rating", "ui")
STORE_INSIDES = ("sqlalchemy", "common.store.orm", "common.store.tx", "common.store.reads")


def _outside_the_store() -> list[Path]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    return [p for p in files if not p.is_relative_to(ROOT / "common" / "store")]


def _trespasses(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    where = path.relative_to(root)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Attribute) and node.attr == "transaction":
            found.append(f"{where}:{node.lineno}: .transaction")
        found += [f"{where}:{node.lineno}: {n}" for n in names
                  if any(n == inside or n.startswith(inside + ".") for inside in STORE_INSIDES)]
    return found


def test_only_the_store_touches_rows_and_sessions() -> None:
    files = _outside_the_store()
    assert len(files) > 50, "the scan found the source tree"
    assert [t for f in files for t in _trespasses(f)] == []


def test_the_scan_sees_a_trespass(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from common.store.orm import TicketRow\n\n\ndef f(store):\n    with store.transaction():\n"
                     "        return TicketRow\n", encoding="utf-8")
    assert sorted(_trespasses(probe, tmp_path)) == ["probe.py:1: common.store.orm", "probe.py:5: .transaction"]


def test_the_views_are_pure_values_and_computation() -> None:
    """common/views holds what the reads return and what is computed from it: no store, no database."""
    views = sorted((ROOT / "common" / "views").glob("*.py"))
    imported = {alias.name if isinstance(node, ast.Import) else node.module
                for path in views for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in (node.names if isinstance(node, ast.Import) else node.names[:1])}
    assert len(views) >= 6
    assert sorted(m for m in imported if m and (m.startswith("common.store") or m.startswith("sqlalchemy"))) == []


def _frozen(value: object) -> bool:
    params = getattr(type(value), "__dataclass_params__", None)
    return dataclasses.is_dataclass(value) and params is not None and params.frozen


def test_every_read_model_returns_frozen_values(store: Store, clock: ManualClock) -> None:
    """Plain values cross the door, never ORM rows that detach later (sqlalchemy #4941)."""
    session = store.sign_in(1, "lan")
    store.issue_ticket("TP")
    clock.advance(120)
    store.call_next(1, "lan")
    day = store.today
    singles = [store.views.board(), store.views.desk(1, "lan", session), store.views.live(),
               store.views.report(day, day, "service"), store.views.estimate_accuracy(day, day),
               store.views.satisfaction(day, day, "counter")]
    assert all(_frozen(v) for v in singles), [type(v).__name__ for v in singles if not _frozen(v)]
    sheets = store.views.report_sheets(day, day)
    statuses = store.views.statuses()
    assert len(sheets) > 1 and all(_frozen(r) for r in sheets)
    assert len(statuses) == 1 and all(_frozen(v) for v in statuses.values())
    days, rows, _events, _until = store.views.staffing_inputs(day, day, STATE_EVENTS)
    assert days == 1 and [tuple(r)[2] for r in rows] == [1]  # plain tuples: one ticket in one hour
    with pytest.raises(dataclasses.FrozenInstanceError):
        singles[0].calls = ()  # type: ignore[misc]
