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

-- Bounds on what a write may store (issue 13): a hostile or careless member
-- must not be able to store what breaks or bloats the views every peer reads.
-- The table constraints (tables.sql) hold the fixed bounds; the triggers
-- below check them first with a message that names the field, and add the
-- bounds that need other tables or the clock.  The limits, in one place:
--   weeks: not before 2000-01-02, nor before the collaborative's first cohort
--     started less two years of baseline, nor in the future (observations) or
--     more than a year ahead (phases, annotations);
--   numerator 0 .. 1e9 a week, denominator up to 1e12, value -1e12 .. 1e12,
--     goals on the measure's scale (a proportion from 0 to 1);
--   text: phase labels 80 characters, annotations 500, notes 1000 (weeks) or
--     2000 (phases), and text shown to peers or the public (phase labels,
--     annotations, cohort and measure names, publication titles) never
--     starting with = + - @ tab or carriage return, which a spreadsheet
--     would run as a formula; at most 20 annotations a project and week.

-- The earliest week a collaborative's projects may enter.
CREATE OR REPLACE FUNCTION learning_network_internal.earliest_week(collaborative_id integer) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT greatest(date '2000-01-02', @extschema@.week_start(min(k.starts_on)) - 7 * 104)
        FROM @extschema@.cohort k WHERE k.collaborative_id = earliest_week.collaborative_id);
COMMENT ON FUNCTION learning_network_internal.earliest_week(integer) IS
  'The earliest week a project of the collaborative may enter: two years (104 weeks) of baseline before its first cohort started, and never before 2000-01-02.';

-- The numbers of a week within the bounds of observation's constraints.
-- Views use it to leave out rows stored before 0.2.0 that break them (kept,
-- and listed by security_audit), so no sum can overflow.
CREATE OR REPLACE FUNCTION learning_network_internal.observation_in_bounds(week_start date, numerator bigint,
                                                                denominator double precision, value double precision)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN week_start >= date '2000-01-02'
   AND (numerator IS NULL OR numerator BETWEEN 0 AND 1000000000)
   AND (denominator IS NULL OR (denominator > 0 AND denominator <= 1e12))
   AND (value IS NULL OR value BETWEEN -1e12 AND 1e12);
COMMENT ON FUNCTION learning_network_internal.observation_in_bounds(date, bigint, double precision, double precision) IS
  'True when a week''s numbers are within the bounds observation''s constraints set (views skip rows stored before 0.2.0 that are not).';

