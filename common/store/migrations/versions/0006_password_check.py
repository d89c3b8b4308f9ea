"""password check in the database: no app role can read a password hash

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 04:00:00

0005 gave the counter and supervisor roles motcua_password_hash(), which returned the whole
stored hash: anyone holding either role's password could copy every clerk's hash and crack
it offline. This replaces it with two SECURITY DEFINER functions:

- motcua_password_salt(user) returns "scrypt$N$r$p$salt", the stored hash minus its digest;
- motcua_check_password(user, digest) says whether scrypt(password, salt) -- computed by the
  app -- equals the stored digest.

Why not verify the password itself inside PostgreSQL (pgcrypto's crypt())? Our hashes are
scrypt (common.store.passwords), which neither PostgreSQL nor pgcrypto implements; moving to
bcrypt would need a new dependency and every clerk's password again. Splitting the work keeps
the hash format: the app pays the scrypt cost, and the database only compares.

Why this is sound:
- the digest never leaves the database, so there is nothing to crack offline; a role holder
  can only test guesses one call at a time, each costing a full scrypt on their side, exactly
  like the sign-in screen (whose throttle and audit log stay in Store.authenticate);
- the comparison is of sha256(stored) with sha256(candidate), so its timing says nothing about
  the stored digest even to a caller that sends hand-made digests;
- the clear password never crosses the wire; the candidate digest only ever works with this
  function, for this user, until the password changes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SALT_FUNCTION = r"""
CREATE OR REPLACE FUNCTION motcua_password_salt(p_username text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT substring(password_hash FROM '^(scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[^$]+)\$[^$]+$')
   FROM clerks WHERE username = p_username AND active $$
"""

CHECK_FUNCTION = r"""
CREATE OR REPLACE FUNCTION motcua_check_password(p_username text, p_digest text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT coalesce((
     SELECT sha256(convert_to(substring(password_hash FROM '\$([^$]+)$'), 'UTF8'))
            = sha256(convert_to(coalesce(p_digest, ''), 'UTF8'))
     FROM clerks WHERE username = p_username AND active AND password_hash LIKE 'scrypt$%'), false) $$
"""

OLD_HASH_FUNCTION = """
CREATE OR REPLACE FUNCTION motcua_password_hash(p_username text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT password_hash FROM clerks WHERE username = p_username AND active $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite has no roles: the store reads the column itself
    op.execute(SALT_FUNCTION)
    op.execute(CHECK_FUNCTION)
    for signature in ('motcua_password_salt(text)', 'motcua_check_password(text, text)'):
        op.execute(f'REVOKE ALL ON FUNCTION {signature} FROM PUBLIC')
    # The old path goes, grants and all: assets/postgres/roles.sql grants the two above instead.
    op.execute('DROP FUNCTION IF EXISTS motcua_password_hash(text)')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(OLD_HASH_FUNCTION)
    op.execute('REVOKE ALL ON FUNCTION motcua_password_hash(text) FROM PUBLIC')
    op.execute('DROP FUNCTION IF EXISTS motcua_check_password(text, text)')
    op.execute('DROP FUNCTION IF EXISTS motcua_password_salt(text)')
