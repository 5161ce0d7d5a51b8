-- functions

CREATE OR REPLACE FUNCTION @extschema@.assurance(goal double precision, lcl double precision,
                                      ucl double precision, improvement text)
RETURNS text AS 'MODULE_PATHNAME', 'spc_assurance_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.assurance(double precision, double precision, double precision, text) IS
  'NHS Making Data Count assurance of a goal against the latest limits: pass (the process will consistently meet it), fail (will consistently miss it) or hit_and_miss (the goal lies within the limits, or on one). improvement: up or down; NULL for neutral or when a limit is NULL.';

CREATE OR REPLACE FUNCTION @extschema@.rule_description(code text) RETURNS text
AS 'MODULE_PATHNAME', 'spc_rule_description_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.rule_description(text) IS
  'What a signal code of spc.point.signals means (with the preset''s default lengths), e.g. ihi2: a shift of 8 or more points on one side of the centre line; NULL for an unknown code.';

