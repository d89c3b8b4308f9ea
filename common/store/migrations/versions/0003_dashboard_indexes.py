"""dashboard indexes: counter state changes by kind and time, for the staffing advice

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:10:00

The staffing advice reconstructs when counters were open from the audit log's counter_open /
counter_break / counter_back_office / counter_closed events over a period. The log holds several
rows per ticket (issued, called, started, finished, ...), so without this index that read scans
the whole log; with it, it reads only the period's state changes (a few per counter and day).
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain CREATE INDEX: no batch table copy, which the log's no-UPDATE/DELETE triggers would not survive.
    op.create_index('ix_events_kind_at', 'events', ['kind', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_events_kind_at', table_name='events')
