-- aggregates: rendering

CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(internal, date, @extschema@.point)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_chart_svg_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a row without a date is skipped
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(internal, date, @extschema@.point, text, text, double precision, text)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_chart_svg_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_chart_svg_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_serialize(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'spc_chart_svg_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_deserialize(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'spc_chart_svg_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_final(internal)
RETURNS text AS 'MODULE_PATHNAME', 'spc_chart_svg_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.chart_svg_accum(internal, date, @extschema@.point) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(internal, date, @extschema@.point, text, text, double precision, text) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_combine(internal, internal) IS 'Combine function of spc.chart_svg: the points of two partial states.';
COMMENT ON FUNCTION @extschema@.chart_svg_serialize(internal) IS 'Serialise an spc.chart_svg state for parallel workers.';
COMMENT ON FUNCTION @extschema@.chart_svg_deserialize(bytea, internal) IS 'Deserialise (and validate) an spc.chart_svg state.';
COMMENT ON FUNCTION @extschema@.chart_svg_final(internal) IS 'Final function of spc.chart_svg: sorts the points by date and draws the SVG.';

CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = internal, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, SERIALFUNC = @extschema@.chart_svg_serialize,
  DESERIALFUNC = @extschema@.chart_svg_deserialize, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point, phase text, annotation text,
                                       goal double precision, title text) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = internal, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, SERIALFUNC = @extschema@.chart_svg_serialize,
  DESERIALFUNC = @extschema@.chart_svg_deserialize, PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point) IS
  'A standalone SVG control chart of the points (spc.point values from spc.chart) of one series: values, centre line, limits, 1- and 2-sigma zones, signals coloured by improvement or concern, dated axis, accessible title and description.';
COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point, text, text, double precision, text) IS
  'spc.chart_svg with a phase label per point (a change of label draws a phase break), annotation text per point (a marker with the text as tooltip), a goal line and a title.';
