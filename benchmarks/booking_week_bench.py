"""A simulated week with 20% bookings beside the same week with none (issue 19, Measure).

    .venv/bin/python benchmarks/booking_week_bench.py --seeds 20 --share 0.2 --no-show 0.1

The example office (assets/office.example.toml, every active counter open all day) with the demo
history's traffic (common.planning.simulate.example_traffic: HOURLY_PROFILE × WEEKDAY_PROFILE, lognormal
service, 10–60 s walks, 3% no-shows when called, 5% priority). One "week" is Monday–Friday
2026-11-23…27; each seed plays the week twice on the store-free engine (common.planning.days): without
bookings, and with ``--share`` of arrivals booked (every service, or only the plan's with
``--plan-services``), ``--no-show`` of them never coming, the rest arriving around their slot
(common.planning.booked). The booking decisions have their own random stream, so both runs face the
same walk-in arrival times.

Printed per run: walk-in and booked tickets, % within the 30-minute target (expired tickets count as
failures) pooled over all weeks and as the 5–95% band of weeks, and mean waits of those called.
CPU time is process time; the load average is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from common.config import load_config  # noqa: E402
from common.planning.booked import NO_BOOKINGS, BookingMix  # noqa: E402
from common.planning.days import DayProfile, DayResult, simulate_days  # noqa: E402
from common.planning.simulate import EXAMPLE_MIX, example_traffic  # noqa: E402
from common.planning.verify import quantile  # noqa: E402

MONDAY = date(2026, 11, 23)
TARGET_S = 1800


def week(office_path: Path, bookings: BookingMix, seeds: range, counters: int | None) -> list[list[DayResult]]:
    """Per seed, the five days Monday–Friday (each day its own seed: 100·seed + weekday)."""
    office = load_config(office_path).office
    demand, service_time = example_traffic({s.code: EXAMPLE_MIX.get(s.code, (4.0, 10.0)) for s in office.services})
    base = DayProfile(demand, service_time, walk_seconds=lambda rng: rng.uniform(10, 60), no_show_share=0.03,
                      priority_share=0.05, bookings=bookings)
    n = counters or len([c for c in office.counters if c.active and c.services])
    weeks: list[list[DayResult]] = [[] for _ in seeds]
    for i in range(5):
        profile = replace(base, day=MONDAY + timedelta(days=i))
        for w, r in enumerate(simulate_days(office, profile, n, [100 * s + i for s in seeds])):
            weeks[w].append(r)
    return weeks


def figures(weeks: list[list[DayResult]], booked: bool) -> dict[str, float | int | None]:
    """Pooled % within target and mean wait of the booked (or walk-in) tickets, and the band of weeks."""
    per_week, pooled_in, pooled_n, waits = [], 0, 0, []
    for days in weeks:
        n = sum(r.count(booked) for r in days)
        inside = sum(round(r.within(TARGET_S, booked=booked) * r.count(booked)) for r in days)
        if n:
            per_week.append(100 * inside / n)
        pooled_in, pooled_n = pooled_in + inside, pooled_n + n
        waits += [w for r in days for w, b in zip(r.waits_s, r.booked or (False,) * len(r.waits_s), strict=True)
                  if b == booked]
    if not pooled_n:
        return {"tickets": 0, "within_pct": None, "p5": None, "median": None, "p95": None, "wait_mean_min": None}
    return {"tickets": pooled_n, "within_pct": round(100 * pooled_in / pooled_n, 1),
            "p5": round(quantile(per_week, 0.05), 1), "median": round(statistics.median(per_week), 1),
            "p95": round(quantile(per_week, 0.95), 1),
            "wait_mean_min": round(sum(waits) / len(waits) / 60, 1) if waits else None}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=20, help="simulated weeks (default: 20)")
    p.add_argument("--share", type=float, default=0.2, help="share of arrivals booked (default: 0.2)")
    p.add_argument("--no-show", type=float, default=0.1, help="share of bookings never used (default: 0.1)")
    p.add_argument("--counters", type=int, help="counters open all day (default: every active counter)")
    p.add_argument("--plan-services", action="store_true",
                   help="only the services the office's [appointments] plan books (default: every service)")
    args = p.parse_args()
    office_path = ROOT / "assets" / "office.example.toml"
    plan = load_config(office_path).office.appointments
    mix = BookingMix.for_plan(plan, args.share, args.no_show, every_service=not args.plan_services)
    seeds = range(1, args.seeds + 1)
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for label, bookings in (("no bookings", NO_BOOKINGS), (f"{args.share:.0%} booked", mix)):
        cpu = time.process_time()
        weeks = week(office_path, bookings, seeds, args.counters)
        cpu = time.process_time() - cpu
        issued = sum(r.issued for days in weeks for r in days)
        print(f"{label}: {len(weeks)} weeks, {issued} tickets, {cpu:.2f} s CPU")
        for who, booked in (("walk-in", False), ("booked", True)):
            f = figures(weeks, booked)
            if not f["tickets"]:
                print(f"  {who}: none")
                continue
            print(f"  {who}: {f['tickets']} tickets, {f['within_pct']}% within 30 min (weeks 5–95%: "
                  f"{f['p5']}–{f['p95']}, median {f['median']}), mean wait {f['wait_mean_min']} min")


if __name__ == "__main__":
    main()
