-- The aggregate state types spc.phase_state and spc.chart_svg_state: real
-- types that Citus can move between nodes, as text or binary, bit for bit,
-- and combine.  What Citus does is imitated here: partial states built per
-- "shard", sent through text (and binary) with few float digits, combined.
SET extra_float_digits = 0;

CREATE TABLE st_obs (shard int, series int, week date, num float8, den float8, base boolean, excl boolean);
INSERT INTO st_obs
SELECT s % 3, s, date '2024-01-07' + 7 * w,
       -- values with 17 significant digits, which 15-digit text would round
       (s * 37 + w * 101) % 40 + 100 + 1.0 / (3 + w), 200 + (s * 13 + w * 7) % 50,
       w < 20, w = 7
FROM generate_series(1, 12) s, generate_series(0, 39) w;

-- The states themselves, from aggregates without a final function.
CREATE AGGREGATE pg_temp.phase_state_of(text, timestamptz, float8, float8, boolean, boolean) (
  SFUNC = spc.phase_accum, STYPE = spc.phase_state);
CREATE AGGREGATE pg_temp.phase_state_combined(spc.phase_state) (
  SFUNC = spc.phase_combine, STYPE = spc.phase_state, FINALFUNC = spc.phase_final);
CREATE TABLE st_partial AS
SELECT shard, pg_temp.phase_state_of('pp', week, num, den, base, excl) AS st FROM st_obs GROUP BY shard;
SELECT pg_typeof(st) AS state_type, length(st::text) % 2 = 0 AS hex_digits FROM st_partial LIMIT 1;

-- Text round trip: the same bytes back, whatever extra_float_digits says.
SELECT bool_and(st::text::spc.phase_state::text = st::text) AS text_round_trip FROM st_partial;
SET extra_float_digits = -15;
SELECT bool_and(st::text::spc.phase_state::text = st::text) AS text_round_trip_few_digits FROM st_partial;
SET extra_float_digits = 0;

-- final(combine(in(out(a)), in(out(b)), ...)) = the aggregate over all rows.
SELECT (SELECT pg_temp.phase_state_combined(st::text::spc.phase_state) FROM st_partial)
     = (SELECT spc.phase_summary('pp', week, num, den, base, excl) FROM st_obs) AS combined_equals_whole,
       (SELECT pg_temp.phase_state_combined(st::text::spc.phase_state ORDER BY shard DESC) FROM st_partial)
     = (SELECT pg_temp.phase_state_combined(st ORDER BY shard) FROM st_partial) AS combine_order_irrelevant;

-- Binary round trip (send, then receive) through COPY in binary format.
CREATE TABLE st_binary (shard int, st spc.phase_state);
\copy (SELECT shard, st FROM st_partial) TO 'test/results/phase_state.bin' WITH (FORMAT binary)
\copy st_binary FROM 'test/results/phase_state.bin' WITH (FORMAT binary)
SELECT count(*) AS states, count(*) FILTER (WHERE b.st::text = p.st::text) AS identical
FROM st_partial p JOIN st_binary b USING (shard);
SELECT (SELECT pg_temp.phase_state_combined(st) FROM st_binary)
     = (SELECT spc.phase_summary('pp', week, num, den, base, excl) FROM st_obs) AS binary_combined_equals_whole;

-- A stored state keeps working (flat, read back from the table).
SELECT (pg_temp.phase_state_combined(st)).n_subgroups FROM st_partial WHERE shard = 0;

-- Bad text and bad binary are refused with a clear error, never a crash.
SELECT 'zz'::spc.phase_state;
SELECT ''::spc.phase_state;
SELECT '00000002'::spc.phase_state;
SELECT left(st::text, -2)::spc.phase_state FROM st_partial WHERE shard = 0;
SELECT (st::text || '00')::spc.phase_state FROM st_partial WHERE shard = 0;
-- a chart type out of range
SELECT ('00000001' || '000000ff' || substr(st::text, 17))::spc.phase_state FROM st_partial WHERE shard = 0;
-- the support functions outside an aggregate
SELECT spc.phase_final(st) FROM st_partial WHERE shard = 0;
-- different charts cannot be combined
CREATE TABLE st_mixed AS
SELECT pg_temp.phase_state_of('p', week, num, den, true, false) AS st FROM st_obs WHERE shard = 0
UNION ALL SELECT pg_temp.phase_state_of('u', week, num, den, true, false) FROM st_obs WHERE shard = 1;
SELECT pg_temp.phase_state_combined(st) FROM st_mixed;

