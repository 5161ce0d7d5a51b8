-- writes for the HUB: one call per action, safe to retry, never a silent
-- overwrite.  Errors name the field (RAISE ... USING COLUMN) for the UI.
-- They run as learning_network_owner (SECURITY DEFINER) with a fixed
-- search_path; the base tables' policies still apply to the acting role, and
-- each function first says plainly when the caller may not write (42501).

-- The facility of a project the acting role may write, or 42501.
CREATE OR REPLACE FUNCTION learning_network_internal.writable_project(project_id integer) RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  facility integer;
BEGIN
  SELECT p.facility_id INTO facility FROM @extschema@.project p WHERE p.project_id = writable_project.project_id;
  -- a project the caller cannot see gets the same answer as another
  -- facility's: a refusal that does not tell whether it exists
  IF facility IS NULL AND NOT learning_network_internal.caller_is_staff() THEN
    facility := 0;
  ELSIF facility IS NULL THEN
    RAISE EXCEPTION 'project % does not exist', coalesce(project_id::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'project_id';
  END IF;
  PERFORM learning_network_internal.require_write(facility, pg_catalog.format('project %s', project_id));
  RETURN facility;
END $$;
COMMENT ON FUNCTION learning_network_internal.writable_project(integer) IS
  'The facility of a project the acting role may write; 42501 if it belongs to another facility or the caller cannot see it (22023 for staff if it does not exist).';

CREATE OR REPLACE FUNCTION @extschema@.record_week(project_id integer, measure_id integer, week_start date,
                                        numerator bigint DEFAULT NULL, denominator double precision DEFAULT NULL,
                                        value double precision DEFAULT NULL, excluded boolean DEFAULT false,
                                        note text DEFAULT NULL, expected_version integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  facility integer := learning_network_internal.writable_project(project_id);
  current @extschema@.observation;
BEGIN
  IF week_start IS NULL OR extract(dow FROM week_start) <> 0 THEN
    RAISE EXCEPTION 'week_start must be a Sunday, not %', coalesce(to_char(week_start, 'YYYY-MM-DD'), 'NULL')
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'week_start',
            HINT = 'Weeks run Sunday to Saturday; learning_network.week_start(d) gives the Sunday of any date.';
  END IF;
  SELECT o.* INTO current FROM @extschema@.observation o
  WHERE o.facility_id = facility AND o.project_id = record_week.project_id
    AND o.measure_id = record_week.measure_id AND o.week_start = record_week.week_start
  FOR UPDATE;
  IF NOT FOUND THEN
    IF coalesce(expected_version, 0) <> 0 THEN
      RAISE EXCEPTION 'the week was deleted since version % was read', expected_version
        USING ERRCODE = 'serialization_failure', HINT = 'Reload the week and enter it again.';
    END IF;
    BEGIN
      INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator,
                                           denominator, value, excluded, note)
      VALUES (facility, project_id, measure_id, week_start, numerator, denominator, value,
              coalesce(excluded, false), note);
    EXCEPTION WHEN unique_violation THEN
      RAISE EXCEPTION 'someone else entered this week at the same moment'
        USING ERRCODE = 'serialization_failure', HINT = 'Reload the week and try again.';
    END;
    RETURN 1;
  END IF;
  -- the same numbers again: nothing to do (a retried request)
  IF (current.numerator, current.denominator, current.value, current.excluded, current.note)
     IS NOT DISTINCT FROM (numerator, denominator, value, coalesce(excluded, false), note) THEN
    RETURN current.version;
  END IF;
  IF expected_version IS DISTINCT FROM current.version THEN
    RAISE EXCEPTION 'the week was changed by % at % (version %), after version % was read',
        current.entered_by, to_char(current.entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        current.version, coalesce(expected_version::text, 'none')
      USING ERRCODE = 'serialization_failure',
            HINT = 'Reload the week, check the other change, and save again with its version.';
  END IF;
  UPDATE @extschema@.observation o
  SET numerator = record_week.numerator, denominator = record_week.denominator, value = record_week.value,
      excluded = coalesce(record_week.excluded, false), note = record_week.note
  WHERE o.facility_id = facility AND o.project_id = record_week.project_id
    AND o.measure_id = record_week.measure_id AND o.week_start = record_week.week_start;
  RETURN current.version + 1;
END $$;
COMMENT ON FUNCTION @extschema@.record_week(integer, integer, date, bigint, double precision, double precision, boolean, text, integer) IS
  'Enter or correct one week of a measure; returns the week''s version. Sending the same numbers again changes nothing. A correction must name the version it was read at (expected_version): if someone changed the week meanwhile it fails with SQLSTATE 40001 and says who and when, never overwriting. Bad numbers fail with the constraint''s message (23514) naming the field; another facility''s project with 42501.';

CREATE OR REPLACE FUNCTION @extschema@.delete_week(project_id integer, measure_id integer, week_start date,
                                        expected_version integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  facility integer := learning_network_internal.writable_project(project_id);
  current_version integer;
BEGIN
  SELECT o.version INTO current_version FROM @extschema@.observation o
  WHERE o.facility_id = facility AND o.project_id = delete_week.project_id
    AND o.measure_id = delete_week.measure_id AND o.week_start = delete_week.week_start
  FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;               -- already gone: a retried delete
  END IF;
  IF expected_version IS DISTINCT FROM current_version THEN
    RAISE EXCEPTION 'the week is at version %, not %', current_version, coalesce(expected_version::text, 'NULL')
      USING ERRCODE = 'serialization_failure', HINT = 'Reload the week before deleting it.';
  END IF;
  DELETE FROM @extschema@.observation o
  WHERE o.facility_id = facility AND o.project_id = delete_week.project_id
    AND o.measure_id = delete_week.measure_id AND o.week_start = delete_week.week_start;
  RETURN true;
END $$;
COMMENT ON FUNCTION @extschema@.delete_week(integer, integer, date, integer) IS
  'Delete one week (kept in observation_history) if it is still at expected_version; false if it was already deleted; 40001 if it changed meanwhile; 42501 for another facility''s project.';

CREATE OR REPLACE FUNCTION @extschema@.set_phase(project_id integer, starts_on date, label text,
                                      measure_id integer DEFAULT NULL, freeze_after integer DEFAULT NULL,
                                      note text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  facility integer := learning_network_internal.writable_project(project_id);
  id integer;
BEGIN
  SELECT p.phase_id INTO id FROM @extschema@.phase p
  WHERE p.project_id = set_phase.project_id AND p.measure_id IS NOT DISTINCT FROM set_phase.measure_id
    AND p.starts_on = set_phase.starts_on
  FOR UPDATE;
  IF FOUND THEN
    UPDATE @extschema@.phase p SET label = set_phase.label, freeze_after = set_phase.freeze_after, note = set_phase.note
    WHERE p.phase_id = id;
    RETURN id;
  END IF;
  INSERT INTO @extschema@.phase (facility_id, project_id, measure_id, starts_on, label, freeze_after, note)
  VALUES (facility, project_id, measure_id, starts_on, label, freeze_after, note)
  RETURNING phase_id INTO id;
  RETURN id;
END $$;
COMMENT ON FUNCTION @extschema@.set_phase(integer, date, text, integer, integer, text) IS
  'Start a phase (a new centre line) at a Sunday, for one measure or (measure_id NULL) every measure of the project; setting it again with the same start updates its label, freeze and note. Returns the phase id.';

-- The facility of a phase or annotation the acting role may change; NULL
-- when it sees none with that id; 42501 when it is another facility's.
CREATE OR REPLACE FUNCTION learning_network_internal.writable_row(what text, id integer) RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  facility integer;
BEGIN
  IF what = 'phase' THEN
    SELECT p.facility_id INTO facility FROM @extschema@.phase p WHERE p.phase_id = id;
  ELSE
    SELECT a.facility_id INTO facility FROM @extschema@.annotation a WHERE a.annotation_id = id;
  END IF;
  IF facility IS NOT NULL THEN
    PERFORM learning_network_internal.require_write(facility, pg_catalog.format('%s %s', what, id));
  END IF;
  RETURN facility;
END $$;
COMMENT ON FUNCTION learning_network_internal.writable_row(text, integer) IS
  'The facility of a phase or annotation the acting role may change; NULL if it sees none with that id; 42501 if it is another facility''s.';

CREATE OR REPLACE FUNCTION @extschema@.move_phase(phase_id integer, starts_on date) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF learning_network_internal.writable_row('phase', phase_id) IS NULL THEN
    IF NOT learning_network_internal.caller_is_staff() THEN
      -- as for projects: a phase the caller cannot see is refused like another facility's
      PERFORM learning_network_internal.require_write(NULL, pg_catalog.format('phase %s', phase_id));
    END IF;
    RAISE EXCEPTION 'phase % does not exist', phase_id USING ERRCODE = 'invalid_parameter_value', COLUMN = 'phase_id';
  END IF;
  UPDATE @extschema@.phase p SET starts_on = move_phase.starts_on WHERE p.phase_id = move_phase.phase_id;
END $$;
COMMENT ON FUNCTION @extschema@.move_phase(integer, date) IS 'Move a phase to start at another Sunday; 42501 for a phase of another facility (or one the caller cannot see; staff get 22023 if it does not exist).';

CREATE OR REPLACE FUNCTION @extschema@.delete_phase(phase_id integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF learning_network_internal.writable_row('phase', phase_id) IS NULL THEN
    RETURN false;
  END IF;
  DELETE FROM @extschema@.phase p WHERE p.phase_id = delete_phase.phase_id;
  RETURN true;
END $$;
COMMENT ON FUNCTION @extschema@.delete_phase(integer) IS 'Remove a phase (its weeks join the previous phase); false if it did not exist.';

CREATE OR REPLACE FUNCTION @extschema@.add_annotation(project_id integer, week_start date, text text,
                                           kind text DEFAULT 'pdsa', measure_id integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  id integer;
BEGIN
  INSERT INTO @extschema@.annotation (facility_id, project_id, measure_id, week_start, kind, text)
  VALUES (learning_network_internal.writable_project(add_annotation.project_id), add_annotation.project_id,
          add_annotation.measure_id, add_annotation.week_start, add_annotation.kind, add_annotation.text)
  RETURNING annotation_id INTO id;
  RETURN id;
END $$;
COMMENT ON FUNCTION @extschema@.add_annotation(integer, date, text, text, integer) IS
  'Annotate a week (a PDSA cycle, an event, a note) for every measure of the project or one; returns the annotation id.';

CREATE OR REPLACE FUNCTION @extschema@.edit_annotation(annotation_id integer, text text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF learning_network_internal.writable_row('annotation', annotation_id) IS NULL THEN
    RETURN false;
  END IF;
  UPDATE @extschema@.annotation a SET text = edit_annotation.text WHERE a.annotation_id = edit_annotation.annotation_id;
  RETURN true;
END $$;
COMMENT ON FUNCTION @extschema@.edit_annotation(integer, text) IS 'Change an annotation''s text; false if it does not exist.';

CREATE OR REPLACE FUNCTION @extschema@.remove_annotation(annotation_id integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF learning_network_internal.writable_row('annotation', annotation_id) IS NULL THEN
    RETURN false;
  END IF;
  DELETE FROM @extschema@.annotation a WHERE a.annotation_id = remove_annotation.annotation_id;
  RETURN true;
END $$;
COMMENT ON FUNCTION @extschema@.remove_annotation(integer) IS 'Remove an annotation; false if it did not exist.';

CREATE OR REPLACE FUNCTION @extschema@.set_goal(project_id integer, measure_id integer, target double precision,
                                     target_date date DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO @extschema@.goal (facility_id, project_id, measure_id, target, target_date)
  VALUES (learning_network_internal.writable_project(set_goal.project_id), set_goal.project_id, set_goal.measure_id,
          set_goal.target, set_goal.target_date)
  ON CONFLICT ON CONSTRAINT goal_pkey
  DO UPDATE SET target = excluded.target, target_date = excluded.target_date,
                set_by = @extschema@.acting_role(), set_at = now();
END $$;
COMMENT ON FUNCTION @extschema@.set_goal(integer, integer, double precision, date) IS
  'Set (or change) the goal of a project''s measure, in the measure''s own units (a proportion as 0 to 1).';
