"""call_next latency with 1..32 counter processes calling at once, on PostgreSQL and SQLite.

    .venv/bin/python benchmarks/call_next_bench.py --pg-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/call_next_bench.py --backend sqlite --processes 1 4 --calls 100
    .venv/bin/python benchmarks/call_next_bench.py --backend postgres --processes 32 --calls 20 \
        --think-ms 5000 --stagger

Each counter is a separate process (spawn) with its own engine. After a barrier,
each one repeats: call_next (timed), start_service, finish_service, then waits a
"think time" (the clerk serving; 0 = back to back, the worst case). The pool
holds enough tickets that nobody runs dry. Targets (issue 2): p99 ≤ 20 ms with 32
counters on PostgreSQL, ≤ 50 ms with 4 on SQLite; issue 12: p99 ≤ 30 ms with 32 PostgreSQL
counters at a clerk's pace (``--think-ms 5000 --stagger``). Figures: docs/benchmarks/engine.md, lean2.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import (  # noqa: E402
    SERVICES,
    call_worker,
    office,
    open_store,
    percentiles,
    run_workers,
    scratch_database,
)

DEFAULTS = {"postgres": [1, 8, 32], "sqlite": [1, 4]}


def bench(backend: str, pg_url: str, processes: int, calls: int, think_ms: float,
          stagger: bool = False) -> dict[str, float]:
    with scratch_database(backend, pg_url) as url:
        store = open_store(url)
        store.load_office(office(processes))
        for i in range(processes * calls):
            store.issue_ticket(SERVICES[i % len(SERVICES)])
        store.db.engine.dispose()
        ctx = multiprocessing.get_context("spawn")
        workers = [(url, c, calls, think_ms, stagger) for c in range(1, processes + 1)]
        latencies, wall = run_workers(ctx, call_worker, workers)
    stats = percentiles(latencies)
    stats["calls_per_s"] = stats["n"] / wall
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--processes", type=int, nargs="*", help="default: 1 8 32 on PostgreSQL, 1 4 on SQLite")
    parser.add_argument("--calls", type=int, default=100, help="calls per counter process")
    parser.add_argument("--think-ms", type=float, nargs="*", default=[0.0],
                        help="mean pause between a finish and the next call (0 = back to back)")
    parser.add_argument("--stagger", action="store_true",
                        help="each counter starts after a random part of one think time (a clerk's pace)")
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}")
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    print("| backend | counters | think ms | calls | p50 ms | p90 ms | p99 ms | max ms | calls/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in backends:
        for processes in args.processes or DEFAULTS[backend]:
            for think in args.think_ms:
                s = bench(backend, args.pg_url, processes, args.calls, think, args.stagger)
                print(f"| {backend} | {processes} | {think:g} | {s['n']:.0f} | {s['p50']:.1f} | {s['p90']:.1f} | "
                      f"{s['p99']:.1f} | {s['max']:.1f} | {s['calls_per_s']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
