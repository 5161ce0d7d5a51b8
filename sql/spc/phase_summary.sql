-- aggregates: phase summaries

CREATE OR REPLACE FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, timestamptz, double precision)
RETURNS @extschema@.phase_state AS 'MODULE_PATHNAME', 'spc_phase_state_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: NULL rows are data
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, timestamptz, double precision, double precision)
RETURNS @extschema@.phase_state AS 'MODULE_PATHNAME', 'spc_phase_state_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, timestamptz, double precision, double precision, boolean, boolean)
RETURNS @extschema@.phase_state AS 'MODULE_PATHNAME', 'spc_phase_state_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, double precision, double precision)
RETURNS @extschema@.phase_state AS 'MODULE_PATHNAME', 'spc_phase_state_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, double precision, double precision, double precision)
RETURNS @extschema@.phase_state AS 'MODULE_PATHNAME', 'spc_phase_state_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, double precision, double precision, double precision, boolean, boolean)
RETURNS @extschema@.phase_state AS 'MODULE_PATHNAME', 'spc_phase_state_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.phase_combine(@extschema@.phase_state, @extschema@.phase_state)
RETURNS @extschema@.phase_state AS 'MODULE_PATHNAME', 'spc_phase_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_final(@extschema@.phase_state)
RETURNS @extschema@.phase_stats AS 'MODULE_PATHNAME', 'spc_phase_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, timestamptz, double precision) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, timestamptz, double precision, double precision) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, timestamptz, double precision, double precision, boolean, boolean) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, double precision, double precision) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, double precision, double precision, double precision) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_accum(@extschema@.phase_state, text, double precision, double precision, double precision, boolean, boolean) IS 'Transition function of spc.phase_summary.';
COMMENT ON FUNCTION @extschema@.phase_combine(@extschema@.phase_state, @extschema@.phase_state) IS 'Combine function of spc.phase_summary: the rows of two partial states (parallel workers, Citus shards).';
COMMENT ON FUNCTION @extschema@.phase_final(@extschema@.phase_state) IS 'Final function of spc.phase_summary: sorts by time, forms subgroups and computes the phase.';

CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = @extschema@.phase_state, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision, n double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = @extschema@.phase_state, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision, n double precision, baseline boolean, exclude boolean) (
  SFUNC = @extschema@.phase_accum, STYPE = @extschema@.phase_state, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = @extschema@.phase_state, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision, n double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = @extschema@.phase_state, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision, n double precision, baseline boolean, exclude boolean) (
  SFUNC = @extschema@.phase_accum, STYPE = @extschema@.phase_state, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.phase_summary(text, timestamptz, double precision) IS
  'Summary of one phase (group the rows by series and phase): spc.phase_stats with centre line, sigma, sigma_z, counts, trial flag and Anhoej runs analysis. chart takes every chart type and option of spc.chart (freeze, cl, multiply; ewma and the CUSUMs: centre, sigma and signals count, no runs analysis), and the summary equals what spc.chart computes for the same rows. Rows with equal t form one subgroup, as peers do in spc.chart.';
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


-- (here, not in types.sql, so that an upgrade gets them too)
COMMENT ON COLUMN @extschema@.phase_stats.cl IS
  'Centre line, multiplied by multiply=M (cl=V fixes it). ewma: the target the EWMA starts from; cusum: the target the values are standardised against (the CUSUM points'' own cl is 0); bcusum: the in-control rate p0; racusum: NULL (each case has its own predicted risk).';
COMMENT ON COLUMN @extschema@.phase_stats.sigma_signals IS
  'Points outside the control limits; for ewma and the CUSUMs the points whose statistic crossed its limit or decision interval (codes ewma, cusum_upper, cusum_lower).';


-- 0.1.0's internal-state support functions, replaced by the ones above (no-ops
-- on a fresh install; the library keeps their C entry points for 0.1.0).
DROP FUNCTION IF EXISTS @extschema@.phase_accum(internal, text, timestamptz, double precision);
DROP FUNCTION IF EXISTS @extschema@.phase_accum(internal, text, timestamptz, double precision, double precision);
DROP FUNCTION IF EXISTS @extschema@.phase_accum(internal, text, timestamptz, double precision, double precision, boolean, boolean);
DROP FUNCTION IF EXISTS @extschema@.phase_accum(internal, text, double precision, double precision);
DROP FUNCTION IF EXISTS @extschema@.phase_accum(internal, text, double precision, double precision, double precision);
DROP FUNCTION IF EXISTS @extschema@.phase_accum(internal, text, double precision, double precision, double precision, boolean, boolean);
DROP FUNCTION IF EXISTS @extschema@.phase_combine(internal, internal);
DROP FUNCTION IF EXISTS @extschema@.phase_serialize(internal);
DROP FUNCTION IF EXISTS @extschema@.phase_deserialize(bytea, internal);
DROP FUNCTION IF EXISTS @extschema@.phase_final(internal);
