COMMENT ON SCHEMA @extschema@ IS
  'Statistical process control: control limits, special-cause rules and runs analysis for ordered series (extension spc).';

-- The engine computes on whatever rows the caller passes it and reads no
-- table, so every role may use it (the schema of an extension is otherwise
-- reachable only by its owner).
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

