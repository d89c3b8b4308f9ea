"""What the booked load costs the slip's forecast (issue 19): the hall read and the runs, with and without bookings.

    .venv/bin/python benchmarks/booked_hall_bench.py

The example office on a SQLite file at 08:05, counters 1 and 2 open, 12 tickets waiting; then the same hall
with 0 and with 40 bookings still to come today (TP, 15-minute slots from 08:15, two a slot). For each it
times, in CPU seconds (time.process_time: the machine's load does not inflate it), the hall read
(``hall_state``: five statements, and the read transaction's own) and the forecast under its real 30 ms
budget, and prints the runs done, the printed median and the statements per read.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event

from common.config import load_config
from common.core.bookings import AppointmentPlan, ServicePlan
from common.core.clock import ManualClock
from common.planning.forecast import Waiting, forecast
from common.store import Store
from common.store.db import connect
from common.store.hall import NEW_TICKET_ID, hall_state

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REPEAT = 30


def measure(store: Store, clock: ManualClock, label: str) -> None:
    me = Waiting(NEW_TICKET_ID, "TP", False, clock.now())
    statements: list[str] = []
    event.listen(store.db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    reads, runs, cpus, p50s = [], [], [], []
    for i in range(REPEAT):
        statements.clear()
        started = time.process_time()
        with store.transaction(readonly=True) as tx:
            state = hall_state(tx, me)
        reads.append(time.process_time() - started)
        result = forecast(state, seed=i)
        runs.append(result.runs)
        cpus.append(result.cpu_s)
        p50s.append(result.printed_s)
    print(f"{label:<24} read {statistics.median(reads) * 1000:5.1f} ms CPU ({len(statements)} statements, "
          f"{len(state.booked)} bookings ahead); forecast {statistics.median(cpus) * 1000:5.1f} ms CPU, "
          f"{statistics.median(runs):.0f} runs; printed median {statistics.median(p50s) / 60:.1f} min")


def main() -> None:
    config = load_config(Path(__file__).resolve().parents[1] / "assets" / "office.example.toml")
    plan = AppointmentPlan(services={"TP": ServicePlan("TP", slot_minutes=15, capacity=2)})
    with tempfile.TemporaryDirectory() as scratch:
        clock = ManualClock(datetime(2026, 11, 25, 7, 30, tzinfo=TZ))
        store = Store(connect(f"sqlite:///{scratch}/bench.sqlite3"), clock, TZ, hall_forecast=True)
        store.load_office(replace(config.office, appointments=plan))
        for counter, clerk in ((1, "lan"), (2, "hoa")):
            store.sign_in(counter, clerk)
        for i in range(14):  # the morning so far: a few served, 12 waiting
            store.issue_ticket("TP" if i % 3 else "CT")
            clock.advance(150)
        for counter, clerk in ((1, "lan"), (2, "hoa")):
            store.call_next(counter, clerk)
        clock.set(datetime(2026, 11, 25, 8, 5, tzinfo=TZ))
        measure(store, clock, "no bookings")
        morning, afternoon = datetime(2026, 11, 25, 8, 15, tzinfo=TZ), datetime(2026, 11, 25, 13, 30, tzinfo=TZ)
        for i in range(40):  # 08:15–10:45 full, then 13:30 onwards
            at = (morning + timedelta(minutes=15 * (i // 2)) if i < 22
                  else afternoon + timedelta(minutes=15 * ((i - 22) // 2)))
            store.book("TP", at, None)
        measure(store, clock, "40 bookings to come")
        store.db.engine.dispose()


if __name__ == "__main__":
    main()
