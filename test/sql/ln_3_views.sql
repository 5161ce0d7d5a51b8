-- learning_network views: plain security_invoker views with BI-friendly
-- types, a comment on every view, table and column, and filters on project
-- and measure that reach the base tables' indexes.

-- Only date, integer, bigint, double precision, numeric, text and boolean.
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind = 'v' AND a.attnum > 0
  AND a.atttypid NOT IN ('date'::regtype, 'integer'::regtype, 'bigint'::regtype,
                         'double precision'::regtype, 'numeric'::regtype, 'text'::regtype, 'boolean'::regtype);

-- Every view security_invoker and security_barrier; no materialized view.
SELECT c.relname, c.reloptions
FROM pg_class c WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind IN ('v', 'm')
ORDER BY c.relname;

-- A comment on every table, view and column, and on every function.
SELECT c.relname, a.attname
FROM pg_class c
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind IN ('r', 'v')
  AND ((a.attname IS NULL AND obj_description(c.oid, 'pg_class') IS NULL)
       OR (a.attname IS NOT NULL AND col_description(c.oid, a.attnum) IS NULL)
       OR obj_description(c.oid, 'pg_class') IS NULL);
SELECT p.oid::regprocedure FROM pg_proc p
WHERE p.pronamespace = 'learning_network'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL;
SELECT count(*) AS commented_columns FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind = 'v' AND a.attnum > 0;

-- Filters on project and measure reach the base tables through every
-- window: index scans, no sequential scan of observation.  Planned for a
-- client (staff), whose read policies put facility_id = ANY (visible
-- facilities) before the key (project, measure, week): every index of
-- observation leads with facility_id.
ANALYZE;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT line; END LOOP;
END $$;
SET ROLE learning_network_staff;
SELECT v AS view,
       bool_or(p LIKE '%Index%Scan%observation%') AS index_scan,
       bool_or(p LIKE '%Seq Scan on observation%') AS full_scan
FROM unnest(ARRAY['chart_points', 'series_status', 'data_completeness']) v,
     LATERAL pg_temp.plan_of(format('SELECT * FROM learning_network.%I WHERE project_id = 7 AND measure_id = 1', v)) p
GROUP BY v ORDER BY v;
RESET ROLE;
