-- spc 0.1.0: the engine.  Window function spc.chart and phase summaries.
\echo Use "CREATE EXTENSION spc" to load this file. \quit

COMMENT ON SCHEMA @extschema@ IS
  'Statistical process control: control limits, special-cause rules and runs analysis for ordered series (extension spc).';

-- The engine computes on whatever rows the caller passes it and reads no
-- table, so every role may use it (the schema of an extension is otherwise
-- reachable only by its owner).
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

-- types

CREATE TYPE @extschema@.point AS (
  y double precision,
  cl double precision,
  lcl double precision,
  ucl double precision,
  sigma double precision,
  signal boolean,
  signals text[],
  variation text
);

COMMENT ON TYPE @extschema@.point IS
  'One control chart point as returned by spc.chart: plotted value, centre line, 3-sigma limits, the point''s sigma, and its signals.';
COMMENT ON COLUMN @extschema@.point.y IS
  'The plotted statistic: value (run, i, g, t), moving range (mr), subgroup mean, standard deviation or range (xbar, s, r), proportion (p, pp), count (np, c) or rate (u, up). NULL for a missing or invalid point.';
COMMENT ON COLUMN @extschema@.point.cl IS
  'Centre line of the point''s phase (the median for run and g charts).';
COMMENT ON COLUMN @extschema@.point.lcl IS
  'Lower 3-sigma control limit, clipped as qicharts2 does (p and p'' at 0, counts and rates at 0). NULL when it cannot be computed.';
COMMENT ON COLUMN @extschema@.point.ucl IS
  'Upper 3-sigma control limit (p and p'' clipped at 1, np at n). NULL when it cannot be computed.';
COMMENT ON COLUMN @extschema@.point.sigma IS
  'The point''s own sigma where the limits are symmetric, so zone k is cl +/- k*sigma (for g charts the zones are measured from ucl - 3*sigma, the mean). NULL for run, mr and t charts.';
COMMENT ON COLUMN @extschema@.point.signal IS
  'True when the point takes part in any special-cause pattern of the selected rules.';
COMMENT ON COLUMN @extschema@.point.signals IS
  'Codes of every rule the point takes part in (ihi1..ihi5, we1..we4, nelson1..nelson8, nhs1..nhs4, anhoej_run, anhoej_crossings), plus invalid for a data problem.';
COMMENT ON COLUMN @extschema@.point.variation IS
  'improvement, concern or common_cause (improvement up or down); neutral_high, neutral_low or common_cause (neutral); NULL without improvement or for a missing point.';

CREATE TYPE @extschema@.phase AS (
  n_subgroups integer,
  n_obs integer,
  n_baseline integer,
  cl double precision,
  avg_lcl double precision,
  avg_ucl double precision,
  sigma double precision,
  sigma_z double precision,
  trial boolean,
  n_useful integer,
  longest_run integer,
  longest_run_max integer,
  n_crossings integer,
  n_crossings_min integer,
  runs_signal boolean,
  sigma_signals integer
);

COMMENT ON TYPE @extschema@.phase IS
  'Summary of one phase of a control chart, as qicharts2''s summary(): centre line, sigma, counts, trial flag and Anhoej runs analysis.';
