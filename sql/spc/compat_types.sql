-- Names kept so that code written for an earlier version keeps working.

-- spc.phase: the result type of spc.phase_summary up to 0.1.0, renamed
-- spc.phase_stats in 0.2.0 (it collided with the table learning_network.phase).
-- A domain over the new type, so casts (::spc.phase), columns and PL/pgSQL
-- variables declared with the old name still hold a phase summary, and field
-- access works as before.  Deprecated: it may go in a later major version.
CREATE DOMAIN @extschema@.phase AS @extschema@.phase_stats;
COMMENT ON DOMAIN @extschema@.phase IS
  'Deprecated name of spc.phase_stats (the type was spc.phase up to 0.1.0): a domain over it, kept so that code naming spc.phase keeps working.';
