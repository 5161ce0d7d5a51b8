-- The chart cache: whole-series charts served from chart_cache while
-- drawn at their project's data version (chart_version, bumped by every
-- committed change), redrawn after any committed change, in the variant the
-- caller may see, never with a writer's uncommitted data.  Statements here
-- commit one by one, as the HUB's do; test/chart_cache_interleaving.pl
-- drives concurrent sessions.
SET extra_float_digits = 0;
INSERT INTO learning_network.facility (name, pseudonym) VALUES ('Cache Clinic', 'F-CACHE1'), ('Cache Peer', 'F-CACHE2');
INSERT INTO learning_network.project (facility_id, collaborative_id, title, started_on)
SELECT facility_id, 2, name || ' project', '2025-01-05' FROM learning_network.facility WHERE pseudonym LIKE 'F-CACHE_';
SELECT p.project_id AS p, f.facility_id AS f FROM learning_network.project p JOIN learning_network.facility f USING (facility_id)
WHERE f.pseudonym = 'F-CACHE1' \gset
SELECT p.project_id AS q, f.facility_id AS g FROM learning_network.project p JOIN learning_network.facility f USING (facility_id)
WHERE f.pseudonym = 'F-CACHE2' \gset
SELECT learning_network.create_facility_role(:f) AS own_role, learning_network.create_facility_role(:g) AS peer_role \gset
SELECT learning_network.set_sharing('network', facility_id => :f), learning_network.set_sharing('network', facility_id => :g);

CREATE VIEW cache_state AS
SELECT c.variant, c.measure_id, c.chart_json, jsonb_array_length(c.chart_json -> 'points') AS points,
       c.version = learning_network_internal.chart_data_version(c.project_id) AS fresh
FROM learning_network.chart_cache c WHERE c.project_id = :p;
\set state 'SELECT variant, points, fresh FROM cache_state ORDER BY variant, points'

SET ROLE :"own_role";
SELECT learning_network.record_week(:p, 1, '2025-01-05', 30, 45), learning_network.record_week(:p, 1, '2025-01-12', 31, 45);
-- the first request draws the chart and keeps it; the second is served
SELECT jsonb_array_length(learning_network.chart_json(:p, 1) -> 'points') AS points, learning_network.chart_json(:p, 1) ->> 'facility' AS facility;
RESET ROLE;
:state;
-- served from the cache: the kept row is what the function returns
SET ROLE :"own_role";
SELECT learning_network.chart_svg(:p, 1) LIKE '%Cache Clinic%' AS svg_names_the_facility;
RESET ROLE;

-- a committed week makes it stale; the next request redraws it
SET ROLE :"own_role";
SELECT learning_network.record_week(:p, 1, '2025-01-19', 29, 45);
RESET ROLE;
:state;
SET ROLE :"own_role";
SELECT jsonb_array_length(learning_network.chart_json(:p, 1) -> 'points') AS points_after_a_new_week;
RESET ROLE;
:state;

-- the peer gets, and the cache keeps, the network variant: pseudonym, no notes
SET ROLE :"own_role";
SELECT learning_network.add_annotation(:p, '2025-01-12', 'PDSA: our private note') > 0 AS annotated;
SELECT learning_network.chart_json(:p, 1) -> 'annotations' -> 0 ->> 'text' AS own_sees;
RESET ROLE;
SET ROLE :"peer_role";
SELECT j ->> 'facility' AS peer_sees, j ->> 'project_title' AS title, jsonb_array_length(j -> 'annotations') AS annotations,
       learning_network.chart_svg(:p, 1) LIKE '%Cache Clinic%' AS svg_names_it
FROM (SELECT learning_network.chart_json(:p, 1) AS j) s;
RESET ROLE;
:state;
-- a facility that stops sharing is gone from its peer's next request,
-- although the network variant is still kept
SET ROLE :"own_role";
SELECT learning_network.set_sharing('private');
RESET ROLE;
SET ROLE :"peer_role";
SELECT learning_network.chart_json(:p, 1) IS NULL AS peer_sees_nothing, learning_network.chart_svg(:p, 1) IS NULL AS nor_svg;
RESET ROLE;

