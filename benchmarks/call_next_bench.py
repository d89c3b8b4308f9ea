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
counters at a clerk's pace (``--think-ms 5000 --stagger``). Figures: docs/benchmarks/engine.md, lean2.md,
lean3.md.

``--server-log FILE`` (PostgreSQL, a superuser URL, a server that logs to FILE): the workers'
sessions log every statement's duration (``log_min_duration_statement = 0``, set for their
connections only); the script then reads FILE and prints the server's own time for the call
statement beside the client's, to tell the server's share of the tail from the clients'.
``--pg-session``: the workers send PostgreSQL's hot statements through ``Session.execute`` (the
path before lean3) instead of the raw DB-API path (common.store.hotpath.first), to compare the two.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import (  # noqa: E402
    PG_SESSION_ENV,
    SERVICES,
    call_worker,
    office,
    open_store,
    percentiles,
    run_workers,
    scratch_database,
)

DEFAULTS = {"postgres": [1, 8, 32], "sqlite": [1, 4]}


DURATION = re.compile(r"@(\S+) LOG:  duration: ([0-9.]+) ms  (?:statement|execute [^:]*): (.*)")


def server_durations(log: Path, offset: int, database: str) -> dict[str, list[float]]:
    """The server's logged durations (ms) of one database's statements, by their first words."""
    found: dict[str, list[float]] = {}
    with log.open("rb") as f:
        f.seek(offset)
        for raw in f:
            m = DURATION.search(raw.decode("utf-8", "replace"))
            if m and m.group(1) == database:
                sql = m.group(3).strip()
                kind = "call (one CTE)" if sql.startswith("WITH") else " ".join(sql.split()[:3])
                found.setdefault(kind, []).append(float(m.group(2)))
    return found


def bench(backend: str, pg_url: str, processes: int, calls: int, think_ms: float,
          stagger: bool = False, server_log: Path | None = None) -> dict[str, float]:
    with scratch_database(backend, pg_url) as url:
        store = open_store(url)
        store.load_office(office(processes))
        for i in range(processes * calls):
            store.issue_ticket(SERVICES[i % len(SERVICES)])
        store.db.engine.dispose()
        ctx = multiprocessing.get_context("spawn")
        logged = server_log is not None and backend == "postgres"
        worker_url = url + ("?options=-c%20log_min_duration_statement%3D0" if logged else "")
        offset = server_log.stat().st_size if logged and server_log else 0
        workers = [(worker_url, c, calls, think_ms, stagger) for c in range(1, processes + 1)]
        cpu: list[float] = []
        warm: list[float] = []
        latencies, wall = run_workers(ctx, call_worker, workers, cpu, warm)
        if logged and server_log:
            database = url.rsplit("/", 1)[1]
            for kind, ms in sorted(server_durations(server_log, offset, database).items()):
                if len(ms) >= 2:
                    s = percentiles([x / 1000 for x in ms])
                    print(f"    server {kind!r}: n {len(ms)}, p50 {s['p50']:.2f}, p99 {s['p99']:.2f}, "
                          f"max {s['max']:.2f} ms", flush=True)
    stats = percentiles(latencies)
    stats["calls_per_s"] = stats["n"] / wall
    c = percentiles(cpu) if len(cpu) >= 2 else {"p50": 0.0, "p99": 0.0}
    stats["cpu_p50"], stats["cpu_p99"] = c["p50"], c["p99"]
    stats["cpu_mean"] = statistics.mean(cpu) * 1000 if cpu else 0.0
    w = percentiles(warm) if len(warm) >= 2 else {"p50": 0.0, "p99": 0.0, "max": 0.0}
    stats["warm_p50"], stats["warm_p99"], stats["warm_max"] = w["p50"], w["p99"], w["max"]
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
    parser.add_argument("--server-log", type=Path, help="PostgreSQL's log file: print the server's own timings")
    parser.add_argument("--pg-session", action="store_true",
                        help="PostgreSQL's hot statements through Session.execute (before lean3)")
    args = parser.parse_args()
    if args.pg_session:
        os.environ[PG_SESSION_ENV] = "1"  # read by the spawned workers
    with open("/proc/loadavg") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}")
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    print("| backend | counters | think ms | calls | p50 ms | p90 ms | p99 ms | max ms | calls/s "
          "| client CPU p50 / p99 ms | without each counter's first call: p50 / p99 / max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in backends:
        for processes in args.processes or DEFAULTS[backend]:
            for think in args.think_ms:
                s = bench(backend, args.pg_url, processes, args.calls, think, args.stagger, args.server_log)
                print(f"| {backend} | {processes} | {think:g} | {s['n']:.0f} | {s['p50']:.1f} | {s['p90']:.1f} | "
                      f"{s['p99']:.1f} | {s['max']:.1f} | {s['calls_per_s']:.0f} | "
                      f"{s['cpu_p50']:.1f} / {s['cpu_p99']:.1f} | "
                      f"{s['warm_p50']:.1f} / {s['warm_p99']:.1f} / {s['warm_max']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