-- As a window aggregate (running summary), in a sorted and a hashed plan.
SELECT count(DISTINCT s) AS running_summaries
FROM (SELECT spc.phase_summary('i', week, num) OVER (ORDER BY week) AS s FROM st_obs WHERE series = 1) q;
SET enable_sort = off;
SELECT count(*) AS groups, count(*) FILTER (WHERE (s).n_subgroups = 40) AS complete
FROM (SELECT series, spc.phase_summary('i', week, num) AS s FROM st_obs GROUP BY series) q;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) AS groups, count(*) FILTER (WHERE (s).n_subgroups = 40) AS complete
FROM (SELECT series, spc.phase_summary('i', week, num) AS s FROM st_obs GROUP BY series) q;
RESET enable_hashagg;

-- spc.chart_svg_state: points, texts, goal and title through text and binary.
CREATE AGGREGATE pg_temp.svg_state_of(date, spc.point, text, text, float8, text) (
  SFUNC = spc.chart_svg_accum, STYPE = spc.chart_svg_state);
CREATE AGGREGATE pg_temp.svg_state_combined(spc.chart_svg_state) (
  SFUNC = spc.chart_svg_combine, STYPE = spc.chart_svg_state, FINALFUNC = spc.chart_svg_final);
CREATE TABLE st_points AS
SELECT (week - date '2024-01-07') / 7 % 3 AS shard, week,
       spc.chart('p', num, den) OVER (PARTITION BY series ORDER BY week) AS c,
       CASE WHEN week < date '2024-04-01' THEN 'Baseline' ELSE 'After <change>' END AS phase_label,
       CASE WHEN week = date '2024-03-03' THEN 'PDSA "1" & more' END AS note
FROM st_obs WHERE series = 5;
CREATE TABLE st_svg_partial AS
SELECT shard, pg_temp.svg_state_of(week, c, phase_label, note, 0.55, 'Title ' || shard) AS st
FROM st_points GROUP BY shard;
SELECT bool_and(st::text::spc.chart_svg_state::text = st::text) AS svg_text_round_trip FROM st_svg_partial;
\copy (SELECT shard, st FROM st_svg_partial) TO 'test/results/svg_state.bin' WITH (FORMAT binary)
CREATE TABLE st_svg_binary (shard int, st spc.chart_svg_state);
\copy st_svg_binary FROM 'test/results/svg_state.bin' WITH (FORMAT binary)
SELECT count(*) FILTER (WHERE b.st::text = p.st::text) AS svg_binary_identical
FROM st_svg_partial p JOIN st_svg_binary b USING (shard);
-- combined from text equals the whole (one title: the first shard's)
SELECT (SELECT pg_temp.svg_state_combined(st::text::spc.chart_svg_state ORDER BY shard) FROM st_svg_partial)
     = (SELECT spc.chart_svg(week, c, phase_label, note, 0.55, 'Title ' || shard ORDER BY shard) FROM st_points)
  AS svg_combined_equals_whole;
SELECT ('00000001' || repeat('0', 16) || 'ffffff00')::spc.chart_svg_state;
SELECT left(st::text, -4)::spc.chart_svg_state FROM st_svg_partial WHERE shard = 0;

-- a point at an infinite date (the transition never keeps one)
SELECT (substr(st::text, 1, 48) || '7fffffff' || substr(st::text, 57))::spc.chart_svg_state
FROM st_svg_partial WHERE shard = 0;
DROP TABLE st_obs, st_partial, st_binary, st_mixed, st_points, st_svg_partial, st_svg_binary;
