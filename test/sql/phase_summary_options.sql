-- spc.phase_summary takes the same chart argument as spc.chart: every chart
-- type, the options freeze, cl and multiply, and the options of ewma and the
-- CUSUMs.  For each, the summary equals what spc.chart gives for the same
-- rows (centre line, mean limits, signals, sigma), serial and parallel, and
-- its state survives text and binary round trips.
SET extra_float_digits = 0;

-- Rows per (series, subgroup key t): x and n fitting every chart: x a count
-- at most n (p, np, pp, c, u, up, g, run, i, xbar, s, r, t with x > 0), and
-- for bcusum and racusum a 0/1 outcome with a predicted risk.
CREATE TABLE ps_obs (series int, t float8, x float8, n float8, outcome float8, risk float8,
                     base boolean, excl boolean);
INSERT INTO ps_obs
SELECT s, w, 1 + (s * 37 + w * 101 + r * 17) % 40 + CASE WHEN w > 30 THEN 8 ELSE 0 END,
       60 + (s * 13 + w * 7 + r) % 50,
       CASE WHEN (s * 7 + w * 11 + r * 3) % 9 = 0 OR (w > 30 AND (w + r) % 4 = 0) THEN 1 ELSE 0 END,
       0.05 + ((s * 5 + w * 3 + r) % 20) / 100.0,
       w <= 24, w = 9
FROM generate_series(1, 40) s, generate_series(1, 45) w, generate_series(1, 3) r;
ANALYZE ps_obs;

-- Every chart type with its own options and with freeze, cl and multiply.
CREATE TABLE ps_spec (spec text, uses_n boolean, binary_x boolean);
INSERT INTO ps_spec VALUES
  ('run', false, false), ('run(freeze=10,multiply=100)', true, false),
  ('i', false, false), ('i(freeze=12)', false, false), ('i(cl=21)', false, false),
  ('i(multiply=1000,screen=false)', true, false), ('xmr(clip=true,freeze=15,cl=20,multiply=10)', false, false),
  ('mr(freeze=12)', false, false), ('mr(multiply=100)', true, false),
  ('xbar', false, false), ('xbar(freeze=10,method=qcc)', false, false), ('xbar(cl=22,multiply=2)', false, false),
  ('s(freeze=20)', false, false), ('s(method=qcc,multiply=10)', false, false),
  ('r(freeze=8)', false, false), ('r(cl=15)', false, false),
  ('p', true, false), ('p(freeze=12,cl=0.25,multiply=100)', true, false),
  ('np(freeze=10)', true, false), ('np(multiply=1000)', true, false),
  ('c(freeze=15)', false, false), ('c(cl=20,multiply=0.5)', false, false),
  ('u(freeze=10,multiply=1000)', true, false), ('u(cl=0.3)', true, false),
  ('pp(freeze=20,screen=false)', true, false), ('pp(cl=0.3,multiply=100)', true, false),
  ('up(freeze=20,multiply=1000)', true, false),
  ('g(freeze=12)', false, false), ('g(method=qcc,cl=20)', false, false),
  ('t(freeze=12)', false, false), ('t(multiply=24)', false, false),
  ('ewma', false, false), ('ewma(lambda=0.1,nsigma=2.7,freeze=15)', false, false),
  ('ewma(sigma=8,cl=20,multiply=10)', true, false),
  ('cusum', false, false), ('cusum(k=1,h=4,freeze=20)', false, false), ('cusum(sigma=10,cl=21,multiply=2)', false, false),
  ('bcusum', false, true), ('bcusum(p0=0.1,or=3,h=2.5,freeze=30,multiply=10)', false, true),
  ('racusum', true, true), ('racusum(or=0.5,h=3,freeze=20)', true, true);

-- A chart or a summary of series s for a spec.  Inputs by kind: attribute
-- charts x and n; bcusum the outcome; racusum the outcome and its risk.
CREATE FUNCTION pg_temp.x_of(o ps_obs, binary_x boolean) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN binary_x THEN o.outcome ELSE o.x END $$;
CREATE FUNCTION pg_temp.n_of(o ps_obs, spec text, uses_n boolean) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN spec LIKE 'racusum%' THEN o.risk
              WHEN uses_n OR spec ~ '^(p|np|u|pp|up)\M' THEN o.n END $$;

