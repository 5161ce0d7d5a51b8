CREATE OR REPLACE FUNCTION @extschema@.observation_audit() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r @extschema@.observation;
BEGIN
  -- A restore (pg_restore, or a plain dump run by psql) loads the table with
  -- COPY observation FROM, and the history with it from the same dump: its
  -- rows are not logged again.  Only that is skipped: a superuser's COPY of
  -- this very table (clients hold no privilege on it, and the write
  -- functions run as learning_network_owner, never a superuser), so no
  -- statement a client can send or wrap - COPY (SELECT record_week(...)) TO
  -- STDOUT, a COPY in front of other statements - escapes the audit.
  IF TG_OP = 'INSERT'
     AND current_query() ~* '^\s*copy\s+("?learning_network"?\s*\.\s*)?"?observation"?\s*(\([^)]*\))?\s*from\s+stdin\s*;?\s*$'
     AND (SELECT pr.rolsuper FROM pg_catalog.pg_roles pr WHERE pr.rolname = current_user) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  INSERT INTO @extschema@.observation_history (facility_id, project_id, measure_id, week_start, operation,
      numerator, denominator, value, excluded, note, version, changed_by, changed_at)
  VALUES (r.facility_id, r.project_id, r.measure_id, r.week_start, lower(TG_OP),
      r.numerator, r.denominator, r.value, r.excluded, r.note, r.version, @extschema@.acting_role(), now());
  RETURN NULL;
END $$;
COMMENT ON FUNCTION @extschema@.observation_audit() IS 'Trigger: appends every insert, correction and deletion of an observation to observation_history; rows a superuser loads with COPY observation FROM STDIN (a restore, whose history comes with it) are not logged again.';
CREATE OR REPLACE TRIGGER observation_audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.observation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.observation_audit();

CREATE OR REPLACE FUNCTION @extschema@.history_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'observation_history is append-only'
    USING ERRCODE = 'insufficient_privilege', HINT = 'Corrections are recorded by changing observation.';
END $$;
COMMENT ON FUNCTION @extschema@.history_append_only() IS 'Trigger: refuses updates and deletes of the audit trail.';
CREATE OR REPLACE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON @extschema@.observation_history
  FOR EACH ROW EXECUTE FUNCTION @extschema@.history_append_only();
CREATE OR REPLACE TRIGGER history_no_truncate BEFORE TRUNCATE ON @extschema@.observation_history
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.history_append_only();
