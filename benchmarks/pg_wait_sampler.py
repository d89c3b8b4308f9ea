"""Where do PostgreSQL's backends spend their time during a benchmark? Sample pg_stat_activity every 20 ms.

    .venv/bin/python benchmarks/call_next_bench.py --backend postgres --processes 32 --calls 40 &
    .venv/bin/python benchmarks/pg_wait_sampler.py --seconds 100 --min-backends 30

Counts (state, wait_event_type, wait_event) of the client backends connected to the
benchmarks' scratch databases (motcua_bench_*), in samples where at least
``--min-backends`` are connected, and prints the mean number of backends in each.
"""

from __future__ import annotations

import argparse
import collections
import time

import psycopg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--min-backends", type=int, default=1)
    args = parser.parse_args()
    conn = psycopg.connect(args.pg_url, autocommit=True)
    tally: collections.Counter[tuple[str, str, str]] = collections.Counter()
    samples = 0
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        rows = conn.execute(
            "SELECT state, coalesce(wait_event_type, '-'), coalesce(wait_event, '-') FROM pg_stat_activity "
            "WHERE datname LIKE 'motcua_bench_%' AND backend_type = 'client backend'").fetchall()
        if len(rows) >= args.min_backends:
            samples += 1
            tally.update(tuple(r) for r in rows)
        time.sleep(0.02)
    print(f"{samples} samples")
    for (state, kind, event), n in tally.most_common(12):
        print(f"{n / max(samples, 1):6.2f} backends  {state} / {kind} / {event}")


if __name__ == "__main__":
    main()
