"""the office policy's caller lookup becomes a constant of each cached plan: a province's desk no
longer looks its role up in office_roles some 20 times per call and no-show

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 03:00:00

Issue 18 (docs/benchmarks/prov7.md): a province's counter called and marked a no-show 15-30 % slower
than a single office. Most of the difference was the office policy's lookup: ``office_id = ANY ((SELECT
motcua_offices()))`` and the WITH CHECK ``(SELECT motcua_office())`` are an InitPlan per table a statement
names, each a PL/pgSQL call that probes office_roles (about 10 µs): some 20 per call + no-show. The single
office has no such policy.

The hot statements run prepared, and PostgreSQL keeps their generic plan (plan5). The policy now calls
``motcua_policy_offices()`` and ``motcua_policy_office()``: the same lookups declared IMMUTABLE, so the
planner evaluates them once, when it plans, and the plan holds the caller's office as a constant.
They are called bare, not as ``(SELECT …)``: a sub-select stays an InitPlan whose array the planner
costs as 10 elements, so a generic plan made from statistics of a quiet morning read a busy province's
every waiting ticket by ix_tickets_queue (docs/benchmarks/queue7.md: 1,203 entries per call); folded,
the array is the office's own and the office-led indexes win (tests/common/test_offices.py,
``…whatever_the_statistics``). Nothing changes in what a role may read or write. Two things keep the
constant right:

- A cached plan that applied row-level security is planned again when the role changes
  (PostgreSQL's plan cache compares the role it was planned for), so no plan carries another role's office.
- A plan depends on the functions it folded. Every write to office_roles or offices (a role registered,
  moved or removed, an office added) touches both functions (``ALTER FUNCTION … IMMUTABLE``, a trigger
  as their owner), which makes every session plan again before its next statement
  (tests/common/test_offices.py moves a role while its session holds prepared plans). The trigger takes an
  advisory lock first: two writers rewriting the same catalog row at once would fail.

``motcua_offices()`` and ``motcua_office()`` stay STABLE for the callers that name them (the column
default, the province view, LISTEN): a plan that calls them directly applies no policy and would not be
planned again for another role. assets/postgres/offices.sql creates the same functions, trigger and
policies (it is re-run after each upgrade). SQLite holds one office: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The twins ask the STABLE lookups (0015's), so that "the caller's office" is written in one place; only
# their declared volatility differs, and it is what the planner folds on.
FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION motcua_policy_offices() RETURNS integer[] LANGUAGE plpgsql IMMUTABLE AS
$f$ BEGIN RETURN motcua_offices(); END $f$""",
    """CREATE OR REPLACE FUNCTION motcua_policy_office() RETURNS integer LANGUAGE plpgsql IMMUTABLE AS
$f$ BEGIN RETURN motcua_office(); END $f$""",
    # ALTER FUNCTION rewrites the function's catalog row even when nothing changes: every plan that
    # folded it is invalidated, in every session.
    """CREATE OR REPLACE FUNCTION motcua_policy_replan() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS
$f$ BEGIN
  -- One writer at a time: two transactions rewriting the same catalog row fail ("tuple concurrently updated").
  -- The second waits here for the first's commit, then reads the functions' rows afresh.
  PERFORM pg_advisory_xact_lock(hashtext('motcua_policy_replan'));
  ALTER FUNCTION motcua_policy_offices() IMMUTABLE;
  ALTER FUNCTION motcua_policy_office() IMMUTABLE;
  RETURN NULL;
END $f$""",
)
TRIGGER_TABLES = ('office_roles', 'offices')
USING = 'office_id = ANY (motcua_policy_offices())'
CHECK = 'office_id = motcua_policy_office()'
OLD_USING = 'office_id = ANY ((SELECT motcua_offices())::integer[])'
OLD_CHECK = 'office_id = (SELECT motcua_office())'


def _policies(using: str, check: str) -> None:
    """Every office_only policy (0012's on the office days, offices.sql's on the office tables) in place."""
    rows = op.get_bind().exec_driver_sql(
        "SELECT tablename, cmd FROM pg_policies WHERE schemaname = 'public' AND policyname = 'office_only'").fetchall()
    for table, cmd in rows:
        with_check = f' WITH CHECK ({check})' if cmd == 'ALL' else ''
        op.execute(f'ALTER POLICY office_only ON "{table}" USING ({using}){with_check}')


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for sql in FUNCTIONS:
        op.execute(sql)
    for table in TRIGGER_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS motcua_policy_replan ON {table}')
        op.execute(f'CREATE TRIGGER motcua_policy_replan AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} '
                   'FOR EACH STATEMENT EXECUTE FUNCTION motcua_policy_replan()')
    _policies(USING, CHECK)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    _policies(OLD_USING, OLD_CHECK)
    for table in TRIGGER_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS motcua_policy_replan ON {table}')
    op.execute('DROP FUNCTION IF EXISTS motcua_policy_replan()')
    op.execute('DROP FUNCTION IF EXISTS motcua_policy_office()')
    op.execute('DROP FUNCTION IF EXISTS motcua_policy_offices()')
