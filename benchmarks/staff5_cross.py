"""Each smallest plan staff5_bench found, followed on other sets of days (issue 17, docs/benchmarks/staff5.md).

    staff5_bench.py --breaks none --eval-seeds 101 201 301 > none.log
    nice .venv/bin/python benchmarks/staff5_cross.py none none.log                      # on 101x20 201x20 301x20 401x60
    SETS="601x200" nice .venv/bin/python benchmarks/staff5_cross.py none none.log       # on 200 fresh days

Reads the smallest plans (the per-group layouts printed under each "SEED n:" line) from a staff5_bench log and
plays each on the sets of followed days in $SETS ("first-seed x days", the true demo traffic, the office with
or without staff5_bench's staggered breaks): p5 day, all waits within target, worst arrival hour.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import staffing_bench as sb  # noqa: E402
from staff5_bench import staggered  # noqa: E402

from common.config import load_config  # noqa: E402
from common.planning.group_plan import Simulator, groups_of, layout_hours  # noqa: E402


def main() -> int:
    mode, log = sys.argv[1], Path(sys.argv[2])
    sets = [tuple(map(int, x.split("x"))) for x in os.environ.get("SETS", "101x20 201x20 301x20 401x60").split()]
    plans = {}
    for block in re.split(r"\n  SEED ", log.read_text())[1:]:
        plans[int(block.split(":")[0])] = {int(m.group(1)): ast.literal_eval(m.group(2))
                                           for m in re.finditer(r"^    (\d\d):00  (\(.*\))$", block, re.M)}
    config = load_config(ROOT / "assets" / "office.example.toml")
    office = config.office
    if mode == "staggered":
        office = dataclasses.replace(office, counters=staggered(office.counters))
    truth, minutes = sb.true_demand()
    sim = Simulator(office.services, groups_of(office.counters), truth, config.tz, sb.DEFAULT_SERVICE_S)
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    for seed, layout in plans.items():
        cells = []
        for other, days in sets:
            v = sim.check(layout, days, other)
            cells.append(f"{other}x{days}: p5 {100 * v.p5:.1f}% all {100 * v.overall:.2f}% "
                         f"worst h {100 * v.worst_hour_share():.1f}%")
        print(f"smallest of {seed} ({layout_hours(layout, minutes):.1f}): " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
