-- Dropping the extension would delete every team's data: refused while
-- observations exist, unless asked explicitly.
DROP EXTENSION learning_network;
DROP EXTENSION spc CASCADE;
DROP SCHEMA learning_network CASCADE;
-- Other extensions are unaffected.
CREATE EXTENSION pg_trgm;
DROP EXTENSION pg_trgm;
-- The explicit opt-in (here rolled back).
BEGIN;
SET LOCAL learning_network.allow_drop = on;
DROP EXTENSION learning_network;
SELECT count(*) AS learning_network_installed FROM pg_extension WHERE extname = 'learning_network';
ROLLBACK;
SELECT count(*) AS observations_kept FROM learning_network.observation;
