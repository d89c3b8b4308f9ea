"""One process for callgrind: a SQLite store with a finished history, then N more issues (issue 12, sqlite6).

    valgrind --tool=callgrind --callgrind-out-file=cg.N.out .venv/bin/python benchmarks/sqlite6_callgrind.py N

SQLite runs in the process, so callgrind counts motcua's Python, SQLAlchemy and SQLite's own work (not
the kernel's side of the WAL writes), whatever the load. Run N = 100 and N = 500 from each tree (copy this
file into the other tree's benchmarks/ for an A/B): (total(500) - total(100)) / 400 is the instructions
per issue. Before them: 200 tickets, 60 of them called, started and finished (so the estimate's recent
service times are read), as on a morning. Figures: docs/benchmarks/sqlite6.md.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import SERVICES, office, open_store  # noqa: E402

from common.store.db import connect  # noqa: E402


def main() -> None:
    n = int(sys.argv[1])
    url = f"sqlite:///{tempfile.mkdtemp(prefix='sqlite6-cg-')}/cg.sqlite3"
    connect(url).engine.dispose()  # migrated
    store = open_store(url)
    store.load_office(office(1))
    store.sign_in(1, "clerk1")
    for i in range(200):
        store.issue_ticket(SERVICES[i % 4])
    for _ in range(60):
        store.call_next(1, "clerk1")
        store.start_service(1, "clerk1")
        store.clock.advance(timedelta(seconds=90))  # type: ignore[attr-defined]
        store.finish_service(1, "clerk1")
    for i in range(n):
        store.issue_ticket(SERVICES[i % 4])
    store.db.engine.dispose()


if __name__ == "__main__":
    main()
