"""two indexes hold only the rows their readers look for: a new ticket and its ``issued`` event write neither

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 21:10:00

Issue 12: SQLite's issue wrote 11 WAL pages per ticket against the floor's 2: the ticket's row and
its six full indexes, the event's row and its two, the day's number (docs/benchmarks/floor5.md). Two of
those indexes serve reads that never look for a new ticket or its event:

- ``ix_tickets_service_done`` (0004: service_id, status, id): the wait estimate's "a service's latest
  finished tickets, newest first". Now (service_id, id) WHERE status = 'done': a ticket enters it
  when it is finished, once, instead of on every change of status.
- ``ix_events_kind_at`` (0003: kind, at): the staffing advice's counter states, the board's calls, the
  print notices, the sign-ins, the catalog's version. Now WHERE kind <> 'issued' AND kind <> 'started'
  AND kind <> 'finished': the three events every ticket writes, which no reader asks for by kind.

Readers AND the same predicate in as a literal (``orm.finished_done``, ``orm.read_kinds``), so both
planners can prove it. PostgreSQL builds the new index CONCURRENTLY under a temporary name, drops the
old one CONCURRENTLY and renames: on a live province a plain CREATE INDEX on events (tens of millions of
rows) would stop every desk while it ran. SQLite holds one office: drop and create in the migration's
transaction.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from orm.py: a migration keeps the schema of its own day.
DONE = "status = 'done'"
READ_KINDS = "kind <> 'issued' AND kind <> 'started' AND kind <> 'finished'"  # not NOT IN: see orm.READ_KINDS_SQL
# name, table, columns and predicate after 0019; columns before it (no predicate)
INDEXES = (
    ('ix_tickets_service_done', 'tickets', 'service_id, id', DONE, 'service_id, status, id'),
    ('ix_events_kind_at', 'events', 'kind, at', READ_KINDS, 'kind, at'),
)


def _replace(name: str, spec: str) -> None:
    """Replace index ``name`` by ``CREATE INDEX name ON spec``; on PostgreSQL without blocking writers."""
    if op.get_bind().dialect.name != 'postgresql':
        op.execute(f'DROP INDEX {name}')
        op.execute(f'CREATE INDEX {name} ON {spec}')
        return
    temporary = f'{name}_0019'
    with op.get_context().autocommit_block():
        # An interrupted CONCURRENTLY build leaves an invalid index of the temporary name: build it anew.
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {temporary}')
        op.execute(f'CREATE INDEX CONCURRENTLY {temporary} ON {spec}')
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {name}')
        op.execute(f'ALTER INDEX {temporary} RENAME TO {name}')


def upgrade() -> None:
    for name, table, columns, where, _ in INDEXES:
        _replace(name, f'{table} ({columns}) WHERE {where}')


def downgrade() -> None:
    for name, table, _, _, before in INDEXES:
        _replace(name, f'{table} ({before})')
