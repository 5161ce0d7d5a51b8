-- Dropping the extension would delete every team's data: refused while
-- observations exist, unless asked explicitly.
DROP EXTENSION learning_network;
DROP EXTENSION spc CASCADE;
DROP SCHEMA learning_network CASCADE;
-- The statement's text does not matter, what it deletes does: built by
-- EXECUTE, it is refused all the same ...
DO $$ BEGIN EXECUTE 'DROP EXTENSION learning' || '_network'; END $$;
DO $$ BEGIN EXECUTE 'DROP EXTENSION ' || 'spc CASCADE'; END $$;
-- in a new session (the guard's library not loaded yet) with replication's
-- role (event triggers set to fire only on an origin are skipped) alike
\c
SET session_replication_role = replica;
DO $$ BEGIN EXECUTE 'DROP EXTENSION learning' || '_network'; END $$;
RESET session_replication_role;
-- ... and a statement that only mentions spc goes through.
CREATE SCHEMA scratch;
CREATE TABLE scratch.observation (x int);
INSERT INTO scratch.observation VALUES (1);
DROP SCHEMA scratch /* spc */ CASCADE;
-- Other extensions are unaffected.
CREATE EXTENSION pg_trgm;
DROP EXTENSION pg_trgm;
-- An empty table may be dropped (here rolled back).
BEGIN;
DELETE FROM learning_network.observation;
SET CONSTRAINTS ALL IMMEDIATE;   -- the chart cache's deferred triggers fire now
DROP EXTENSION learning_network;
SELECT count(*) AS learning_network_installed FROM pg_extension WHERE extname = 'learning_network';
ROLLBACK;
-- The explicit opt-in (here rolled back).
BEGIN;
SET LOCAL learning_network.allow_drop = on;
DROP EXTENSION learning_network;
SELECT count(*) AS learning_network_installed FROM pg_extension WHERE extname = 'learning_network';
ROLLBACK;
SELECT count(*) AS observations_kept FROM learning_network.observation;
