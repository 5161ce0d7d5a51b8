-- access administration

-- Runs as the installing superuser: creating a role needs CREATEROLE, which
-- no role of the access model holds.  Only staff may call it.
--
-- A facility gets two roles, and each can reach nothing else, so no SQL its
-- users type can act for another facility (docs/access-model.md):
--   learning_network_facility_<id>     its people and the HUB act as it: reads
--                                      and writes the facility's data;
--   learning_network_facility_<id>_bi  its BI login (a DBA gives it LOGIN and
--                                      a password): reads what the facility
--                                      reads, writes nothing.
-- Only the HUB group may SET ROLE to facility roles; the shared BI group may
-- not (it reads the public tier only).
CREATE OR REPLACE FUNCTION @extschema@.create_facility_role(facility_id integer) RETURNS name
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  role name;
  bi_role name;
  stranger name;
  unsafe_role name;
  unsafe_problems text;
BEGIN
  SELECT coalesce(f.role_name, format('learning_network_facility_%s', f.facility_id)::name),
         coalesce(f.bi_role_name, format('learning_network_facility_%s_bi', f.facility_id)::name)
  INTO role, bi_role
  FROM @extschema@.facility f WHERE f.facility_id = create_facility_role.facility_id;
  IF role IS NULL THEN
    RAISE EXCEPTION 'facility % does not exist', coalesce(facility_id::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'facility_id';
  END IF;
  -- roles belong to the cluster: another database's facility may have made
  -- them already.  Taken over, the BI reader is stripped below of every
  -- membership but the BI group, and either role is refused if it has more
  -- power than this function gives it (access_role_problems).
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN INHERIT', role);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = bi_role) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN INHERIT', bi_role);
  END IF;
  -- the facility role's privileges come from the member group; the HUB
  -- group may SET ROLE to it (acting for a user) without inheriting from it;
  -- the BI reader's privileges come from the BI group (the client views, no
  -- function).  Each grant only when missing: made again, nothing changes.
  PERFORM learning_network_internal.grant_role('learning_network_member', role, inherit => true, set_role => false);
  PERFORM learning_network_internal.grant_role(role, 'learning_network_hub', inherit => false, set_role => true);
  PERFORM learning_network_internal.grant_role('learning_network_bi', bi_role, inherit => true, set_role => false);
  -- nothing else may be granted to the BI reader, nor the facility role to
  -- the BI group (0.1.0 did): either would let the BI path act as a writer
  FOR stranger IN SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
                  WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = bi_role)
                    AND r.rolname <> 'learning_network_bi' LOOP
    EXECUTE format('REVOKE %I FROM %I', stranger, bi_role);
  END LOOP;
  IF EXISTS (SELECT FROM pg_auth_members m
             WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = role)
               AND m.member = (SELECT oid FROM pg_roles WHERE rolname = 'learning_network_bi')) THEN
    EXECUTE format('REVOKE %I FROM learning_network_bi', role);
  END IF;
  -- roles that already existed are adopted only if they are what we would make
  SELECT p.role_name, string_agg(p.problem, '; ') INTO unsafe_role, unsafe_problems
  FROM learning_network_internal.access_role_problems() p WHERE p.role_name IN (role, bi_role)
  GROUP BY p.role_name ORDER BY p.role_name LIMIT 1;
  IF unsafe_role IS NOT NULL THEN
    RAISE EXCEPTION 'role % exists with more power than a facility role may have', unsafe_role
      USING ERRCODE = 'insufficient_privilege', DETAIL = unsafe_problems,
            HINT = 'A superuser should drop or fix the role (ALTER ROLE ... NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE), then try again.';
  END IF;
  UPDATE @extschema@.facility f SET role_name = role, bi_role_name = bi_role
  WHERE f.facility_id = create_facility_role.facility_id;
  RETURN role;
END $$;
COMMENT ON FUNCTION @extschema@.create_facility_role(integer) IS
  'Staff only: create (or, if they exist, re-grant) the facility''s NOLOGIN role, which its people and the HUB act as, and its BI reader role learning_network_facility_<id>_bi (reads what the facility reads, writes nothing; a DBA gives it LOGIN and a password for the facility''s BI connection). Returns the facility role''s name. Roles outlive DROP EXTENSION.';

-- 0.1.0 granted every facility role to the BI group, which let the shared BI
-- login act as (and write for) any facility: re-make the roles of every
-- facility that has them, which revokes that and adds the BI reader roles.
-- (Runs at install, on an empty table, and at every upgrade.)
DO $remake$
BEGIN
  PERFORM @extschema@.create_facility_role(f.facility_id)
  FROM @extschema@.facility f WHERE f.role_name IS NOT NULL;
END $remake$;

CREATE OR REPLACE FUNCTION @extschema@.set_sharing(tier text, measure_id integer DEFAULT NULL, facility_id integer DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  facility integer := coalesce(set_sharing.facility_id, learning_network_internal.caller_facility());
BEGIN
  IF facility IS NULL THEN
    RAISE EXCEPTION 'permission denied: % acts for no facility', @extschema@.acting_role()
      USING ERRCODE = 'insufficient_privilege', COLUMN = 'facility_id',
            HINT = 'SET ROLE to the facility''s role, or (staff) name the facility.';
  END IF;
  PERFORM learning_network_internal.require_write(facility, format('facility %s', facility));
  IF tier IS NOT NULL AND tier NOT IN ('private', 'network', 'public') THEN
    RAISE EXCEPTION 'tier must be private, network or public, not %', tier
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'tier';
  END IF;
  IF tier IS NULL AND measure_id IS NULL THEN
    RAISE EXCEPTION 'tier must be private, network or public'
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'tier',
            HINT = 'A NULL tier removes a measure''s own setting; the facility''s default always has one.';
  END IF;
  IF measure_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.measure m WHERE m.measure_id = set_sharing.measure_id) THEN
    RAISE EXCEPTION 'measure % does not exist', measure_id USING ERRCODE = 'invalid_parameter_value', COLUMN = 'measure_id';
  END IF;
  DELETE FROM @extschema@.sharing s
  WHERE s.facility_id = facility AND s.measure_id IS NOT DISTINCT FROM set_sharing.measure_id;
  IF tier IS NOT NULL THEN
    INSERT INTO @extschema@.sharing (facility_id, measure_id, tier) VALUES (facility, measure_id, tier);
  END IF;
END $$;
COMMENT ON FUNCTION @extschema@.set_sharing(text, integer, integer) IS
  'Set the acting facility''s sharing tier (private, network, public) for all its measures, or with measure_id for one (a NULL tier then removes the measure''s own setting). Staff name the facility. Takes effect at once for every view.';
