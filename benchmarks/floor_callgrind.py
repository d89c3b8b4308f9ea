"""One client process for callgrind: a PostgreSQL store, 200 tickets, then N more issues or N call cycles.

    valgrind --tool=callgrind --callgrind-out-file=cg.N.out .venv/bin/python benchmarks/floor_callgrind.py call N

Run with N = 0 and N = 100 (from each tree for an A/B): (total(100) - total(0)) / 100 is the client's
instructions per action (``call``: call_next + start + finish; ``issue``: issue_ticket), independent
of the load. The server is another process and is not counted. Figures: docs/benchmarks/floor5.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import SERVICES, office, open_store, scratch_database  # noqa: E402


def main() -> None:
    what, n = sys.argv[1], int(sys.argv[2])
    pg_url = sys.argv[3] if len(sys.argv) > 3 else "postgresql://postgres@127.0.0.1:5432/test"
    with scratch_database("postgres", pg_url) as url:
        store = open_store(url)
        store.load_office(office(1))
        store.sign_in(1, "clerk1")
        for i in range(200):
            store.issue_ticket(SERVICES[i % 4])
        for _ in range(5):  # warm: statements compiled and prepared on both sides
            store.call_next(1, "clerk1")
            store.start_service(1, "clerk1")
            store.finish_service(1, "clerk1")
        for i in range(n):
            if what == "issue":
                store.issue_ticket(SERVICES[i % 4])
            else:
                store.call_next(1, "clerk1")
                store.start_service(1, "clerk1")
                store.finish_service(1, "clerk1")
        store.db.engine.dispose()


if __name__ == "__main__":
    main()
