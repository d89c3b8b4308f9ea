"""The store-free simulation engine: tickets per second, and the bulk insert of its result.

    .venv/bin/python benchmarks/sim_engine_bench.py --days 20 --scale 1

Plays ``--days`` working days of the example office (assets/office.example.toml) with the demo
history's traffic (common.planning.simulate.fill_history's profile) on the engine alone, then
writes them into a scratch SQLite database (and PostgreSQL with ``--backend postgres``). CPU
time is process time, so other jobs on a shared machine inflate the wall figure, not it.
Target (issues 12 and 17): ≥ 50,000 tickets/s for the engine. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import TZ, scratch_database  # noqa: E402

from common.config import load_config  # noqa: E402
from common.core.clock import ManualClock  # noqa: E402
from common.planning import simulate as sim  # noqa: E402
from common.planning.engine import Engine, write  # noqa: E402
from common.store import Store  # noqa: E402
from common.store.db import connect  # noqa: E402

END = date(2026, 11, 25)


def bench(url: str, days: int, scale: float) -> dict[str, float]:
    clock = ManualClock(sim.datetime.combine(END, sim.time(7), TZ))
    store = Store(connect(url), clock, TZ)
    store.load_office(load_config(ROOT / "assets" / "office.example.toml").office)
    engines: list[Engine] = []
    real_run = sim.run

    def timed_run(*args, **kwargs):  # type: ignore[no-untyped-def]
        # Time the engine and the write separately: run() is fill_history's last step.
        original = sim.write
        sim.write = lambda engine, target: engines.append(engine)  # type: ignore[assignment]
        try:
            return real_run(*args, **kwargs)
        finally:
            sim.write = original

    sim.run = timed_run  # type: ignore[assignment]
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        sim.fill_history(store, days, end=END, scale=scale)
    finally:
        sim.run = real_run  # type: ignore[assignment]
    engine_wall, engine_cpu = time.perf_counter() - wall, time.process_time() - cpu
    # fill_history's report ran on an empty store (nothing written yet): cheap, and included above.
    wall, cpu = time.perf_counter(), time.process_time()
    written = write(engines[0], store)
    write_wall, write_cpu = time.perf_counter() - wall, time.process_time() - cpu
    store.db.engine.dispose()
    n = len(engines[0].tickets)
    return {"tickets": n, "events": len(engines[0].events), "engine_cpu": engine_cpu, "engine_wall": engine_wall,
            "per_s": n / engine_cpu, "write_cpu": write_cpu, "write_wall": write_wall, "written": written}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0, help="traffic × this (1 ≈ 450 citizens a day)")
    args = parser.parse_args()
    with scratch_database(args.backend, args.pg_url) as url:
        s = bench(url, args.days, args.scale)
    print("| backend | days | tickets | events | engine CPU s | tickets/s (CPU) | write CPU s | write wall s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {args.backend} | {args.days} | {s['tickets']:.0f} | {s['events']:.0f} | {s['engine_cpu']:.2f} | "
          f"{s['per_s']:,.0f} | {s['write_cpu']:.2f} | {s['write_wall']:.2f} |")


if __name__ == "__main__":
    main()
