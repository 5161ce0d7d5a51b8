-- Catalog facts of the spc extension: every object there, with the right
-- volatility, strictness, window-ness, parallel safety and a comment.
\i test/pgtap/setup.psql
BEGIN;
CREATE EXTENSION pgtap;
CREATE EXTENSION spc;

SELECT plan(44);

SELECT has_extension('spc');
SELECT has_schema('spc');
SELECT has_type('spc', 'point', 'type spc.point');
SELECT has_type('spc', 'phase_stats', 'type spc.phase_stats (spc.phase_summary''s result)');
SELECT has_domain('spc', 'phase', 'spc.phase, the 0.1.0 name, kept as a domain');
SELECT is((SELECT format_type(typbasetype, NULL) FROM pg_type WHERE oid = 'spc.phase'::regtype), 'spc.phase_stats',
  'spc.phase is a domain over spc.phase_stats');
SELECT columns_are('spc', 'point',
  ARRAY['y', 'cl', 'lcl', 'ucl', 'sigma', 'signal', 'signals', 'variation', 'y_lower'], 'spc.point fields');

-- spc.chart: a window function, IMMUTABLE, not STRICT (NULLs are data).
SELECT has_function('spc', 'chart',
  ARRAY['text', 'double precision', 'double precision', 'boolean', 'boolean', 'text', 'text']);
SELECT is_window('spc', 'chart',
  ARRAY['text', 'double precision', 'double precision', 'boolean', 'boolean', 'text', 'text']);
SELECT volatility_is('spc', 'chart',
  ARRAY['text', 'double precision', 'double precision', 'boolean', 'boolean', 'text', 'text'], 'immutable');
SELECT isnt_strict('spc', 'chart',
  ARRAY['text', 'double precision', 'double precision', 'boolean', 'boolean', 'text', 'text']);
SELECT function_returns('spc', 'chart',
  ARRAY['text', 'double precision', 'double precision', 'boolean', 'boolean', 'text', 'text'], 'spc.point');
SELECT is(
  (SELECT proargnames FROM pg_proc WHERE oid = 'spc.chart(text, float8, float8, boolean, boolean, text, text)'::regprocedure),
  ARRAY['chart', 'x', 'n', 'baseline', 'exclude', 'rules', 'improvement'],
  'spc.chart argument names');
SELECT is(
  (SELECT pronargdefaults FROM pg_proc WHERE oid = 'spc.chart(text, float8, float8, boolean, boolean, text, text)'::regprocedure),
  5::smallint, 'spc.chart: n, baseline, exclude, rules and improvement have defaults');

-- spc.funnel: a window function over units, IMMUTABLE, not STRICT (a NULL x or n is a unit without data).
SELECT has_type('spc', 'funnel_point', 'type spc.funnel_point');
SELECT columns_are('spc', 'funnel_point',
  ARRAY['y', 'target', 'sigma', 'z', 'z_adjusted', 'lower95', 'upper95', 'lower998', 'upper998', 'outside95',
        'outside998', 'phi', 'tau2', 'adjusted', 'units'], 'spc.funnel_point fields');
SELECT is_window('spc', 'funnel', ARRAY['text', 'double precision', 'double precision', 'boolean']);
SELECT isnt_strict('spc', 'funnel', ARRAY['text', 'double precision', 'double precision', 'boolean']);
SELECT function_returns('spc', 'funnel', ARRAY['text', 'double precision', 'double precision', 'boolean'],
  'spc.funnel_point');
SELECT is(
  (SELECT proargnames FROM pg_proc WHERE oid = 'spc.funnel(text, float8, float8, boolean)'::regprocedure),
  ARRAY['chart', 'x', 'n', 'overdispersion'], 'spc.funnel argument names');
SELECT is(
  (SELECT pronargdefaults FROM pg_proc WHERE oid = 'spc.funnel(text, float8, float8, boolean)'::regprocedure),
  1::smallint, 'spc.funnel: overdispersion has a default');

-- spc.assurance: a plain IMMUTABLE STRICT function.
SELECT has_function('spc', 'assurance', ARRAY['double precision', 'double precision', 'double precision', 'text']);
SELECT volatility_is('spc', 'assurance', ARRAY['double precision', 'double precision', 'double precision', 'text'], 'immutable');
SELECT is_strict('spc', 'assurance', ARRAY['double precision', 'double precision', 'double precision', 'text']);

