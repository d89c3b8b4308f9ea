"""Leave a kept benchmark database as it was found: the desk benchmarks issue and call real tickets.

Each run of province_bench/province_cpu issues a few hundred tickets on the same fixed day (NOW), and a
service's day has 999 numbers: without this, the fourth or fifth run on a kept database stopped with
"Đã hết số hôm nay". On leaving, the tickets, events and ratings this run added to the measured offices
are deleted and those offices' daily numbers of that day put back, as the database's owner (neither RLS
nor, for that one transaction, the append-only trigger of events applies). Rows of other offices, and
anything older than the run, are never touched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

import psycopg


@contextmanager
def no_trace(owner_url: str, offices: Sequence[int], day: date) -> Iterator[None]:
    """Undo, on exit, the desk work this block does in ``offices`` on ``day`` (owner_url: a psycopg URL)."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        last_ticket = conn.execute("SELECT coalesce(max(id), 0) FROM tickets").fetchone()[0]  # type: ignore[index]
        last_event = conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]  # type: ignore[index]
        numbers = conn.execute("SELECT office_id, service_id, last_number, issued FROM daily_numbers "
                               "WHERE office_id = ANY(%s) AND service_day = %s", (list(offices), day)).fetchall()
    try:
        yield
    finally:
        with psycopg.connect(owner_url) as conn, conn.transaction():
            # events are append-only (a trigger refuses DELETE); this session alone skips triggers, and the
            # deletes below go children first, so no foreign key is left dangling.
            conn.execute("SET LOCAL session_replication_role = replica")
            added = "office_id = ANY(%(o)s) AND id > %(t)s"
            params = {"o": list(offices), "t": last_ticket, "e": last_event, "d": day}
            conn.execute(f"DELETE FROM ratings WHERE ticket_id IN (SELECT id FROM tickets WHERE {added})", params)
            conn.execute("DELETE FROM events WHERE office_id = ANY(%(o)s) AND id > %(e)s", params)
            conn.execute(f"DELETE FROM tickets WHERE {added}", params)
            conn.execute("DELETE FROM daily_numbers WHERE office_id = ANY(%(o)s) AND service_day = %(d)s", params)
            for office, service, last_number, issued in numbers:
                conn.execute("INSERT INTO daily_numbers (office_id, service_id, service_day, last_number, issued) "
                             "VALUES (%s, %s, %s, %s, %s)", (office, service, day, last_number, issued))
