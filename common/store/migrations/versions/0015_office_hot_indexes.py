"""office hot-path indexes: a province's kiosk and counter read their own office's rows by index

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:30:00

A province's office issued and called 22-36 % slower than a single office of the same size, all of
it in the server (docs/benchmarks/prov3.md). Part of it grows with the number of offices: the hot
statements reach two things by a column that no index of a province leads with, so they read every
office's rows and let row-level security throw the others away (docs/benchmarks/prov4.md):

- ``counter_services`` by service (the kiosk's estimate counts the counters serving its service,
  three times per ticket): its only index leads with the counter, so each count read all 3,400
  rows of 200 offices (17 in a single office) and the 1,600 counters.
- the catalog's version (``max(events.id)`` over the kinds that change services, counters or
  clerks, once per ticket): ``ix_events_kind_at`` holds those events of every office, ~2 per
  office, read and dropped by the policy. A partial index by office holds only those few events
  and nothing else, so the 4 events written per ticket never touch it.

Both are built CONCURRENTLY: on a live province a plain CREATE INDEX on events (tens of millions
of rows) would stop every desk while it runs. SQLite holds one office: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The kinds of common/store/catalog.py's CATALOG_KINDS (the version query's IN list, which must imply
# this predicate for the planner to use the index).
INDEXES = (
    ('ix_counter_services_service', 'counter_services (service_id, counter_id)'),
    ('ix_events_office_catalog', "events (office_id, id) WHERE kind IN ('office_loaded', 'clerk_saved')"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    with op.get_context().autocommit_block():
        for name, spec in INDEXES:
            # An interrupted CONCURRENTLY build leaves an invalid index of that name: build it anew.
            op.execute(f"""DO $$ BEGIN
                IF EXISTS (SELECT FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                           WHERE c.relname = '{name}' AND NOT i.indisvalid) THEN
                  EXECUTE 'DROP INDEX {name}';
                END IF; END $$""")
            op.execute(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    with op.get_context().autocommit_block():
        for name, _ in INDEXES:
            op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {name}')
