-- spc.phase_summary: one spc.phase per group, equal to what spc.chart
-- computes for the same partition, identical under a forced parallel plan.
SET extra_float_digits = 0;

CREATE TABLE obs (series int, week date, phase int, num float8, den float8);
INSERT INTO obs
SELECT s, date '2024-01-07' + 7 * w, CASE WHEN w < 30 THEN 1 ELSE 2 END,
       (s * 37 + w * 101) % 40 + CASE WHEN w < 30 THEN 100 ELSE 130 END, 200 + (s * 13 + w * 7) % 50
FROM generate_series(1, 400) s, generate_series(0, 51) w;
ANALYZE obs;

-- The summary of a phase: centre line, sigma, sigma_z, trial, runs analysis.
SELECT phase, (s).*
FROM (SELECT phase, spc.phase_summary('pp', week, num, den) AS s
      FROM obs WHERE series = 1 GROUP BY phase) q ORDER BY phase;

-- A date key, a numeric key, and spc.chart all agree.
SELECT a.s = b.s AS date_and_number_keys_agree
FROM (SELECT spc.phase_summary('i', week, num) AS s FROM obs WHERE series = 2 AND phase = 1) a,
     (SELECT spc.phase_summary('i', (week - date '2024-01-07')::float8, num) AS s
      FROM obs WHERE series = 2 AND phase = 1) b;
SELECT round((s).cl::numeric, 10) = round(min((c).cl)::numeric, 10) AS same_cl,
       round((s).avg_ucl::numeric, 10) = round(avg((c).ucl)::numeric, 10) AS same_ucl
FROM (SELECT spc.phase_summary('p', week, num, den) AS s FROM obs WHERE series = 3 AND phase = 2) a,
     (SELECT spc.chart('p', num, den) OVER (ORDER BY week) AS c FROM obs WHERE series = 3 AND phase = 2) b
GROUP BY s;

-- Baseline and exclusion, and equal keys forming one subgroup.
SELECT (spc.phase_summary('c', i, x, NULL, i <= 20, i = 5)).*
FROM generate_series(1, 30) i, LATERAL (SELECT (i * 7) % 11 + 5.0 AS x) v;
SELECT (spc.phase_summary('p', w, x, 10)).n_subgroups
FROM (VALUES (1, 2), (1, 3), (2, 4)) v(w, x);
-- No rows: NULL.  Rows without a key are ignored.
SELECT spc.phase_summary('i', i, i) IS NULL AS empty_is_null FROM generate_series(1, 0) i;
SELECT (spc.phase_summary('i', CASE WHEN i > 5 THEN NULL ELSE i END, i)).n_subgroups
FROM generate_series(1, 10) i;

-- Serial plan: the reference answer.
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial_answer AS
SELECT series, phase, spc.phase_summary('pp', week, num, den) AS s
FROM obs GROUP BY series, phase;

-- Forced parallel plan: partial aggregates in workers, combined in the leader.
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET enable_hashagg = off;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT line; END LOOP;
END $$;
SELECT count(*) FILTER (WHERE p LIKE '%Partial%Aggregate%') > 0 AS has_partial_aggregate,
       count(*) FILTER (WHERE p LIKE '%Gather%') > 0 AS has_gather
FROM pg_temp.plan_of($$SELECT series, phase, spc.phase_summary('pp', week, num, den) FROM obs GROUP BY series, phase$$) p;
-- Every group equals its serial answer.
CREATE TABLE parallel_answer AS
SELECT series, phase, spc.phase_summary('pp', week, num, den) AS s
FROM obs GROUP BY series, phase;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE p.s IS NOT DISTINCT FROM s.s) AS identical
FROM serial_answer s JOIN parallel_answer p USING (series, phase);
-- spc.chart over a parallel scan (workers feed a Gather Merge under the
-- window): every point equals the serial answer.
CREATE TABLE parallel_points AS
SELECT series, week, spc.chart('pp', num, den, rules => 'ihi,anhoej') OVER (PARTITION BY series, phase ORDER BY week) AS c
FROM obs;
SELECT count(*) FILTER (WHERE p LIKE '%Gather%') > 0 AS chart_plan_has_gather
FROM pg_temp.plan_of($$SELECT series, week, spc.chart('pp', num, den, rules => 'ihi,anhoej') OVER (PARTITION BY series, phase ORDER BY week) FROM obs$$) p;
-- Pooling many series into one group splits it across workers: the combined
-- answer equals the serial one.
CREATE TABLE pooled_parallel AS
SELECT phase, spc.phase_summary('i', week + series, num) AS s FROM obs GROUP BY phase;
RESET ALL;
SELECT phase, p.s = (spc.phase_summary('i', week + series, num)) AS pooled_identical
FROM obs JOIN pooled_parallel p USING (phase) GROUP BY phase, p.s ORDER BY phase;
SELECT count(*) AS points, count(*) FILTER (WHERE p.c IS NOT DISTINCT FROM s.c) AS identical
FROM parallel_points p
JOIN (SELECT series, week, spc.chart('pp', num, den, rules => 'ihi,anhoej') OVER (PARTITION BY series, phase ORDER BY week) AS c
      FROM obs) s USING (series, week);

DROP TABLE obs, serial_answer, parallel_answer, pooled_parallel, parallel_points;
