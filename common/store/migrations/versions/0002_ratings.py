"""ratings: one citizen satisfaction rating per served ticket

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('clerk_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 4', name=op.f('ck_ratings_score_range')),
    sa.CheckConstraint("channel IN ('counter', 'phone')", name=op.f('ck_ratings_channel_known')),
    sa.ForeignKeyConstraint(['clerk_id'], ['clerks.id'], name=op.f('fk_ratings_clerk_id_clerks')),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_ratings_counter_id_counters')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_ratings_service_id_services')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ratings_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('ticket_id', name='uq_ratings_ticket_id'),
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_ratings_rated_at', ['rated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_rated_at')
    op.drop_table('ratings')
