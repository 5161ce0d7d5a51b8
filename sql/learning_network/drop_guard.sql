-- Dropping the extension (or spc, or the schema) would delete every team's
-- data with it: refuse while observations exist, unless asked explicitly.
CREATE OR REPLACE FUNCTION @extschema@.guard_drop() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  weeks bigint;
BEGIN
  IF lower(current_query()) !~ '\m(learning_network|spc)\M'
     OR coalesce(current_setting('learning_network.allow_drop', true), '') IN ('on', 'true', '1') THEN
    RETURN;
  END IF;
  SELECT count(*) INTO weeks FROM @extschema@.observation;
  IF weeks > 0 THEN
    RAISE EXCEPTION 'learning_network holds % weeks of observations: dropping it would delete them', weeks
      USING ERRCODE = 'dependent_objects_still_exist',
            HINT = 'Dump the database first (pg_dump keeps every row). To drop anyway: SET learning_network.allow_drop = on.';
  END IF;
END $$;
COMMENT ON FUNCTION @extschema@.guard_drop() IS 'Event trigger: refuses DROP EXTENSION or DROP SCHEMA statements naming learning_network or spc while observations exist, unless learning_network.allow_drop is on.';
DROP EVENT TRIGGER IF EXISTS learning_network_guard_drop;
CREATE EVENT TRIGGER learning_network_guard_drop ON ddl_command_start
  WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
  EXECUTE FUNCTION @extschema@.guard_drop();
