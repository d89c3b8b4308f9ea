-- motcua for a province: one PostgreSQL, many offices, each role confined to its own office.
--
-- Run it as the database's owner after roles.sql, and again after every upgrade (idempotent):
--     psql -d motcua -f assets/postgres/roles.sql -f assets/postgres/offices.sql
-- Then, for each office, `motcua office roles CODE` prints the SQL that creates its roles
-- (motcua_kiosk_o2, motcua_counter_o2, ...: members of the app roles above, so they get
-- exactly those grants and policies) and registers them in office_roles.
--
-- The rule, on every office-owned table, as a RESTRICTIVE policy (ANDed with the app
-- policies of roles.sql): a role reads and writes only rows whose office_id is its own
-- office (office_roles, written by the owner only); a province role reads every office and
-- writes nothing. A role not in office_roles sees no row. The owner is not subject to it.
-- The roles of a single-office install (motcua_kiosk, ...) are office 1.

-- Only warnings and errors: the first run's "NOTICE: ... does not exist, skipping" lines read as errors.
SET client_min_messages = warning;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['motcua_province', 'motcua_office_admin'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I', r);
    END IF;
  END LOOP;
END $$;
ALTER ROLE motcua_province LOGIN;

INSERT INTO office_roles (role_name, office_id) VALUES
  ('motcua_kiosk', 1), ('motcua_counter', 1), ('motcua_display', 1), ('motcua_supervisor', 1)
ON CONFLICT (role_name) DO NOTHING;
INSERT INTO office_roles (role_name, office_id, province) VALUES ('motcua_province', NULL, true)
ON CONFLICT (role_name) DO UPDATE SET office_id = NULL, province = true;

-- The province reads everything but the password hashes; it writes nothing.
GRANT USAGE ON SCHEMA public TO motcua_province, motcua_office_admin;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO motcua_province;
REVOKE SELECT ON clerks, sign_in_throttle FROM motcua_province;
GRANT SELECT (id, office_id, username, full_name, role, active) ON clerks TO motcua_province;
-- A booking's contact (a phone or an e-mail, issue 19) is a citizen's personal data, for the office
-- that serves them; the province counts bookings but never reads who made them.
DO $$
BEGIN
  IF to_regclass('public.bookings') IS NOT NULL THEN
    REVOKE SELECT ON bookings FROM motcua_province;
    GRANT SELECT (office_id, id, code, service_id, slot_id, slot_start, slot_end, state, source, created_at,
                  updated_at, ticket_id) ON bookings TO motcua_province;
  END IF;
END $$;

-- An office's own administrator (`setup load`, `clerk add` for one office, run by the owner
-- with [database] role = motcua_office_admin_oN): its set-up, in its office only.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO motcua_office_admin;
-- ...but not a booking's contact: setting an office up needs no citizen's phone. Who reads contacts:
-- the counter (it calls today's citizens when a slot changes) and the supervisor (the dashboard's "Lịch hẹn"
-- tab, the orphans a plan change leaves). Not the status server (it writes the contact and counts a phone's
-- open bookings by contact_key, migration 0016), the kiosk, the office admin or the province
-- (test_booking_contacts.py).
DO $$
BEGIN
  IF to_regclass('public.bookings') IS NOT NULL THEN
    REVOKE SELECT ON bookings FROM motcua_office_admin;
    GRANT SELECT (office_id, id, code, service_id, slot_id, slot_start, slot_end, state, source, created_at,
                  updated_at, ticket_id) ON bookings TO motcua_office_admin;
  END IF;
END $$;
GRANT INSERT, UPDATE, DELETE ON services, counters, counter_services, clerks, office_settings, sign_in_throttle
  TO motcua_office_admin;
GRANT INSERT ON events TO motcua_office_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO motcua_office_admin;

-- The offices the caller may read: all of them for a province role, its own for an office's role,
-- none for a role in no office. The policy below reads it as ONE InitPlan per statement,
-- ``office_id = ANY ((SELECT motcua_offices())::integer[])``, which is an index condition on
-- (office_id, ...) indexes. The former ``office_id = motcua_office() OR motcua_is_province()``
-- was not inlined under the OR: two sub-selects per row, 1.4 s for an office's month of 11 k
-- tickets (docs/province.md, "Scale, measured"). PL/pgSQL, not SQL: its plan is cached per session,
-- 0.09 ms per statement instead of 0.5 ms (an office's dashboard refresh makes ~30 statements).
-- The caller is compared in the collation of office_roles' key: current_user is a name (collation
-- "C"), and compared as such the key is not used and every role of the province is read on each call,
-- ~3 ms per issue or call in a 200-office province (migration 0015, docs/benchmarks/prov4.md).
CREATE OR REPLACE FUNCTION motcua_offices() RETURNS integer[] LANGUAGE plpgsql STABLE AS
$f$
DECLARE r record;
BEGIN
  SELECT o.office_id, o.province INTO r FROM office_roles o WHERE o.role_name = current_user::text COLLATE "default";
  IF r.province THEN RETURN ARRAY(SELECT id FROM offices ORDER BY id); END IF;
  IF r.office_id IS NULL THEN RETURN '{}'::integer[]; END IF;
  RETURN ARRAY[r.office_id];
END $f$;