-- spc.phase_summary: six aggregates, each with combine, serial and deserial.
SELECT is_aggregate('spc', 'phase_summary', ARRAY['text', 'timestamp with time zone', 'double precision']);
SELECT is_aggregate('spc', 'phase_summary', ARRAY['text', 'timestamp with time zone', 'double precision', 'double precision']);
SELECT is_aggregate('spc', 'phase_summary', ARRAY['text', 'timestamp with time zone', 'double precision', 'double precision', 'boolean', 'boolean']);
SELECT is_aggregate('spc', 'phase_summary', ARRAY['text', 'double precision', 'double precision']);
SELECT is_aggregate('spc', 'phase_summary', ARRAY['text', 'double precision', 'double precision', 'double precision']);
SELECT is_aggregate('spc', 'phase_summary', ARRAY['text', 'double precision', 'double precision', 'double precision', 'boolean', 'boolean']);

-- The extension's members, for the whole-catalog checks below.
CREATE TEMP VIEW spc_functions AS
SELECT p.oid, p.oid::regprocedure AS signature, p.proname, p.proargtypes, p.prokind, p.proparallel, p.provolatile
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'spc');

SELECT cmp_ok((SELECT count(*) FROM spc_functions), '>=', 17::bigint, 'the extension owns its functions');
SELECT is_empty($$SELECT signature FROM spc_functions WHERE proparallel <> 's'$$,
  'every function and aggregate is PARALLEL SAFE');
SELECT is_empty($$SELECT signature FROM spc_functions WHERE provolatile <> 'i'
                   AND NOT (provolatile = 's' AND proname LIKE 'chart_svg%'
                            AND 'timestamptz'::regtype::oid = ANY (proargtypes::oid[]))$$,
  'every function is IMMUTABLE (no GUC or table is read) but those drawing timestamptz in the session time zone');
SELECT is_empty($$SELECT signature FROM spc_functions WHERE proname LIKE 'chart_svg%' AND prokind = 'f'
                   AND 'timestamptz'::regtype::oid = ANY (proargtypes::oid[]) AND provolatile <> 's'$$,
  'the SVG functions taking timestamptz are STABLE (they read TimeZone)');
SELECT is_empty($$SELECT signature FROM spc_functions WHERE obj_description(oid, 'pg_proc') IS NULL$$,
  'every function and aggregate has a comment');
SELECT is_empty($$
  SELECT a.aggfnoid::regprocedure FROM pg_aggregate a JOIN spc_functions f ON f.oid = a.aggfnoid
  WHERE f.proname <> 'series_summary' AND (a.aggcombinefn = 0 OR (a.aggtranstype = 'internal'::regtype
        AND (a.aggserialfn = 0 OR a.aggdeserialfn = 0)))$$,
  'every aggregate has a combine function (but spc.series_summary, which reads its rows in the call''s ORDER BY, '
  'where PostgreSQL never aggregates in parts, so it needs neither), and serial/deserial for internal states');
SELECT is_empty($$
  SELECT a.aggfnoid::regprocedure FROM pg_aggregate a JOIN spc_functions f ON f.oid = a.aggfnoid
  WHERE a.aggfinalmodify <> 'r'$$,
  'no final function modifies its state (safe in window use)');
SELECT is_empty($$
  SELECT f.signature FROM spc_functions f JOIN pg_proc p ON p.oid = f.oid
  WHERE p.prokind = 'f' AND p.proisstrict AND p.proname LIKE '%\_accum'$$,
  'transition functions are not STRICT (a NULL value is a missing week)');
SELECT is_empty($$
  SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = 'spc' AND t.typtype = 'c' AND obj_description(t.oid, 'pg_type') IS NULL$$,
  'every type has a comment');
SELECT is_empty($$
  SELECT c.relname || '.' || a.attname FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'spc' AND c.relkind = 'c' AND a.attnum > 0
    AND col_description(c.oid, a.attnum) IS NULL$$,
  'every field of every type has a comment');
SELECT isnt(obj_description('spc'::regnamespace, 'pg_namespace'), NULL, 'the schema has a comment');
SELECT is_empty($$
  SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'spc' AND p.proname IN ('avg', 'sum', 'count', 'min', 'max', 'array_agg')$$,
  'no aggregate is named like a built-in (Citus would substitute it)');
SELECT is(
  (SELECT extrelocatable FROM pg_extension WHERE extname = 'spc'), false, 'spc is not relocatable');
SELECT is(
  (SELECT extversion FROM pg_extension WHERE extname = 'spc'), '0.2.0', 'installed version (the one in development)');

SELECT * FROM finish();
ROLLBACK;
