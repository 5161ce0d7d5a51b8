-- Catalog facts of learning_network: its tables, views and triggers, keys
-- that carry facility_id, and data-safety configuration.
\i test/pgtap/setup.psql
BEGIN;
CREATE EXTENSION pgtap;
CREATE EXTENSION learning_network CASCADE;

SELECT plan(24);

-- names that collided before 0.2.0: internal views named like their base
-- tables, and spc's result type named like the table phase
SELECT is_empty($$SELECT i.relname FROM pg_class i JOIN pg_class t ON t.relname = i.relname
                  WHERE i.relnamespace = 'learning_network_internal'::regnamespace
                    AND t.relnamespace = 'learning_network'::regnamespace$$,
  'no relation of learning_network_internal is named like one of learning_network');
SELECT is_empty($$SELECT t.typname FROM pg_type t JOIN pg_class c ON c.relname = t.typname
                  WHERE t.typnamespace = 'spc'::regnamespace AND t.typtype = 'c' AND t.typrelid <> c.oid
                    AND c.relnamespace = 'learning_network'::regnamespace$$,
  'no composite type of spc is named like a relation of learning_network');
SELECT hasnt_function('learning_network', 'load_demo', ARRAY['integer'],
  'the production extension has no demo loader (it is learning_network_demo''s)');
CREATE EXTENSION learning_network_demo;
SELECT is((SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
           WHERE d.classid = 'pg_proc'::regclass AND d.objid = 'learning_network.load_demo(integer)'::regprocedure
             AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'),
          'learning_network_demo'::name, 'load_demo belongs to learning_network_demo, in schema learning_network');

SELECT has_extension('learning_network');
SELECT tables_are('learning_network', ARRAY['collaborative', 'cohort', 'facility', 'project', 'measure',
  'observation', 'observation_history', 'phase', 'annotation', 'goal', 'sharing', 'publication',
  'publication_contributor', 'publication_cell', 'chart_change', 'chart_cache', 'chart_version']);
SELECT views_are('learning_network', ARRAY['measures', 'projects', 'chart_points', 'series_status', 'network_weekly',
  'facility_comparison', 'data_completeness', 'sharing_status', 'publication_status', 'public_weekly',
  'public_summary', 'security_audit']);
SELECT materialized_views_are('learning_network', ARRAY[]::name[], 'no materialized view');
SELECT col_is_pk('learning_network', 'observation', ARRAY['facility_id', 'project_id', 'measure_id', 'week_start'],
  'observation is keyed by facility, project, measure and week');
SELECT fk_ok('learning_network', 'observation', ARRAY['project_id', 'facility_id'],
             'learning_network', 'project', ARRAY['project_id', 'facility_id']);
SELECT triggers_are('learning_network', 'observation', ARRAY['observation_check', 'observation_audit', 'observation_chart_change']);
SELECT triggers_are('learning_network', 'observation_history', ARRAY['history_append_only', 'history_no_truncate']);
SELECT volatility_is('learning_network', 'week_start', ARRAY['date'], 'immutable');
SELECT volatility_is('learning_network', 'load_demo', ARRAY['integer'], 'volatile');
SELECT is(
  (SELECT extrequires FROM pg_extension JOIN LATERAL (SELECT array_agg(e2.extname) AS extrequires
     FROM pg_depend d JOIN pg_extension e2 ON e2.oid = d.refobjid
     WHERE d.objid = pg_extension.oid AND d.classid = 'pg_extension'::regclass AND d.refclassid = 'pg_extension'::regclass) r ON true
   WHERE extname = 'learning_network'), ARRAY['spc']::name[], 'requires spc');
-- Every fact table carries facility_id in its primary key (Citus, access).
SELECT is_empty($$
  SELECT c.relname FROM pg_class c JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p'
  WHERE c.relnamespace = 'learning_network'::regnamespace
    AND c.relname IN ('observation', 'observation_history', 'phase', 'annotation', 'goal')
    AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'facility_id'
                    AND a.attnum = ANY (k.conkey))$$,
  'every fact table has facility_id in its primary key');
-- pg_dump keeps the data: every table and sequence is configuration.
SELECT is(
  (SELECT array_length(extconfig, 1) FROM pg_extension WHERE extname = 'learning_network'), 22,
  'fourteen tables and eight sequences are dumped with the database');
SELECT is(
  (SELECT count(*)::int FROM pg_extension e, unnest(e.extconfig) WITH ORDINALITY t(oid, i)
   JOIN unnest(e.extcondition) WITH ORDINALITY w(cond, j) ON i = j
   WHERE e.extname = 'learning_network' AND w.cond = 'WHERE NOT is_reference'), 2,
  'the installed catalogue rows are not dumped (CREATE EXTENSION re-creates them)');
SELECT is((SELECT count(*)::int FROM learning_network.collaborative), 4, 'four collaboratives installed');
SELECT is((SELECT count(*)::int FROM learning_network.measure), 16, 'sixteen measures installed');
SELECT is((SELECT count(*)::int FROM learning_network.measure WHERE parent_measure_id IS NOT NULL), 9,
  'nine element measures (six mammography criteria, three prostate sequences)');
SELECT is_empty($$SELECT code FROM learning_network.measure WHERE kind = 'proportion' AND denominator_definition IS NULL$$,
  'every proportion measure defines its denominator');
SELECT is((SELECT evtenabled::text FROM pg_event_trigger WHERE evtname = 'learning_network_guard_drop'), 'A',
  'the drop guard is enabled, in replication sessions too');

-- Parallel labels true to what a function reaches: the policies of most
-- tables call PARALLEL RESTRICTED helpers (they read the acting role), so a
-- function that reads such a table or any of the views, or calls a function
-- that is not SAFE, is not SAFE either (bodies read as pg_get_functiondef
-- prints them, SQL-standard ones included).
SELECT is_empty($$
  WITH not_safe AS (
    SELECT DISTINCT p.proname AS name FROM pg_proc p
    WHERE p.pronamespace IN ('learning_network'::regnamespace, 'learning_network_internal'::regnamespace)
      AND p.proparallel <> 's'),
  reaches_restricted AS (
    SELECT name FROM not_safe
    UNION
    SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = 'learning_network'::regnamespace
      AND (c.relkind = 'v'
           OR (c.relrowsecurity AND EXISTS (
                 SELECT 1 FROM pg_policy pol, not_safe f
                 WHERE pol.polrelid = c.oid AND pol.polcmd IN ('r', '*')
                   AND pg_get_expr(pol.polqual, pol.polrelid) ~ ('\m' || f.name || '\M')))))
  SELECT p.oid::regprocedure::text || ' reaches ' || r.name FROM pg_proc p, reaches_restricted r
  WHERE p.pronamespace IN ('learning_network'::regnamespace, 'learning_network_internal'::regnamespace)
    AND p.proparallel = 's' AND p.prokind = 'f'
    AND pg_get_functiondef(p.oid) ~ ('\m' || r.name || '\M')$$,
  'no PARALLEL SAFE function reads a view, a table whose policies call restricted helpers, or a function not SAFE');
SELECT * FROM finish();
ROLLBACK;