-- The policy below asks the same two lookups declared IMMUTABLE (migration 0021): PostgreSQL evaluates
-- them when it plans a statement, so a cached plan holds the caller's office as a constant instead of
-- probing office_roles once per table the statement names (~20 times per call + no-show: 15-30 % of a
-- province's desk, docs/benchmarks/prov7.md). A plan that applied row-level security is planned again when
-- the role changes; the trigger makes every session plan again when office_roles or offices is written.
-- They are called bare, not as (SELECT ...): a sub-select's array is costed as 10 offices, and a generic plan
-- then read every office's waiting tickets (docs/benchmarks/queue7.md); folded, it is the caller's own.
-- motcua_offices() and motcua_office() stay STABLE for the callers that name them outside a policy.
-- The twins ask the STABLE lookups, so that "the caller's office" is written once; only their volatility differs.
CREATE OR REPLACE FUNCTION motcua_policy_offices() RETURNS integer[] LANGUAGE plpgsql IMMUTABLE AS
$f$ BEGIN RETURN motcua_offices(); END $f$;
CREATE OR REPLACE FUNCTION motcua_policy_office() RETURNS integer LANGUAGE plpgsql IMMUTABLE AS
$f$ BEGIN RETURN motcua_office(); END $f$;
-- ALTER FUNCTION rewrites the function's catalog row even when nothing changes: every plan that folded it,
-- in every session, is invalidated.
CREATE OR REPLACE FUNCTION motcua_policy_replan() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS
$f$ BEGIN
  -- One writer at a time: two transactions rewriting the same catalog row fail ("tuple concurrently updated").
  -- The second waits here for the first's commit, then reads the functions' rows afresh.
  PERFORM pg_advisory_xact_lock(hashtext('motcua_policy_replan'));
  ALTER FUNCTION motcua_policy_offices() IMMUTABLE;
  ALTER FUNCTION motcua_policy_office() IMMUTABLE;
  RETURN NULL;
END $f$;
DROP TRIGGER IF EXISTS motcua_policy_replan ON office_roles;
CREATE TRIGGER motcua_policy_replan AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON office_roles
  FOR EACH STATEMENT EXECUTE FUNCTION motcua_policy_replan();
DROP TRIGGER IF EXISTS motcua_policy_replan ON offices;
CREATE TRIGGER motcua_policy_replan AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON offices
  FOR EACH STATEMENT EXECUTE FUNCTION motcua_policy_replan();

DO $$
DECLARE
  t text;
  tables text[] := ARRAY['services', 'clerks', 'counters', 'counter_services', 'daily_numbers', 'tickets',
                         'events', 'office_settings', 'ratings', 'sign_in_throttle'];
BEGIN
  IF to_regclass('public.bookings') IS NOT NULL THEN  -- appointments (issue 19, migration 0011)
    tables := tables || ARRAY['bookings', 'booking_slots'];
  END IF;
  FOREACH t IN ARRAY tables LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS office_only ON %I', t);
    EXECUTE format('CREATE POLICY office_only ON %I AS RESTRICTIVE FOR ALL TO PUBLIC '
                   'USING (office_id = ANY (motcua_policy_offices())) '
                   'WITH CHECK (office_id = motcua_policy_office())', t);
    EXECUTE format('DROP POLICY IF EXISTS office_admin ON %I', t);
    EXECUTE format('CREATE POLICY office_admin ON %I FOR ALL TO motcua_office_admin USING (true) WITH CHECK (true)', t);
    EXECUTE format('DROP POLICY IF EXISTS province_reads ON %I', t);
    EXECUTE format('CREATE POLICY province_reads ON %I FOR SELECT TO motcua_province USING (true)', t);
    -- The province's drill-down into one office's dashboard connects with motcua.office = N
    -- (common/store/office_scope.py): it narrows the province's own reads, never widens anyone's.
    EXECUTE format('DROP POLICY IF EXISTS province_scope ON %I', t);
    EXECUTE format('CREATE POLICY province_scope ON %I AS RESTRICTIVE FOR SELECT TO motcua_province '
                   'USING (nullif(current_setting(''motcua.office'', true), '''') IS NULL '
                   'OR office_id = nullif(current_setting(''motcua.office'', true), '''')::integer)', t);
    -- Tables that had no row-level security before: their grants (roles.sql) already say who
    -- may do what; this permissive policy lets the restrictive one above decide the rows.
    IF t NOT IN ('tickets', 'events', 'daily_numbers') THEN
      EXECUTE format('DROP POLICY IF EXISTS office_rows ON %I', t);
      EXECUTE format('CREATE POLICY office_rows ON %I FOR ALL TO PUBLIC USING (true) WITH CHECK (true)', t);
    END IF;
  END LOOP;
END $$;

-- The province's named people (migration 0014, `motcua province staff add`): the province role reads
-- their accounts but not the hashes, checks a password through the two functions below, and appends
-- to its sign-in log (the one thing it writes). No office's role reads them; they have no office.
DO $$
BEGIN
  IF to_regclass('public.province_staff') IS NOT NULL THEN
    REVOKE ALL ON province_staff, province_signins
      FROM motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor, motcua_office_admin, motcua_province;
    GRANT SELECT (id, username, full_name, active, created_at) ON province_staff TO motcua_province;
    GRANT SELECT, INSERT ON province_signins TO motcua_province;
    GRANT USAGE ON SEQUENCE province_signins_id_seq TO motcua_province;
    GRANT EXECUTE ON FUNCTION motcua_staff_salt(text), motcua_check_staff_password(text, text) TO motcua_province;
  END IF;
END $$;
