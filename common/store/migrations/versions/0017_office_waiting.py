"""a province's counter picks from its own office's waiting tickets, not every office's

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:20:00

With every office of a province busy, call_next's pick (``hotpath.call_next_pg``) read the waiting
tickets of every office: ``ix_tickets_queue`` leads with the status, so ``status = 'waiting'`` was a
range holding every office's queue, ANDed by bitmap with the office's tickets of the day
(``ix_tickets_office_day``), the rest dropped by the row-level policy. 9,600 waiting tickets over
200 offices: 9,610 index entries read for an office with 48 (docs/benchmarks/queue4.md).

A partial index of the waiting tickets by (office_id, service_day): the office policy's
``office_id = ANY(motcua_offices())`` and the day are its conditions, so a counter reads its own
office's queue of the day and nothing else. It stays small (the queues of the day, not the
history). The pick writes 'waiting' as a literal (``hotpath._pick``), so that a prepared generic
plan still proves the predicate.

Built CONCURRENTLY as 0015's: on a live province a plain CREATE INDEX on tickets would stop every
desk while it runs. SQLite holds one office: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The predicate names 'waiting' as a literal; the pick does too (a bound status would not prove it
# in a generic plan).
INDEXES = (("ix_tickets_waiting", "tickets (office_id, service_day) WHERE status = 'waiting'"),)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.get_context().autocommit_block():
        for name, spec in INDEXES:
            # An interrupted CONCURRENTLY build leaves an invalid index of that name: build it anew.
            op.execute(f"""DO $$ BEGIN
                IF EXISTS (SELECT FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                           WHERE c.relname = '{name}' AND NOT i.indisvalid) THEN
                  EXECUTE 'DROP INDEX {name}';
                END IF; END $$""")
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.get_context().autocommit_block():
        for name, _ in INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
