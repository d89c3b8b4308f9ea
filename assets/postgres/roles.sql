-- motcua on PostgreSQL: one database role per app, each with the least it needs.
--
-- Run it as the database's owner after `motcua db upgrade`, and again after every upgrade
-- (it is idempotent):
--     psql -d motcua -f assets/postgres/roles.sql
-- then give each role a password and use it in that PC's config ([database] url):
--     ALTER ROLE motcua_kiosk PASSWORD '...';
--
-- What a stolen password can do:
--   motcua_kiosk      issue tickets and record whether they printed; it cannot call, finish,
--                     rewrite or delete any ticket, nor touch the audit log's past.
--   motcua_display    read only (plus ratings citizens give on the status page).
--   motcua_counter    work the queue; it cannot change the office set-up or the audit log's past.
--   motcua_supervisor read everything, for the dashboard and reports.
-- The owner (who ran `motcua db upgrade`) keeps `setup load` and `clerk add`.

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

-- Everyone reads the office, the queue and the log (no personal data is stored).
GRANT SELECT ON ALL TABLES IN SCHEMA public TO motcua_kiosk, motcua_counter, motcua_display, motcua_supervisor;

-- The kiosk: a new ticket, its number, its estimate and whether it printed. Nothing else.
GRANT INSERT ON tickets, events TO motcua_kiosk;
GRANT INSERT, UPDATE ON daily_numbers TO motcua_kiosk;
GRANT UPDATE (visit_id, people_ahead, estimated_wait_s, print_status) ON tickets TO motcua_kiosk;
GRANT USAGE ON SEQUENCE tickets_id_seq, events_id_seq TO motcua_kiosk;

-- The counter: calls, service, transfers, counter states; new rows in the log.
GRANT INSERT, UPDATE ON tickets TO motcua_counter;
GRANT UPDATE (state, state_since, clerk_id, session_id) ON counters TO motcua_counter;
GRANT INSERT ON events TO motcua_counter;
GRANT USAGE ON SEQUENCE tickets_id_seq, events_id_seq TO motcua_counter;
-- The display publishes its status page address (office_settings.status_page_url) for the kiosks' QR codes.
GRANT INSERT, UPDATE ON office_settings TO motcua_display;

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