-- The charts: one subgroup per t (three rows each), baseline and exclusion.
CREATE TABLE ps_points AS
SELECT p.spec, o.series, o.t,
       spc.chart(p.spec, pg_temp.x_of(o, p.binary_x), pg_temp.n_of(o, p.spec, p.uses_n), o.base, o.excl)
         OVER (PARTITION BY p.spec, o.series ORDER BY o.t) AS c, o.excl
FROM ps_spec p, ps_obs o WHERE o.series <= 3;
-- The summaries of the same rows.
CREATE TABLE ps_summary AS
SELECT p.spec, o.series,
       spc.phase_summary(p.spec, o.t, pg_temp.x_of(o, p.binary_x), pg_temp.n_of(o, p.spec, p.uses_n), o.base, o.excl) AS s
FROM ps_spec p, ps_obs o WHERE o.series <= 3 GROUP BY p.spec, o.series;

-- Per spec: the summary's centre line is every point's (to the last bit but
-- one: the points' line and the phase's are two roundings of one sum), its
-- mean limits the mean of the included points' limits, its signals the
-- points outside the limits (Shewhart charts) or the points whose statistic
-- crossed its limit (ewma, CUSUMs), and its sigma (per unit) the points'
-- sigma where the points' sigma is per unit (i, c, g) or per mean (xbar).  Conventions: the CUSUMs plot a statistic around 0 (every
-- point's cl is 0) while the summary's cl is the process target the
-- statistic is built from (cusum: the mean or cl=V; bcusum: p0; racusum: none,
-- each case has its own risk); np's points have the centre line n*pbar of
-- their own n.
CREATE TABLE ps_compare AS
SELECT s.spec, s.series, (s.s).*, c.cl_min, c.cl_max, c.lcl_avg, c.ucl_avg, c.outside, c.crossed,
       c.sigma_min, c.sigma_max, c.points
FROM ps_summary s
JOIN (SELECT spec, series, count(DISTINCT t) AS points,
             min((c).cl) AS cl_min, max((c).cl) AS cl_max,
             avg((c).lcl) FILTER (WHERE NOT excl) AS lcl_avg, avg((c).ucl) FILTER (WHERE NOT excl) AS ucl_avg,
             count(DISTINCT t) FILTER (WHERE (c).y > (c).ucl OR (c).y < (c).lcl) AS outside,
             count(DISTINCT t) FILTER (WHERE (c).signals && ARRAY['ewma', 'cusum_upper', 'cusum_lower']) AS crossed,
             min((c).sigma) AS sigma_min, max((c).sigma) AS sigma_max
      FROM ps_points GROUP BY spec, series) c USING (spec, series);

CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(a), abs(b)) $$;
SELECT spec,
       count(*) AS series,
       bool_and(n_subgroups = points) AS subgroups,
       bool_and(CASE WHEN spec ~ '^(cusum|bcusum|racusum)' THEN cl_min = 0 AND cl_max = 0
                     WHEN spec ~ '^np' THEN cl_min < cl_max
                     ELSE pg_temp.close(cl, cl_min) AND pg_temp.close(cl, cl_max) END) AS same_cl,
       bool_and(pg_temp.close(avg_lcl, lcl_avg) AND pg_temp.close(avg_ucl, ucl_avg)) AS same_limits,
       bool_and(sigma_signals = CASE WHEN spec ~ '^(ewma|cusum|bcusum|racusum)' THEN crossed ELSE outside END) AS same_signals,
       -- sigma per unit: the points' own (i, c, g), or per mean of 3 (xbar)
       bool_and(CASE WHEN spec ~ '^(i|xmr|c|g)\M' THEN pg_temp.close(sigma, sigma_min) AND pg_temp.close(sigma, sigma_max)
                     WHEN spec ~ '^xbar' THEN pg_temp.close(sigma / sqrt(3), sigma_min) AND pg_temp.close(sigma / sqrt(3), sigma_max) END) AS same_sigma,
       min(n_baseline) AS n_baseline, round(min(cl)::numeric, 4) AS cl, round(min(avg_ucl)::numeric, 4) AS avg_ucl,
       round(min(sigma)::numeric, 4) AS sigma, sum(sigma_signals) AS signals
FROM ps_compare GROUP BY spec ORDER BY spec;

-- freeze, cl and multiply change the summary as they change the chart.
SELECT a.spec, b.spec AS plain,
       (a.s).n_baseline < (b.s).n_baseline AS freeze_fewer_baseline,
       (a.s).cl <> (b.s).cl AS changed_cl
