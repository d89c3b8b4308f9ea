"""the issue's reads in the index, and no index of events by ticket (SQLite)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 12:30:00

Issue 12: SQLite's issue spent half its own work in the one statement that takes the number and reads
what the ticket needs (docs/benchmarks/sqlite9.md). Two of its reads fetched a ticket row per index entry:

- the people ahead counted every waiting ticket of the service by ``ix_tickets_queue`` (status,
  service_id, priority, queued_at), then read each row for its day and ``booked``: O(queue) row reads
  per ticket. Now (status, service_id, service_day, priority, booked, queued_at): the count reads the
  index alone, and a walk-in's "everyone waiting but the later ones" is the service's waiting count
  less a range that is almost always empty (common.store.hotpath._ahead).
- the estimate's recent service times read each of the last 100 finished tickets' rows for
  ``service_s``. Now ``ix_tickets_service_done`` holds it: (service_id, id, service_s, status) WHERE done;
  ``status`` too, which the reader names (orm.finished_done) and SQLite 3.40 does not take from the
  index's WHERE: without it each entry still read its row.

Neither index gains an entry per ticket. And ``ix_events_ticket`` (events by ticket_id) goes: no reader
looks events up by their ticket (the readers go from events to tickets by the tickets' key), tickets
are never deleted (so no foreign-key check needs it) and events never change; it cost every action's
event a page of the WAL. SQLite only:
PostgreSQL counts the people ahead by ix_tickets_waiting (0020) in one statement of its own
(hotpath.issue_one_pg), and its generic plans of the moves chose the wider ix_tickets_queue over
uq_tickets_active_counter (tests/common/test_generic_plans.py): it keeps both indexes as they are.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from orm.py: a migration keeps the schema of its own day.
DONE = "status = 'done'"
# name, its definition after 0026, before it
INDEXES = (
    ('ix_tickets_queue', 'tickets (status, service_id, service_day, priority, booked, queued_at)',
     'tickets (status, service_id, priority, queued_at)'),
    ('ix_tickets_service_done', f'tickets (service_id, id, service_s, status) WHERE {DONE}',
     f'tickets (service_id, id) WHERE {DONE}'),
)


def _replace(name: str, spec: str) -> None:
    """SQLite holds one office: drop and create in the migration's transaction."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'DROP INDEX {name}')
        op.execute(f'CREATE INDEX {name} ON {spec}')


EVENTS_BY_TICKET = 'ix_events_ticket'


def upgrade() -> None:
    for name, after, _ in INDEXES:
        _replace(name, after)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'DROP INDEX {EVENTS_BY_TICKET}')


def downgrade() -> None:
    for name, _, before in INDEXES:
        _replace(name, before)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'CREATE INDEX {EVENTS_BY_TICKET} ON events (ticket_id)')
