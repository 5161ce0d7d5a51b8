-- The chart and rules of a measure are checked by the engine itself.
CREATE OR REPLACE FUNCTION @extschema@.measure_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.kind IN ('proportion', 'rate') THEN
    PERFORM spc.chart(NEW.chart, 1, 1, rules => NEW.rules, improvement => NEW.improvement) OVER ();
  ELSE
    -- without a denominator: charts that need one (p, np, pp, u, up) refuse
    PERFORM spc.chart(NEW.chart, 1, rules => NEW.rules, improvement => NEW.improvement) OVER ();
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.measure_check() IS 'Trigger: a measure''s chart and rules must be valid spc.chart arguments, and a count or individual measure cannot use a chart that needs a denominator.';
CREATE OR REPLACE TRIGGER measure_check BEFORE INSERT OR UPDATE OF chart, rules, improvement, kind ON @extschema@.measure
  FOR EACH ROW EXECUTE FUNCTION @extschema@.measure_check();

-- Write-time rules that need other tables or the clock, with messages a team
-- can act on.  Corrections are stamped with who and when.
CREATE OR REPLACE FUNCTION @extschema@.observation_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  m record;
  project_collaborative integer;
BEGIN
  IF NEW.week_start > @extschema@.week_start(current_date) THEN
    RAISE EXCEPTION 'week % is in the future', to_char(NEW.week_start, 'YYYY-MM-DD')
      USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_week_not_future',
            HINT = 'Enter a week once it has started; the current week starts '
                   || to_char(@extschema@.week_start(current_date), 'YYYY-MM-DD') || '.';
  END IF;
  SELECT kind, code, collaborative_id INTO m FROM @extschema@.measure WHERE measure_id = NEW.measure_id;
  SELECT collaborative_id INTO project_collaborative FROM @extschema@.project WHERE project_id = NEW.project_id;
  IF m.collaborative_id IS DISTINCT FROM project_collaborative THEN
    RAISE EXCEPTION 'measure % is not a measure of project %''s collaborative', coalesce(m.code, NEW.measure_id::text), NEW.project_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_measure_of_collaborative',
            HINT = 'Choose one of the measures of the project''s collaborative.';
  END IF;
  IF m.kind IN ('proportion', 'rate') AND (NEW.numerator IS NULL OR NEW.denominator IS NULL OR NEW.value IS NOT NULL) THEN
    RAISE EXCEPTION 'measure % needs a numerator and a denominator, and no value', m.code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_fits_measure';
  END IF;
  -- a zero or negative denominator is its own problem, whatever the numerator
  IF NEW.denominator IS NOT NULL AND NOT (NEW.denominator > 0 AND NEW.denominator < 'Infinity') THEN
    RAISE EXCEPTION 'denominator % is not a positive number', NEW.denominator
      USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_denominator_positive',
            HINT = 'A denominator counts the cases examined or the exposure: enter a number above 0.';
  END IF;
  IF m.kind = 'proportion' AND NEW.numerator > NEW.denominator THEN
    RAISE EXCEPTION 'numerator % is above denominator % for measure %', NEW.numerator, NEW.denominator, m.code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_numerator_within_denominator',
            HINT = 'A proportion counts the cases (numerator) among those examined (denominator).';
  END IF;
  IF m.kind = 'count' AND (NEW.numerator IS NULL OR NEW.denominator IS NOT NULL OR NEW.value IS NOT NULL) THEN
    RAISE EXCEPTION 'measure % needs a count in numerator only', m.code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_fits_measure';
  END IF;
  IF m.kind = 'individual' AND (NEW.value IS NULL OR NEW.numerator IS NOT NULL OR NEW.denominator IS NOT NULL) THEN
    RAISE EXCEPTION 'measure % needs a value only', m.code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_fits_measure';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF (NEW.facility_id, NEW.project_id, NEW.measure_id, NEW.week_start)
       IS DISTINCT FROM (OLD.facility_id, OLD.project_id, OLD.measure_id, OLD.week_start) THEN
      RAISE EXCEPTION 'the project, measure and week of an observation cannot change'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_key_fixed',
              HINT = 'Delete the week and enter it again under the right key.';
    END IF;
    NEW.entered_by := @extschema@.acting_role();
    NEW.entered_at := now();
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.observation_check() IS 'Trigger: rejects future weeks, measures of another collaborative, and numbers that do not fit the measure''s kind; stamps corrections.';
CREATE OR REPLACE TRIGGER observation_check BEFORE INSERT OR UPDATE ON @extschema@.observation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.observation_check();

-- The annotation and phase measure, if any, must be one of the project's.
CREATE OR REPLACE FUNCTION @extschema@.project_measure_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.measure_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM @extschema@.measure m JOIN @extschema@.project p USING (collaborative_id)
      WHERE m.measure_id = NEW.measure_id AND p.project_id = NEW.project_id) THEN
    RAISE EXCEPTION 'measure % is not a measure of project %''s collaborative', NEW.measure_id, NEW.project_id
      USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_measure_of_collaborative';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.project_measure_check() IS 'Trigger: a phase, annotation or goal names a measure of the project''s collaborative.';
CREATE OR REPLACE TRIGGER phase_measure_check BEFORE INSERT OR UPDATE ON @extschema@.phase
  FOR EACH ROW EXECUTE FUNCTION @extschema@.project_measure_check();
CREATE OR REPLACE TRIGGER annotation_measure_check BEFORE INSERT OR UPDATE ON @extschema@.annotation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.project_measure_check();
CREATE OR REPLACE TRIGGER goal_measure_check BEFORE INSERT OR UPDATE ON @extschema@.goal
  FOR EACH ROW EXECUTE FUNCTION @extschema@.project_measure_check();
