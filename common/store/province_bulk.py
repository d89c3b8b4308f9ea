"""A province's history in bulk: one office's rows copied server-side into another office.

For the province demo and benchmarks/province_bench.py: office 1's simulated history (the
store-free engine and common.store.bulk) becomes every other office's with one
``INSERT … SELECT`` per table, its own ids, services, counters and clerks (matched by code,
number and user name), and never a client round trip per row. PostgreSQL only; run as the owner.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from common.store.orm import DailyNumberRow, EventRow, RatingRow, TicketRow

# How each copied column is computed from the template's row t (ticket ids shifted by :off).
MAPPED = {
    "id": "t.id + :off", "office_id": ":office", "visit_id": "t.visit_id + :off", "ticket_id": "t.ticket_id + :off",
    "service_id": "s1.new", "number_service_id": "s2.new", "counter_id": "c1.new", "target_counter_id": "c2.new",
    "clerk_id": "k.new", "token": "t.token || '-' || :office",
}
MAPS = """WITH sm AS (SELECT o.id AS old, n.id AS new FROM services o JOIN services n ON n.code = o.code
                    WHERE o.office_id = :source AND n.office_id = :office),
     cm AS (SELECT o.id AS old, n.id AS new FROM counters o JOIN counters n ON n.number = o.number
            WHERE o.office_id = :source AND n.office_id = :office),
     km AS (SELECT o.id AS old, n.id AS new FROM clerks o JOIN clerks n ON n.username = o.username
            WHERE o.office_id = :source AND n.office_id = :office)"""
JOINS = {
    "tickets": "JOIN sm s1 ON s1.old = t.service_id JOIN sm s2 ON s2.old = t.number_service_id "
               "LEFT JOIN cm c1 ON c1.old = t.counter_id LEFT JOIN cm c2 ON c2.old = t.target_counter_id "
               "LEFT JOIN km k ON k.old = t.clerk_id",
    "events": "LEFT JOIN cm c1 ON c1.old = t.counter_id LEFT JOIN km k ON k.old = t.clerk_id",
    "ratings": "JOIN sm s1 ON s1.old = t.service_id LEFT JOIN cm c1 ON c1.old = t.counter_id "
               "LEFT JOIN km k ON k.old = t.clerk_id",
    "daily_numbers": "JOIN sm s1 ON s1.old = t.service_id",
}
TABLES = {"tickets": TicketRow, "events": EventRow, "ratings": RatingRow, "daily_numbers": DailyNumberRow}


def copy_statement(table: str) -> str:
    """One office's copy of the source office's rows of ``table`` (the log and ratings take new ids)."""
    cols = [c.name for c in TABLES[table].__table__.columns if not (table in ("events", "ratings") and c.name == "id")]
    select_list = ", ".join(MAPPED.get(c, f"t.{c}") for c in cols)
    return (f"{MAPS} INSERT INTO {table} ({', '.join(cols)}) SELECT {select_list} FROM {table} t {JOINS[table]} "
            f"WHERE t.office_id = :source")


def copy_history(conn: Connection, source: int, office: int, id_offset: int) -> None:
    """Copy ``source``'s tickets, log, ratings and numbers into ``office`` (already set up with the same codes).

    ``id_offset`` is added to every ticket id; give each office its own multiple of the source's largest id.
    """
    for table in TABLES:
        conn.execute(text(copy_statement(table)), {"source": source, "office": office, "off": id_offset})


def after_copies(conn: Connection, indexes: list[tuple[str, str]] | None = None) -> None:
    """Rebuild the dropped ``indexes`` (one sort each), move the ticket id sequence past the copies, ANALYZE."""
    conn.execute(text("SET maintenance_work_mem = '512MB'"))
    for _, definition in indexes or []:
        conn.execute(text(definition))
    conn.execute(text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))"))
    conn.execute(text("ANALYZE"))


# The loader's tables: their secondary indexes are dropped before the copies and built after
# (one sort per index instead of one B-tree insert per row per index).
LOADED = ("tickets", "events", "ratings", "daily_numbers")


def secondary_indexes(conn: Connection) -> list[tuple[str, str]]:
    """``(name, CREATE INDEX …)`` of the loaded tables' indexes that back no constraint (primary keys stay)."""
    rows = conn.execute(text(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(:tables) AND NOT EXISTS (SELECT FROM pg_constraint c "
        "WHERE c.conname = i.indexname AND c.contype IN ('p', 'u', 'x')) ORDER BY i.indexname"),
        {"tables": list(LOADED)})
    return [(r[0], r[1]) for r in rows]


def drop_indexes(conn: Connection, indexes: list[tuple[str, str]]) -> None:
    for name, _ in indexes:
        conn.execute(text(f'DROP INDEX IF EXISTS "{name}"'))


def fast_session(conn: Connection) -> None:
    """The loader's own session: no wait for the WAL flush, no per-row FK and trigger checks.

    ``session_replication_role = replica`` (superuser) skips the foreign-key triggers: every copied
    row is a mapped copy of an office's already-checked rows, so the checks could only repeat
    themselves. Only this session is affected; the offices' own roles keep every check.
    """
    conn.execute(text("SET synchronous_commit = off"))
    conn.execute(text("SET session_replication_role = replica"))
