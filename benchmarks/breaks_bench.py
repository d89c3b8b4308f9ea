"""What the counters' break schedule adds to the hall read of each issued ticket (issue 17), A/B interleaved.

The example office (8 counters) on a fresh SQLite file, every counter with two scheduled
breaks, a hall with tickets waiting and served. Each round reads the hall (common.store.hall.
hall_state, the read the kiosk's forecast runs inside ``issue_ticket``) ``--reads`` times with
the schedule (B) and the same times with the catalog's schedule emptied (A: the hall as before
this branch), alternating, and reports CPU time (time.process_time) per read: the machine is
shared, so wall time is noisy. Also the conversion alone (scheduled_breaks) per counter.

    .venv/bin/python benchmarks/breaks_bench.py --rounds 10 --reads 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time as clock
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.config import load_config
from common.core.clock import ManualClock
from common.core.model import CounterState
from common.planning.forecast import Waiting
from common.store import Store
from common.store.db import connect
from common.store.hall import NEW_TICKET_ID, hall_state, scheduled_breaks

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EXAMPLE = Path(__file__).resolve().parents[1] / "assets" / "office.example.toml"
SCHEDULE = ((time(10), time(10, 15)), (time(15), time(15, 15)))


def build(folder: Path) -> Store:
    office = load_config(EXAMPLE).office
    office = replace(office, counters=tuple(replace(c, breaks=SCHEDULE) for c in office.counters))
    clk = ManualClock(datetime(2026, 11, 25, 8, 0, tzinfo=TZ))
    store = Store(connect(f"sqlite:///{folder / 'bench.sqlite3'}"), clk, TZ, hall_forecast=True)
    store.load_office(office)
    for number, clerk in ((1, "lan"), (2, "hoa"), (4, "tuan"), (6, "minh")):
        store.sign_in(number, clerk)
    for _ in range(5):
        for code in ("TP", "KD", "LD"):
            store.issue_ticket(code)
        for number, clerk in ((1, "lan"), (4, "tuan"), (6, "minh")):
            if store.call_next(number, clerk) is not None:
                store.start_service(number, clerk)
                clk.advance(240)
                store.finish_service(number, clerk)
    for code in ("TP", "KD", "LD", "TP", "CT"):
        store.issue_ticket(code)
    store.call_next(2, "hoa")
    return store


def reads(store: Store, n: int, schedule: bool) -> float:
    """CPU seconds per hall read, with or without the catalog's break schedule."""
    with store.transaction(readonly=True) as tx:
        snap = tx.snap
        store.catalog._snap = snap if schedule else replace(snap, breaks={})
        assert bool(store.catalog._snap.breaks) is schedule
        started = clock.process_time()
        for _ in range(n):
            state = hall_state(tx, Waiting(NEW_TICKET_ID, "TP", False, tx.now))
        spent = clock.process_time() - started
    assert any(d.breaks for d in state.desks) is schedule, "the A/B switch did not take"
    store.catalog._snap = snap
    return spent / n


def calls(store: Store, schedule: bool) -> int:
    """Python and C function calls in one hall read: a count the machine's load does not move."""
    with store.transaction(readonly=True) as tx:
        snap = tx.snap
        store.catalog._snap = snap if schedule else replace(snap, breaks={})
        count = 0

        def tally(frame: object, event: str, arg: object) -> None:
            nonlocal count
            if event in ("call", "c_call"):
                count += 1

        sys.setprofile(tally)
        hall_state(tx, Waiting(NEW_TICKET_ID, "TP", False, tx.now))
        sys.setprofile(None)
    store.catalog._snap = snap
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = build(Path(folder))
        reads(store, args.reads, True)  # warm-up, not counted: the first reads compile the statements
        reads(store, args.reads, False)
        a: list[float] = []
        b: list[float] = []
        for r in range(args.rounds):  # alternate which goes first, so neither always runs warm
            for schedule in (r % 2 == 0, r % 2 == 1):
                (b if schedule else a).append(reads(store, args.reads, schedule))
        counted = {schedule: calls(store, schedule) for schedule in (False, True, False, True)}
        store.db.engine.dispose()
    now = datetime(2026, 11, 25, 9, 55, tzinfo=TZ)
    n = 20000
    started = clock.process_time()
    for _ in range(n):
        scheduled_breaks(now, TZ, CounterState.OPEN, None, SCHEDULE)
    convert = (clock.process_time() - started) / n
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"hall read, CPU per read, median of {args.rounds} rounds × {args.reads}:")
    print(f"  A without the schedule: {ma * 1e3:.3f} ms  (rounds {min(a) * 1e3:.3f}–{max(a) * 1e3:.3f})")
    print(f"  B with the schedule:    {mb * 1e3:.3f} ms  (rounds {min(b) * 1e3:.3f}–{max(b) * 1e3:.3f})")
    print(f"  B − A: {(mb - ma) * 1e3:+.3f} ms ({(mb / ma - 1) * 100:+.1f} %)")
    print(f"  function calls per read: A {counted[False]:,}, B {counted[True]:,} ({counted[True] - counted[False]:+,})")
    print(f"scheduled_breaks, one counter with two breaks: {convert * 1e6:.1f} µs CPU")


if __name__ == "__main__":
    main()
