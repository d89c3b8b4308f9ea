"""ticket forecast: the hall-wide forecast's quantiles and the rule behind the printed estimate

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 04:00:00

Issue 17: the printed estimate is the median of a Monte Carlo run of the hall
(common/planning/forecast.py). Its 10th, 50th and 90th percentiles are kept on the
ticket, with the method that produced the printed figure ('forecast', or 'formula' when
the forecast could not run or ran out of its CPU budget), so that its accuracy can be
audited later against the real wait. All nullable: tickets issued before, and tickets
whose forecast fell back, have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ('forecast_p10_s', 'forecast_p50_s', 'forecast_p90_s')


def upgrade() -> None:
    # Plain ADD COLUMNs (nullable, no default): no batch table copy on SQLite.
    for name in COLUMNS:
        op.add_column('tickets', sa.Column(name, sa.Integer(), nullable=True))
    op.add_column('tickets', sa.Column('estimate_method', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('estimate_method')
        for name in reversed(COLUMNS):
            batch.drop_column(name)
