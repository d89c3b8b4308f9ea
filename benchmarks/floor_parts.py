"""Where motcua's issue spends its client CPU against the floor's, part by part (issue 12, floor5).

    .venv/bin/python benchmarks/floor_parts.py --backend sqlite --n 200
    .venv/bin/python benchmarks/floor_parts.py --backend postgres --n 200

The floor (benchmarks/floor_bench.py) and motcua's ``issue_ticket`` run interleaved one by one on
the same engine, as in floor_bench; each hot statement (``hotpath.first``), SQLite's BEGIN
IMMEDIATE and its COMMIT are timed with ``time.process_time`` around them; "rest" is what is
left of the action (Python, SQLAlchemy's connection and transaction, on PostgreSQL the pool's
ping, BEGIN and COMMIT round trips). Medians of N actions, in µs of client CPU. Also prints the
WAL frames each SQLite commit wrote (the pages the transaction dirtied). Figures:
docs/benchmarks/floor5.md.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import SERVICES, office, open_store, scratch_database  # noqa: E402
from floor_bench import Floor  # noqa: E402

from common.store import db as dbmod  # noqa: E402
from common.store import hotpath, writelock  # noqa: E402

HOT = ("issue_read_update", "issue_read", "issue_write", "issued_event", "issue_one_pg")
WAL_FRAME = 4096 + 24  # a page and its frame header


def instrument(spent: dict[str, float]) -> None:
    """Time the hot statements, BEGIN IMMEDIATE and SQLite's COMMIT into ``spent`` (process CPU)."""
    clock = time.process_time
    names: dict[int, str] = {}
    for name in HOT:
        build = getattr(hotpath, name)

        def named(*args: Any, _build: Any = build, _name: str = name, **kwargs: Any) -> Any:
            stmt = _build(*args, **kwargs)
            names[id(stmt)] = _name
            return stmt

        setattr(hotpath, name, named)
    first = hotpath.first

    def timed_first(tx: Any, stmt: Any, params: dict[str, Any]) -> Any:
        t = clock()
        got = first(tx, stmt, params)
        spent[names.get(id(stmt), "other statement")] += clock() - t
        return got

    hotpath.first = timed_first
    commit = writelock.QueuedConnection.commit

    def timed_commit(self: Any) -> None:
        t = clock()
        commit(self)
        spent["commit (SQLite)"] += clock() - t

    writelock.QueuedConnection.commit = timed_commit  # type: ignore[method-assign]
    begin = dbmod.begin_immediate

    def timed_begin(*args: Any) -> None:
        t = clock()
        begin(*args)
        spent["BEGIN IMMEDIATE + write queue"] += clock() - t

    dbmod.begin_immediate = timed_begin


def run(backend: str, pg_url: str, n: int) -> None:
    spent: dict[str, float] = collections.defaultdict(float)
    instrument(spent)
    parts: dict[str, dict[str, list[float]]] = {"floor": collections.defaultdict(list),
                                                "motcua": collections.defaultdict(list)}
    frames: dict[str, list[float]] = {"floor": [], "motcua": []}
    with scratch_database(backend, pg_url) as url:
        store = open_store(url)
        store.load_office(office(1))
        store.sign_in(1, "clerk1")
        floor = Floor(store.db.engine, backend)
        wal = url[len("sqlite:///"):] + "-wal" if backend == "sqlite" else ""
        for i in range(n):
            service = SERVICES[i % 4]
            steps = [("floor", lambda s=service: floor.issue(s)),
                     ("motcua", lambda s=service: store.issue_ticket(s))]
            for side, step in steps if i % 2 else reversed(steps):
                spent.clear()
                size = os.path.getsize(wal) if wal else 0
                t = time.process_time()
                step()
                total = time.process_time() - t
                if wal:  # the WAL only grows until a checkpoint resets it: skip those
                    grown = os.path.getsize(wal) - size
                    if grown > 0:
                        frames[side].append(grown / WAL_FRAME)
                for part, cpu in spent.items():
                    parts[side][part].append(cpu)
                parts[side]["rest (Python, SQLAlchemy, round trips)"].append(total - sum(spent.values()))
                parts[side]["total"].append(total)
        store.db.engine.dispose()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"{backend}, n = {n}, load at end {load}: median µs of client CPU per issue")
    for side, got in parts.items():
        for part, samples in got.items():
            if len(samples) >= n // 2:  # the upsert runs only for each service's first ticket of the day
                print(f"| {side} | {part} | {statistics.median(samples) * 1e6:.0f} |")
        if frames[side]:
            print(f"| {side} | WAL frames per commit | {statistics.median(frames[side]):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    run(args.backend, args.pg_url, args.n)


if __name__ == "__main__":
    main()
