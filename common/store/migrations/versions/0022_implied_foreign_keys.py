"""a ticket's and an event's plain foreign keys that an office-scoped one already implies are dropped

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 03:00:00

Migration 0012 made every reference of a ticket or an event to a service, counter or clerk a
composite key ``(office_id, x_id) → x (office_id, id)`` and kept the plain ``x_id → x (id)`` beside
it. A composite key whose columns are all set is checked, and a row it finds is the plain key's row
too: with ``office_id`` NOT NULL the plain key can refuse nothing the composite one accepts. Where
``x_id`` is NULL neither is checked. So each plain key only cost its trigger: on a new ticket 18
foreign-key triggers fired (docs/benchmarks/pg7.md: 10 % of the backend's time per issue), and the
plain keys' lookups lock the same parent rows a second time (``FOR KEY SHARE``, a WAL record each).

Dropped, on PostgreSQL:
- ``tickets``: ``service_id``, ``number_service_id``, ``counter_id``, ``target_counter_id``,
  ``clerk_id`` (each implied by its ``fk_tickets_office_*``), and ``office_id → offices``: the
  ticket's service (``service_id`` is NOT NULL) is checked in its office, and services.office_id
  references offices, so the ticket's office exists. Every issue no longer locks the office's row,
  which every desk of the office shares.
- ``events``: ``counter_id`` and ``clerk_id`` (``fk_events_office_*``).
Kept: ``events.office_id`` (an ``issued`` event names no counter or clerk, so no composite key
covers its office), ``events.ticket_id`` and ``tickets.booking_id`` (no office-scoped twin).

SQLite holds one office and has no composite keys (0012): its plain keys stay, as the ORM declares them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, constraint, column, referenced table): the plain keys 0001 and 0010 created.
IMPLIED = (
    ('tickets', 'fk_tickets_office_id_offices', 'office_id', 'offices'),
    ('tickets', 'fk_tickets_service_id_services', 'service_id', 'services'),
    ('tickets', 'fk_tickets_number_service_id_services', 'number_service_id', 'services'),
    ('tickets', 'fk_tickets_counter_id_counters', 'counter_id', 'counters'),
    ('tickets', 'fk_tickets_target_counter_id_counters', 'target_counter_id', 'counters'),
    ('tickets', 'fk_tickets_clerk_id_clerks', 'clerk_id', 'clerks'),
    ('events', 'fk_events_counter_id_counters', 'counter_id', 'counters'),
    ('events', 'fk_events_clerk_id_clerks', 'clerk_id', 'clerks'),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, name, _, _ in IMPLIED:
        op.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, name, column, target in IMPLIED:
        # NOT VALID then VALIDATE, as 0012: the check of existing rows takes no lock that stops the desks.
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {target} (id) '
                   'NOT VALID')
        op.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT {name}')
