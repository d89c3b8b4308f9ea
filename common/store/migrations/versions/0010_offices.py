"""offices: every office-owned row names its office; a province shares one PostgreSQL

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 04:00:00

An existing single-office database becomes office 1 with its history intact: the new
``office_id`` columns are added with the constant default 1 (no row is rewritten, so the
append-only log's triggers are never fired and PostgreSQL adds the column in metadata only).

On PostgreSQL the default then becomes ``motcua_office_default()``: the office of the
connecting role (table ``office_roles``), else 1. The apps' INSERTs therefore never name an
office, and a single office works exactly as before. Row-level security keyed on the same
lookup is in assets/postgres/offices.sql (it names roles, which belong to the cluster).

SQLite stays one office: its unique keys stay global (global = per office when there is
one), so no batch table copy is needed, which the log's triggers would not survive.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OFFICE_TABLES = ('services', 'clerks', 'counters', 'counter_services', 'daily_numbers', 'tickets',
                 'events', 'office_settings', 'ratings', 'sign_in_throttle')
# (table, old unique constraint, columns): unique per office on PostgreSQL.
PER_OFFICE_UNIQUE = (('services', 'uq_services_code', 'code'),
                     ('clerks', 'uq_clerks_username', 'username'),
                     ('counters', 'uq_counters_number', 'number'))
# Tables whose primary key was a name: it becomes (office_id, name).
PER_OFFICE_KEY = (('office_settings', 'key'), ('sign_in_throttle', 'key'))

# The lookup is a plain (SECURITY INVOKER) STABLE SQL function: PostgreSQL inlines it, so a
# policy's ``office_id = motcua_office()`` is one InitPlan per statement and keeps its index.
# A role cannot choose its office: office_roles is written only by the owner, and a GUC
# (which any session may SET) plays no part.
CALLER_OFFICE = """COALESCE(
           (SELECT r.office_id FROM office_roles r WHERE r.role_name =
              CASE WHEN current_setting('role') = 'none' THEN session_user::text
                   ELSE current_setting('role') END), 1)"""
FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION motcua_office() RETURNS integer LANGUAGE sql STABLE AS
    $$ SELECT (SELECT r.office_id FROM office_roles r WHERE r.role_name = current_user) $$""",
    """CREATE OR REPLACE FUNCTION motcua_is_province() RETURNS boolean LANGUAGE sql STABLE AS
    $$ SELECT COALESCE((SELECT r.province FROM office_roles r WHERE r.role_name = current_user), false) $$""",
    # The owner (migrations, the bulk loader) is in no office: its rows go to office 1.
    """CREATE OR REPLACE FUNCTION motcua_office_default() RETURNS integer LANGUAGE sql STABLE AS
    $$ SELECT COALESCE(motcua_office(), 1) $$""",
    # The sign-in check (motcua_password_salt / motcua_check_password, migration 0006) now reads
    # the clerk of the caller's own office: user names are unique per office only. Being
    # SECURITY DEFINER, current_user is the owner here, so the caller is the login role
    # (session_user) or the role it SET. Neither function ever returns a digest.
    rf"""CREATE OR REPLACE FUNCTION motcua_password_salt(p_username text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
    $$ SELECT substring(c.password_hash FROM '^(scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[^$]+)\$[^$]+$')
       FROM clerks c WHERE c.username = p_username AND c.active AND c.office_id = {CALLER_OFFICE}
       ORDER BY c.id LIMIT 1 $$""",
    rf"""CREATE OR REPLACE FUNCTION motcua_check_password(p_username text, p_digest text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
    $$ SELECT coalesce((
         SELECT sha256(convert_to(substring(c.password_hash FROM '\$([^$]+)$'), 'UTF8'))
                = sha256(convert_to(coalesce(p_digest, ''), 'UTF8'))
         FROM clerks c WHERE c.username = p_username AND c.active AND c.password_hash LIKE 'scrypt$%'
           AND c.office_id = {CALLER_OFFICE}
         ORDER BY c.id LIMIT 1), false) $$""",
)
# 0006's definitions, restored by the downgrade.
OLD_SIGN_IN_FUNCTIONS = (
    r"""CREATE OR REPLACE FUNCTION motcua_password_salt(p_username text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT substring(password_hash FROM '^(scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[^$]+)\$[^$]+$')
   FROM clerks WHERE username = p_username AND active $$""",
    r"""CREATE OR REPLACE FUNCTION motcua_check_password(p_username text, p_digest text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT coalesce((
     SELECT sha256(convert_to(substring(password_hash FROM '\$([^$]+)$'), 'UTF8'))
            = sha256(convert_to(coalesce(p_digest, ''), 'UTF8'))
     FROM clerks WHERE username = p_username AND active AND password_hash LIKE 'scrypt$%'), false) $$""",
)
SIGN_IN_SIGNATURES = ('motcua_password_salt(text)', 'motcua_check_password(text, text)')


