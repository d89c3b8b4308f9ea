-- motcua on PostgreSQL: one database role per app, each with the least it needs.
--
-- Run it as the database's owner after `motcua db upgrade`, and again after every upgrade
-- (it is idempotent):
--     psql -d motcua -f assets/postgres/roles.sql
-- then give each role a password and use it in that PC's config ([database] url):
--     ALTER ROLE motcua_kiosk PASSWORD '...';
--
-- What a stolen password can do:
--   motcua_kiosk      issue a waiting ticket with its "issued" event, advance today's number by one,
--                     record whether a waiting ticket printed, read the queue its screen shows.
--                     It reads no clerk but the user name at each counter; it cannot insert a ticket in any other state, forge any other
--                     event, jump a number, or rewrite or delete anything.
--   motcua_display    read the board and the statuses, and record a citizen's rating. Of the
--                     clerks, only the user name at each counter. Book, cancel and rebook a slot, and
--                     issue a waiting ticket for a phone (issue 19), as the kiosk does; it reads no
--                     citizen's contact.
--   motcua_counter    work the queue; it reads clerks' names but never a password hash (the
--                     sign-in check compares inside the database: motcua_check_password()); it cannot change the
--                     office set-up or the audit log's past.
--   motcua_supervisor read everything but the hashes, for the dashboard and reports; sign in.
-- The owner (who ran `motcua db upgrade`) keeps `setup load` and `clerk add`.
-- A refused statement ends as one line naming the role and the statement (common.store.operations).
--
-- The rules are row-level security policies (WITH CHECK) and one trigger, so they hold for
-- every statement whatever client sends it, and the store keeps one code path for all roles.

