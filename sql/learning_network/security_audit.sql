-- The security audit: catalog checks in the spirit of Supabase's splinter
-- lints.  A correct install returns no rows; the test suite fails otherwise.
CREATE OR REPLACE VIEW @extschema@.security_audit WITH (security_invoker = true, security_barrier = true) AS
WITH clients AS (
  -- the roles clients connect or act as: the three groups, every facility role and its BI reader
  SELECT r.oid, r.rolname FROM pg_catalog.pg_roles r
  WHERE r.rolname IN ('learning_network_member', 'learning_network_hub', 'learning_network_bi')
     OR (r.oid IN (SELECT m.member FROM pg_catalog.pg_auth_members m
                   WHERE m.roleid IN (SELECT oid FROM pg_catalog.pg_roles
                                      WHERE rolname IN ('learning_network_member', 'learning_network_bi'))))
), grantees AS (
  SELECT c.oid, c.rolname FROM clients c
  UNION ALL SELECT (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'learning_network_staff'), 'learning_network_staff'
  UNION ALL SELECT 0, 'PUBLIC'
), ours AS (
  SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n
  WHERE n.nspname IN ('learning_network', 'learning_network_internal')
), relations AS (
  SELECT c.oid, c.relkind, c.relowner, c.relrowsecurity, c.relforcerowsecurity, c.reloptions, c.relacl,
         o.nspname, pg_catalog.format('%I.%I', o.nspname, c.relname) AS object
  FROM pg_catalog.pg_class c JOIN ours o ON o.oid = c.relnamespace
), functions AS (
  SELECT p.oid, p.prosecdef, p.proconfig, p.proowner, p.proacl, o.nspname,
         pg_catalog.format('%I.%I(%s)', o.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid))
           AS object
  FROM pg_catalog.pg_proc p JOIN ours o ON o.oid = p.pronamespace
)
SELECT 'table_without_rls' AS lint, r.object, 'row level security is not enabled and forced' AS detail
FROM relations r WHERE r.relkind IN ('r', 'p') AND NOT (r.relrowsecurity AND r.relforcerowsecurity)
UNION ALL
SELECT 'rls_without_policy', r.object, 'row level security is on but no policy lets anything through'
FROM relations r
WHERE r.relkind IN ('r', 'p') AND r.relrowsecurity
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = r.oid)
UNION ALL
SELECT 'policy_without_rls', pg_catalog.format('%s on %s', p.polname, p.polrelid::regclass),
       'the policy has no effect: row level security is off on its table'
FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
WHERE NOT c.relrowsecurity
UNION ALL
SELECT 'table_not_owned_by_owner_role', r.object,
       pg_catalog.format('owned by %s, not learning_network_owner', r.relowner::regrole)
FROM relations r WHERE r.relkind IN ('r', 'p', 'S') AND r.relowner <> (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'learning_network_owner')
UNION ALL
SELECT 'table_granted_to_client', r.object, pg_catalog.format('%s has %s', g.rolname, a.privilege_type)
FROM relations r
CROSS JOIN LATERAL pg_catalog.aclexplode(r.relacl) a
JOIN grantees g ON g.oid = a.grantee
WHERE r.relkind IN ('r', 'p', 'S')
UNION ALL
SELECT 'view_without_security_invoker', r.object, 'a client view must be security_invoker and security_barrier'
FROM relations r
WHERE r.relkind = 'v' AND r.nspname = 'learning_network'
  AND NOT (coalesce(r.reloptions, '{}') @> ARRAY['security_invoker=true']
           AND coalesce(r.reloptions, '{}') @> ARRAY['security_barrier=true'])
UNION ALL
SELECT 'internal_view_without_security_barrier', r.object, 'an owner-rights view must be a security barrier'
FROM relations r
WHERE r.relkind = 'v' AND r.nspname = 'learning_network_internal'
  AND NOT coalesce(r.reloptions, '{}') @> ARRAY['security_barrier=true']
UNION ALL
SELECT 'internal_schema_usable_by_client', 'learning_network_internal',
       pg_catalog.format('%s has USAGE', c.rolname)
