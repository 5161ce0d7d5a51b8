-- Roles of the access model: the install refuses to adopt a group or facility
-- role (or a facility's BI role) that has more power than it would give it (nothing is created), the
-- security audit reports such roles made later, and staff are those who hold
-- the staff group's privileges, not every member of it: on 16+ a grant WITH
-- INHERIT FALSE, SET FALSE (admin-only delegation) or SET TRUE alone does not
-- make its member staff, and the extension states INHERIT and SET on each of
-- its own grants.
\i test/pgtap/setup.psql
SELECT current_setting('server_version_num')::integer >= 160000 AS pg16 \gset
BEGIN;
CREATE EXTENSION pgtap;

SELECT plan(35);

-- the roles as an earlier install left them (roles outlive the extension)
CREATE EXTENSION spc;
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['learning_network_owner', 'learning_network_staff', 'learning_network_member',
                           'learning_network_hub', 'learning_network_bi'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
    END IF;
  END LOOP;
END $$;
CREATE ROLE roles_login LOGIN;

CREATE FUNCTION pg_temp.refused(setup text, undo text, description text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE setup;
  RETURN QUERY SELECT throws_like('CREATE EXTENSION learning_network',
    'learning_network will not adopt roles that already exist with more power than it gives them',
    'install refused: ' || description);
  RETURN QUERY SELECT ok(NOT EXISTS (SELECT FROM pg_namespace WHERE nspname IN ('learning_network', 'learning_network_internal'))
                         AND NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'learning_network'),
                         'nothing created: ' || description);
  EXECUTE undo;
END $$;

SELECT pg_temp.refused('ALTER ROLE learning_network_owner LOGIN', 'ALTER ROLE learning_network_owner NOLOGIN',
                       'the owner group can log in');
SELECT pg_temp.refused('ALTER ROLE learning_network_staff SUPERUSER', 'ALTER ROLE learning_network_staff NOSUPERUSER',
                       'the staff group is a superuser');
SELECT pg_temp.refused('ALTER ROLE learning_network_hub BYPASSRLS', 'ALTER ROLE learning_network_hub NOBYPASSRLS',
                       'the HUB group bypasses row level security');
SELECT pg_temp.refused('ALTER ROLE learning_network_bi CREATEROLE', 'ALTER ROLE learning_network_bi NOCREATEROLE',
                       'the BI group may create roles');
SELECT pg_temp.refused('GRANT learning_network_owner TO roles_login', 'REVOKE learning_network_owner FROM roles_login',
                       'a login is a member of the owner group');
SELECT pg_temp.refused('CREATE ROLE learning_network_facility_99 LOGIN', 'DROP ROLE learning_network_facility_99',
                       'a facility role can log in');
SELECT pg_temp.refused('GRANT learning_network_staff TO learning_network_member',
                       'REVOKE learning_network_staff FROM learning_network_member',
                       'every facility would be staff');
SELECT pg_temp.refused('CREATE ROLE learning_network_facility_98 NOLOGIN; GRANT learning_network_facility_98 TO learning_network_bi',
                       'DROP ROLE learning_network_facility_98',
                       'the BI group may act as a facility (as 0.1.0 granted)');

CREATE EXTENSION learning_network;
SELECT is_empty('SELECT * FROM learning_network.security_audit', 'sound roles: the install goes through, audit empty');

-- the audit reports the same problems made after the install
INSERT INTO learning_network.facility (facility_id, name, pseudonym) VALUES (901, 'Alpha', 'F-A'), (902, 'Bravo', 'F-B');
SELECT is(learning_network.create_facility_role(901), 'learning_network_facility_901', 'a facility role');
CREATE FUNCTION pg_temp.audit_of(setup text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  found text[];
BEGIN
  BEGIN
    EXECUTE setup;
    found := ARRAY(SELECT object || ': ' || detail FROM learning_network.security_audit WHERE lint = 'access_role_unsafe');
    RAISE EXCEPTION USING ERRCODE = 'P0005';
  EXCEPTION WHEN SQLSTATE 'P0005' THEN
    RETURN QUERY SELECT unnest(found);
  END;
END $$;
SELECT set_eq($$SELECT * FROM pg_temp.audit_of('ALTER ROLE learning_network_owner LOGIN; ALTER ROLE learning_network_facility_901 BYPASSRLS; GRANT learning_network_owner TO roles_login; GRANT learning_network_staff TO learning_network_facility_901')$$,
  ARRAY['learning_network_owner: group role has LOGIN', 'learning_network_facility_901: facility role has BYPASSRLS',
        'learning_network_owner: roles_login is a member', 'learning_network_staff: learning_network_facility_901 is a member'],
  'the audit reports a group that can log in, a facility role bypassing RLS, a member of the owner, a facility made staff');
SELECT is_empty($$SELECT * FROM pg_temp.audit_of('ALTER ROLE learning_network_facility_901_bi LOGIN')$$,
  'a facility''s BI role may log in (its BI connection)');
SELECT set_eq($$SELECT * FROM pg_temp.audit_of('ALTER ROLE learning_network_facility_901_bi BYPASSRLS; GRANT learning_network_facility_901 TO learning_network_facility_901_bi; GRANT learning_network_facility_901 TO learning_network_bi')$$,
  ARRAY['learning_network_facility_901_bi: facility BI role has BYPASSRLS',
        'learning_network_facility_901: learning_network_facility_901_bi is a member',
        'learning_network_facility_901: learning_network_bi is a member'],
  'the audit reports a BI role bypassing RLS, a BI role or the BI group able to act as the facility');

-- a facility role is adopted only if it is what create_facility_role makes
CREATE ROLE learning_network_facility_902 LOGIN;
SELECT throws_ok('SELECT learning_network.create_facility_role(902)', '42501',
  'role learning_network_facility_902 exists with more power than a facility role may have',
  'create_facility_role refuses a login of the facility role''s name');
SELECT is((SELECT role_name FROM learning_network.facility WHERE facility_id = 902), NULL, 'and records no role for it');
ALTER ROLE learning_network_facility_902 NOLOGIN;
SELECT is(learning_network.create_facility_role(902), 'learning_network_facility_902', 'made NOLOGIN, it is adopted');
CREATE ROLE learning_network_facility_903_bi BYPASSRLS;
INSERT INTO learning_network.facility (facility_id, name, pseudonym) VALUES (903, 'Charlie', 'F-C');
SELECT throws_ok('SELECT learning_network.create_facility_role(903)', '42501',
  'role learning_network_facility_903_bi exists with more power than a facility role may have',
  'create_facility_role refuses a BI role of the facility''s name that bypasses row level security');

-- who is staff: the projects a role sees (staff see both facilities' names)
INSERT INTO learning_network.project (project_id, facility_id, collaborative_id, title, started_on) VALUES
  (901, 901, 2, 'Alpha positioning', '2025-01-05'), (902, 902, 2, 'Bravo positioning', '2025-01-05');
CREATE FUNCTION pg_temp.named_projects(who name, act_as name DEFAULT NULL) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', who);
  IF act_as IS NOT NULL THEN
    EXECUTE format('SET LOCAL ROLE %I', act_as);
  END IF;
  SELECT count(*) INTO n FROM learning_network.projects WHERE facility_name IS NOT NULL;
  RESET ROLE;
  RETURN n;
END $$;
CREATE ROLE roles_staff LOGIN INHERIT;
GRANT learning_network_staff TO roles_staff;
SELECT is(pg_temp.named_projects('roles_staff'), 2::bigint, 'a member inheriting from the staff group is staff');
SELECT is(pg_temp.named_projects('learning_network_staff'), 2::bigint, 'the staff group itself is staff');
SELECT is(pg_temp.named_projects('learning_network_facility_901'), 1::bigint, 'a facility sees its own names only');
CREATE ROLE roles_noinherit LOGIN NOINHERIT;
GRANT learning_network_staff TO roles_noinherit;
SELECT ok(pg_has_role('roles_noinherit', 'learning_network_staff', 'MEMBER')
          AND NOT pg_has_role('roles_noinherit', 'learning_network_staff', 'USAGE'),
  'a NOINHERIT member is a MEMBER without the group''s privileges ...');
SELECT is(pg_temp.named_projects('roles_noinherit', 'learning_network_staff'), 2::bigint,
  '... and staff once it SET ROLEs to the group');

\if :pg16
-- 16+: a grant says itself whether its member inherits and may SET ROLE
CREATE ROLE roles_delegate LOGIN INHERIT;
GRANT learning_network_hub TO roles_delegate WITH INHERIT TRUE, SET TRUE;
GRANT learning_network_staff TO roles_delegate WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;
SELECT ok(pg_has_role('roles_delegate', 'learning_network_staff', 'MEMBER'),
  '16+: an admin-only grant (WITH INHERIT FALSE, SET FALSE) counts as MEMBER ...');
SELECT is(pg_temp.named_projects('roles_delegate'), 0::bigint, '... but its member is not staff');
CREATE ROLE roles_set_only LOGIN INHERIT;
GRANT learning_network_hub TO roles_set_only WITH INHERIT TRUE, SET TRUE;
GRANT learning_network_staff TO roles_set_only WITH INHERIT FALSE, SET TRUE;
SELECT is(pg_temp.named_projects('roles_set_only'), 0::bigint, '16+: WITH INHERIT FALSE, SET TRUE: not staff as itself ...');
SELECT is(pg_temp.named_projects('roles_set_only', 'learning_network_staff'), 2::bigint, '... staff after SET ROLE');
SELECT is(ARRAY(
  SELECT format('%s to %s: inherit %s, set %s', r.rolname, m.rolname, am.inherit_option, am.set_option)
  FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
  WHERE r.rolname IN ('learning_network_facility_901', 'learning_network_facility_901_bi')
     OR m.rolname IN ('learning_network_facility_901', 'learning_network_facility_901_bi')
  ORDER BY 1),
  ARRAY['learning_network_bi to learning_network_facility_901_bi: inherit t, set f',
        'learning_network_facility_901 to learning_network_hub: inherit f, set t',
        'learning_network_member to learning_network_facility_901: inherit t, set f'],
  '16+: a facility role inherits the member group without SET, the HUB may SET ROLE to it without inheriting; its BI role inherits the BI group');
\else
SELECT skip('INHERIT and SET options of a grant exist from PostgreSQL 16 on', 5);
\endif

SELECT * FROM finish();
ROLLBACK;
