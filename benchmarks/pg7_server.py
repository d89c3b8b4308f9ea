"""The PostgreSQL server's CPU per issue: motcua's issue_ticket against the floor's INSERT (issue 12, pg7).

    .venv/bin/python benchmarks/pg7_server.py [--tree DIR] [--n 300]

floor_bench.py times the client (wall and ``process_time``); on this machine the server runs beside
it, and the issue's wall above the floor is mostly the server's work. This runs floor_bench's issue
phase (the floor and motcua interleaved, services in turn, one process) on the code of ``--tree``
(default: this checkout; e.g. a ``git archive main`` copy for the base) and reads the CPU (user +
system, ns) of the database's backends from /proc/PID/schedstat around each action: the statement,
its COMMIT, the pool's ping. The server must run on this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--tree", default=str(Path(__file__).resolve().parent.parent))
parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
parser.add_argument("--n", type=int, default=300)
args = parser.parse_args()
sys.path[:0] = [args.tree, str(Path(args.tree) / "benchmarks")]

import psycopg  # noqa: E402
from _engine_workers import SERVICES, office, open_store, scratch_database  # noqa: E402
from floor_bench import Floor  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402


def backends_ns(admin: psycopg.Connection, database: str) -> int:  # type: ignore[type-arg]
    """CPU time (ns) so far of every backend connected to ``database`` (the store's pool)."""
    total = 0
    for (pid,) in admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall():
        with contextlib.suppress(OSError):  # a backend that just ended
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    return total


def main() -> None:
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    with scratch_database("postgres", args.pg_url) as url:
        database = make_url(url).database or ""
        admin = psycopg.connect(make_url(args.pg_url).set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True)
        store = open_store(url)
        store.load_office(office(1))
        store.sign_in(1, "clerk1")
        floor = Floor(store.db.engine, "postgres")
        cpu: dict[str, list[int]] = {"floor": [], "motcua": []}
        wall: dict[str, list[float]] = {"floor": [], "motcua": []}
        for i in range(args.n):
            service = SERVICES[i % 4]
            steps = [("floor", lambda s=service: floor.issue(s)), ("motcua", lambda s=service: store.issue_ticket(s))]
            for name, step in steps if i % 2 else reversed(steps):
                c0, w0 = backends_ns(admin, database), time.perf_counter()
                step()
                w1 = time.perf_counter()
                cpu[name].append(backends_ns(admin, database) - c0)
                wall[name].append(w1 - w0)
        store.db.engine.dispose()
        admin.close()
    f_cpu, m_cpu = (statistics.median(cpu[k]) / 1000 for k in ("floor", "motcua"))
    f_wall, m_wall = (statistics.median(wall[k]) * 1000 for k in ("floor", "motcua"))
    print(f"tree {args.tree}, load at start {load}, {args.n} issues (medians)")
    print(f"server CPU per issue: floor {f_cpu:.0f} us, motcua {m_cpu:.0f} us (ratio {m_cpu / f_cpu:.2f}, "
          f"+{m_cpu - f_cpu:.0f} us); wall (with the stat reads): floor {f_wall:.2f} ms, motcua {m_wall:.2f} ms")


if __name__ == "__main__":
    main()
