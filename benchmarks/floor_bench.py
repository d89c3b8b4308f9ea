"""The floor: MADO-queue-style minimal operations against the same database, and motcua's ratio to them.

    .venv/bin/python benchmarks/floor_bench.py --backend both --n 300

MADO-queue (a minimal Flask app) issues with one plain INSERT and calls with one plain UPDATE.
This script does the same work motcua must do at the least, one transaction each, on bare
tables in the same scratch database and through the same engine (WAL, BEGIN IMMEDIATE and the
write queue on SQLite): an issue numbers the ticket per service and stores it; a call picks in
motcua's order (priority first, then the oldest), marks the ticket called and logs an event.
It times motcua's ``issue_ticket`` and ``call_next`` (one process, one counter, each call
followed by a start and a finish, as a clerk would), each action interleaved with the floor's
so that both see the same load. The ratio motcua/floor is what the rules, the audit log and
the estimate cost per action. Goal (issue 12): ≤ 1.5. Figures: docs/benchmarks.md,
docs/benchmarks/floor4.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _engine_workers import MORNING, SERVICES, office, open_store, scratch_database  # noqa: E402
from sqlalchemy import text  # noqa: E402

FLOOR_TABLE = """CREATE TABLE floor_tickets (id {pk}, service VARCHAR(8) NOT NULL, number INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL, priority BOOLEAN NOT NULL, counter INTEGER, issued_at TIMESTAMP NOT NULL,
    queued_at TIMESTAMP NOT NULL, called_at TIMESTAMP)"""
FLOOR_EVENTS = """CREATE TABLE floor_events (id {pk}, at TIMESTAMP NOT NULL, kind VARCHAR(16) NOT NULL,
    ticket_id INTEGER NOT NULL, counter INTEGER)"""
FLOOR_INDEX = "CREATE INDEX ix_floor_queue ON floor_tickets (status, priority DESC, queued_at, id)"
# Numbered per service, stored once.
FLOOR_ISSUE = """INSERT INTO floor_tickets (service, number, status, priority, issued_at, queued_at)
    VALUES (:s, (SELECT COALESCE(MAX(number), 0) + 1 FROM floor_tickets WHERE service = :s2), 'waiting', FALSE,
    :at, :at2)"""
# Picked in motcua's order (priority first, then the oldest), called, and logged: on SQLite the update
# then the event (two statements, one transaction); on PostgreSQL one statement, SKIP LOCKED.
FLOOR_PICK = """SELECT id FROM floor_tickets WHERE status = 'waiting' ORDER BY priority DESC, queued_at, id
    LIMIT 1{lock}"""
FLOOR_CALL_SQLITE = "UPDATE floor_tickets SET status = 'called', counter = 1, called_at = :at WHERE id = (" + \
    FLOOR_PICK.format(lock="") + ") RETURNING id"
FLOOR_EVENT_SQLITE = "INSERT INTO floor_events (at, kind, ticket_id, counter) VALUES (:at, 'called', :t, 1)"
FLOOR_CALL_PG = """WITH called AS (UPDATE floor_tickets SET status = 'called', counter = 1, called_at = :at
    WHERE id = (""" + FLOOR_PICK.format(lock=" FOR UPDATE SKIP LOCKED") + """) RETURNING id)
    INSERT INTO floor_events (at, kind, ticket_id, counter) SELECT :at2, 'called', id, 1 FROM called
    RETURNING ticket_id"""


Figures = tuple[float, float, float, float]  # issue wall, call wall, issue CPU, call CPU (median ms)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


class Timer:
    """Wall (perf_counter) and client CPU (process_time) of one action: load inflates the first, not the second."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> None:
        self._w, self._c = time.perf_counter(), time.process_time()

    def __exit__(self, *_exc: object) -> None:
        self.wall.append(time.perf_counter() - self._w)
        self.cpu.append(time.process_time() - self._c)

    def figures(self) -> tuple[float, float]:
        return median_ms(self.wall), median_ms(self.cpu)


class Floor:
    """The MADO-style floor on its own two tables, through the store's engine (the same pool and write queue)."""

    def __init__(self, engine: Any, backend: str) -> None:
        self.engine, self.backend = engine, backend
        pk = "INTEGER PRIMARY KEY" if backend == "sqlite" else "SERIAL PRIMARY KEY"
        with engine.begin() as conn:
            conn.execute(text(FLOOR_TABLE.format(pk=pk)))
            conn.execute(text(FLOOR_EVENTS.format(pk=pk)))
            conn.execute(text(FLOOR_INDEX))
        self.issue_sql, self.call_sql = text(FLOOR_ISSUE), text(FLOOR_CALL_PG)
        self.sqlite_call, self.sqlite_event = text(FLOOR_CALL_SQLITE), text(FLOOR_EVENT_SQLITE)

    def issue(self, service: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.issue_sql, {"s": service, "s2": service, "at": MORNING, "at2": MORNING})

    def call(self) -> None:
        with self.engine.begin() as conn:
            if self.backend == "sqlite":
                ticket = conn.execute(self.sqlite_call, {"at": MORNING}).scalar_one()
                conn.execute(self.sqlite_event, {"at": MORNING, "t": ticket})
            else:
                conn.execute(self.call_sql, {"at": MORNING, "at2": MORNING}).scalar_one()


def run(url: str, backend: str, n: int) -> tuple[Figures, Figures]:
    """The floor's and motcua's actions interleaved one by one (which goes first alternates), so that both
    see the same load and the same queue length; each call of motcua's is followed by a start and a finish
    (not timed), as a clerk would."""
    store = open_store(url)
    store.load_office(office(1))
    store.sign_in(1, "clerk1")
    floor = Floor(store.db.engine, backend)
    timers = {k: Timer() for k in ("floor issue", "floor call", "motcua issue", "motcua call")}
    for i in range(n):
        service = SERVICES[i % 4]
        steps = [("floor issue", lambda s=service: floor.issue(s)),
                 ("motcua issue", lambda s=service: store.issue_ticket(s))]
        for name, step in steps if i % 2 else reversed(steps):
            with timers[name]:
                step()
    for i in range(n):
        steps = [("floor call", floor.call), ("motcua call", lambda: store.call_next(1, "clerk1"))]
        for name, step in steps if i % 2 else reversed(steps):
            with timers[name]:
                step()
        store.start_service(1, "clerk1")
        store.finish_service(1, "clerk1")
    store.db.engine.dispose()
    (fi, fic), (fc, fcc) = timers["floor issue"].figures(), timers["floor call"].figures()
    (mi, mic), (mc, mcc) = timers["motcua issue"].figures(), timers["motcua call"].figures()
    return (fi, fc, fic, fcc), (mi, mc, mic, mcc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--n", type=int, default=300, help="tickets issued, then called")
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        print(f"load average at start: {' '.join(f.read().split()[:3])}")
    print("| backend | action | floor wall ms | motcua wall ms | ratio wall | floor CPU ms | motcua CPU ms "
          "| ratio CPU |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
        with scratch_database(backend, args.pg_url) as url:
            f, m = run(url, backend, args.n)
        for i, action in enumerate(("issue_ticket", "call_next")):
            fw, mw, fc, mc = f[i], m[i], f[i + 2], m[i + 2]
            print(f"| {backend} | {action} | {fw:.2f} | {mw:.2f} | {mw / fw:.1f} | {fc:.2f} | {mc:.2f} | "
                  f"{mc / fc:.1f} |", flush=True)


if __name__ == "__main__":
    main()
