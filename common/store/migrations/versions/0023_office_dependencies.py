"""the planner is told that a ticket's service, counter and clerk determine its office

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 03:40:00

Since 0021 a province role's cached plan holds its office as a constant (``office_id = ANY ('{2}')``).
The planner then took the office as independent of the service: "service 7 and office 2" was costed as
1/200 of service 7's tickets, so the issue's read of the service's recent finished tickets (``ORDER BY
id DESC LIMIT 100`` on ix_tickets_service_done) became a BitmapAnd with every ticket of the office
(ix_tickets_office_day, 40,332 entries) and a sort of 7,669 rows: the province's kiosk issue took 6.2 ms
of server CPU against the single office's 1.1 (province_cpu, 2026-12-04 03:28 UTC). A service, a
counter and a clerk each belong to one office (the composite keys of 0012), so the office adds nothing
to their selectivity: functional-dependency statistics say so, and the plan scans the service's index
backwards again (100 rows read).

PostgreSQL only (SQLite holds one office). The statistics object is filled by ANALYZE, run here so that
the next plan already has it (seconds on 8 M tickets: ANALYZE samples).
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = 'st_tickets_office_dependencies'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f'CREATE STATISTICS IF NOT EXISTS {NAME} (dependencies) '
               'ON office_id, service_id, counter_id, clerk_id FROM tickets')
    op.execute('ANALYZE tickets')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f'DROP STATISTICS IF EXISTS {NAME}')
