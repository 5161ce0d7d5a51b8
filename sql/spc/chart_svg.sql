-- aggregates: rendering

CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, date, @extschema@.point)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a row without a date is skipped
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, date, @extschema@.point, text, text, double precision, text)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_combine(@extschema@.chart_svg_state, @extschema@.chart_svg_state)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_final(@extschema@.chart_svg_state)
RETURNS text AS 'MODULE_PATHNAME', 'spc_chart_svg_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, date, @extschema@.point) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, date, @extschema@.point, text, text, double precision, text) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_combine(@extschema@.chart_svg_state, @extschema@.chart_svg_state) IS 'Combine function of spc.chart_svg: the points of two partial states (parallel workers, Citus shards).';
COMMENT ON FUNCTION @extschema@.chart_svg_final(@extschema@.chart_svg_state) IS 'Final function of spc.chart_svg: sorts the points by date and draws the SVG.';

CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point, phase text, annotation text,
                                       goal double precision, title text) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point) IS
  'A standalone SVG control chart of the points (spc.point values from spc.chart) of one series: values, centre line, limits, 1- and 2-sigma zones, signals coloured by improvement or concern, dated axis, accessible title and description.';
COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point, text, text, double precision, text) IS
  'spc.chart_svg with a phase label per point (a change of label draws a phase break), annotation text per point (a marker with the text as tooltip), a goal line and a title.';

-- 0.1.0's internal-state support functions, replaced by the ones above (no-ops
-- on a fresh install; the library keeps their C entry points for 0.1.0).
DROP FUNCTION IF EXISTS @extschema@.chart_svg_accum(internal, date, @extschema@.point);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_accum(internal, date, @extschema@.point, text, text, double precision, text);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_combine(internal, internal);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_serialize(internal);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_deserialize(bytea, internal);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_final(internal);
