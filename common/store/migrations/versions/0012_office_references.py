"""office references: a row may name only its own office's services, counters and clerks

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03 07:10:00

Row-level security (assets/postgres/offices.sql) hides office B's rows from office A's roles,
but a foreign key check runs as the table owner and sees every office: without this, office A's
counter could write office B's counter or clerk id into its own ticket with a hand-written
UPDATE and the database would accept it. Here each such reference becomes a composite foreign
key ``(office_id, x_id) → x (office_id, id)``: the same index lookup the plain key already
makes, now also matching the office, for every role including the owner and the bulk loader.

The plain keys stay (the ORM names them; dropping them gains one index probe per write).
A ticket's own references (events.ticket_id, ratings.ticket_id) are not covered: that would
need a unique (office_id, id) index on tickets, millions of rows at a province's scale.

SQLite holds one office: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TARGETS = ('services', 'counters', 'clerks')
# (table, column, referenced table)
REFERENCES = (
    ('tickets', 'service_id', 'services'), ('tickets', 'number_service_id', 'services'),
    ('tickets', 'counter_id', 'counters'), ('tickets', 'target_counter_id', 'counters'),
    ('tickets', 'clerk_id', 'clerks'),
    ('events', 'counter_id', 'counters'), ('events', 'clerk_id', 'clerks'),
    ('ratings', 'service_id', 'services'), ('ratings', 'counter_id', 'counters'), ('ratings', 'clerk_id', 'clerks'),
    ('daily_numbers', 'service_id', 'services'), ('counters', 'clerk_id', 'clerks'),
    ('counter_services', 'counter_id', 'counters'), ('counter_services', 'service_id', 'services'),
)


def fk_name(table: str, column: str) -> str:
    return f'fk_{table}_office_{column}'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for target in TARGETS:
        op.create_unique_constraint(f'uq_{target}_office_id_id', target, ['office_id', 'id'])
    for table, column, target in REFERENCES:
        # NOT VALID then VALIDATE: the check of existing rows takes no lock that stops the desks.
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT {fk_name(table, column)} FOREIGN KEY (office_id, {column}) '
                   f'REFERENCES {target} (office_id, id) NOT VALID')
        op.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT {fk_name(table, column)}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column, _ in REFERENCES:
        op.drop_constraint(fk_name(table, column), table, type_='foreignkey')
    for target in TARGETS:
        op.drop_constraint(f'uq_{target}_office_id_id', target, type_='unique')
