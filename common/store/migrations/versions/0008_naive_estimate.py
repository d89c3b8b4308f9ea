"""naive estimate and transferred visits: the simple formula's wait kept beside the printed one, so accuracy
can compare them; a partial index of the rows of transferred visits, the only ones the report groups per visit

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 04:00:00

``tickets.naive_wait_s`` holds "(people ahead + 1) × recent mean service ÷ open counters" at issue time.
NULL means the printed estimate (``estimated_wait_s``) *was* that formula: every ticket issued before a
forecast replaced it. The accuracy view reads ``COALESCE(naive_wait_s, estimated_wait_s)``.

``ix_tickets_transferred`` (service_day) WHERE status = 'transferred' OR transfer_seq > 0: about 2.6% of the
rows (1.3% of visits are transferred), read by common/store/reads/visits.py instead of the whole period.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRANSFERRED = "status = 'transferred' OR transfer_seq > 0"


def upgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('naive_wait_s', sa.Integer(), nullable=True))
    op.create_index('ix_tickets_transferred', 'tickets', ['service_day'], unique=False,
                    sqlite_where=sa.text(TRANSFERRED), postgresql_where=sa.text(TRANSFERRED))


def downgrade() -> None:
    op.drop_index('ix_tickets_transferred', table_name='tickets')
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('naive_wait_s')
