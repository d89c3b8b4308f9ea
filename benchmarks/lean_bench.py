"""Statements and client CPU per action, one process, on SQLite and PostgreSQL (issue 12).

    .venv/bin/python benchmarks/lean_bench.py --pg-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/lean_bench.py --backend sqlite --tickets 200
    .venv/bin/python benchmarks/lean_bench.py --ab --rounds 3      # raw DB-API vs Session.execute, interleaved

Issues ``--tickets`` tickets, then serves them all at one counter (call next, start, finish).
For each action it prints the statements the driver was sent (SQLAlchemy's
``before_cursor_execute``: BEGIN IMMEDIATE counts, COMMIT does not), the client CPU
(process_time) and the wall time, as medians. Uses only the Store's public API, so the same
script runs against an older checkout for a before/after. ``--ab`` runs the hot statements
through the raw DB-API cursor (hotpath.first) and through ``Session.execute`` (as before lean2)
in alternating rounds of the same process, so that both see the same machine load.
Figures: docs/benchmarks/lean.md, docs/benchmarks/lean2.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import SERVICES, office, open_store, scratch_database  # noqa: E402
from sqlalchemy import event  # noqa: E402


def via_session(tx: Any, stmt: Any, params: dict[str, Any]) -> Any:
    """The hot statements as they were sent before lean2: compiled and processed by SQLAlchemy."""
    result = tx.session.execute(stmt, params)
    return result.first() if result.returns_rows else None


def bench(backend: str, pg_url: str, tickets: int, session_path: bool = False) -> dict[str, tuple[float, float, float]]:
    if session_path:
        from common.store import hotpath

        raw, hotpath.first = hotpath.first, via_session  # type: ignore[assignment]
    try:
        return _bench(backend, pg_url, tickets)
    finally:
        if session_path:
            hotpath.first = raw  # type: ignore[assignment]


def _bench(backend: str, pg_url: str, tickets: int) -> dict[str, tuple[float, float, float]]:
    with scratch_database(backend, pg_url) as url:
        store = open_store(url)
        store.load_office(office(2))
        sent = [0]

        def on_execute(*_args: Any) -> None:
            sent[0] += 1

        event.listen(store.db.engine, "before_cursor_execute", on_execute)
        figures: dict[str, list[tuple[int, float, float]]] = {}

        def timed(name: str, action: Callable[[], Any]) -> Any:
            sent[0] = 0
            cpu, wall = time.process_time(), time.perf_counter()
            result = action()
            figures.setdefault(name, []).append(
                (sent[0], (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000))
            return result

        store.sign_in(1, "clerk1")
        for i in range(tickets):
            timed("issue_ticket", lambda i=i: store.issue_ticket(SERVICES[i % len(SERVICES)]))
        for _ in range(tickets):
            timed("call_next", lambda: store.call_next(1, "clerk1"))
            timed("start_service", lambda: store.start_service(1, "clerk1"))
            timed("finish_service", lambda: store.finish_service(1, "clerk1"))
        event.remove(store.db.engine, "before_cursor_execute", on_execute)
        store.db.engine.dispose()
    return {name: (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows),
                   statistics.median(r[2] for r in rows)) for name, rows in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--ab", action="store_true", help="raw DB-API vs Session.execute, alternating rounds")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each path with --ab")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    with open("/proc/loadavg") as f:
        print(f"load average: {' '.join(f.read().split()[:3])}")
    if args.ab:
        print(f"{'backend':9} {'action':15} {'path':>10} {'cpu ms':>8} {'wall ms':>8}  (of {args.rounds} rounds)")
        ab(backends, args.pg_url, args.tickets, args.rounds)
        return
    print(f"{'backend':9} {'action':15} {'statements':>10} {'cpu ms':>8} {'wall ms':>8}   (medians of {args.tickets})")
    for backend in backends:
        for name, (n, cpu, wall) in bench(backend, args.pg_url, args.tickets).items():
            print(f"{backend:9} {name:15} {n:>10.0f} {cpu:>8.2f} {wall:>8.2f}")


def ab(backends: list[str], pg_url: str, tickets: int, rounds: int) -> None:
    """Both paths in alternating rounds; per path the median over rounds of each round's medians."""
    for backend in backends:
        got: dict[bool, list[dict[str, tuple[float, float, float]]]] = {False: [], True: []}
        for _ in range(rounds):
            for session_path in (True, False):
                got[session_path].append(bench(backend, pg_url, tickets, session_path))
        for name in got[False][0]:
            for session_path, label in ((True, "session"), (False, "raw")):
                runs = [r[name] for r in got[session_path]]
                cpu = statistics.median(r[1] for r in runs)
                wall = statistics.median(r[2] for r in runs)
                print(f"{backend:9} {name:15} {label:>10} {cpu:>8.3f} {wall:>8.3f}", flush=True)


if __name__ == "__main__":
    main()
