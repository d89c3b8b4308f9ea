"""a new ticket's people ahead are read from its own service's queue, not every service's of the office

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 02:40:00

Issue 12: PostgreSQL's issue (``hotpath.issue_one_pg``) counts the people ahead among the waiting tickets
of its service and day. ``ix_tickets_waiting`` (0017: office_id, service_day WHERE status = 'waiting')
held no service: the count read every waiting ticket of the office's day from the heap and dropped the
other services' (211 rows read for 98 counted in a 4-service office with 300 waiting;
docs/benchmarks/pg7.md). With the service as a third column the count checks the day and the service
in the index and fetches its own service's rows only; the counter's pick (``hotpath._pick``: office, day,
the counter's services) reads the same entries as before and can drop the other services' in the index,
without fetching their rows.

Same name, same predicate, one column more: the index every waiting ticket already enters, so no new
index is written on an issue. Rebuilt as 0019 does: CONCURRENTLY under a temporary name, the old one
dropped CONCURRENTLY, then renamed (on a live province a plain CREATE INDEX on tickets would stop every
desk while it ran). SQLite has no such index (one office): nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = 'ix_tickets_waiting'
# The predicate names 'waiting' as a literal; the readers do too (a bound status would not prove it
# in a generic plan).
AFTER = "tickets (office_id, service_day, service_id) WHERE status = 'waiting'"
BEFORE = "tickets (office_id, service_day) WHERE status = 'waiting'"


def _replace(spec: str) -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    temporary = f'{NAME}_0020'
    with op.get_context().autocommit_block():
        # An interrupted CONCURRENTLY build leaves an invalid index of the temporary name: build it anew.
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {temporary}')
        op.execute(f'CREATE INDEX CONCURRENTLY {temporary} ON {spec}')
        op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {NAME}')
        op.execute(f'ALTER INDEX {temporary} RENAME TO {NAME}')


def upgrade() -> None:
    _replace(AFTER)


def downgrade() -> None:
    _replace(BEFORE)
