"""office references and office days: a row names only its own office's services, counters and
clerks; each closed day of each office is summed up once for the province view

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03 07:10:00

Row-level security (assets/postgres/offices.sql) hides office B's rows from office A's roles,
but a foreign key check runs as the table owner and sees every office: without this, office A's
counter could write office B's counter or clerk id into its own ticket with a hand-written
UPDATE and the database would accept it. Here each such reference becomes a composite foreign
key ``(office_id, x_id) → x (office_id, id)``: the same index lookup the plain key already
makes, now also matching the office, for every role including the owner and the bulk loader.

The plain keys stay (the ORM names them; dropping them gains one index probe per write).
A ticket's own references (events.ticket_id, ratings.ticket_id) are not covered: that would
need a unique (office_id, id) index on tickets, millions of rows at a province's scale.

Office days (``office_days``, ``office_day_waits``): the province view's figures of each office's
closed days, written by ``close_day`` (``motcua_close_days``, which sums the caller's own office's
days before today not yet summed) and read by common/store/reads/province.py, which reads the raw
tickets only for the days not summed (today). A year of a 200-office province is 8 M tickets and
a GROUP BY over them took 25 s; the summary is 50 k rows. Waits are kept as a histogram in whole
minutes, so the p90 of summed days is interpolated within its minute.
Row-level security as on the other office tables (``motcua_offices()``, also in offices.sql): a
role that sees no summary row reads the raw tickets instead, with the same result.

SQLite holds one office: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TARGETS = ('services', 'counters', 'clerks')
# (table, column, referenced table)
REFERENCES = (
    ('tickets', 'service_id', 'services'), ('tickets', 'number_service_id', 'services'),
    ('tickets', 'counter_id', 'counters'), ('tickets', 'target_counter_id', 'counters'),
    ('tickets', 'clerk_id', 'clerks'),
    ('events', 'counter_id', 'counters'), ('events', 'clerk_id', 'clerks'),
    ('ratings', 'service_id', 'services'), ('ratings', 'counter_id', 'counters'), ('ratings', 'clerk_id', 'clerks'),
    ('daily_numbers', 'service_id', 'services'), ('counters', 'clerk_id', 'clerks'),
    ('counter_services', 'counter_id', 'counters'), ('counter_services', 'service_id', 'services'),
)


# The caller's office and province flag, as migration 0010 defines them but in PL/pgSQL: a SQL
# function called from a policy's InitPlan or a column default is planned again in every statement
# (EXPLAIN ANALYZE of a kiosk's issue at load 12: 2 to 4 ms per InitPlan); PL/pgSQL keeps its plan
# for the session.
CALLER_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION motcua_office() RETURNS integer LANGUAGE plpgsql STABLE AS
$f$ BEGIN RETURN (SELECT r.office_id FROM office_roles r WHERE r.role_name = current_user); END $f$""",
    """CREATE OR REPLACE FUNCTION motcua_is_province() RETURNS boolean LANGUAGE plpgsql STABLE AS
$f$ BEGIN RETURN COALESCE((SELECT r.province FROM office_roles r WHERE r.role_name = current_user), false); END $f$""",
    """CREATE OR REPLACE FUNCTION motcua_office_default() RETURNS integer LANGUAGE plpgsql STABLE AS
$f$ BEGIN RETURN COALESCE(motcua_office(), 1); END $f$""",
)
SQL_CALLER_FUNCTIONS = (  # migration 0010's, for the downgrade
    """CREATE OR REPLACE FUNCTION motcua_office() RETURNS integer LANGUAGE sql STABLE AS
    $$ SELECT (SELECT r.office_id FROM office_roles r WHERE r.role_name = current_user) $$""",
    """CREATE OR REPLACE FUNCTION motcua_is_province() RETURNS boolean LANGUAGE sql STABLE AS
    $$ SELECT COALESCE((SELECT r.province FROM office_roles r WHERE r.role_name = current_user), false) $$""",
    """CREATE OR REPLACE FUNCTION motcua_office_default() RETURNS integer LANGUAGE sql STABLE AS
    $$ SELECT COALESCE(motcua_office(), 1) $$""",
)
# The same function as assets/postgres/offices.sql's (which a province re-runs after each upgrade).
# Kept in step with common/views/province.py (TARGET_WAIT_S) and common/store/rating.py (Score).
TARGET_WAIT_S = 1800
SATISFIED = 3
OFFICES_FUNCTION = """CREATE OR REPLACE FUNCTION motcua_offices() RETURNS integer[] LANGUAGE plpgsql STABLE AS
$f$
DECLARE r record;
BEGIN
  SELECT o.office_id, o.province INTO r FROM office_roles o WHERE o.role_name = current_user;
  IF r.province THEN RETURN ARRAY(SELECT id FROM offices ORDER BY id); END IF;
  IF r.office_id IS NULL THEN RETURN '{}'::integer[]; END IF;
  RETURN ARRAY[r.office_id];
END $f$"""
SUMMARIZE = f"""CREATE OR REPLACE FUNCTION motcua_summarize_office_days(p_office integer, p_last date)
RETURNS integer LANGUAGE sql SET search_path = public, pg_temp AS $f$
WITH days AS (SELECT DISTINCT service_day FROM tickets WHERE office_id = p_office AND service_day <= p_last
              EXCEPT SELECT service_day FROM office_days WHERE office_id = p_office),
t AS MATERIALIZED (SELECT id, visit_id, service_day, status, wait_s FROM tickets
                   WHERE office_id = p_office AND service_day IN (SELECT service_day FROM days)),
tk AS (SELECT service_day, count(*) AS tickets,
              count(*) FILTER (WHERE status = 'done') AS served,
              count(*) FILTER (WHERE status = 'no_show') AS no_show,
              count(*) FILTER (WHERE wait_s IS NOT NULL AND status <> 'waiting') AS judged,
              count(*) FILTER (WHERE wait_s IS NOT NULL AND status <> 'waiting' AND wait_s <= {TARGET_WAIT_S}) AS within,
              count(*) FILTER (WHERE wait_s IS NOT NULL AND status NOT IN ('expired', 'waiting')) AS wait_n,
              coalesce(sum(wait_s) FILTER (WHERE wait_s IS NOT NULL AND status NOT IN ('expired', 'waiting')), 0)
                AS wait_sum
       FROM t GROUP BY service_day),
vi AS (SELECT service_day, count(*) AS visits, count(*) FILTER (WHERE wait <= {TARGET_WAIT_S}) AS within
       FROM (SELECT service_day, sum(wait_s) AS wait FROM t WHERE wait_s IS NOT NULL AND status <> 'waiting'
             GROUP BY service_day, coalesce(visit_id, id)) v GROUP BY service_day),
ra AS (SELECT t.service_day, count(*) AS ratings, count(*) FILTER (WHERE r.score >= {SATISFIED}) AS satisfied
       FROM ratings r JOIN t ON t.id = r.ticket_id GROUP BY t.service_day),
wa AS (INSERT INTO office_day_waits (office_id, service_day, minute, n)
       SELECT p_office, service_day, wait_s / 60, count(*) FROM t
       WHERE wait_s IS NOT NULL AND status NOT IN ('expired', 'waiting') GROUP BY service_day, wait_s / 60
       ON CONFLICT DO NOTHING RETURNING 1),
ins AS (INSERT INTO office_days (office_id, service_day, tickets, served, no_show, judged, within, wait_n,
                                 wait_sum, visits, visits_within, ratings, satisfied)
        SELECT p_office, tk.service_day, tk.tickets, tk.served, tk.no_show, tk.judged, tk.within, tk.wait_n,
               tk.wait_sum, coalesce(vi.visits, 0), coalesce(vi.within, 0), coalesce(ra.ratings, 0),
               coalesce(ra.satisfied, 0)
        FROM tk LEFT JOIN vi USING (service_day) LEFT JOIN ra USING (service_day)
        ON CONFLICT DO NOTHING RETURNING 1)
SELECT (SELECT count(*) FROM ins)::integer + 0 * (SELECT count(*) FROM wa)::integer
$f$"""
# Any role may sum its own office's closed days (only its own: the office is the caller's, not a parameter).
CLOSE_DAYS = """CREATE OR REPLACE FUNCTION motcua_close_days(p_last date) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
SELECT motcua_summarize_office_days(COALESCE(
  (SELECT r.office_id FROM office_roles r WHERE r.role_name =
     CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END), 1), p_last)
$f$"""


