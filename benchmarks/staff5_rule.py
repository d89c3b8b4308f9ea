"""The advice's own rule, varied: how many seeded days must its 5th-percentile day hold on? (issue 17)

    nice .venv/bin/python benchmarks/staff5_rule.py --breaks none
    nice .venv/bin/python benchmarks/staff5_rule.py --breaks staggered

The advice as staff5_bench builds it (10 days of history, seed 2026), searched under three rules, each followed
on the seed sets staff5_bench judged (20 days from 101, 201, 301; 60 days from 401). No smallest-plan search here:
the references are staff5_bench's (docs/benchmarks/staff5.md).

- ``60+60``: the shipped rule: grow and trim on 60 days, re-check on 60 other days, grow and trim on both;
- ``120+120``: the same with 120 days in each set (``motcua staffing --counter-days 120``);
- ``120``: one set of 120 days, no re-check.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import staffing_bench as sb  # noqa: E402
from staff5_bench import staggered  # noqa: E402

from common.config import load_config  # noqa: E402
from common.planning.group_plan import Simulator, groups_of, grow, layout_hours, trim  # noqa: E402
from common.planning.simulate import fill_history  # noqa: E402
from common.planning.staffing import demand, staffing_advice, store_counter_plan  # noqa: E402
from common.store import Store  # noqa: E402
from common.store.db import connect  # noqa: E402

FOLLOWED = ((101, 20), (201, 20), (301, 20), (401, 60), (601, 200))


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--breaks", choices=("none", "staggered"), default="none")
    ap.add_argument("--rules", nargs="+", choices=("60+60", "120+120", "120"), default=["60+60", "120+120", "120"])
    args = ap.parse_args()
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}", flush=True)
    config = load_config(ROOT / "assets" / "office.example.toml")
    office = config.office
    if args.breaks == "staggered":
        office = dataclasses.replace(office, counters=staggered(office.counters))
    layouts = {}
    with tempfile.TemporaryDirectory(prefix="motcua-staff5-rule-") as tmp:
        store = Store(connect(f"sqlite:///{Path(tmp) / 'history.sqlite3'}"), tz=config.tz)
        store.load_office(office)
        history = fill_history(store, 10, seed=2026, end=sb.HISTORY_END)
        advice = staffing_advice(store, history.days[0], history.days[-1])
        for name, days in (("60+60", 60), ("120+120", 120)):
            if name not in args.rules:
                continue
            began = sb.cpu()
            layouts[name] = store_counter_plan(store, advice, days, 1).layout
            print(f"{name}: CPU {sb.cpu() - began:.1f} s", flush=True)
        counters = tuple(store.counters())
        services = store.services()
        store.db.engine.dispose()
    dem, minutes = demand(advice)
    groups = groups_of(counters)
    est = Simulator(services, groups, dem, config.tz, sb.DEFAULT_SERVICE_S)
    began = sb.cpu()
    start = {h: [g.size for g in groups] for h in minutes}
    one = grow(est, start, [1], 120, sb.SHARE, 2) if "120" in args.rules else {}
    if one:
        layouts["120"] = {h: tuple(c) for h, c in trim(est, one, [1], 120, sb.SHARE, minutes).items()}
        print(f"120: CPU {sb.cpu() - began:.1f} s", flush=True)
    truth, true_minutes = sb.true_demand()
    sim = Simulator(office.services, groups, truth, config.tz, sb.DEFAULT_SERVICE_S)
    for name, layout in layouts.items():
        cells = []
        for seed, days in FOLLOWED:
            v = sim.check(layout, days, seed)
            cells.append(f"{seed}x{days}: {100 * v.overall:.2f}% p5 {100 * v.p5:.1f}% worst h "
                         f"{100 * v.worst_hour_share():.1f}%")
        print(f"RULE {name:<8} {layout_hours(layout, true_minutes):5.1f} counter-h | " + " | ".join(cells), flush=True)
        for h in sorted(layout):
            print(f"    {h:02d}:00  {layout[h]}")
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