COMMENT ON COLUMN @extschema@.phase.n_subgroups IS 'Subgroups (distinct time keys) in the phase.';
COMMENT ON COLUMN @extschema@.phase.n_obs IS 'Subgroups that are not excluded, with or without a value (as qicharts2''s n.obs).';
COMMENT ON COLUMN @extschema@.phase.n_baseline IS 'Subgroups that estimated the centre line and sigma (baseline, not excluded, valid).';
COMMENT ON COLUMN @extschema@.phase.cl IS 'Centre line.';
COMMENT ON COLUMN @extschema@.phase.avg_lcl IS 'Mean lower control limit over the included points.';
COMMENT ON COLUMN @extschema@.phase.avg_ucl IS 'Mean upper control limit over the included points.';
COMMENT ON COLUMN @extschema@.phase.sigma IS 'Process sigma per unit: MR-bar/1.128 (i; transformed scale for t), sqrt(p(1-p)) (p, np, pp), sqrt(u) (u, up), sqrt(c) (c), s-bar/c4 (xbar, s), qcc''s sigma (method=qcc, r), sqrt(m(m+1)) (g).';
COMMENT ON COLUMN @extschema@.phase.sigma_z IS 'Laney''s sigma_z for pp and up charts (1 means no over-dispersion); NULL for other charts.';
COMMENT ON COLUMN @extschema@.phase.trial IS 'True when the limits come from fewer than 20 baseline subgroups (trial limits, Provost and Murray).';
COMMENT ON COLUMN @extschema@.phase.n_useful IS 'Anhoej runs analysis: included points not on the centre line.';
COMMENT ON COLUMN @extschema@.phase.longest_run IS 'Longest run of useful points on one side of the centre line.';
COMMENT ON COLUMN @extschema@.phase.longest_run_max IS 'Longest run allowed: round(log2(n_useful)) + 3.';
COMMENT ON COLUMN @extschema@.phase.n_crossings IS 'Number of times the useful points cross the centre line.';
COMMENT ON COLUMN @extschema@.phase.n_crossings_min IS 'Fewest crossings allowed: qbinom(0.05, n_useful - 1, 0.5).';
COMMENT ON COLUMN @extschema@.phase.runs_signal IS 'True when longest_run > longest_run_max or n_crossings < n_crossings_min (never on mr charts).';
COMMENT ON COLUMN @extschema@.phase.sigma_signals IS 'Points outside the control limits.';

-- window functions

CREATE FUNCTION @extschema@.chart(
  chart text,
  x double precision,
  n double precision DEFAULT NULL,
  baseline boolean DEFAULT true,
  exclude boolean DEFAULT false,
  rules text DEFAULT NULL,
  improvement text DEFAULT NULL)
RETURNS @extschema@.point
AS 'MODULE_PATHNAME', 'spc_chart_window'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;  -- not STRICT: NULLs are data (missing weeks), handled per row

COMMENT ON FUNCTION @extschema@.chart(text, double precision, double precision, boolean, boolean, text, text) IS
  'Control chart point of every row: use OVER (PARTITION BY series, phase ORDER BY time); peer rows form one subgroup. chart: run, i, mr, xbar, s, r, p, np, c, u, pp, up, g, t, with options such as ''i(screen=false)'' or ''xbar(method=qcc)''. n: denominator for p, np, pp, u, up. baseline: rows that estimate the limits (false: judged against them). exclude: shown and tested, not used for the limits. rules: NULL for the default (anhoej for run, ihi otherwise) or presets such as ''ihi,anhoej''. improvement: up, down or neutral.';

-- functions

CREATE FUNCTION @extschema@.assurance(goal double precision, lcl double precision,
                                      ucl double precision, improvement text)
RETURNS text AS 'MODULE_PATHNAME', 'spc_assurance_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.assurance(double precision, double precision, double precision, text) IS
  'NHS Making Data Count assurance of a goal against the latest limits: pass (the process will consistently meet it), fail (will consistently miss it) or hit_and_miss (the goal lies within the limits, or on one). improvement: up or down; NULL for neutral or when a limit is NULL.';

CREATE FUNCTION @extschema@.rule_description(code text) RETURNS text
AS 'MODULE_PATHNAME', 'spc_rule_description_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.rule_description(text) IS
  'What a signal code of spc.point.signals means (with the preset''s default lengths), e.g. ihi2: a shift of 8 or more points on one side of the centre line; NULL for an unknown code.';

-- aggregates: phase summaries

