"""naive estimate: the simple formula's wait kept beside the printed one, so accuracy can compare them

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-03 04:00:00

``tickets.naive_wait_s`` holds "(people ahead + 1) × recent mean service ÷ open counters" at issue time.
NULL means the printed estimate (``estimated_wait_s``) *was* that formula: every ticket issued before a
forecast replaced it. The accuracy view reads ``COALESCE(naive_wait_s, estimated_wait_s)``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('naive_wait_s', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('naive_wait_s')
