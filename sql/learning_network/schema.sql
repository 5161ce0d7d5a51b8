COMMENT ON SCHEMA @extschema@ IS
  'The learning network: collaboratives, cohorts, facilities, improvement projects, measures, weekly observations with their audit trail, phases, annotations, goals, data sharing, and the chart views (extension learning_network).';

-- Views over the base tables that run with their owner's rights, so the
-- client views (security invoker) can read rows the base tables' policies
-- let the caller see, without any grant on a base table.  Clients have no
-- USAGE here: they cannot name these views, only reach them through the
-- client views of @extschema@.
CREATE SCHEMA IF NOT EXISTS learning_network_internal;
COMMENT ON SCHEMA learning_network_internal IS
  'Internals of extension learning_network: the access helpers used by row-level-security policies and the owner-rights views the client views read. Not usable by client roles.';
