"""issue_ticket throughput and latency: 1..N kiosk processes issuing back to back, on PostgreSQL and SQLite.

    .venv/bin/python benchmarks/issue_bench.py --pg-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/issue_bench.py --backend sqlite --processes 1 4 --tickets 200

Each kiosk is a separate process (spawn); all start together after a barrier and
issue tickets for four services in turn. A provincial centre issues 500–600
tickets a day (DOMAIN.md), i.e. about one a minute at the mid-morning peak: the
figure to compare against is how far above that the store can go. Figures:
docs/benchmarks/engine.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import issue_worker, office, open_store, percentiles, run_workers, scratch_database  # noqa: E402


def bench(backend: str, pg_url: str, processes: int, tickets: int) -> dict[str, float]:
    with scratch_database(backend, pg_url) as url:
        store = open_store(url)
        store.load_office(office(4))
        store.db.engine.dispose()
        ctx = multiprocessing.get_context("spawn")
        latencies, wall = run_workers(ctx, issue_worker, [(url, w, tickets) for w in range(processes)])
    stats = percentiles(latencies)
    stats["tickets_per_s"] = stats["n"] / wall
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--processes", type=int, nargs="*", default=[1, 4, 8])
    parser.add_argument("--tickets", type=int, default=200, help="tickets per kiosk process")
    args = parser.parse_args()
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    print("| backend | kiosks | tickets | p50 ms | p90 ms | p99 ms | max ms | tickets/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in backends:
        for processes in args.processes:
            s = bench(backend, args.pg_url, processes, args.tickets)
            print(f"| {backend} | {processes} | {s['n']:.0f} | {s['p50']:.1f} | {s['p90']:.1f} | {s['p99']:.1f} | "
                  f"{s['max']:.1f} | {s['tickets_per_s']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
