"""Does the counter advice hold on followed days nobody tuned it on, with and without scheduled breaks? (issue 17)

    nice .venv/bin/python benchmarks/staff5_bench.py --breaks none      --eval-seeds 101 201 301
    nice .venv/bin/python benchmarks/staff5_bench.py --breaks staggered --eval-seeds 101 201 301

As benchmarks/staffing_bench.py's counter section, with two changes:

- the followed days start at each of ``--eval-seeds`` (20 days each) instead of staffing_bench's 9001 alone;
- ``--breaks staggered`` gives every counter of the example office two 15-minute breaks, staggered by parity
  (odd counters 09:30-09:45 and 15:00-15:15, even counters 09:45-10:00 and 15:15-15:30: 4 counter-hours a
  day at full staffing). The office is loaded with them (`setup load`'s office_settings row), so the advice
  reads them from the store as the CLI and the dashboard do, and the followed days are played with them.

The advice is built once (10 days of history, seed 2026; 60 + 60 seeded days of its estimate, seeds from 1),
then for each seed set: the advice followed for 20 days of the true demo traffic on the engine, and the
smallest plan under the advice's rule (5th-percentile day >= 95 %, no arrival hour below 80 %) found on those
days by staffing_bench's independent first-fit search (from every group + 2 desks and from the advice, in a
fixed order and ``--restarts`` random orders). docs/benchmarks/staff5.md has the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import tempfile
from datetime import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import staffing_bench as sb  # noqa: E402

from common.config import load_config  # noqa: E402
from common.core.model import Counter  # noqa: E402
from common.planning.group_plan import Simulator, groups_of  # noqa: E402
from common.planning.simulate import fill_history  # noqa: E402
from common.planning.staffing import clock, plan_breaks, staffing_advice, store_counter_plan  # noqa: E402
from common.planning.verify import Verification  # noqa: E402
from common.store import Store  # noqa: E402
from common.store.db import connect  # noqa: E402


def staggered(counters: tuple[Counter, ...]) -> tuple[Counter, ...]:
    odd = ((time(9, 30), time(9, 45)), (time(15, 0), time(15, 15)))
    even = ((time(9, 45), time(10, 0)), (time(15, 15), time(15, 30)))
    return tuple(dataclasses.replace(c, breaks=odd if c.number % 2 else even) for c in counters)


class SeedJudge(sb.GroupJudge):
    """staffing_bench's judge of the followed days, on a chosen first seed."""

    def __init__(self, sim: Simulator, days: int, minutes: dict[int, float], p5: bool, seed: int) -> None:
        super().__init__(sim, days, minutes, p5)
        self.seed = seed

    def check(self, layout):  # type: ignore[no-untyped-def]
        return self.sim.check(layout, self.days, self.seed)


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # fill_history's draws follow string hashing (see staffing_bench)
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--breaks", choices=("none", "staggered"), default="none")
    ap.add_argument("--eval-seeds", type=int, nargs="+", default=[101, 201, 301])
    ap.add_argument("--days", type=int, default=20, help="followed days per seed set (20)")
    ap.add_argument("--counter-days", type=int, default=60, help="the advice's seeded days (60, as many re-check)")
    ap.add_argument("--restarts", type=int, default=1, help="random orders of the smallest-plan search (1)")
    args = ap.parse_args()
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}", flush=True)
    config = load_config(ROOT / "assets" / "office.example.toml")
    office = config.office
    if args.breaks == "staggered":
        office = dataclasses.replace(office, counters=staggered(office.counters))
    with tempfile.TemporaryDirectory(prefix="motcua-staff5-") as tmp:
        store = Store(connect(f"sqlite:///{Path(tmp) / 'history.sqlite3'}"), tz=config.tz)
        store.load_office(office)
        history = fill_history(store, 10, seed=2026, end=sb.HISTORY_END)
        advice = staffing_advice(store, history.days[0], history.days[-1])
        began = sb.cpu()
        advised = store_counter_plan(store, advice, args.counter_days, 1)
        advise_cpu = sb.cpu() - began
        counters = tuple(store.counters())
        store.db.engine.dispose()
    print(f"breaks: {args.breaks}; counter breaks read from the store: "
          f"{sum(1 for _, spans in advice.counter_breaks if spans)} counters with breaks")
    print(f"advice: {advised.counter_hours:.1f} counter-h ({advised.extra_counter_hours:.1f} extra), CPU "
          f"{advise_cpu:.1f} s ({advised.plays} component plays); own days p5 {100 * advised.check.p5:.1f}%, "
          f"other days p5 {100 * advised.validation.p5:.1f}%; holds: {advised.holds}")
    groups = groups_of(counters)
    for h in advised.hours:
        print(f"  {h.hour:02d}:00  {len(h.counters):>2} open: {h.describe(groups, names=True)}")
    for b in plan_breaks(advice, advised):
        print(f"  breaks {b.hour:02d}:00 -{b.counters:.2f}: "
              + ", ".join(f"{n} {clock(a)}-{clock(e)}" for n, a, e in b.breaks))
    truth, minutes = sb.true_demand()
    sim = Simulator(office.services, groups, truth, config.tz, sb.DEFAULT_SERVICE_S)
    layout = advised.layout
    generous = {h: tuple(g.size + 2 for g in groups) for h in minutes}
    rows = []
    for seed in args.eval_seeds:
        began = sb.cpu()
        judge = SeedJudge(sim, args.days, minutes, True, seed)
        best = sb.smallest_layout(judge, [generous, dict(layout)], args.restarts, random.Random(7))
        c: Verification = judge.check(layout)
        excess = 100 * (judge.hours(layout) / judge.hours(best) - 1)
        print(f"\nfollowed days from seed {seed} ({args.days} days; search CPU {sb.cpu() - began:.1f} s, "
              f"load {Path('/proc/loadavg').read_text().split()[0]}):")
        print(sb.group_line("every own counter open all day", judge, {h: tuple(g.size for g in groups)
                                                                      for h in minutes}))
        print(sb.group_line("advised", judge, layout))
        print(sb.group_line("smallest found, the advice's rule", judge, best))
        print(f"  SEED {seed}: followed {100 * c.overall:.2f}% within ({'PASS' if c.overall >= 0.95 else 'FAIL'}), "
              f"p5 day {100 * c.p5:.1f}%; {judge.hours(layout):.1f} vs {judge.hours(best):.1f} counter-h: "
              f"{excess:+.1f}% ({'PASS' if excess <= 5 else 'FAIL'} <= +5%)", flush=True)
        for h in sorted(best):
            print(f"    {h:02d}:00  {best[h]}")
        rows.append((seed, c.overall, c.p5, judge.hours(best), excess, best))
    if len(rows) > 1:  # is the smallest plan of one set of days the smallest of the others? (how lucky it is)
        print("\neach smallest plan followed on the other sets of days (p5 day / all waits within target):")
        for seed, *_, best in rows:
            cells = []
            for other in args.eval_seeds:
                v = sim.check(best, args.days, other)
                cells.append(f"{other}: {100 * v.p5:.1f}% / {100 * v.overall:.2f}%")
            print(f"  smallest of {seed} ({sb.group_hours(best, minutes):.1f} counter-h): " + "; ".join(cells))
    low, high = min(r[4] for r in rows), max(r[4] for r in rows)
    print(f"\nRANGE over seed sets {args.eval_seeds}: excess {low:+.1f}% .. {high:+.1f}%; followed within "
          f"{100 * min(r[1] for r in rows):.2f}% .. {100 * max(r[1] for r in rows):.2f}%; p5 day "
          f"{100 * min(r[2] for r in rows):.1f}% .. {100 * max(r[2] for r in rows):.1f}%")
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}; plays {sim.plays}, CPU {sb.cpu():.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
