-- access administration

-- Runs as the installing superuser: creating a role needs CREATEROLE, which
-- no role of the access model holds.  Only staff may call it.
CREATE OR REPLACE FUNCTION @extschema@.create_facility_role(facility_id integer) RETURNS name
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  role name;
BEGIN
  SELECT coalesce(f.role_name, format('learning_network_facility_%s', f.facility_id)::name) INTO role
  FROM @extschema@.facility f WHERE f.facility_id = create_facility_role.facility_id;
  IF role IS NULL THEN
    RAISE EXCEPTION 'facility % does not exist', coalesce(facility_id::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'facility_id';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN INHERIT', role);
  END IF;
  -- its privileges come from the member group; the HUB and BI groups may
  -- SET ROLE to it (impersonation) without inheriting anything from it
  PERFORM learning_network_internal.grant_role('learning_network_member', role, inherit => true, set_role => false);
  PERFORM learning_network_internal.grant_role(role, 'learning_network_hub', inherit => false, set_role => true);
  PERFORM learning_network_internal.grant_role(role, 'learning_network_bi', inherit => false, set_role => true);
  -- a role that already existed is adopted only if it is what we would make
  IF EXISTS (SELECT FROM learning_network_internal.access_role_problems() p WHERE p.role_name = role) THEN
    RAISE EXCEPTION 'role % exists with more power than a facility role may have', role
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = (SELECT string_agg(p.problem, '; ') FROM learning_network_internal.access_role_problems() p
                      WHERE p.role_name = role),
            HINT = 'A superuser should drop or fix the role (ALTER ROLE ... NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE), then try again.';
  END IF;
  UPDATE @extschema@.facility f SET role_name = role WHERE f.facility_id = create_facility_role.facility_id;
  RETURN role;
END $$;
COMMENT ON FUNCTION @extschema@.create_facility_role(integer) IS
  'Staff only: create (or, if it exists, re-grant) the NOLOGIN role of a facility and return its name. Grant it to the people of the facility; the HUB and BI groups may SET ROLE to it. Roles outlive DROP EXTENSION.';

-- Facility roles made by an earlier release were granted without INHERIT or
-- SET options (16+ then took defaults): grant them again as
-- create_facility_role does now.  Nothing to do on a fresh install.
DO $regrant$
DECLARE
  f record;
BEGIN
  FOR f IN SELECT fa.role_name FROM @extschema@.facility fa
           WHERE fa.role_name IS NOT NULL AND EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = fa.role_name) LOOP
    PERFORM learning_network_internal.grant_role('learning_network_member', f.role_name, inherit => true, set_role => false);
    PERFORM learning_network_internal.grant_role(f.role_name, 'learning_network_hub', inherit => false, set_role => true);
    PERFORM learning_network_internal.grant_role(f.role_name, 'learning_network_bi', inherit => false, set_role => true);
  END LOOP;
END $regrant$;

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
