"""call_next's pick on a province where every office is busy: before and after migration 0017, interleaved.

    nice .venv/bin/python benchmarks/queue4_pick_ab.py --db motcua_province_39372f77 --rounds 6 --calls 200

In ONE transaction, rolled back at the end (the kept database is left as it was): every service of
every office gets --per-service waiting tickets on a day after the history, then rounds alternate

- before: the pick as main had it (status bound, ``IN (SELECT …)``), without ix_tickets_waiting;
- after: ``hotpath._pick(literal_status=True)`` with ix_tickets_waiting built in a savepoint
  (rolled back after the round, so the next "before" round runs without it).

Each side runs --calls picks (``SELECT … ORDER BY call order LIMIT 1 FOR UPDATE OF q SKIP LOCKED``,
the pick CTE of ``call_next_pg``) as the counter role of --calls offices in turn (their own counter
and its services), through psycopg with server-side prepared statements after 5 calls, as the
counter PCs run it. Printed per pick: the backend's CPU (user + system ticks from /proc/PID/stat:
the server runs on this machine), wall time, and shared buffers hit (EXPLAIN ANALYZE of one pick).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect  # noqa: E402

from common.core.model import Ordering  # noqa: E402
from common.store.hotpath import CID, Prepared, Q, _pick, call_order_by  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
DAY = date(2027, 1, 5)
INDEX = "CREATE INDEX ix_tickets_waiting ON tickets (office_id, service_day) WHERE status = 'waiting'"


def pick_sql(new: bool) -> Prepared:
    stmt = (
        _pick(literal_status=new)
        .order_by(*call_order_by(Ordering.OLDEST_FIRST, Q, CID))
        .limit(1)
        .with_for_update(skip_locked=True, of=Q)
    )
    return Prepared(stmt, psycopg_dialect())


def cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/")
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--per-service", type=int, default=6)
    a = ap.parse_args()
    conn = psycopg.connect(a.pg + a.db)
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    if conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_tickets_waiting'").fetchone():
        print("ix_tickets_waiting exists already: no 'before' to measure", file=sys.stderr)
        return 2
    now = datetime(2027, 1, 5, 3, tzinfo=UTC)
    n = conn.execute(
        "INSERT INTO tickets (service_id, number_service_id, service_day, number, transfer_seq, code, token, status,"
        " priority, issued_at, queued_at, local_hour, people_ahead, estimated_wait_s, print_status, recall_count,"
        " office_id, booked) SELECT s.id, s.id, %s, 900 + g, 0, 'Z' || g, md5(s.id || '-' || g), 'waiting',"
        " g %% 10 = 0, %s - g * interval '1 minute', %s - g * interval '1 minute', 8, 0, 0, 'printed', 0,"
        " s.office_id, false FROM services s, generate_series(1, %s) g",
        (DAY, now, now, a.per_service),
    ).rowcount
    conn.execute("ANALYZE tickets")
    # each office's first counter that serves something, and its role
    desks = conn.execute(
        "SELECT DISTINCT ON (c.office_id) c.id, r.role_name FROM counters c"
        " JOIN counter_services cs ON cs.counter_id = c.id"
        " JOIN office_roles r ON r.office_id = c.office_id AND r.role_name LIKE 'motcua_counter%%'"
        " ORDER BY c.office_id, c.id"
    ).fetchall()
    waiting = conn.execute("SELECT count(*) FROM tickets WHERE status = 'waiting'").fetchone()[0]
    print(
        f"{a.db}: {n} waiting tickets added on {DAY} ({waiting} waiting in all), {len(desks)} offices' counters;"
        f" loadavg {Path('/proc/loadavg').read_text().split()[:3]}"
    )
    results: dict[str, dict[str, list[float]]] = {"before": {"cpu": [], "wall": []}, "after": {"cpu": [], "wall": []}}
    buffers: dict[str, str] = {}
    for r in range(a.rounds):
        for side in ("before", "after") if r % 2 == 0 else ("after", "before"):
            new = side == "after"
            if new:
                conn.execute("SAVEPOINT idx")
                conn.execute(INDEX)
            prep = pick_sql(new)
            c0, w0 = cpu(pid), time.perf_counter()
            for i in range(a.calls):
                cid, role = desks[(i * 37) % len(desks)]
                conn.execute(f'SET LOCAL ROLE "{role}"')
                # Prepared's SQL is numbered ($1 …) for a RawCursor since floor5.
                psycopg.RawCursor(conn).execute(prep.sql, prep.parameters({"cid": cid, "day": DAY})).fetchall()
                conn.execute("RESET ROLE")
            results[side]["cpu"].append((cpu(pid) - c0) / a.calls)
            results[side]["wall"].append((time.perf_counter() - w0) / a.calls)
            if side not in buffers:
                cid, role = desks[len(desks) // 2]
                conn.execute(f'SET LOCAL ROLE "{role}"')
                sql = prep.sql
                plan = psycopg.RawCursor(conn).execute(
                    f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", prep.parameters({"cid": cid, "day": DAY})
                ).fetchone()[0][0]["Plan"]
                conn.execute("RESET ROLE")
                buffers[side] = f"{plan.get('Shared Hit Blocks', 0) + plan.get('Shared Read Blocks', 0)} buffers"
            if new:
                conn.execute("ROLLBACK TO SAVEPOINT idx")
    conn.rollback()
    conn.close()
    print("| side | server CPU ms/pick (median of rounds) | wall ms/pick (median) | buffers, one pick |")
    print("|---|---|---|---|")
    for side, got in results.items():
        print(
            f"| {side} | {1000 * statistics.median(got['cpu']):.2f} | {1000 * statistics.median(got['wall']):.2f} |"
            f" {buffers[side]} |"
        )
    print(
        f"rounds: {a.rounds}, calls per round and side: {a.calls};"
        f" loadavg {Path('/proc/loadavg').read_text().split()[:3]}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
