"""The readers of the two indexes migration 0019 made partial, on one SQLite history at 0019 and a copy at 0018.

    PYTHONPATH=. .venv/bin/python benchmarks/sqlite6_plans.py --tickets 50000 [--dir /tmp/sqlite6_plans]

Builds a history as dashboard_bench.py does (tickets, and the audit log with counter states among
'issued' fillers), copies it and downgrades the copy to 0018 (the whole indexes). Runs the readers (the
kiosk's issue, the board, the display's calls, the live tab, the sign-ins, the staffing advice, the
estimates, the reports) on the 0019 file with their statements captured as sent, then for each statement
that reads tickets or events: its EXPLAIN QUERY PLAN on both files, with ANALYZE's statistics and
without (a kiosk's file is never analyzed), and its median client CPU (time.process_time) over 9 runs on
each, alternating. Prints the plans that differ and the timings. Figures: docs/benchmarks/sqlite6.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from alembic import command  # noqa: E402
from dashboard_bench import fill, fill_events, prepare  # noqa: E402
from sqlalchemy import event  # noqa: E402

from common.core.events import COUNTER_STATES  # noqa: E402
from common.store.db import Database, alembic_config, make_engine  # noqa: E402
from common.store.signin import recent_sign_ins  # noqa: E402

TOUCH = re.compile(r"\b(tickets|events)\b")
INDEXES = ("ix_tickets_service_done", "ix_events_kind_at")


def build(directory: Path, tickets: int) -> tuple[Path, Path, Any]:
    new, old = directory / "new.sqlite3", directory / "old.sqlite3"
    store = prepare(f"sqlite:///{new}")
    made, first, last, _ = fill(store, tickets)
    fill_events(store, first, last, made)  # ANALYZEs the file
    return new, old, (store, first, last)


def readers(store: Any, first: Any, last: Any) -> dict[str, Any]:
    month = (last - timedelta(days=29), last)
    return {
        "issue": lambda: store.issue_ticket("TP", check_hours=False),
        "board": lambda: store.views.board(),
        "recent calls": lambda: store.recent_calls(),
        "live": lambda: store.views.live(),
        "sign-ins": lambda: recent_sign_ins(store),
        "staffing inputs": lambda: store.views.staffing_inputs(*month, sorted(COUNTER_STATES)),
        "snapshot": lambda: store.snapshot(),
        "hall estimates": lambda: store.hall_estimates([s.code for s in store.services()]),
        "report month": lambda: store.views.report(*month, "service"),
        "accuracy month": lambda: store.views.estimate_accuracy(*month),
    }


def capture(store: Any, first: Any, last: Any) -> dict[str, tuple[str, Any]]:
    got: dict[str, tuple[str, Any]] = {}
    current = [""]

    def log(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        head = statement.lstrip().split(None, 1)[0].upper()
        if not executemany and head in ("SELECT", "WITH", "UPDATE") and TOUCH.search(statement):
            got.setdefault(statement, (current[0], parameters))

    event.listen(store.db.engine, "before_cursor_execute", log)
    for name, action in readers(store, first, last).items():
        current[0] = name
        action()
    event.remove(store.db.engine, "before_cursor_execute", log)
    return got


def explain(path: Path, statements: dict[str, tuple[str, Any]]) -> dict[str, str]:
    conn = sqlite3.connect(path)
    out = {s: " | ".join(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {s}", p or ()))
           for s, (_, p) in statements.items()}
    conn.rollback()
    conn.close()
    return out


def timed(path: Path, statement: str, parameters: Any) -> float:
    conn = sqlite3.connect(path)
    conn.execute("BEGIN")  # an UPDATE's RETURNING runs, then is rolled back
    began = time.process_time()
    conn.execute(statement, parameters or ()).fetchall()
    spent = time.process_time() - began
    conn.rollback()
    conn.close()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sqlite6_plans"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()}")
    new, old, (store, first, last) = build(args.dir, args.tickets)
    statements = capture(store, first, last)
    store.db.engine.dispose()
    shutil.copy(new, old)
    db = Database(make_engine(f"sqlite:///{old}"), f"sqlite:///{old}")
    command.downgrade(alembic_config(db), "0018")
    db.engine.dispose()
    for stats in (False, True):
        for p in (new, old):  # the same statistics on both files, or none
            c = sqlite3.connect(p)
            c.execute("ANALYZE" if stats else "DROP TABLE IF EXISTS sqlite_stat1")
            c.commit()
            c.close()
        a, b = explain(old, statements), explain(new, statements)
        using = [s for s in statements if any(i in a[s] + b[s] for i in INDEXES)]
        differ = [s for s in statements if a[s] != b[s]]
        print(f"\n== statistics {'on' if stats else 'off'}: {len(statements)} statements read tickets or events, "
              f"{len(using)} use the two indexes at 0018 or 0019, {len(differ)} plans differ")
        for s in sorted(set(using) | set(differ), key=lambda s: statements[s][0]):
            print(f"\n-- {statements[s][0]}: {' '.join(s.split())[:160]} …")
            print(f"   0018: {a[s]}\n   0019: {b[s]}")
            cpu: dict[Path, list[float]] = {old: [], new: []}
            for i in range(9):
                for p in ((old, new) if i % 2 else (new, old)):
                    cpu[p].append(timed(p, s, statements[s][1]))
            print(f"   median CPU ms 0018 / 0019: {statistics.median(cpu[old]) * 1000:.2f} / "
                  f"{statistics.median(cpu[new]) * 1000:.2f}")
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
