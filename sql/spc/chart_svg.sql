-- aggregates: rendering

CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, date, @extschema@.point)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: a row without a date is skipped
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, date, @extschema@.point, text, text, double precision, text)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, date, @extschema@.point, text, text, double precision, text, jsonb)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, timestamp, @extschema@.point)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- STABLE: times with a time zone are drawn in the session's time zone
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, timestamptz, @extschema@.point)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, double precision, @extschema@.point)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, timestamp, @extschema@.point, text, text, double precision, text, jsonb)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, timestamptz, @extschema@.point, text, text, double precision, text, jsonb)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_state_accum'
LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, double precision, @extschema@.point, text, text, double precision, text, jsonb)
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
COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, date, @extschema@.point, text, text, double precision, text, jsonb) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, timestamp, @extschema@.point) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, timestamptz, @extschema@.point) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, double precision, @extschema@.point) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, timestamp, @extschema@.point, text, text, double precision, text, jsonb) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, timestamptz, @extschema@.point, text, text, double precision, text, jsonb) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_accum(@extschema@.chart_svg_state, double precision, @extschema@.point, text, text, double precision, text, jsonb) IS 'Transition function of spc.chart_svg.';
COMMENT ON FUNCTION @extschema@.chart_svg_combine(@extschema@.chart_svg_state, @extschema@.chart_svg_state) IS 'Combine function of spc.chart_svg: the points of two partial states (parallel workers, Citus shards).';
COMMENT ON FUNCTION @extschema@.chart_svg_final(@extschema@.chart_svg_state) IS 'Final function of spc.chart_svg: sorts the points (a total order, so every plan gives the same bytes) and draws the SVG.';

CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point, phase text, annotation text,
                                       goal double precision, title text) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t date, point @extschema@.point, phase text, annotation text,
                                       goal double precision, title text, style jsonb) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t timestamp, point @extschema@.point) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t timestamptz, point @extschema@.point) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t double precision, point @extschema@.point) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t timestamp, point @extschema@.point, phase text, annotation text,
                                       goal double precision, title text, style jsonb) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t timestamptz, point @extschema@.point, phase text, annotation text,
                                       goal double precision, title text, style jsonb) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg(t double precision, point @extschema@.point, phase text, annotation text,
                                       goal double precision, title text, style jsonb) (
  SFUNC = @extschema@.chart_svg_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point) IS
  'A standalone SVG control chart of the points (spc.point values from spc.chart) of one series: values, centre line, limits, 1- and 2-sigma zones, signals shaped and coloured by improvement or concern, calendar axis, legend, accessible title and description.';
COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point, text, text, double precision, text) IS
  'spc.chart_svg with a phase label per point (a change of label draws a phase break), annotation text per point (a numbered marker, the text in a key below the chart), a goal line and a title.';
COMMENT ON AGGREGATE @extschema@.chart_svg(date, @extschema@.point, text, text, double precision, text, jsonb) IS
  'spc.chart_svg with a style: a JSON object with width, height, y_title, x_title, id (of the document''s ids), chart (the spc.chart argument: p and pp are drawn per cent), percent, scale.';
COMMENT ON AGGREGATE @extschema@.chart_svg(timestamp, @extschema@.point) IS
  'spc.chart_svg with a timestamp x axis.';
COMMENT ON AGGREGATE @extschema@.chart_svg(timestamptz, @extschema@.point) IS
  'spc.chart_svg with a timestamptz x axis, drawn in the session''s time zone.';
COMMENT ON AGGREGATE @extschema@.chart_svg(double precision, @extschema@.point) IS
  'spc.chart_svg with a numeric x axis (sample number, hour, ...).';
COMMENT ON AGGREGATE @extschema@.chart_svg(timestamp, @extschema@.point, text, text, double precision, text, jsonb) IS
  'spc.chart_svg with a timestamp x axis (ticks on hours, days, weeks, months or years).';
COMMENT ON AGGREGATE @extschema@.chart_svg(timestamptz, @extschema@.point, text, text, double precision, text, jsonb) IS
  'spc.chart_svg with a timestamptz x axis, drawn in the session''s time zone.';
COMMENT ON AGGREGATE @extschema@.chart_svg(double precision, @extschema@.point, text, text, double precision, text, jsonb) IS
  'spc.chart_svg with a numeric x axis (sample number, hour, ...).';