FROM clients c WHERE pg_catalog.has_schema_privilege(c.oid, 'learning_network_internal', 'USAGE')
UNION ALL
SELECT 'definer_without_search_path', f.object, 'SECURITY DEFINER without a fixed search_path'
FROM functions f
WHERE f.prosecdef AND NOT EXISTS (SELECT 1 FROM unnest(f.proconfig) s WHERE s LIKE 'search\_path=%')
UNION ALL
SELECT 'definer_executable_by_public', f.object, 'SECURITY DEFINER executable by PUBLIC'
FROM functions f
WHERE f.prosecdef
  AND EXISTS (SELECT 1 FROM pg_catalog.aclexplode(coalesce(f.proacl, pg_catalog.acldefault('f', f.proowner))) a
              WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
UNION ALL
SELECT 'materialized_view_reachable', pg_catalog.format('%s', c.oid::regclass),
       pg_catalog.format('%s may read it: materialized views bypass row level security', g.rolname)
FROM pg_catalog.pg_class c
CROSS JOIN grantees g
WHERE c.relkind = 'm' AND g.oid <> 0
  AND pg_catalog.has_table_privilege(g.oid, c.oid, 'SELECT')
  AND pg_catalog.has_schema_privilege(g.oid, c.relnamespace, 'USAGE')
UNION ALL
SELECT 'client_role_bypasses_rls', r.rolname::text,
       'a client role (or one that can act as it) is superuser or has BYPASSRLS'
FROM pg_catalog.pg_roles r
WHERE (r.rolsuper OR r.rolbypassrls)
  AND EXISTS (SELECT 1 FROM clients c WHERE c.oid = r.oid
                 OR c.oid IN (SELECT m.roleid FROM pg_catalog.pg_auth_members m WHERE m.member = r.oid))
UNION ALL
-- rows stored before 0.2.0 that break its bounds: kept, left out of the views
SELECT 'constraint_not_validated', pg_catalog.format('%s %s', con.conrelid::regclass, con.conname),
       'rows stored before 0.2.0 break this bound: they are kept and left out of the views; correct or delete them, then ALTER TABLE ... VALIDATE CONSTRAINT'
FROM pg_catalog.pg_constraint con JOIN ours o ON o.oid = con.connamespace
WHERE NOT con.convalidated
UNION ALL
SELECT 'publications_differencing', pg_catalog.format('publications %s', array_to_string(d.publications, ', ')),
       pg_catalog.format('subtracting them singles out %s facilities'' %s, weeks %s to %s', d.facilities, d.quantity,
                         d.first_week, d.last_week)
FROM learning_network_internal.publication_disclosures() d
UNION ALL
-- the BI path writes nothing: no role that can act as the BI group (a BI
-- login, a facility's BI reader) can act as a role that writes
SELECT 'bi_role_can_write', r.rolname::text,
       'a role of the BI group can also act as a facility role, the member group, the HUB, staff or the owner'
FROM pg_catalog.pg_roles r
WHERE NOT r.rolsuper AND pg_catalog.pg_has_role(r.oid, 'learning_network_bi', 'MEMBER')
  AND (pg_catalog.pg_has_role(r.oid, 'learning_network_member', 'MEMBER')
       OR pg_catalog.pg_has_role(r.oid, 'learning_network_hub', 'MEMBER')
       OR pg_catalog.pg_has_role(r.oid, 'learning_network_staff', 'MEMBER')
       OR pg_catalog.pg_has_role(r.oid, 'learning_network_owner', 'MEMBER'))
UNION ALL
SELECT 'access_role_unsafe', p.role_name::text, p.problem
FROM learning_network_internal.access_role_problems() p;
COMMENT ON VIEW @extschema@.security_audit IS
  'Security lints, modelled on Supabase''s splinter: tables without forced row level security or without policies, policies on tables without it, tables not owned by learning_network_owner or granted to a client role, client views that are not security_invoker and security_barrier, a client role that can use learning_network_internal, SECURITY DEFINER functions without a fixed search_path or executable by PUBLIC, materialized views a client role can read, client roles that bypass row level security, bounds that rows stored before 0.2.0 break (NOT VALID constraints), publications that could be subtracted to single out fewer than 3 facilities, and roles of the access model with LOGIN, SUPERUSER, BYPASSRLS or CREATEROLE, members of learning_network_owner or unexpected memberships between them (access_role_unsafe), and roles of the BI group that can act as a role that writes (bi_role_can_write). Empty on a correct install.';
COMMENT ON COLUMN @extschema@.security_audit.lint IS 'Which check failed.';
COMMENT ON COLUMN @extschema@.security_audit.object IS 'The object at fault.';
COMMENT ON COLUMN @extschema@.security_audit.detail IS 'What is wrong.';