FROM ps_summary a JOIN ps_summary b USING (series)
WHERE series = 1 AND (a.spec, b.spec) IN (('i(freeze=12)', 'i'), ('c(freeze=15)', 'c(cl=20,multiply=0.5)'), ('ewma(lambda=0.1,nsigma=2.7,freeze=15)', 'ewma'))
ORDER BY a.spec;
SELECT spec, (s).cl FROM ps_summary WHERE series = 2 AND spec IN ('i(cl=21)', 'c(cl=20,multiply=0.5)', 'u(cl=0.3)') ORDER BY spec;

-- Limits near the largest double: the mean limits stay finite (their sum
-- overflowed to Infinity, found by fuzz_state); a fixed centre line below what
-- the statistic can take (a negative range) gives no limits, never a lower
-- limit above the upper one.
SELECT (s).avg_ucl < 'Infinity' AS finite_mean_ucl, (s).avg_lcl > '-Infinity' AS finite_mean_lcl, (s).avg_ucl > 1e306 AS huge
FROM (SELECT spc.phase_summary('ewma(sigma=1.6e307,nsigma=2.7,lambda=0.1)', i, i) AS s FROM generate_series(1, 30) i) q;
-- ewma with a centre line near the largest double: limits beyond it are no
-- limits (they were Infinity), in the chart and in the summary.
SELECT count(*) AS points, count((c).ucl) AS with_ucl, bool_and((c).lcl < 'Infinity' OR (c).lcl IS NULL) AS no_infinity
FROM (SELECT spc.chart('ewma(cl=1.7e308,sigma=1.6e307)', i) OVER (ORDER BY i) AS c FROM generate_series(1, 30) i) q;
SELECT (s).avg_ucl, (s).avg_lcl < 'Infinity' AS finite_mean_lcl
FROM (SELECT spc.phase_summary('ewma(cl=1.7e308,sigma=1.6e307)', i, i) AS s FROM generate_series(1, 30) i) q;
SELECT DISTINCT (c).cl, (c).lcl, (c).ucl
FROM (SELECT spc.chart('r(cl=-5)', ((i * 7) % 5)::float8) OVER (ORDER BY i / 3) AS c FROM generate_series(0, 11) i) q;
SELECT (s).cl, (s).avg_lcl, (s).avg_ucl, (s).sigma_signals
FROM (SELECT spc.phase_summary('r(cl=-5)', i / 3, ((i * 7) % 5)::float8) AS s FROM generate_series(0, 11) i) q;

-- The state keeps the whole chart argument: text and binary round trips are
-- exact, combining states of different options is refused.
CREATE AGGREGATE pg_temp.state_of(text, float8, float8, float8, boolean, boolean) (
  SFUNC = spc.phase_accum, STYPE = spc.phase_state);
CREATE AGGREGATE pg_temp.combined(spc.phase_state) (
  SFUNC = spc.phase_combine, STYPE = spc.phase_state, FINALFUNC = spc.phase_final);
CREATE TABLE ps_states AS
SELECT p.spec, o.series % 3 AS shard,
       pg_temp.state_of(p.spec, o.t + 100 * o.series, pg_temp.x_of(o, p.binary_x), pg_temp.n_of(o, p.spec, p.uses_n), o.base, o.excl) AS st
FROM ps_spec p, ps_obs o GROUP BY p.spec, o.series % 3;
SELECT count(*) AS states, count(*) FILTER (WHERE st::text::spc.phase_state::text = st::text) AS text_round_trip
FROM ps_states;
\copy (SELECT spec, shard, st FROM ps_states) TO 'test/results/phase_state_options.bin' WITH (FORMAT binary)
CREATE TABLE ps_states_binary (spec text, shard int, st spc.phase_state);
\copy ps_states_binary FROM 'test/results/phase_state_options.bin' WITH (FORMAT binary)
SELECT count(*) AS states, count(*) FILTER (WHERE b.st::text = s.st::text) AS binary_round_trip
FROM ps_states s JOIN ps_states_binary b USING (spec, shard);
-- combined through text = the aggregate over all rows, for every spec
SELECT count(*) AS specs, count(*) FILTER (WHERE c.s IS NOT DISTINCT FROM w.s) AS combined_equals_whole
FROM (SELECT spec, pg_temp.combined(st::text::spc.phase_state ORDER BY shard DESC) AS s FROM ps_states GROUP BY spec) c
JOIN (SELECT p.spec, spc.phase_summary(p.spec, o.t + 100 * o.series, pg_temp.x_of(o, p.binary_x), pg_temp.n_of(o, p.spec, p.uses_n), o.base, o.excl) AS s
      FROM ps_spec p, ps_obs o GROUP BY p.spec) w USING (spec);
