"""Where the counter advice's extra counter-hours come from (issue 17): the search, or planning on an estimate.

    .venv/bin/python benchmarks/staffing_gap.py fitted      # the search alone (~15 s CPU)
    .venv/bin/python benchmarks/staffing_gap.py truth       # planned on the true demand (~80 s)
    .venv/bin/python benchmarks/staffing_gap.py history     # as staffing_bench's advice (~90 s)
    .venv/bin/python benchmarks/staffing_gap.py smallest    # the independent search (~60 s)

Each mode prints one plan on the example office's own counters (common/planning/group_plan.py) and how it does
on staffing_bench's followed days (20 days of the true demo traffic, seeds from 9001, the advice's rule):

- ``fitted``: the advice's own grow + trim, run on those very 20 days: what the search leaves when it knows the
  days it is judged on (no estimate, no unseen days);
- ``truth``: ``plan_counters`` on the true demand over 60 + 60 other seeded days;
- ``history``: ``store_counter_plan`` on 10 days of history, exactly as staffing_bench and the dashboard;
- ``smallest``: staffing_bench's independent first-fit search (from a generous start and from the ``fitted``
  plan, ``--restarts`` random orders), the reference the advice is measured against.

docs/benchmarks/decide3.md has the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import staffing_bench as sb  # noqa: E402

from common.config import load_config  # noqa: E402
from common.planning.group_plan import Simulator, groups_of, grow, plan_counters, trim  # noqa: E402
from common.planning.simulate import fill_history  # noqa: E402
from common.planning.staffing import staffing_advice, store_counter_plan  # noqa: E402
from common.store import Store  # noqa: E402
from common.store.db import connect  # noqa: E402


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # fill_history's draws follow string hashing (see staffing_bench)
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=("fitted", "truth", "history", "smallest"))
    ap.add_argument("--restarts", type=int, default=1, help="random orders of the smallest-plan search (1)")
    args = ap.parse_args()
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}", flush=True)
    config = load_config(ROOT / "assets" / "office.example.toml")
    office = config.office
    truth, minutes = sb.true_demand()
    groups = groups_of(office.counters)
    sim = Simulator(office.services, groups, truth, config.tz, sb.DEFAULT_SERVICE_S)
    judge = sb.GroupJudge(sim, 20, minutes, True)
    began = sb.cpu()
    start: dict[int, list[int]] = {h: [g.size for g in groups] for h in minutes}
    fitted = grow(sim, start, [sb.EVAL_SEED], 20, sb.SHARE, 2)
    fitted = trim(sim, fitted, [sb.EVAL_SEED], 20, sb.SHARE, minutes)
    layout = {h: tuple(c) for h, c in fitted.items()}
    print(f"fitted: CPU {sb.cpu() - began:.1f} s")
    print(sb.group_line("fitted (the advice's search on the followed days)", judge, layout), flush=True)
    began = sb.cpu()
    if args.mode == "truth":
        layout = plan_counters(office.services, office.counters, truth, minutes, config.tz, days=60, first_seed=1,
                               default_service_s=sb.DEFAULT_SERVICE_S).layout
    elif args.mode == "history":
        with tempfile.TemporaryDirectory(prefix="motcua-staffing-gap-") as tmp:
            store = Store(connect(f"sqlite:///{Path(tmp) / 'history.sqlite3'}"), tz=config.tz)
            store.load_office(office)
            history = fill_history(store, 10, seed=2026, end=sb.HISTORY_END)
            advice = staffing_advice(store, history.days[0], history.days[-1])
            began = sb.cpu()
            layout = store_counter_plan(store, advice, 60, 1).layout
            store.db.engine.dispose()
    elif args.mode == "smallest":
        generous = {h: tuple(g.size + 2 for g in groups) for h in minutes}
        layout = sb.smallest_layout(judge, [generous, layout], args.restarts, random.Random(7))
    print(f"{args.mode}: CPU {sb.cpu() - began:.1f} s")
    print(sb.group_line(args.mode, judge, layout))
    for h in sorted(layout):
        print(f"  {h:02d}:00  {layout[h]}  (groups {[g.numbers for g in groups]})")
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
