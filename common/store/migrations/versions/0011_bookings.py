"""bookings: appointment slots whose capacity the database enforces, bookings, and tickets from them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 07:00:00

Issue 19. ``booking_slots`` holds one row per (service, slot start) once somebody books it;
a booking takes a place with ``UPDATE … SET taken = taken + 1 WHERE taken < capacity`` and the
CHECK ``taken <= capacity`` refuses any other writer, so two citizens racing for the last place
get one booking and one refusal whatever the client. ``bookings.code`` is random and unique:
the only way to look a booking up.

``tickets.booking_id`` and ``tickets.booked`` (a check-in within its window, "Hẹn"), and
``tickets.remote_device`` with a partial unique index: one active number per phone.

On PostgreSQL both new tables get ``office_id`` defaulting to the caller's office, as in 0010;
assets/postgres/offices.sql adds them to the row-level security and roles.sql grants them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "remote_device IS NOT NULL AND status IN ('waiting', 'called', 'serving', 'on_hold')"


def _office(pg: bool) -> sa.Column:  # type: ignore[type-arg]
    default = sa.text('motcua_office_default()') if pg else sa.text('1')
    return sa.Column('office_id', sa.Integer(), sa.ForeignKey('offices.id'), nullable=False, server_default=default)


def upgrade() -> None:
    pg = op.get_bind().dialect.name == 'postgresql'
    op.create_table(
        'booking_slots',
        _office(pg),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('end', sa.DateTime(timezone=True), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('taken', sa.Integer(), nullable=False, server_default='0'),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_booking_slots_service_id_services')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_slots')),
        sa.UniqueConstraint('service_id', 'start', name='uq_booking_slots_service_start'),
        sa.CheckConstraint('taken >= 0 AND taken <= capacity', name=op.f('ck_booking_slots_within_capacity')),
    )
    op.create_table(
        'bookings',
        _office(pg),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('slot_id', sa.Integer(), nullable=False),
        sa.Column('slot_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('slot_end', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('contact', sa.String(length=120), nullable=True),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_bookings_service_id_services')),
        sa.ForeignKeyConstraint(['slot_id'], ['booking_slots.id'], name=op.f('fk_bookings_slot_id_booking_slots')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
        sa.UniqueConstraint('code', name=op.f('uq_bookings_code')),
        sa.CheckConstraint("state IN ('booked', 'cancelled', 'checked_in', 'no_show')",
                           name=op.f('ck_bookings_state_known')),
    )
    op.create_index('ix_bookings_contact_state', 'bookings', ['contact', 'state'])
    op.create_index('ix_bookings_state_start', 'bookings', ['state', 'slot_start'])
    op.add_column('tickets', sa.Column('booking_id', sa.Integer(), nullable=True))
    op.add_column('tickets', sa.Column('booked', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('tickets', sa.Column('remote_device', sa.String(length=64), nullable=True))
    if pg:  # SQLite keeps booking_id plain: a column with REFERENCES could not be dropped by ALTER TABLE later
        op.create_foreign_key('fk_tickets_booking_id_bookings', 'tickets', 'bookings', ['booking_id'], ['id'])
    op.create_index('uq_tickets_remote_device', 'tickets', ['remote_device'], unique=True,
                    sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))


def downgrade() -> None:
    pg = op.get_bind().dialect.name == 'postgresql'
    op.drop_index('uq_tickets_remote_device', table_name='tickets')
    if pg:
        op.drop_constraint('fk_tickets_booking_id_bookings', 'tickets', type_='foreignkey')
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch copy of tickets would trip the foreign keys
    # that events and ratings hold on it, and the log's triggers.
    for column in ('remote_device', 'booked', 'booking_id'):
        op.execute(f'ALTER TABLE tickets DROP COLUMN {column}')
    op.drop_index('ix_bookings_state_start', table_name='bookings')
    op.drop_index('ix_bookings_contact_state', table_name='bookings')
    op.drop_table('bookings')
    op.drop_table('booking_slots')
