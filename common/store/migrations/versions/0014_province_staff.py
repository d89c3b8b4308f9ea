"""province staff: the named people who sign in to the province view, and their sign-ins

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-03 12:00:00

The province view was signed in by its database role alone (``motcua_province``), shared by
everyone at the province. Now each person has an account (``motcua province-staff add``) and signs
in with the one sign-in dialog; every attempt is a row of ``province_signins``. The accounts are
the province's, not an office's: no office_id, no office policy, and no office role reads them
(offices.sql revokes them). The province role reads the accounts without their hashes, checks a
password through the two SECURITY DEFINER functions below (as migration 0006 does for clerks: no
role ever reads a digest) and appends to its sign-in log.

On SQLite (one office, no province) the tables exist and stay empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = (
    r"""CREATE OR REPLACE FUNCTION motcua_staff_salt(p_username text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
    $$ SELECT substring(s.password_hash FROM '^(scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[^$]+)\$[^$]+$')
       FROM province_staff s WHERE s.username = p_username AND s.active $$""",
    r"""CREATE OR REPLACE FUNCTION motcua_check_staff_password(p_username text, p_digest text)
    RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
    $$ SELECT coalesce((
         SELECT sha256(convert_to(substring(s.password_hash FROM '\$([^$]+)$'), 'UTF8'))
                = sha256(convert_to(coalesce(p_digest, ''), 'UTF8'))
         FROM province_staff s WHERE s.username = p_username AND s.active
           AND s.password_hash LIKE 'scrypt$%'), false) $$""",
)
SIGNATURES = ('motcua_staff_salt(text)', 'motcua_check_staff_password(text, text)')


def upgrade() -> None:
    op.create_table(
        'province_staff',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('username', sa.String(150), nullable=False, unique=True),
        sa.Column('full_name', sa.String(200), nullable=False),
        sa.Column('password_hash', sa.String(300), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'province_signins',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('username', sa.String(150), nullable=False),
        sa.Column('outcome', sa.String(20), nullable=False),  # ok, failed, throttled
        sa.Column('pc', sa.String(150), nullable=False),
        sa.Column('app', sa.String(40), nullable=False),
    )
    op.create_index('ix_province_signins_username', 'province_signins', ['username', 'id'])
    if op.get_bind().dialect.name != 'postgresql':
        return
    for sql in FUNCTIONS:
        op.execute(sql)
    for signature in SIGNATURES:
        op.execute(f'REVOKE ALL ON FUNCTION {signature} FROM PUBLIC')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for signature in SIGNATURES:
            op.execute(f'DROP FUNCTION IF EXISTS {signature}')
    op.drop_index('ix_province_signins_username', table_name='province_signins')
    op.drop_table('province_signins')
    op.drop_table('province_staff')