-- Refuses text longer than max_length (or empty, when required) and, where
-- peers or the public see it, text a spreadsheet would take for a formula.
CREATE OR REPLACE FUNCTION learning_network_internal.check_text(tbl text, field text, val text, max_length integer,
                                                     required boolean DEFAULT false, shown_to_peers boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF val IS NULL THEN
    RETURN;
  END IF;
  IF length(val) > max_length OR (required AND length(val) = 0) THEN
    RAISE EXCEPTION '% % must be % to % characters, not %', tbl, field, CASE WHEN required THEN 1 ELSE 0 END,
        max_length, length(val)
      USING ERRCODE = 'check_violation', CONSTRAINT = tbl || '_' || field || '_length', TABLE = tbl, COLUMN = field;
  END IF;
  IF shown_to_peers AND val ~ '^[-=+@\t\r]' THEN
    RAISE EXCEPTION '% % must not start with %: a spreadsheet would run it as a formula', tbl, field,
        CASE left(val, 1) WHEN E'\t' THEN 'a tab' WHEN E'\r' THEN 'a carriage return' ELSE quote_literal(left(val, 1)) END
      USING ERRCODE = 'check_violation', CONSTRAINT = tbl || '_' || field || '_not_formula', TABLE = tbl, COLUMN = field,
            HINT = 'Start the text with a letter, a digit or a bracket, e.g. "(+) 5 %" or "Plus 5 %".';
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.check_text(text, text, text, integer, boolean, boolean) IS
  'Raises 23514 naming the field when text is too long (or empty when required) or, for text peers see, starts with a formula character (= + - @ tab CR).';

-- Refuses a date outside [low, high] with a message naming the field.
CREATE OR REPLACE FUNCTION learning_network_internal.check_date(tbl text, field text, val date, low date, high date,
                                                     why text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF val < low OR val > high THEN
    RAISE EXCEPTION '% % % is outside % to %', tbl, field, to_char(val, 'YYYY-MM-DD'),
        to_char(low, 'YYYY-MM-DD'), coalesce(to_char(high, 'YYYY-MM-DD'), 'the current week')
      USING ERRCODE = 'check_violation', CONSTRAINT = tbl || '_' || field || '_range', TABLE = tbl, COLUMN = field,
            HINT = why;
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.check_date(text, text, date, date, date, text) IS
  'Raises 23514 naming the field when a date lies outside the range allowed.';

-- Refuses a number outside [low, high] (or not a number) naming the field.
CREATE OR REPLACE FUNCTION learning_network_internal.check_number(tbl text, field text, val double precision,
                                                       low double precision, high double precision, why text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF val < low OR (val > high AND val <> 'NaN') THEN   -- NaN: the table's constraints refuse it
    RAISE EXCEPTION '% % % is outside % to %', tbl, field, val, low, high
      USING ERRCODE = 'check_violation', CONSTRAINT = tbl || '_' || field || '_range', TABLE = tbl, COLUMN = field,
            HINT = why;
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.check_number(text, text, double precision, double precision, double precision, text) IS
  'Raises 23514 naming the field when a number lies outside the range allowed.';

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
  -- the checks' messages are built only when a bound is broken: this runs
  -- for every row of an import
  IF NEW.week_start < learning_network_internal.earliest_week(project_collaborative) THEN
    PERFORM learning_network_internal.check_date('observation', 'week_start', NEW.week_start,
      learning_network_internal.earliest_week(project_collaborative), 'infinity',
      'Weeks start two years before the collaborative''s first cohort at the earliest, and never before 2000-01-02.');
  END IF;
  IF NEW.numerator > 1000000000 OR NEW.denominator > 1e12 OR NOT NEW.value BETWEEN -1e12 AND 1e12
     OR length(NEW.note) > 1000 THEN
    -- (negative and zero ones are refused by the table's constraints)
    PERFORM learning_network_internal.check_number('observation', 'numerator', NEW.numerator, '-Infinity', 1e9,
      'A week''s count is at most 1,000,000,000.');
    PERFORM learning_network_internal.check_number('observation', 'denominator', NEW.denominator, '-Infinity', 1e12,
      'A week''s denominator is at most 1e12.');
    PERFORM learning_network_internal.check_number('observation', 'value', NEW.value, -1e12, 1e12,
      'A week''s value lies between -1e12 and 1e12.');
    PERFORM learning_network_internal.check_text('observation', 'note', NEW.note, 1000);
  END IF;
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
COMMENT ON FUNCTION @extschema@.observation_check() IS 'Trigger: rejects weeks before the collaborative''s earliest week or in the future, numbers and notes beyond their bounds, measures of another collaborative, and numbers that do not fit the measure''s kind; stamps corrections.';
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

-- Bounds of the other tables clients and staff write (see the list above).
CREATE OR REPLACE FUNCTION @extschema@.bounds_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  this_week date := @extschema@.week_start(current_date);
  kind text;
BEGIN
  CASE TG_TABLE_NAME
  WHEN 'phase' THEN
    PERFORM learning_network_internal.check_text('phase', 'label', NEW.label, 80, true, true);
    PERFORM learning_network_internal.check_text('phase', 'note', NEW.note, 2000);
    PERFORM learning_network_internal.check_date('phase', 'starts_on', NEW.starts_on, date '2000-01-02', this_week + 364,
      'A phase starts between 2000-01-02 and a year from now.');
    PERFORM learning_network_internal.check_number('phase', 'freeze_after', NEW.freeze_after, 2, 520,
      'Limits are frozen after 2 to 520 weeks.');
  WHEN 'annotation' THEN
    PERFORM learning_network_internal.check_text('annotation', 'text', NEW.text, 500, true, true);
    PERFORM learning_network_internal.check_date('annotation', 'week_start', NEW.week_start, date '2000-01-02',
      this_week + 364, 'An annotation is on a week between 2000-01-02 and a year from now.');
    IF TG_OP = 'INSERT' AND (SELECT count(*) FROM @extschema@.annotation a
                             WHERE a.project_id = NEW.project_id AND a.week_start = NEW.week_start) >= 20 THEN
      RAISE EXCEPTION 'week % of project % already has 20 annotations', to_char(NEW.week_start, 'YYYY-MM-DD'), NEW.project_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'annotation_per_week', TABLE = 'annotation', COLUMN = 'week_start',
              HINT = 'Edit or remove one of the week''s annotations first.';
    END IF;
  WHEN 'goal' THEN
    SELECT m.kind INTO kind FROM @extschema@.measure m WHERE m.measure_id = NEW.measure_id;
    PERFORM learning_network_internal.check_number('goal', 'target', NEW.target,
      CASE WHEN kind = 'individual' THEN -1e12 ELSE 0 END, CASE WHEN kind = 'proportion' THEN 1 ELSE 1e12 END,
      CASE WHEN kind = 'proportion' THEN 'A proportion''s goal is between 0 and 1 (0.85 for 85 %).'
           ELSE 'A goal is in the measure''s own units, at most 1e12 (and not negative for counts and rates).' END);
    PERFORM learning_network_internal.check_date('goal', 'target_date', NEW.target_date, date '2000-01-01',
      date '2100-12-31', 'A target date lies between 2000 and 2100.');
  WHEN 'project' THEN
    PERFORM learning_network_internal.check_text('project', 'title', NEW.title, 200, true);
    PERFORM learning_network_internal.check_text('project', 'aim', NEW.aim, 2000);
    PERFORM learning_network_internal.check_date('project', 'started_on', NEW.started_on, date '2000-01-01',
      date '2100-12-31', 'A project starts between 2000 and 2100.');
  WHEN 'facility' THEN
    PERFORM learning_network_internal.check_text('facility', 'name', NEW.name, 200, true);
    PERFORM learning_network_internal.check_text('facility', 'city', NEW.city, 100);
    PERFORM learning_network_internal.check_text('facility', 'state', NEW.state, 100);
  WHEN 'cohort' THEN
    PERFORM learning_network_internal.check_text('cohort', 'name', NEW.name, 100, true, true);
    PERFORM learning_network_internal.check_date('cohort', 'starts_on', NEW.starts_on, date '2000-01-01',
      date '2100-12-31', 'A cohort starts between 2000 and 2100.');
  WHEN 'measure' THEN
    PERFORM learning_network_internal.check_text('measure', 'name', NEW.name, 200, true, true);
    PERFORM learning_network_internal.check_text('measure', 'unit', NEW.unit, 40, false, true);
    PERFORM learning_network_internal.check_text('measure', 'numerator_definition', NEW.numerator_definition, 2000);
    PERFORM learning_network_internal.check_text('measure', 'denominator_definition', NEW.denominator_definition, 2000);
  WHEN 'publication' THEN
    PERFORM learning_network_internal.check_text('publication', 'title', NEW.title, 200, true, true);
  END CASE;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.bounds_check() IS
  'Trigger: refuses text beyond its length or starting with a formula character where peers see it, dates outside their range, goals off the measure''s scale and a 21st annotation on a week (23514, naming the field).';
CREATE OR REPLACE TRIGGER phase_bounds_check BEFORE INSERT OR UPDATE ON @extschema@.phase
  FOR EACH ROW EXECUTE FUNCTION @extschema@.bounds_check();
CREATE OR REPLACE TRIGGER annotation_bounds_check BEFORE INSERT OR UPDATE ON @extschema@.annotation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.bounds_check();
CREATE OR REPLACE TRIGGER goal_bounds_check BEFORE INSERT OR UPDATE ON @extschema@.goal
  FOR EACH ROW EXECUTE FUNCTION @extschema@.bounds_check();
CREATE OR REPLACE TRIGGER project_bounds_check BEFORE INSERT OR UPDATE ON @extschema@.project
  FOR EACH ROW EXECUTE FUNCTION @extschema@.bounds_check();
CREATE OR REPLACE TRIGGER facility_bounds_check BEFORE INSERT OR UPDATE ON @extschema@.facility
  FOR EACH ROW EXECUTE FUNCTION @extschema@.bounds_check();
CREATE OR REPLACE TRIGGER cohort_bounds_check BEFORE INSERT OR UPDATE ON @extschema@.cohort
  FOR EACH ROW EXECUTE FUNCTION @extschema@.bounds_check();
CREATE OR REPLACE TRIGGER measure_bounds_check BEFORE INSERT OR UPDATE ON @extschema@.measure
  FOR EACH ROW EXECUTE FUNCTION @extschema@.bounds_check();
CREATE OR REPLACE TRIGGER publication_bounds_check BEFORE INSERT OR UPDATE OF title ON @extschema@.publication
  FOR EACH ROW EXECUTE FUNCTION @extschema@.bounds_check();