def fk_name(table: str, column: str) -> str:
    return f'fk_{table}_office_{column}'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for target in TARGETS:
        op.create_unique_constraint(f'uq_{target}_office_id_id', target, ['office_id', 'id'])
    for table, column, target in REFERENCES:
        # NOT VALID then VALIDATE: the check of existing rows takes no lock that stops the desks.
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT {fk_name(table, column)} FOREIGN KEY (office_id, {column}) '
                   f'REFERENCES {target} (office_id, id) NOT VALID')
        op.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT {fk_name(table, column)}')
    add_office_days()


def add_office_days() -> None:
    for sql in CALLER_FUNCTIONS:
        op.execute(sql)
    op.execute(OFFICES_FUNCTION)
    op.execute("""CREATE TABLE office_days (
        office_id integer NOT NULL REFERENCES offices (id), service_day date NOT NULL,
        tickets integer NOT NULL, served integer NOT NULL, no_show integer NOT NULL, judged integer NOT NULL,
        within integer NOT NULL, wait_n integer NOT NULL, wait_sum bigint NOT NULL, visits integer NOT NULL,
        visits_within integer NOT NULL, ratings integer NOT NULL, satisfied integer NOT NULL,
        CONSTRAINT pk_office_days PRIMARY KEY (office_id, service_day))""")
    op.execute("""CREATE TABLE office_day_waits (
        office_id integer NOT NULL, service_day date NOT NULL, minute integer NOT NULL, n integer NOT NULL,
        CONSTRAINT pk_office_day_waits PRIMARY KEY (office_id, service_day, minute))""")
    # The province reads a period of every office: by day first (a month is 1/12 of the year's rows).
    op.execute('CREATE INDEX ix_office_day_waits_day ON office_day_waits (service_day) INCLUDE (office_id, minute, n)')
    for table in ('office_days', 'office_day_waits'):
        op.execute(f'GRANT SELECT ON {table} TO PUBLIC')
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY office_only ON {table} FOR SELECT TO PUBLIC '
                   'USING (office_id = ANY ((SELECT motcua_offices())::integer[]))')
    op.execute(SUMMARIZE)
    op.execute('REVOKE ALL ON FUNCTION motcua_summarize_office_days(integer, date) FROM PUBLIC')
    op.execute(CLOSE_DAYS)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for sql in SQL_CALLER_FUNCTIONS:
        op.execute(sql)
    op.execute('DROP FUNCTION IF EXISTS motcua_close_days(date)')
    op.execute('DROP FUNCTION IF EXISTS motcua_summarize_office_days(integer, date)')
    op.execute('DROP TABLE IF EXISTS office_day_waits')
    op.execute('DROP TABLE IF EXISTS office_days')
    for table, column, _ in REFERENCES:
        op.drop_constraint(fk_name(table, column), table, type_='foreignkey')
    for target in TARGETS:
        op.drop_constraint(f'uq_{target}_office_id_id', target, type_='unique')