SELECT pg_temp.combined(st) FROM ps_states WHERE spec IN ('i', 'i(freeze=12)') AND shard = 0;
SELECT pg_temp.combined(st) FROM ps_states WHERE spec IN ('ewma', 'ewma(lambda=0.1,nsigma=2.7,freeze=15)') AND shard = 0;
-- A state whose options no chart argument could give is refused: lambda
-- (bytes 42..49 of a version-2 state, hex digits 85..100) of 0 on an ewma, and
-- lambda 0.5 on an i chart; version 1 states (no options) are still read.
SELECT (overlay(st::text PLACING '0000000000000000' FROM 85 FOR 16))::spc.phase_state
FROM ps_states WHERE spec = 'ewma' AND shard = 0;
SELECT (overlay(st::text PLACING '3fe0000000000000' FROM 85 FOR 16))::spc.phase_state
FROM ps_states WHERE spec = 'i' AND shard = 0;
SELECT (overlay(st::text PLACING '3fe0000000000000' FROM 85 FOR 16))::spc.phase_state IS NOT NULL AS lambda_half_accepted
FROM ps_states WHERE spec = 'ewma' AND shard = 0;
SELECT pg_temp.combined(('00000001' || substr(st::text, 9, 20) || substr(st::text, 181))::spc.phase_state)
     = pg_temp.combined(st) AS version_1_read
FROM ps_states WHERE spec = 'p' AND shard = 1;

-- Parallel plans give the serial answer bit for bit, for every spec.
SET max_parallel_workers_per_gather = 0;
CREATE TABLE ps_serial AS
SELECT p.spec, spc.phase_summary(p.spec, o.t + 100 * o.series, pg_temp.x_of(o, p.binary_x), pg_temp.n_of(o, p.spec, p.uses_n), o.base, o.excl) AS s
FROM ps_spec p JOIN ps_obs o ON true GROUP BY p.spec;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET enable_hashagg = off;
-- one spec per query so that the rows of a group are split across workers
CREATE TABLE ps_parallel (spec text, s spc.phase);
CREATE FUNCTION pg_temp.parallel_summaries() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE sp record; line text; gathered boolean;
BEGIN
  FOR sp IN SELECT * FROM ps_spec LOOP
    gathered := false;
    FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) SELECT spc.phase_summary(%L, t + 100 * series, %s, %s, base, excl) FROM ps_obs',
                               sp.spec, CASE WHEN sp.binary_x THEN 'outcome' ELSE 'x' END,
                               CASE WHEN sp.spec LIKE 'racusum%' THEN 'risk' WHEN sp.uses_n OR sp.spec ~ '^(p|np|u|pp|up)\M' THEN 'n' ELSE 'NULL' END) LOOP
      gathered := gathered OR line LIKE '%Partial Aggregate%';
    END LOOP;
    IF NOT gathered THEN RETURN NEXT sp.spec; END IF;
    EXECUTE format('INSERT INTO ps_parallel SELECT %L, spc.phase_summary(%L, t + 100 * series, %s, %s, base, excl) FROM ps_obs',
                   sp.spec, sp.spec, CASE WHEN sp.binary_x THEN 'outcome' ELSE 'x' END,
                   CASE WHEN sp.spec LIKE 'racusum%' THEN 'risk' WHEN sp.uses_n OR sp.spec ~ '^(p|np|u|pp|up)\M' THEN 'n' ELSE 'NULL' END);
  END LOOP;
END $$;
SELECT * FROM pg_temp.parallel_summaries() AS not_parallel;
RESET ALL;
SELECT count(*) AS specs, count(*) FILTER (WHERE p.s IS NOT DISTINCT FROM s.s) AS parallel_identical
FROM ps_serial s JOIN ps_parallel p USING (spec);

DROP FUNCTION pg_temp.x_of, pg_temp.n_of;
DROP TABLE ps_obs, ps_spec, ps_points, ps_summary, ps_compare, ps_states, ps_states_binary, ps_serial, ps_parallel;