-- inside a transaction that wrote, the writer sees its change; nothing
-- uncommitted is kept, and after a rollback the kept chart is served again
SET ROLE :"own_role";
SELECT learning_network.chart_json(:p, 1) IS NOT NULL AS drawn;
BEGIN;
SELECT learning_network.record_week(:p, 1, '2025-01-26', 44, 45);
SELECT jsonb_array_length(learning_network.chart_json(:p, 1) -> 'points') AS points_inside_the_writer;
ROLLBACK;
SELECT jsonb_array_length(learning_network.chart_json(:p, 1) -> 'points') AS points_after_rollback;
RESET ROLE;
:state;

-- a transaction that reads several charts keeps them all (it changed nothing)
SET ROLE :"own_role";
SELECT learning_network.record_week(:p, 2, '2025-01-05', 40, 45);
RESET ROLE;
DELETE FROM learning_network.chart_cache WHERE project_id = :p;
SET ROLE :"own_role";
BEGIN;
SELECT count(learning_network.chart_json(:p, m)) AS charts FROM generate_series(1, 2) m;
COMMIT;
RESET ROLE;
SELECT measure_id, fresh FROM cache_state ORDER BY measure_id;

-- a read-only transaction (a replica) is served and draws, but keeps nothing
SET ROLE :"own_role";
SELECT learning_network.record_week(:p, 1, '2025-01-26', 44, 45);
BEGIN TRANSACTION READ ONLY;
SELECT jsonb_array_length(learning_network.chart_json(:p, 1) -> 'points') AS points_read_only;
COMMIT;
RESET ROLE;
:state;

-- every committed change bumps the version once, however many rows it
-- wrote; the marks are gone once it commits, and a rollback bumps nothing
SELECT version AS v0 FROM learning_network.chart_version WHERE project_id = :p \gset
SET ROLE :"own_role";
BEGIN;
SELECT learning_network.record_week(:p, 1, '2025-02-02', 40, 45), learning_network.record_week(:p, 2, '2025-02-02', 41, 45);
RESET ROLE;
SELECT count(*) AS marks_inside FROM learning_network.chart_change;
COMMIT;
SET ROLE :"own_role";
BEGIN;
SELECT learning_network.record_week(:p, 1, '2025-02-09', 40, 45);
ROLLBACK;
RESET ROLE;
SELECT version - :v0 AS bumps, (SELECT count(*) FROM learning_network.chart_change) AS marks_left
FROM learning_network.chart_version WHERE project_id = :p;
-- a sharing change bumps every project of the facility
SELECT learning_network.set_sharing('public', facility_id => :f);
SELECT version - :v0 AS bumps_after_sharing FROM learning_network.chart_version WHERE project_id = :p;

-- a renamed facility is redrawn with its new name
UPDATE learning_network.facility SET name = 'Cache Clinic Renamed' WHERE facility_id = :f;
SET ROLE :"own_role";
SELECT learning_network.chart_json(:p, 1) ->> 'facility' AS facility_after_rename;
RESET ROLE;

-- what the cache serves is what is drawn now
SELECT variant, fresh, chart_json = learning_network_internal.render_chart_json(:p, measure_id, NULL, NULL) AS equal_to_a_fresh_drawing
FROM cache_state WHERE variant = 'own' AND fresh;

-- a hit is one statement of chart_json and chart_svg: the lookup, kept_chart,
-- is inlined there (a SET option, SECURITY DEFINER or VOLATILE on it would
-- stop that, and every new session would compile and plan one more function)
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END $$;
SELECT count(*) FILTER (WHERE line ~ 'Function Scan') AS function_scans,
       count(*) FILTER (WHERE line ~ ' on chart_cache c') AS chart_cache_scans
FROM pg_temp.plan_of(format('SELECT k.chart_json FROM learning_network_internal.kept_chart(%s, 1) k', :p)) line;

-- clean up (roles belong to the cluster)
DROP VIEW cache_state;
DELETE FROM learning_network.chart_cache;
DELETE FROM learning_network.annotation WHERE project_id IN (:p, :q);
DELETE FROM learning_network.observation WHERE project_id IN (:p, :q);
DELETE FROM learning_network.sharing WHERE facility_id IN (:f, :g);
DROP ROLE :"own_role", :"peer_role";