CREATE FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: NULL rows are data
CREATE FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision, double precision, boolean, boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision, double precision, boolean, boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.phase_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_serialize(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'spc_phase_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_deserialize(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_final(internal)
RETURNS @extschema@.phase AS 'MODULE_PATHNAME', 'spc_phase_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision, double precision) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision, double precision, boolean, boolean) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision, double precision) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision, double precision, boolean, boolean) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_combine(internal, internal) IS 'Combine function of spc.phase_summary: the rows of two partial states.';
COMMENT ON FUNCTION @extschema@.phase_serialize(internal) IS 'Serialise an spc.phase_summary state for parallel workers.';
COMMENT ON FUNCTION @extschema@.phase_deserialize(bytea, internal) IS 'Deserialise (and validate) an spc.phase_summary state.';
COMMENT ON FUNCTION @extschema@.phase_final(internal) IS 'Final function of spc.phase_summary: sorts by time, forms subgroups and computes the phase.';

CREATE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision, n double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision, n double precision, baseline boolean, exclude boolean) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision, n double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision, n double precision, baseline boolean, exclude boolean) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.phase_summary(text, timestamptz, double precision) IS
  'Summary of one phase (group the rows by series and phase): spc.phase with centre line, sigma, sigma_z, counts, trial flag and Anhoej runs analysis. Rows with equal t form one subgroup, as peers do in spc.chart.';
COMMENT ON AGGREGATE @extschema@.phase_summary(text, timestamptz, double precision, double precision) IS
  'Summary of one phase with denominators n (p, np, pp, u, up): see spc.phase_summary(text, timestamptz, double precision).';
COMMENT ON AGGREGATE @extschema@.phase_summary(text, timestamptz, double precision, double precision, boolean, boolean) IS
  'Summary of one phase with baseline and exclude flags: see spc.phase_summary(text, timestamptz, double precision).';
COMMENT ON AGGREGATE @extschema@.phase_summary(text, double precision, double precision) IS
  'Summary of one phase keyed by a number (week index): see spc.phase_summary(text, timestamptz, double precision).';
COMMENT ON AGGREGATE @extschema@.phase_summary(text, double precision, double precision, double precision) IS
  'Summary of one phase keyed by a number, with denominators n: see spc.phase_summary(text, timestamptz, double precision).';
COMMENT ON AGGREGATE @extschema@.phase_summary(text, double precision, double precision, double precision, boolean, boolean) IS
  'Summary of one phase keyed by a number, with baseline and exclude flags: see spc.phase_summary(text, timestamptz, double precision).';

-- aggregates: rendering

CREATE FUNCTION @extschema@.chart_svg_accum(internal, date, @extschema@.point)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_chart_svg_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a row without a date is skipped
CREATE FUNCTION @extschema@.chart_svg_accum(internal, date, @extschema@.point, text, text, double precision, text)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_chart_svg_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.chart_svg_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_chart_svg_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.chart_svg_serialize(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'spc_chart_svg_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.chart_svg_deserialize(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_chart_svg_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.chart_svg_final(internal)
RETURNS text AS 'MODULE_PATHNAME', 'spc_chart_svg_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.chart_svg_accum(internal, date, @extschema@.point) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(internal, date, @extschema@.point, text, text, double precision, text) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_combine(internal, internal) IS 'Combine function of spc.chart_svg: the points of two partial states.';
COMMENT ON FUNCTION @extschema@.chart_svg_serialize(internal) IS 'Serialise an spc.chart_svg state for parallel workers.';
COMMENT ON FUNCTION @extschema@.chart_svg_deserialize(bytea, internal) IS 'Deserialise (and validate) an spc.chart_svg state.';
COMMENT ON FUNCTION @extschema@.chart_svg_final(internal) IS 'Final function of spc.chart_svg: sorts the points by date and draws the SVG.';

CREATE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = internal, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, SERIALFUNC = @extschema@.chart_svg_serialize,
  DESERIALFUNC = @extschema@.chart_svg_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point, phase text, annotation text,
                                       goal double precision, title text) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = internal, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, SERIALFUNC = @extschema@.chart_svg_serialize,
  DESERIALFUNC = @extschema@.chart_svg_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point) IS
  'A standalone SVG control chart of the points (spc.point values from spc.chart) of one series: values, centre line, limits, 1- and 2-sigma zones, signals coloured by improvement or concern, dated axis, accessible title and description.';
COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point, text, text, double precision, text) IS
  'spc.chart_svg with a phase label per point (a change of label draws a phase break), annotation text per point (a marker with the text as tooltip), a goal line and a title.';
