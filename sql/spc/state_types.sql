-- aggregate state types: what spc.phase_summary and spc.chart_svg carry
-- between partial aggregation and combination.  Real types (not internal),
-- so that Citus can aggregate partially on its workers and combine on the
-- coordinator; the text form is the hex of the binary form, so a state
-- crosses any text protocol bit for bit whatever extra_float_digits says.

CREATE TYPE @extschema@.phase_state;
CREATE FUNCTION @extschema@.phase_state_in(cstring) RETURNS @extschema@.phase_state
  AS 'MODULE_PATHNAME', 'spc_phase_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_state_out(@extschema@.phase_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'spc_phase_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_state_recv(internal) RETURNS @extschema@.phase_state
  AS 'MODULE_PATHNAME', 'spc_phase_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.phase_state_send(@extschema@.phase_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'spc_phase_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.phase_state (
  INPUT = @extschema@.phase_state_in, OUTPUT = @extschema@.phase_state_out,
  RECEIVE = @extschema@.phase_state_recv, SEND = @extschema@.phase_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);

COMMENT ON TYPE @extschema@.phase_state IS
  'State of spc.phase_summary: the chart and every row''s time key, value, denominator and flags. Text form: hex digits of the binary form (exact).';
COMMENT ON FUNCTION @extschema@.phase_state_in(cstring) IS 'Input of spc.phase_state (hex digits of the binary form, checked).';
COMMENT ON FUNCTION @extschema@.phase_state_out(@extschema@.phase_state) IS 'Output of spc.phase_state: hex digits of the binary form.';
COMMENT ON FUNCTION @extschema@.phase_state_recv(internal) IS 'Binary input of spc.phase_state (checked).';
COMMENT ON FUNCTION @extschema@.phase_state_send(@extschema@.phase_state) IS 'Binary output of spc.phase_state: version, chart, rows, floats in network byte order.';

CREATE TYPE @extschema@.chart_svg_state;
CREATE FUNCTION @extschema@.chart_svg_state_in(cstring) RETURNS @extschema@.chart_svg_state
  AS 'MODULE_PATHNAME', 'spc_chart_svg_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.chart_svg_state_out(@extschema@.chart_svg_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'spc_chart_svg_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.chart_svg_state_recv(internal) RETURNS @extschema@.chart_svg_state
  AS 'MODULE_PATHNAME', 'spc_chart_svg_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.chart_svg_state_send(@extschema@.chart_svg_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'spc_chart_svg_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.chart_svg_state (
  INPUT = @extschema@.chart_svg_state_in, OUTPUT = @extschema@.chart_svg_state_out,
  RECEIVE = @extschema@.chart_svg_state_recv, SEND = @extschema@.chart_svg_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);

COMMENT ON TYPE @extschema@.chart_svg_state IS
  'State of spc.chart_svg: every point with its date, texts, goal and title. Text form: hex digits of the binary form (exact).';
COMMENT ON FUNCTION @extschema@.chart_svg_state_in(cstring) IS 'Input of spc.chart_svg_state (hex digits of the binary form, checked).';
COMMENT ON FUNCTION @extschema@.chart_svg_state_out(@extschema@.chart_svg_state) IS 'Output of spc.chart_svg_state: hex digits of the binary form.';
COMMENT ON FUNCTION @extschema@.chart_svg_state_recv(internal) IS 'Binary input of spc.chart_svg_state (checked).';
COMMENT ON FUNCTION @extschema@.chart_svg_state_send(@extschema@.chart_svg_state) IS 'Binary output of spc.chart_svg_state: version, goal, title, points, texts, floats in network byte order.';
