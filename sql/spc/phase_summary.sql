-- aggregates: phase summaries

CREATE OR REPLACE FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: NULL rows are data
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(internal, text, timestamptz, double precision, double precision, boolean, boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_timestamptz'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_accum(internal, text, double precision, double precision, double precision, boolean, boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_accum_float8'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.phase_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_serialize(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'spc_phase_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_deserialize(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_phase_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.phase_final(internal)
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

CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision, n double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t timestamptz, x double precision, n double precision, baseline boolean, exclude boolean) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision, n double precision) (
  SFUNC = @extschema@.phase_accum, STYPE = internal, FINALFUNC = @extschema@.phase_final,
  COMBINEFUNC = @extschema@.phase_combine, SERIALFUNC = @extschema@.phase_serialize,
  DESERIALFUNC = @extschema@.phase_deserialize, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.phase_summary(chart text, t double precision, x double precision, n double precision, baseline boolean, exclude boolean) (
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