-- The first run on a fresh database would print ~40 "NOTICE: policy ... does not exist, skipping" lines
-- (DROP POLICY IF EXISTS), which a newcomer reads as errors: only warnings and errors are shown.
SET client_min_messages = warning;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['motcua_kiosk', 'motcua_counter', 'motcua_display', 'motcua_supervisor'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', r);
    END IF;
  END LOOP;
END $$;

GRANT USAGE ON SCHEMA public TO motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor;

-- Everyone reads the office, the queue and the log (no personal data is stored there)...
GRANT SELECT ON ALL TABLES IN SCHEMA public TO motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor;
-- ...but not the clerks: the kiosk and the display have no business there, and nobody but the
-- owner reads a password hash. The counter and the dashboard see names and roles.
REVOKE SELECT ON clerks FROM motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor;
GRANT SELECT (id, username, full_name, role, active) ON clerks TO motcua_counter, motcua_supervisor;
-- The board and the kiosk's queue name the clerk at each counter: the user name, nothing more.
GRANT SELECT (id, username) ON clerks TO motcua_kiosk, motcua_display;
REVOKE SELECT ON sign_in_throttle FROM motcua_kiosk, motcua_display;
-- Sign-in check (migration 0006): a hash's salt, and a yes/no on a candidate digest. No role
-- but the owner can read a stored digest; motcua_password_hash() of 0005 is gone.
REVOKE ALL ON FUNCTION motcua_password_salt(text), motcua_check_password(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION motcua_password_salt(text), motcua_check_password(text, text)
  TO motcua_counter, motcua_supervisor;

-- The kiosk: a new ticket, its number, its estimate and whether it printed. Nothing else.
GRANT INSERT ON tickets, events TO motcua_kiosk;
GRANT INSERT, UPDATE ON daily_numbers TO motcua_kiosk;
GRANT UPDATE (visit_id, people_ahead, estimated_wait_s, print_status,
              forecast_p10_s, forecast_p50_s, forecast_p90_s, estimate_method) ON tickets TO motcua_kiosk;
GRANT USAGE ON SEQUENCE tickets_id_seq, events_id_seq TO motcua_kiosk;

-- The counter: calls, service, transfers, counter states; new rows in the log; sign-ins.
GRANT INSERT, UPDATE ON tickets TO motcua_counter;
GRANT UPDATE (state, state_since, clerk_id, session_id) ON counters TO motcua_counter;
GRANT INSERT ON events TO motcua_counter;
GRANT USAGE ON SEQUENCE tickets_id_seq, events_id_seq TO motcua_counter;
-- The display publishes its status page address (office_settings.status_page_url) for the kiosks' QR codes.
GRANT INSERT, UPDATE ON office_settings TO motcua_display;

-- Signing in (counter and dashboard): the throttle rows and the sign-in events.
GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_throttle TO motcua_counter, motcua_supervisor;
GRANT INSERT ON events TO motcua_supervisor;
GRANT USAGE ON SEQUENCE events_id_seq TO motcua_supervisor;

-- Ratings (citizen satisfaction), where the schema has them: the counter's panel and the status page.
DO $$
BEGIN
  IF to_regclass('public.ratings') IS NOT NULL THEN
    GRANT INSERT ON ratings TO motcua_counter, motcua_display;
    GRANT INSERT ON events TO motcua_display;
    GRANT USAGE ON SEQUENCE events_id_seq TO motcua_display;
    IF to_regclass('public.ratings_id_seq') IS NOT NULL THEN
      GRANT USAGE ON SEQUENCE ratings_id_seq TO motcua_counter, motcua_display;
    END IF;
  END IF;
END $$;

-- Appointments and remote numbers (issue 19; migration 0011), where the schema has them. A booking's
-- contact (a phone or an e-mail) is personal data: the kiosk checks a code in without reading it.
-- The status server (display) books, cancels and rebooks for citizens and gives a phone today's
-- number (a waiting ticket, as the kiosk's); it writes a booking's contact but never reads one: the cap
-- on a phone's active bookings counts by contact_key, a hash (migration 0016). The counter books for a
-- citizen on the phone and expires the day's missed bookings.
DO $$
BEGIN
  IF to_regclass('public.bookings') IS NOT NULL THEN
    REVOKE SELECT ON bookings FROM motcua_kiosk, motcua_display;
    GRANT SELECT (id, office_id, code, service_id, slot_id, slot_start, slot_end, state, source, created_at,
                  updated_at, ticket_id) ON bookings TO motcua_kiosk, motcua_display;
    IF EXISTS (SELECT FROM information_schema.columns
               WHERE table_schema = 'public' AND table_name = 'bookings' AND column_name = 'contact_key') THEN
      GRANT SELECT (contact_key) ON bookings TO motcua_display;
    END IF;
    GRANT UPDATE (state, ticket_id, updated_at) ON bookings TO motcua_kiosk;
    GRANT INSERT, UPDATE ON bookings, booking_slots TO motcua_display, motcua_counter;
    GRANT USAGE ON SEQUENCE bookings_id_seq, booking_slots_id_seq TO motcua_display, motcua_counter;
    GRANT INSERT ON tickets, events TO motcua_display;
    GRANT INSERT, UPDATE ON daily_numbers TO motcua_display;
    GRANT UPDATE (visit_id, people_ahead, estimated_wait_s, print_status,
                  forecast_p10_s, forecast_p50_s, forecast_p90_s, estimate_method) ON tickets TO motcua_display;
    GRANT USAGE ON SEQUENCE tickets_id_seq TO motcua_display;
  END IF;
END $$;

-- Row-level security: what each role may write, row by row. The owner is not subject to it.
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE daily_numbers ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS read_all ON tickets;
CREATE POLICY read_all ON tickets FOR SELECT
  TO motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor USING (true);
DROP POLICY IF EXISTS counter_works ON tickets;
CREATE POLICY counter_works ON tickets FOR ALL TO motcua_counter USING (true) WITH CHECK (true);
-- The kiosk inserts only a ticket that is waiting and untouched...
DROP POLICY IF EXISTS kiosk_issues ON tickets;
-- (the display too: a number taken from a phone is the kiosk's ticket without paper, issue 19)
CREATE POLICY kiosk_issues ON tickets FOR INSERT TO motcua_kiosk, motcua_display WITH CHECK (
  status = 'waiting' AND transfer_seq = 0 AND recall_count = 0
  AND first_called_at IS NULL AND called_at IS NULL AND last_called_at IS NULL
  AND started_at IS NULL AND finished_at IS NULL
  AND wait_s IS NULL AND walk_s IS NULL AND service_s IS NULL
  AND counter_id IS NULL AND clerk_id IS NULL AND target_counter_id IS NULL
  AND service_id = number_service_id);
-- ...and updates (its column grants: estimate, print status) only a ticket still waiting.
DROP POLICY IF EXISTS kiosk_prints ON tickets;
CREATE POLICY kiosk_prints ON tickets FOR UPDATE TO motcua_kiosk
  USING (status = 'waiting') WITH CHECK (status = 'waiting');

DROP POLICY IF EXISTS read_all ON events;
CREATE POLICY read_all ON events FOR SELECT
  TO motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor USING (true);
DROP POLICY IF EXISTS counter_logs ON events;
CREATE POLICY counter_logs ON events FOR INSERT TO motcua_counter WITH CHECK (true);
-- The kiosk logs an issued ticket and its printing; the display a rating; the dashboard a sign-in.
DROP POLICY IF EXISTS kiosk_logs ON events;
CREATE POLICY kiosk_logs ON events FOR INSERT TO motcua_kiosk, motcua_display WITH CHECK (
  counter_id IS NULL AND clerk_id IS NULL
  AND ((kind = 'issued' AND from_status IS NULL AND to_status = 'waiting') OR
       (kind LIKE 'print\_%' AND from_status IS NULL AND to_status IS NULL)));
DROP POLICY IF EXISTS display_logs ON events;
CREATE POLICY display_logs ON events FOR INSERT TO motcua_display WITH CHECK (
  kind = 'rated' AND from_status IS NULL AND to_status IS NULL);
DROP POLICY IF EXISTS supervisor_logs ON events;
CREATE POLICY supervisor_logs ON events FOR INSERT TO motcua_supervisor WITH CHECK (
  kind IN ('signin_ok', 'signin_failed', 'signin_throttled') AND ticket_id IS NULL AND counter_id IS NULL);

DROP POLICY IF EXISTS read_all ON daily_numbers;
CREATE POLICY read_all ON daily_numbers FOR SELECT
  TO motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor USING (true);
-- The kiosk starts a service's day at its first number...
DROP POLICY IF EXISTS kiosk_starts_day ON daily_numbers;
CREATE POLICY kiosk_starts_day ON daily_numbers FOR INSERT TO motcua_kiosk, motcua_display WITH CHECK (
  issued = 1 AND last_number = (SELECT s.number_min FROM services s WHERE s.id = service_id));
DROP POLICY IF EXISTS kiosk_advances ON daily_numbers;
CREATE POLICY kiosk_advances ON daily_numbers FOR UPDATE TO motcua_kiosk, motcua_display USING (true) WITH CHECK (true);

-- ...and advances it by exactly one (a policy cannot see the old row; a trigger can).
CREATE OR REPLACE FUNCTION motcua_number_steps_by_one() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The kiosk role itself, or an office's kiosk role made a member of it (assets/postgres/offices.sql).
  IF (current_user IN ('motcua_kiosk', 'motcua_display') OR EXISTS (SELECT FROM pg_auth_members a
        JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
        WHERE g.rolname IN ('motcua_kiosk', 'motcua_display') AND m.rolname = current_user))
     AND (NEW.last_number <> OLD.last_number + 1 OR NEW.issued <> OLD.issued + 1
          OR NEW.service_id <> OLD.service_id OR NEW.service_day <> OLD.service_day) THEN
    RAISE EXCEPTION 'the kiosk may only advance the day''s number by one'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS number_steps_by_one ON daily_numbers;
CREATE TRIGGER number_steps_by_one BEFORE UPDATE ON daily_numbers
  FOR EACH ROW EXECUTE FUNCTION motcua_number_steps_by_one();