def upgrade() -> None:
    pg = op.get_bind().dialect.name == 'postgresql'
    op.create_table(
        'offices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False, server_default='province'),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('timezone', sa.String(length=64), nullable=False, server_default='Asia/Ho_Chi_Minh'),
        sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.ForeignKeyConstraint(['parent_id'], ['offices.id'], name=op.f('fk_offices_parent_id_offices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offices')),
        sa.UniqueConstraint('code', name=op.f('uq_offices_code')),
        sa.CheckConstraint("level IN ('province', 'district', 'commune')", name=op.f('ck_offices_level_known')),
    )
    op.create_table(
        'office_roles',
        sa.Column('role_name', sa.String(length=63), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=True),
        sa.Column('province', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_office_roles_office_id_offices')),
        sa.PrimaryKeyConstraint('role_name', name=op.f('pk_office_roles')),
    )
    # The existing office keeps its name (setup load stored it in office_settings, as JSON).
    op.execute("INSERT INTO offices (id, code, name, level) VALUES (1, 'office1', 'Bộ phận Một cửa', 'province')")
    if pg:
        op.execute("SELECT setval(pg_get_serial_sequence('offices', 'id'), 1)")
        for sql in FUNCTIONS[:-2]:
            op.execute(sql)
        op.execute('GRANT SELECT ON offices, office_roles TO PUBLIC')
    for table in OFFICE_TABLES:
        if pg:
            op.execute(f'ALTER TABLE {table} ADD COLUMN office_id integer NOT NULL DEFAULT 1 '
                       f'CONSTRAINT fk_{table}_office_id_offices REFERENCES offices(id)')
            op.execute(f'ALTER TABLE {table} ALTER COLUMN office_id SET DEFAULT motcua_office_default()')
        else:
            # SQLite: a REFERENCES column added by ALTER must default to NULL, so no foreign key here.
            op.execute(f'ALTER TABLE {table} ADD COLUMN office_id INTEGER NOT NULL DEFAULT 1')
    if pg:
        for sql in FUNCTIONS[-2:]:  # they read clerks.office_id, so after the columns
            op.execute(sql)
        for signature in SIGN_IN_SIGNATURES:  # CREATE OR REPLACE keeps roles.sql's grants
            op.execute(f'REVOKE ALL ON FUNCTION {signature} FROM PUBLIC')
        for table, name, column in PER_OFFICE_UNIQUE:
            op.drop_constraint(name, table, type_='unique')
            op.create_unique_constraint(f'uq_{table}_office_{column}', table, ['office_id', column])
        for table, column in PER_OFFICE_KEY:
            op.drop_constraint(f'pk_{table}', table, type_='primary')
            op.create_primary_key(f'pk_{table}', table, ['office_id', column])
        # The province view reads each office's days and ratings.
        op.create_index('ix_tickets_office_day', 'tickets', ['office_id', 'service_day'])
        op.create_index('ix_ratings_office_rated_at', 'ratings', ['office_id', 'rated_at'])


def downgrade() -> None:
    pg = op.get_bind().dialect.name == 'postgresql'
    if pg:
        op.drop_index('ix_ratings_office_rated_at', 'ratings')
        op.drop_index('ix_tickets_office_day', 'tickets')
        for table, column in PER_OFFICE_KEY:
            op.drop_constraint(f'pk_{table}', table, type_='primary')
            op.create_primary_key(f'pk_{table}', table, [column])
        for table, name, column in PER_OFFICE_UNIQUE:
            op.drop_constraint(f'uq_{table}_office_{column}', table, type_='unique')
            op.create_unique_constraint(name, table, [column])
    for table in OFFICE_TABLES:
        if pg:
            op.execute(f'DROP POLICY IF EXISTS office_only ON {table}')
            op.execute(f'DROP POLICY IF EXISTS office_rows ON {table}')
            op.execute(f'DROP POLICY IF EXISTS office_admin ON {table}')
            op.execute(f'DROP POLICY IF EXISTS province_reads ON {table}')
        op.execute(f'ALTER TABLE {table} DROP COLUMN office_id')
    if pg:
        for sql in OLD_SIGN_IN_FUNCTIONS:
            op.execute(sql)
        for signature in SIGN_IN_SIGNATURES:
            op.execute(f'REVOKE ALL ON FUNCTION {signature} FROM PUBLIC')
        op.execute('DROP FUNCTION IF EXISTS motcua_office_default()')
        op.execute('DROP FUNCTION IF EXISTS motcua_offices()')  # offices.sql's, if it was run
        op.execute('DROP FUNCTION IF EXISTS motcua_is_province()')
        op.execute('DROP FUNCTION IF EXISTS motcua_office()')
    op.drop_table('office_roles')
    op.drop_table('offices')
