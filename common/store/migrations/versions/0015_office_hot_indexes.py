"""the caller's office by index: a province's kiosk and counter no longer read every office's roles,
counters and catalog events on each action

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:30:00

A province's office issued and called 22-36 % slower than a single office of the same size, all of
it in the server (docs/benchmarks/prov3.md). It grew with the number of offices (docs/benchmarks/prov4.md):

- The office policy asks ``motcua_offices()`` (and WITH CHECK and the column default
  ``motcua_office()``) once per table a statement names: some 30 times per issue + call + no-show.
  Each looked its caller up with ``role_name = current_user``, and ``current_user`` is a ``name``,
  whose collation is "C": the comparison is not in the collation of ``office_roles``' key, so
  PostgreSQL could not use the key and read all 1,000 rows of a 200-office province (5 roles an
  office) on every call: about 0.1 ms each, some 3 ms per action. Compared in the key's collation,
  it is one index probe. Same function, same result, for every role.

Two statements also reached rows by a column no index of a province leads with, reading every
office's rows and letting row-level security throw the others away:

- ``counter_services`` by service (the kiosk's estimate counts the counters serving its service,
  three times per ticket): its only index leads with the counter, so each count read all 3,400
  rows of 200 offices (17 in a single office) and the 1,600 counters.
- the catalog's version (``max(events.id)`` over the kinds that change services, counters or
  clerks, once per ticket): ``ix_events_kind_at`` holds those events of every office, ~2 per
  office, read and dropped by the policy. A partial index by office holds only those few events
  and nothing else, so the 4 events written per ticket never touch it.

Both are built CONCURRENTLY: on a live province a plain CREATE INDEX on events (tens of millions
of rows) would stop every desk while it runs. SQLite holds one office: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

# The caller's office, as migration 0012 defines them, with the caller compared in the collation of
# office_roles' key (``current_user`` is a name, collation "C"). offices.sql's motcua_offices() is the same.
KEY = 'current_user::text COLLATE "default"'
FUNCTIONS = (
    f"""CREATE OR REPLACE FUNCTION motcua_office() RETURNS integer LANGUAGE plpgsql STABLE AS
$f$ BEGIN RETURN (SELECT r.office_id FROM office_roles r WHERE r.role_name = {KEY}); END $f$""",
    f"""CREATE OR REPLACE FUNCTION motcua_is_province() RETURNS boolean LANGUAGE plpgsql STABLE AS
$f$ BEGIN RETURN COALESCE((SELECT r.province FROM office_roles r WHERE r.role_name = {KEY}), false); END $f$""",
    f"""CREATE OR REPLACE FUNCTION motcua_offices() RETURNS integer[] LANGUAGE plpgsql STABLE AS
$f$
DECLARE r record;
BEGIN
  SELECT o.office_id, o.province INTO r FROM office_roles o WHERE o.role_name = {KEY};
  IF r.province THEN RETURN ARRAY(SELECT id FROM offices ORDER BY id); END IF;
  IF r.office_id IS NULL THEN RETURN '{{}}'::integer[]; END IF;
  RETURN ARRAY[r.office_id];
END $f$""",
)

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The kinds of common/store/catalog.py's CATALOG_KINDS (the version query's IN list, which must imply
# this predicate for the planner to use the index).
INDEXES = (
    ('ix_counter_services_service', 'counter_services (service_id, counter_id)'),
    ('ix_events_office_catalog', "events (office_id, id) WHERE kind IN ('office_loaded', 'clerk_saved')"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for sql in FUNCTIONS:
        op.execute(sql)
    with op.get_context().autocommit_block():
        for name, spec in INDEXES:
            # An interrupted CONCURRENTLY build leaves an invalid index of that name: build it anew.
            op.execute(f"""DO $$ BEGIN
                IF EXISTS (SELECT FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                           WHERE c.relname = '{name}' AND NOT i.indisvalid) THEN
                  EXECUTE 'DROP INDEX {name}';
                END IF; END $$""")
            op.execute(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for sql in FUNCTIONS:  # 0012's: the caller compared as a name (the key unused)
        op.execute(sql.replace(KEY, 'current_user'))
    with op.get_context().autocommit_block():
        for name, _ in INDEXES:
            op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {name}')