-- Small multiples: one chart per facet in a grid.
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_grid_accum(@extschema@.chart_svg_state, text, date, @extschema@.point, text, text, double precision, text, jsonb)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_grid_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_grid_accum(@extschema@.chart_svg_state, text, timestamp, @extschema@.point, text, text, double precision, text, jsonb)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_grid_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_grid_accum(@extschema@.chart_svg_state, text, timestamptz, @extschema@.point, text, text, double precision, text, jsonb)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_grid_accum'
LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_grid_accum(@extschema@.chart_svg_state, text, double precision, @extschema@.point, text, text, double precision, text, jsonb)
RETURNS @extschema@.chart_svg_state AS 'MODULE_PATHNAME', 'spc_chart_svg_grid_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.chart_svg_grid_final(@extschema@.chart_svg_state)
RETURNS text AS 'MODULE_PATHNAME', 'spc_chart_svg_grid_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.chart_svg_grid_accum(@extschema@.chart_svg_state, text, date, @extschema@.point, text, text, double precision, text, jsonb) IS 'Transition function of spc.chart_svg_grid.';
COMMENT ON FUNCTION @extschema@.chart_svg_grid_accum(@extschema@.chart_svg_state, text, timestamp, @extschema@.point, text, text, double precision, text, jsonb) IS 'Transition function of spc.chart_svg_grid.';
COMMENT ON FUNCTION @extschema@.chart_svg_grid_accum(@extschema@.chart_svg_state, text, timestamptz, @extschema@.point, text, text, double precision, text, jsonb) IS 'Transition function of spc.chart_svg_grid.';
COMMENT ON FUNCTION @extschema@.chart_svg_grid_accum(@extschema@.chart_svg_state, text, double precision, @extschema@.point, text, text, double precision, text, jsonb) IS 'Transition function of spc.chart_svg_grid.';
COMMENT ON FUNCTION @extschema@.chart_svg_grid_final(@extschema@.chart_svg_state) IS 'Final function of spc.chart_svg_grid: sorts the points by facet and x and draws one chart per facet.';

CREATE OR REPLACE AGGREGATE @extschema@.chart_svg_grid(facet text, t date, point @extschema@.point, phase text,
                                            annotation text, goal double precision, title text, style jsonb) (
  SFUNC = @extschema@.chart_svg_grid_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_grid_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg_grid(facet text, t timestamp, point @extschema@.point, phase text,
                                            annotation text, goal double precision, title text, style jsonb) (
  SFUNC = @extschema@.chart_svg_grid_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_grid_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg_grid(facet text, t timestamptz, point @extschema@.point, phase text,
                                            annotation text, goal double precision, title text, style jsonb) (
  SFUNC = @extschema@.chart_svg_grid_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_grid_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE @extschema@.chart_svg_grid(facet text, t double precision, point @extschema@.point, phase text,
                                            annotation text, goal double precision, title text, style jsonb) (
  SFUNC = @extschema@.chart_svg_grid_accum, STYPE = @extschema@.chart_svg_state, FINALFUNC = @extschema@.chart_svg_grid_final,
  COMBINEFUNC = @extschema@.chart_svg_combine, PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.chart_svg_grid(text, date, @extschema@.point, text, text, double precision, text, jsonb) IS
  'Small multiples: one SVG holding a grid of control charts, one per facet (a facility, a measure), on one time axis, with one y scale for all (style y_scale shared, the default) or one per chart (free); style also takes columns, width, height (of each chart) and the keys of spc.chart_svg.';
COMMENT ON AGGREGATE @extschema@.chart_svg_grid(text, timestamp, @extschema@.point, text, text, double precision, text, jsonb) IS
  'spc.chart_svg_grid with a timestamp x axis.';
COMMENT ON AGGREGATE @extschema@.chart_svg_grid(text, timestamptz, @extschema@.point, text, text, double precision, text, jsonb) IS
  'spc.chart_svg_grid with a timestamptz x axis, drawn in the session''s time zone.';
COMMENT ON AGGREGATE @extschema@.chart_svg_grid(text, double precision, @extschema@.point, text, text, double precision, text, jsonb) IS
  'spc.chart_svg_grid with a numeric x axis.';

-- NHS Making Data Count icons
CREATE OR REPLACE FUNCTION @extschema@.variation_icon(variation text, improvement text DEFAULT NULL,
                                           size integer DEFAULT 32, id text DEFAULT NULL)
RETURNS text AS 'MODULE_PATHNAME', 'spc_variation_icon'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.assurance_icon(assurance text, size integer DEFAULT 32, id text DEFAULT NULL)
RETURNS text AS 'MODULE_PATHNAME', 'spc_assurance_icon'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.variation_icon(text, text, integer, text) IS
  'An NHS Making Data Count style variation icon as a small SVG: grey for common cause, blue for improvement, orange for concern, purple for neutral, with H or L for high or low values (given the improvement direction); NULL for NULL or an unknown variation.';
COMMENT ON FUNCTION @extschema@.assurance_icon(text, integer, text) IS
  'An NHS Making Data Count style assurance icon as a small SVG: P (blue, pass), F (orange, fail) or ? (grey, hit_and_miss), as spc.assurance returns them; NULL for NULL or an unknown value.';

-- 0.1.0's internal-state support functions, replaced by the ones above (no-ops
-- on a fresh install; the library keeps their C entry points for 0.1.0).
DROP FUNCTION IF EXISTS @extschema@.chart_svg_accum(internal, date, @extschema@.point);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_accum(internal, date, @extschema@.point, text, text, double precision, text);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_combine(internal, internal);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_serialize(internal);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_deserialize(bytea, internal);
DROP FUNCTION IF EXISTS @extschema@.chart_svg_final(internal);
