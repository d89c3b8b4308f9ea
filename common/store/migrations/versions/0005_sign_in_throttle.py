"""sign-in throttle: failed sign-ins per user name and per PC, so the back-off survives restarts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:15:00

Every sign-in path (counter, dashboard, --password-stdin, rating admin) goes through
Store.authenticate, which reads and updates these rows; the audit log (events) keeps
each attempt as signin_ok / signin_failed / signin_throttled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PASSWORD_HASH_FUNCTION = """
CREATE OR REPLACE FUNCTION motcua_password_hash(p_username text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT password_hash FROM clerks WHERE username = p_username AND active $$
"""


def upgrade() -> None:
    op.create_table(
        'sign_in_throttle',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        # The sign-in check's only way to a password hash: the app roles get EXECUTE on this
        # (assets/postgres/roles.sql) and no SELECT on clerks.password_hash.
        op.execute(PASSWORD_HASH_FUNCTION)
        op.execute('REVOKE ALL ON FUNCTION motcua_password_hash(text) FROM PUBLIC')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS motcua_password_hash(text)')
    op.drop_table('sign_in_throttle')
