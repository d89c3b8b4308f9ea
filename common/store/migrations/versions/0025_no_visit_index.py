"""a new ticket no longer writes ix_tickets_visit: a transfer finds its visit by the printed number's key

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 06:10:00

Issue 12: every ticket wrote ``ix_tickets_visit`` (visit_id), one WAL page of SQLite's nine per issue and
one of PostgreSQL's ten index insertions, for one reader: a transfer's "the visit's highest
``transfer_seq``". A visit's rows share their printed number (number_service_id, service_day, number;
common/store/reads/visits.py names a visit so), and ``uq_tickets_number`` is that key with
``transfer_seq`` last: the transfer now reads the highest there (Store.transfer). No other reader looks
tickets up by visit_id (the province's per-visit sums group a whole period, not by the index).
PostgreSQL drops and (downgrade) builds it CONCURRENTLY, as 0019 and 0024 do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = 'ix_tickets_visit'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {NAME}')
        return
    with op.get_context().autocommit_block():
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {NAME}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        op.execute(f'CREATE INDEX {NAME} ON tickets (visit_id)')
        return
    with op.get_context().autocommit_block():
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {NAME}')  # an interrupted build leaves an invalid one
        op.execute(f'CREATE INDEX CONCURRENTLY {NAME} ON tickets (visit_id)')
