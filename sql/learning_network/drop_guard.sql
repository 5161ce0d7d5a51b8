-- Dropping the extension (or spc, or the schema) would delete every team's
-- data with it: refuse while observations exist, unless asked explicitly.
--
-- The check is made on the objects a deletion removes, not on the statement's
-- text: spc's library hooks the catalog's deletion of
-- learning_network.observation (src/pg/drop_guard.c), so DROP EXTENSION built
-- by EXECUTE, DROP EXTENSION spc CASCADE or DROP OWNED are refused alike, and
-- DROP SCHEMA scratch /* spc */ is not.  This event trigger only makes sure
-- the library is loaded before any DDL statement runs.
CREATE OR REPLACE FUNCTION @extschema@.guard_drop() RETURNS event_trigger
LANGUAGE c AS '$libdir/spc', 'spc_drop_guard_load';
COMMENT ON FUNCTION @extschema@.guard_drop() IS 'Event trigger: loads spc''s drop guard, which refuses any statement that would delete learning_network.observation while it holds rows, unless learning_network.allow_drop is on.';
DROP EVENT TRIGGER IF EXISTS learning_network_guard_drop;
CREATE EVENT TRIGGER learning_network_guard_drop ON ddl_command_start
  EXECUTE FUNCTION @extschema@.guard_drop();
-- also when session_replication_role is replica, as during some restores
ALTER EVENT TRIGGER learning_network_guard_drop ENABLE ALWAYS;
