-- Group roles of the access model (docs/access-model.md, "Roles").  Roles belong to
-- the cluster, not to the extension: DROP EXTENSION leaves them behind, and a
-- second database or a re-install finds them already there.  None can log in.
--
-- A role found already there is adopted only if it is what this script would
-- have made: someone with CREATEROLE could otherwise pre-create
-- learning_network_owner as their own login and own every table.  The same
-- checks run in security_audit, for roles changed after the install.

-- The roles of the model as they stand: the five groups, the facility roles
-- (members of learning_network_member, or named like one) and the
-- facilities' BI reader roles (named learning_network_facility_<id>_bi; a
-- DBA gives them LOGIN, so that is no problem for them).  One row per
-- problem; none on a sound cluster.  (PARALLEL RESTRICTED only because the
-- catalog test's text search for what a SAFE function reads cannot tell a
-- role named facility from the facility table; it is only used in DDL and the
-- audit.)
CREATE OR REPLACE FUNCTION learning_network_internal.access_role_problems()
RETURNS TABLE (role_name name, problem text)
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH groups AS (
    SELECT r.oid, r.rolname, 'group role'::text AS kind FROM pg_catalog.pg_roles r
    WHERE r.rolname IN ('learning_network_owner', 'learning_network_staff', 'learning_network_member',
                        'learning_network_hub', 'learning_network_bi')
  ), model AS (
    SELECT * FROM groups
    UNION
    SELECT r.oid, r.rolname,
           CASE WHEN r.rolname LIKE 'learning\_network\_facility\_%\_bi' THEN 'facility BI role' ELSE 'facility role' END
    FROM pg_catalog.pg_roles r
    WHERE r.rolname LIKE 'learning\_network\_facility\_%'
       OR r.oid IN (SELECT m.member FROM pg_catalog.pg_auth_members m JOIN groups g ON g.oid = m.roleid
                    WHERE g.rolname = 'learning_network_member')
  ), attributes AS (
    SELECT m.rolname, m.kind, a.attribute
    FROM model m JOIN pg_catalog.pg_roles r ON r.oid = m.oid
    CROSS JOIN LATERAL (VALUES ('LOGIN', r.rolcanlogin AND m.kind <> 'facility BI role'), ('SUPERUSER', r.rolsuper),
                               ('BYPASSRLS', r.rolbypassrls), ('CREATEROLE', r.rolcreaterole)) a(attribute, has)
    WHERE a.has
  )
  SELECT a.rolname, pg_catalog.format('%s has %s', a.kind, a.attribute)
  FROM attributes a
  UNION ALL
  -- the owner role has no members at all: a member could act as the owner of
  -- every table and turn row level security off (on 16+ this includes the
  -- ADMIN OPTION a CREATEROLE user keeps on a role it created)
  SELECT g.rolname, pg_catalog.format('%s is a member%s', m.member::regrole,
                                      CASE WHEN m.admin_option THEN ' (with ADMIN OPTION)' ELSE '' END)
  FROM groups g JOIN pg_catalog.pg_auth_members m ON m.roleid = g.oid
  WHERE g.rolname = 'learning_network_owner'
  UNION ALL
  -- roles of the model are members of one another only as designed: a
  -- facility role of learning_network_member, the HUB group of facility
  -- roles (to SET ROLE to them), a facility BI role of learning_network_bi
  SELECT granted.rolname, pg_catalog.format('%s is a member', member.rolname)
  FROM pg_catalog.pg_auth_members m
  JOIN model granted ON granted.oid = m.roleid
  JOIN model member ON member.oid = m.member
  WHERE NOT (granted.rolname = 'learning_network_member' AND member.kind = 'facility role')
    AND NOT (granted.kind = 'facility role' AND member.rolname = 'learning_network_hub')
    AND NOT (granted.rolname = 'learning_network_bi' AND member.kind = 'facility BI role')
    AND granted.rolname <> 'learning_network_owner'
  ORDER BY 1, 2;
END;
COMMENT ON FUNCTION learning_network_internal.access_role_problems() IS
  'Roles of the access model (the five groups, the facility roles and the facilities'' BI roles) that are not what the extension makes: a group or facility role with LOGIN, SUPERUSER, BYPASSRLS or CREATEROLE, a facility BI role with SUPERUSER, BYPASSRLS or CREATEROLE, any member of learning_network_owner, or roles of the model granted to one another other than as designed. Checked at CREATE EXTENSION and ALTER EXTENSION UPDATE (refused) and by security_audit.';

DO $check$
DECLARE
  found text;
BEGIN
  SELECT pg_catalog.string_agg(pg_catalog.format('%s: %s', p.role_name, p.problem), '; ')
  INTO found FROM learning_network_internal.access_role_problems() p;
  IF found IS NOT NULL THEN
    RAISE EXCEPTION 'learning_network will not adopt roles that already exist with more power than it gives them'
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = found,
            HINT = 'A superuser should inspect and drop or fix these roles (ALTER ROLE ... NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE, REVOKE ... FROM ...), then try again.';
  END IF;
END $check$;

DO $roles$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['learning_network_owner', 'learning_network_staff', 'learning_network_member',
                           'learning_network_hub', 'learning_network_bi'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
    END IF;
  END LOOP;
END $roles$;

-- Grants one role to another saying what the membership is for.  On 16+ a
-- grant carries its own INHERIT and SET options (defaults come from the
-- member's INHERIT attribute and from TRUE): state both, so the meaning does
-- not depend on how the member was created.  On 15 only the member's INHERIT
-- attribute decides, and the roles are made with the one that fits.
CREATE OR REPLACE FUNCTION learning_network_internal.grant_role(granted name, member name, inherit boolean, set_role boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  -- already so: nothing to do (a repeated GRANT only raises a notice)
  IF pg_catalog.current_setting('server_version_num')::integer >= 160000 THEN
    IF EXISTS (SELECT FROM pg_catalog.pg_auth_members m
               WHERE m.roleid = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = granted)
                 AND m.member = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = grant_role.member)
                 AND m.inherit_option = inherit AND m.set_option = set_role) THEN
      RETURN;
    END IF;
    EXECUTE pg_catalog.format('GRANT %I TO %I WITH INHERIT %s, SET %s', granted, member,
                              CASE WHEN inherit THEN 'TRUE' ELSE 'FALSE' END,
                              CASE WHEN set_role THEN 'TRUE' ELSE 'FALSE' END);
  ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                    WHERE m.roleid = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = granted)
                 AND m.member = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = grant_role.member)) THEN
    EXECUTE pg_catalog.format('GRANT %I TO %I', granted, member);
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.grant_role(name, name, boolean, boolean) IS
  'GRANT granted TO member, stating WITH INHERIT and SET on PostgreSQL 16 and later (on 15 the member''s INHERIT attribute decides and SET is always allowed).';
