-- learning_network 0.1.0: the network's data model, weekly data with an audit
-- trail, and chart views for SQL, BI tools and the HUB.
\echo Use "CREATE EXTENSION learning_network CASCADE" to load this file. \quit

COMMENT ON SCHEMA @extschema@ IS
  'The learning network: collaboratives, cohorts, facilities, improvement projects, measures, weekly observations with their audit trail, phases, annotations, goals, data sharing, and the chart views (extension learning_network).';

-- Group roles of the access model (README, "Access model").  Roles belong to
-- the cluster, not to the extension: DROP EXTENSION leaves them behind, and a
-- second database or a re-install finds them already there.  None can log in.
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

-- Views over the base tables that run with their owner's rights, so the
-- client views (security invoker) can read rows the base tables' policies
-- let the caller see, without any grant on a base table.  Clients have no
-- USAGE here: they cannot name these views, only reach them through the
-- client views of @extschema@.
CREATE SCHEMA learning_network_internal;
COMMENT ON SCHEMA learning_network_internal IS
  'Internals of extension learning_network: the access helpers used by row-level-security policies and the owner-rights views the client views read. Not usable by client roles.';

-- helpers

-- Who is acting: the role the session acts as, set by SET ROLE (which only
-- a member of that role can do), else the login.  Outside SECURITY DEFINER
-- functions that is current_user; inside this extension's, whose
-- current_user is their owner, it is still their caller.  (Inside another
-- owner's SECURITY DEFINER function it is the caller too, so such a function
-- never sees more through these views than its caller could.)  A setting
-- read, no catalog lookup: policies call it on every query.
CREATE FUNCTION @extschema@.acting_role() RETURNS name
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user)::name;

COMMENT ON FUNCTION @extschema@.acting_role() IS
  'The role the session acts as (SET ROLE, else the login): current_user, and inside SECURITY DEFINER functions their caller. Row-level security and the audit columns (entered_by, changed_by, set_by, granted_by) use it.';

CREATE FUNCTION @extschema@.week_start(d date) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN d - extract(dow FROM d)::integer;

COMMENT ON FUNCTION @extschema@.week_start(date) IS
  'The Sunday that starts the network week (Sunday to Saturday) containing d.';

-- The Sundays from first_week to last_week.  A function rather than an inline
-- generate_series: its ROWS estimate (about three years of weeks) keeps the
-- planner's cost of a one-series chart low enough not to trigger JIT
-- compilation, which would cost more than the whole query.
CREATE FUNCTION @extschema@.weeks(first_week date, last_week date) RETURNS SETOF date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 160
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY SELECT first_week + 7 * k FROM generate_series(0, (last_week - first_week) / 7) k;
END $$;

COMMENT ON FUNCTION @extschema@.weeks(date, date) IS
  'The weeks (Sundays, 7 days apart) from first_week to last_week: the grid of chart_points.';

-- reference tables

CREATE TABLE @extschema@.collaborative (
  collaborative_id integer PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_]*$'),
  name text NOT NULL UNIQUE,
  is_reference boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.collaborative IS 'An improvement collaborative of the network (the four ACR Learning Network collaboratives are installed with the extension).';
COMMENT ON COLUMN @extschema@.collaborative.collaborative_id IS 'Identifier.';
COMMENT ON COLUMN @extschema@.collaborative.code IS 'Short upper-case code, e.g. MAMMO.';
COMMENT ON COLUMN @extschema@.collaborative.name IS 'Name, e.g. Mammography Positioning.';
COMMENT ON COLUMN @extschema@.collaborative.is_reference IS 'True for rows installed by the extension (re-created by CREATE EXTENSION, so not dumped).';

CREATE SEQUENCE @extschema@.cohort_id_seq;
CREATE TABLE @extschema@.cohort (
  cohort_id integer PRIMARY KEY DEFAULT nextval('@extschema@.cohort_id_seq'),
  collaborative_id integer NOT NULL REFERENCES @extschema@.collaborative,
  name text NOT NULL,
  starts_on date NOT NULL,
  graduates_on date,
  UNIQUE (collaborative_id, name),
  CONSTRAINT cohort_graduates_after_start CHECK (graduates_on IS NULL OR graduates_on > starts_on)
);
ALTER SEQUENCE @extschema@.cohort_id_seq OWNED BY @extschema@.cohort.cohort_id;
COMMENT ON TABLE @extschema@.cohort IS 'A cohort of facilities taking the ImPower course together in one collaborative.';
COMMENT ON COLUMN @extschema@.cohort.cohort_id IS 'Identifier.';
COMMENT ON COLUMN @extschema@.cohort.collaborative_id IS 'The collaborative.';
COMMENT ON COLUMN @extschema@.cohort.name IS 'Name, e.g. Cohort 1.';
COMMENT ON COLUMN @extschema@.cohort.starts_on IS 'Date of the first course session.';
COMMENT ON COLUMN @extschema@.cohort.graduates_on IS 'Graduation date (end of the course).';

CREATE SEQUENCE @extschema@.facility_id_seq;
CREATE TABLE @extschema@.facility (
  facility_id integer PRIMARY KEY DEFAULT nextval('@extschema@.facility_id_seq'),
  name text NOT NULL UNIQUE,
  city text,
  state text,
  pseudonym text NOT NULL UNIQUE
    DEFAULT 'F-' || upper(substr(md5(random()::text || clock_timestamp()::text), 1, 6))
    CHECK (pseudonym ~ '^[A-Z0-9-]{3,16}$'),
  role_name name UNIQUE
);
ALTER SEQUENCE @extschema@.facility_id_seq OWNED BY @extschema@.facility.facility_id;
COMMENT ON TABLE @extschema@.facility IS 'A member facility (imaging practice or hospital).';
COMMENT ON COLUMN @extschema@.facility.facility_id IS 'Identifier.';
COMMENT ON COLUMN @extschema@.facility.name IS 'Display name; shown only to the facility itself and to network staff.';
COMMENT ON COLUMN @extschema@.facility.city IS 'City.';
COMMENT ON COLUMN @extschema@.facility.state IS 'State or region.';
COMMENT ON COLUMN @extschema@.facility.pseudonym IS 'Pseudonym code shown in network-wide views instead of the name (random, not derived from the identifier).';
COMMENT ON COLUMN @extschema@.facility.role_name IS 'The facility''s NOLOGIN role (made by create_facility_role): whoever acts as it (SET ROLE) acts for the facility.';

CREATE SEQUENCE @extschema@.project_id_seq;
CREATE TABLE @extschema@.project (
  project_id integer PRIMARY KEY DEFAULT nextval('@extschema@.project_id_seq'),
  facility_id integer NOT NULL REFERENCES @extschema@.facility,
  collaborative_id integer NOT NULL REFERENCES @extschema@.collaborative,
  cohort_id integer REFERENCES @extschema@.cohort,
  title text NOT NULL,
  aim text,
  status text NOT NULL DEFAULT 'preparation'
    CHECK (status IN ('preparation', 'impower', 'star_site', 'closed')),
  started_on date NOT NULL,
  UNIQUE (project_id, facility_id)
);
ALTER SEQUENCE @extschema@.project_id_seq OWNED BY @extschema@.project.project_id;
CREATE INDEX project_facility_idx ON @extschema@.project (facility_id);
COMMENT ON TABLE @extschema@.project IS 'A facility''s team-based improvement project in one collaborative.';
COMMENT ON COLUMN @extschema@.project.project_id IS 'Identifier.';
COMMENT ON COLUMN @extschema@.project.facility_id IS 'The facility running the project.';
COMMENT ON COLUMN @extschema@.project.collaborative_id IS 'The collaborative; its measures are the project''s measures.';
COMMENT ON COLUMN @extschema@.project.cohort_id IS 'The cohort the team took the course with.';
COMMENT ON COLUMN @extschema@.project.title IS 'Project title.';
COMMENT ON COLUMN @extschema@.project.aim IS 'SMART aim statement.';
COMMENT ON COLUMN @extschema@.project.status IS 'preparation, impower (in the course), star_site (graduated, sharing with the network) or closed.';
COMMENT ON COLUMN @extschema@.project.started_on IS 'Start of baseline data collection.';

CREATE SEQUENCE @extschema@.measure_id_seq START WITH 1000;
CREATE TABLE @extschema@.measure (
  measure_id integer PRIMARY KEY DEFAULT nextval('@extschema@.measure_id_seq'),
  collaborative_id integer NOT NULL REFERENCES @extschema@.collaborative,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_]*$'),
  name text NOT NULL,
  numerator_definition text NOT NULL,
  denominator_definition text,
  kind text NOT NULL CHECK (kind IN ('proportion', 'rate', 'count', 'individual')),
  chart text NOT NULL,
  rules text,
  improvement text NOT NULL CHECK (improvement IN ('up', 'down', 'neutral')),
  unit text NOT NULL,
  multiplier double precision NOT NULL DEFAULT 1 CHECK (multiplier > 0 AND multiplier < 'Infinity'),
  parent_measure_id integer REFERENCES @extschema@.measure DEFERRABLE INITIALLY DEFERRED,
  is_reference boolean NOT NULL DEFAULT false,
  CONSTRAINT measure_denominator_defined CHECK (kind NOT IN ('proportion', 'rate') OR denominator_definition IS NOT NULL)
);
ALTER SEQUENCE @extschema@.measure_id_seq OWNED BY @extschema@.measure.measure_id;
COMMENT ON TABLE @extschema@.measure IS 'A measure of a collaborative: what is counted each week, how it is charted and which direction is better. Element measures (one per audit criterion) name their overall measure as parent.';
COMMENT ON COLUMN @extschema@.measure.measure_id IS 'Identifier (reference measures below 1000, local ones from 1000).';
COMMENT ON COLUMN @extschema@.measure.collaborative_id IS 'The collaborative whose projects report it.';
COMMENT ON COLUMN @extschema@.measure.code IS 'Code, e.g. MAMMO_POS_PASS.';
COMMENT ON COLUMN @extschema@.measure.name IS 'Name shown on charts.';
COMMENT ON COLUMN @extschema@.measure.numerator_definition IS 'What the numerator (or the value) counts.';
COMMENT ON COLUMN @extschema@.measure.denominator_definition IS 'What the denominator counts (proportion and rate measures).';
COMMENT ON COLUMN @extschema@.measure.kind IS 'proportion (numerator of denominator), rate (count per exposure), count (numerator only) or individual (one value a week).';
COMMENT ON COLUMN @extschema@.measure.chart IS 'The spc.chart type used, e.g. p, pp (Laney, for denominators in the thousands), i, c.';
COMMENT ON COLUMN @extschema@.measure.rules IS 'The spc.chart rules argument; NULL for the chart''s default (ihi).';
COMMENT ON COLUMN @extschema@.measure.improvement IS 'Which direction is better: up, down or neutral.';
COMMENT ON COLUMN @extschema@.measure.unit IS 'Unit of the plotted values after the multiplier, e.g. % or screens.';
COMMENT ON COLUMN @extschema@.measure.multiplier IS 'Factor applied to plotted values in views (100 shows proportions as percentages).';
COMMENT ON COLUMN @extschema@.measure.parent_measure_id IS 'For an element (per-criterion) measure, the overall measure it belongs to.';
COMMENT ON COLUMN @extschema@.measure.is_reference IS 'True for the catalogue installed by the extension (re-created by CREATE EXTENSION, so not dumped).';

-- The chart and rules of a measure are checked by the engine itself.
CREATE FUNCTION @extschema@.measure_check() RETURNS trigger
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
CREATE TRIGGER measure_check BEFORE INSERT OR UPDATE OF chart, rules, improvement, kind ON @extschema@.measure
  FOR EACH ROW EXECUTE FUNCTION @extschema@.measure_check();

-- weekly data

CREATE TABLE @extschema@.observation (
  facility_id integer NOT NULL,
  project_id integer NOT NULL,
  measure_id integer NOT NULL REFERENCES @extschema@.measure,
  week_start date NOT NULL,
  numerator bigint CONSTRAINT observation_numerator_not_negative CHECK (numerator >= 0),
  denominator double precision
    CONSTRAINT observation_denominator_positive CHECK (denominator > 0 AND denominator < 'Infinity'),
  value double precision
    CONSTRAINT observation_value_finite CHECK (value > '-Infinity' AND value < 'Infinity'),
  excluded boolean NOT NULL DEFAULT false,
  note text,
  entered_by name NOT NULL DEFAULT @extschema@.acting_role(),
  entered_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (facility_id, project_id, measure_id, week_start),
  FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id),
  CONSTRAINT observation_week_is_sunday CHECK (extract(dow FROM week_start) = 0)
);
CREATE INDEX observation_project_measure_idx ON @extschema@.observation (project_id, measure_id, week_start);
CREATE INDEX observation_measure_week_idx ON @extschema@.observation (measure_id, week_start);
COMMENT ON TABLE @extschema@.observation IS 'One week of one measure of one project: the numbers a team entered. Every change is kept in observation_history.';
COMMENT ON COLUMN @extschema@.observation.facility_id IS 'The facility (part of the key: the distribution and access column).';
COMMENT ON COLUMN @extschema@.observation.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.observation.measure_id IS 'The measure.';
COMMENT ON COLUMN @extschema@.observation.week_start IS 'The Sunday that starts the week.';
COMMENT ON COLUMN @extschema@.observation.numerator IS 'Count (proportion, rate and count measures).';
COMMENT ON COLUMN @extschema@.observation.denominator IS 'Denominator: exams audited, patients eligible, exposure (proportion and rate measures).';
COMMENT ON COLUMN @extschema@.observation.value IS 'The week''s value (individual measures).';
COMMENT ON COLUMN @extschema@.observation.excluded IS 'Shown and tested on the chart but left out of its limits (a known special cause).';
COMMENT ON COLUMN @extschema@.observation.note IS 'Free-text note on the week.';
COMMENT ON COLUMN @extschema@.observation.entered_by IS 'Role that last entered or corrected the week.';
COMMENT ON COLUMN @extschema@.observation.entered_at IS 'When the week was last entered or corrected.';
COMMENT ON COLUMN @extschema@.observation.version IS 'Incremented by every correction (optimistic concurrency).';

CREATE SEQUENCE @extschema@.observation_history_id_seq;
CREATE TABLE @extschema@.observation_history (
  history_id bigint NOT NULL DEFAULT nextval('@extschema@.observation_history_id_seq'),
  facility_id integer NOT NULL,
  project_id integer NOT NULL,
  measure_id integer NOT NULL,
  week_start date NOT NULL,
  operation text NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
  numerator bigint,
  denominator double precision,
  value double precision,
  excluded boolean NOT NULL,
  note text,
  version integer NOT NULL,
  changed_by name NOT NULL,
  changed_at timestamptz NOT NULL,
  PRIMARY KEY (facility_id, history_id)
);
ALTER SEQUENCE @extschema@.observation_history_id_seq OWNED BY @extschema@.observation_history.history_id;
CREATE INDEX observation_history_key_idx
  ON @extschema@.observation_history (project_id, measure_id, week_start, history_id);
COMMENT ON TABLE @extschema@.observation_history IS 'Audit trail of observation: one row per insert, correction and deletion, append-only. The row holds the week as it was after the change (for a deletion, as it was when deleted), so any past state can be rebuilt.';
COMMENT ON COLUMN @extschema@.observation_history.history_id IS 'Order of the changes.';
COMMENT ON COLUMN @extschema@.observation_history.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.observation_history.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.observation_history.measure_id IS 'The measure.';
COMMENT ON COLUMN @extschema@.observation_history.week_start IS 'The week.';
COMMENT ON COLUMN @extschema@.observation_history.operation IS 'insert, update (a correction) or delete.';
COMMENT ON COLUMN @extschema@.observation_history.numerator IS 'Numerator after the change.';
COMMENT ON COLUMN @extschema@.observation_history.denominator IS 'Denominator after the change.';
COMMENT ON COLUMN @extschema@.observation_history.value IS 'Value after the change.';
COMMENT ON COLUMN @extschema@.observation_history.excluded IS 'Excluded flag after the change.';
COMMENT ON COLUMN @extschema@.observation_history.note IS 'Note after the change.';
COMMENT ON COLUMN @extschema@.observation_history.version IS 'Version of the week after the change.';
COMMENT ON COLUMN @extschema@.observation_history.changed_by IS 'Role that made the change.';
COMMENT ON COLUMN @extschema@.observation_history.changed_at IS 'When (transaction time).';

-- Write-time rules that need other tables or the clock, with messages a team
-- can act on.  Corrections are stamped with who and when.
CREATE FUNCTION @extschema@.observation_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  m record;
  project_collaborative integer;
BEGIN
  IF NEW.week_start > @extschema@.week_start(current_date) THEN
    RAISE EXCEPTION 'week % is in the future', NEW.week_start
      USING ERRCODE = 'check_violation', CONSTRAINT = 'observation_week_not_future',
            HINT = 'Enter a week once it has started; the current week starts ' || @extschema@.week_start(current_date) || '.';
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
CREATE TRIGGER observation_check BEFORE INSERT OR UPDATE ON @extschema@.observation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.observation_check();

CREATE FUNCTION @extschema@.observation_audit() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r @extschema@.observation;
BEGIN
  -- Rows loaded by COPY are a restore (pg_restore and psql load data that
  -- way): their history is in the same dump and is restored with them.
  IF TG_OP = 'INSERT' AND current_query() ~* '^\s*copy\s' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  INSERT INTO @extschema@.observation_history (facility_id, project_id, measure_id, week_start, operation,
      numerator, denominator, value, excluded, note, version, changed_by, changed_at)
  VALUES (r.facility_id, r.project_id, r.measure_id, r.week_start, lower(TG_OP),
      r.numerator, r.denominator, r.value, r.excluded, r.note, r.version, @extschema@.acting_role(), now());
  RETURN NULL;
END $$;
COMMENT ON FUNCTION @extschema@.observation_audit() IS 'Trigger: appends every insert, correction and deletion of an observation to observation_history; rows loaded by COPY (a restore, whose history comes with it) are not logged again.';
CREATE TRIGGER observation_audit AFTER INSERT OR UPDATE OR DELETE ON @extschema@.observation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.observation_audit();

CREATE FUNCTION @extschema@.history_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'observation_history is append-only'
    USING ERRCODE = 'insufficient_privilege', HINT = 'Corrections are recorded by changing observation.';
END $$;
COMMENT ON FUNCTION @extschema@.history_append_only() IS 'Trigger: refuses updates and deletes of the audit trail.';
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON @extschema@.observation_history
  FOR EACH ROW EXECUTE FUNCTION @extschema@.history_append_only();
CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON @extschema@.observation_history
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.history_append_only();

-- chart annotations

CREATE SEQUENCE @extschema@.phase_id_seq;
CREATE TABLE @extschema@.phase (
  phase_id integer NOT NULL DEFAULT nextval('@extschema@.phase_id_seq'),
  facility_id integer NOT NULL,
  project_id integer NOT NULL,
  measure_id integer REFERENCES @extschema@.measure,
  starts_on date NOT NULL CONSTRAINT phase_starts_on_sunday CHECK (extract(dow FROM starts_on) = 0),
  label text NOT NULL,
  freeze_after integer CONSTRAINT phase_freeze_after_positive CHECK (freeze_after >= 2),
  note text,
  PRIMARY KEY (facility_id, phase_id),
  UNIQUE (phase_id),
  FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id)
);
ALTER SEQUENCE @extschema@.phase_id_seq OWNED BY @extschema@.phase.phase_id;
CREATE UNIQUE INDEX phase_start_idx ON @extschema@.phase (project_id, coalesce(measure_id, 0), starts_on);
COMMENT ON TABLE @extschema@.phase IS 'A phase ("mean grouping"): from this week on the chart gets a new centre line and limits. Weeks before a project''s first phase form the Baseline phase.';
COMMENT ON COLUMN @extschema@.phase.phase_id IS 'Identifier.';
COMMENT ON COLUMN @extschema@.phase.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.phase.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.phase.measure_id IS 'The measure; NULL for every measure of the project.';
COMMENT ON COLUMN @extschema@.phase.starts_on IS 'First week (a Sunday) of the phase.';
COMMENT ON COLUMN @extschema@.phase.label IS 'Label shown on the chart, e.g. After ImPower.';
COMMENT ON COLUMN @extschema@.phase.freeze_after IS 'Freeze the limits after this many weeks of the phase: later weeks are judged against them. NULL: every week counts.';
COMMENT ON COLUMN @extschema@.phase.note IS 'Why the phase starts (the change made).';

CREATE SEQUENCE @extschema@.annotation_id_seq;
CREATE TABLE @extschema@.annotation (
  annotation_id integer NOT NULL DEFAULT nextval('@extschema@.annotation_id_seq'),
  facility_id integer NOT NULL,
  project_id integer NOT NULL,
  measure_id integer REFERENCES @extschema@.measure,
  week_start date NOT NULL CONSTRAINT annotation_week_is_sunday CHECK (extract(dow FROM week_start) = 0),
  kind text NOT NULL DEFAULT 'note' CHECK (kind IN ('pdsa', 'event', 'note')),
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
  created_by name NOT NULL DEFAULT @extschema@.acting_role(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (facility_id, annotation_id),
  UNIQUE (annotation_id),
  FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id)
);
ALTER SEQUENCE @extschema@.annotation_id_seq OWNED BY @extschema@.annotation.annotation_id;
CREATE INDEX annotation_week_idx ON @extschema@.annotation (project_id, week_start);
COMMENT ON TABLE @extschema@.annotation IS 'A note on a chart week: a PDSA cycle, an event, a remark.';
COMMENT ON COLUMN @extschema@.annotation.annotation_id IS 'Identifier.';
COMMENT ON COLUMN @extschema@.annotation.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.annotation.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.annotation.measure_id IS 'The measure; NULL for every measure of the project.';
COMMENT ON COLUMN @extschema@.annotation.week_start IS 'The week annotated.';
COMMENT ON COLUMN @extschema@.annotation.kind IS 'pdsa, event or note.';
COMMENT ON COLUMN @extschema@.annotation.text IS 'The annotation.';
COMMENT ON COLUMN @extschema@.annotation.created_by IS 'Role that wrote it.';
COMMENT ON COLUMN @extschema@.annotation.created_at IS 'When.';

CREATE TABLE @extschema@.goal (
  facility_id integer NOT NULL,
  project_id integer NOT NULL,
  measure_id integer NOT NULL REFERENCES @extschema@.measure,
  target double precision NOT NULL CHECK (target > '-Infinity' AND target < 'Infinity'),
  target_date date,
  set_by name NOT NULL DEFAULT @extschema@.acting_role(),
  set_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (facility_id, project_id, measure_id),
  FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id)
);
COMMENT ON TABLE @extschema@.goal IS 'The SMART-goal target of a project''s measure, in the measure''s own units (a proportion as 0 to 1).';
COMMENT ON COLUMN @extschema@.goal.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.goal.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.goal.measure_id IS 'The measure.';
COMMENT ON COLUMN @extschema@.goal.target IS 'Target value, unscaled (views apply the measure''s multiplier).';
COMMENT ON COLUMN @extschema@.goal.target_date IS 'Date by which the target should be met.';
COMMENT ON COLUMN @extschema@.goal.set_by IS 'Role that set it.';
COMMENT ON COLUMN @extschema@.goal.set_at IS 'When.';

-- The annotation and phase measure, if any, must be one of the project's.
CREATE FUNCTION @extschema@.project_measure_check() RETURNS trigger
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
CREATE TRIGGER phase_measure_check BEFORE INSERT OR UPDATE ON @extschema@.phase
  FOR EACH ROW EXECUTE FUNCTION @extschema@.project_measure_check();
CREATE TRIGGER annotation_measure_check BEFORE INSERT OR UPDATE ON @extschema@.annotation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.project_measure_check();
CREATE TRIGGER goal_measure_check BEFORE INSERT OR UPDATE ON @extschema@.goal
  FOR EACH ROW EXECUTE FUNCTION @extschema@.project_measure_check();

-- data sharing

CREATE TABLE @extschema@.sharing (
  facility_id integer NOT NULL REFERENCES @extschema@.facility,
  measure_id integer REFERENCES @extschema@.measure,
  tier text NOT NULL CHECK (tier IN ('private', 'network', 'public')),
  granted_by name NOT NULL DEFAULT @extschema@.acting_role(),
  granted_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sharing_key_idx ON @extschema@.sharing (facility_id, coalesce(measure_id, 0));
COMMENT ON TABLE @extschema@.sharing IS 'What a facility shares: its tier for every measure (measure_id NULL) and, where it chooses, for one measure. No row: private. Change it with set_sharing.';
COMMENT ON COLUMN @extschema@.sharing.facility_id IS 'The facility sharing.';
COMMENT ON COLUMN @extschema@.sharing.measure_id IS 'The measure; NULL for the facility''s default over all measures.';
COMMENT ON COLUMN @extschema@.sharing.tier IS 'private (own facility and staff), network (also members of the same collaborative, under the pseudonym) or public (also approved, suppressed aggregates).';
COMMENT ON COLUMN @extschema@.sharing.granted_by IS 'Role that set the tier.';
COMMENT ON COLUMN @extschema@.sharing.granted_at IS 'When.';

-- Public results: a publication is an aggregate over the facilities sharing a
-- measure publicly, frozen (already suppressed) when staff prepare it, shown
-- only while staff and every contributing facility approve it and each still
-- shares the measure publicly.
CREATE SEQUENCE @extschema@.publication_id_seq;
CREATE TABLE @extschema@.publication (
  publication_id integer PRIMARY KEY DEFAULT nextval('@extschema@.publication_id_seq'),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  measure_id integer NOT NULL REFERENCES @extschema@.measure,
  cohort_id integer REFERENCES @extschema@.cohort,
  first_week date NOT NULL,
  last_week date NOT NULL,
  min_cell integer NOT NULL CHECK (min_cell >= 11),
  min_denominator integer NOT NULL CHECK (min_denominator >= 1),
  prepared_by name NOT NULL DEFAULT @extschema@.acting_role(),
  prepared_at timestamptz NOT NULL DEFAULT now(),
  approved_by name,
  approved_at timestamptz,
  CONSTRAINT publication_weeks_ordered CHECK (last_week >= first_week)
);
ALTER SEQUENCE @extschema@.publication_id_seq OWNED BY @extschema@.publication.publication_id;
COMMENT ON TABLE @extschema@.publication IS 'A public aggregate of one measure over a period (and optionally one cohort), prepared by staff from the facilities sharing the measure publicly.';
COMMENT ON COLUMN @extschema@.publication.publication_id IS 'Identifier.';
COMMENT ON COLUMN @extschema@.publication.title IS 'Title shown with the published figures.';
COMMENT ON COLUMN @extschema@.publication.measure_id IS 'The measure.';
COMMENT ON COLUMN @extschema@.publication.cohort_id IS 'The cohort; NULL for every cohort of the collaborative.';
COMMENT ON COLUMN @extschema@.publication.first_week IS 'First week covered.';
COMMENT ON COLUMN @extschema@.publication.last_week IS 'Last week covered.';
COMMENT ON COLUMN @extschema@.publication.min_cell IS 'Smallest count shown: counts from 1 to min_cell - 1 are suppressed (CMS: 11).';
COMMENT ON COLUMN @extschema@.publication.min_denominator IS 'Denominators below this are flagged small (Hospital Compare: 25).';
COMMENT ON COLUMN @extschema@.publication.prepared_by IS 'Staff role that prepared it.';
COMMENT ON COLUMN @extschema@.publication.prepared_at IS 'When the figures were computed.';
COMMENT ON COLUMN @extschema@.publication.approved_by IS 'Staff role that approved it for publication; NULL until then.';
COMMENT ON COLUMN @extschema@.publication.approved_at IS 'When staff approved it.';

CREATE TABLE @extschema@.publication_contributor (
  publication_id integer NOT NULL REFERENCES @extschema@.publication ON DELETE CASCADE,
  facility_id integer NOT NULL REFERENCES @extschema@.facility,
  approved_by name,
  approved_at timestamptz,
  PRIMARY KEY (facility_id, publication_id)
);
CREATE INDEX publication_contributor_publication_idx ON @extschema@.publication_contributor (publication_id);
COMMENT ON TABLE @extschema@.publication_contributor IS 'A facility whose data a publication contains, and its approval.';
COMMENT ON COLUMN @extschema@.publication_contributor.publication_id IS 'The publication.';
COMMENT ON COLUMN @extschema@.publication_contributor.facility_id IS 'The contributing facility.';
COMMENT ON COLUMN @extschema@.publication_contributor.approved_by IS 'Role that approved for the facility; NULL until then.';
COMMENT ON COLUMN @extschema@.publication_contributor.approved_at IS 'When.';

CREATE TABLE @extschema@.publication_cell (
  publication_id integer NOT NULL REFERENCES @extschema@.publication ON DELETE CASCADE,
  week_start date,
  facilities integer NOT NULL,
  numerator bigint,
  denominator double precision,
  y double precision,
  suppressed boolean NOT NULL,
  small_denominator boolean NOT NULL,
  CONSTRAINT publication_cell_key UNIQUE NULLS NOT DISTINCT (publication_id, week_start)
);
COMMENT ON TABLE @extschema@.publication_cell IS 'The figures of a publication, suppressed when prepared: one row per week and one (week_start NULL) for the whole period.';
COMMENT ON COLUMN @extschema@.publication_cell.publication_id IS 'The publication.';
COMMENT ON COLUMN @extschema@.publication_cell.week_start IS 'The week; NULL for the period total.';
COMMENT ON COLUMN @extschema@.publication_cell.facilities IS 'Facilities reporting.';
COMMENT ON COLUMN @extschema@.publication_cell.numerator IS 'Pooled numerator; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.publication_cell.denominator IS 'Pooled denominator; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.publication_cell.y IS 'numerator / denominator times the measure''s multiplier (the count for count measures); NULL when suppressed.';
COMMENT ON COLUMN @extschema@.publication_cell.suppressed IS 'True when a figure is hidden: a count (or its complement) from 1 to min_cell - 1, or one that such a count could be derived from.';
COMMENT ON COLUMN @extschema@.publication_cell.small_denominator IS 'True when the denominator is below min_denominator: too small to judge reliably.';

-- The chart cache: a one-chart request is served from here when nothing in
-- its project changed since the chart was drawn.  Freshness is judged by
-- transaction visibility, not by counters: every writing transaction leaves
-- one chart_change row per project it touched, and a cached chart is stale
-- as soon as a committed change is not visible in the snapshot it was drawn
-- from, whatever order the changes committed in.  Neither table is dumped.
CREATE TABLE @extschema@.chart_change (
  facility_id integer NOT NULL,
  project_id integer NOT NULL,
  xact xid8 NOT NULL,
  PRIMARY KEY (facility_id, project_id, xact)
);
COMMENT ON TABLE @extschema@.chart_change IS 'Which transactions changed a project''s charts (its weeks, phases, annotations, goals, names): one row per project and writing transaction. Judges chart_cache rows stale.';
COMMENT ON COLUMN @extschema@.chart_change.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.chart_change.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.chart_change.xact IS 'The writing transaction.';

CREATE TABLE @extschema@.chart_cache (
  facility_id integer NOT NULL,
  project_id integer NOT NULL,
  measure_id integer NOT NULL,
  variant text NOT NULL CHECK (variant IN ('own', 'network')),
  drawn_in pg_snapshot NOT NULL,
  chart_json jsonb,
  chart_svg text,
  PRIMARY KEY (facility_id, project_id, measure_id, variant)
);
COMMENT ON TABLE @extschema@.chart_cache IS 'Charts of whole series as chart_json and chart_svg return them: the own variant (names, annotations) for the facility and staff, the network variant for its peers.';
COMMENT ON COLUMN @extschema@.chart_cache.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.chart_cache.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.chart_cache.measure_id IS 'The measure.';
COMMENT ON COLUMN @extschema@.chart_cache.variant IS 'own (as the facility and staff see it) or network (as its peers see it).';
COMMENT ON COLUMN @extschema@.chart_cache.drawn_in IS 'The snapshot the chart was drawn from.';
COMMENT ON COLUMN @extschema@.chart_cache.chart_json IS 'The chart as learning_network.chart_json returns it.';
COMMENT ON COLUMN @extschema@.chart_cache.chart_svg IS 'The chart as learning_network.chart_svg returns it.';

-- access: row-level security on every table
--
-- Who may see a row is decided here and nowhere else.  The helpers run as
-- the installing superuser (SECURITY DEFINER), so they read the sharing
-- tables without being filtered by the policies that call them; clients
-- cannot name them (no USAGE on learning_network_internal).  Policies call
-- them through scalar subqueries, so each runs once per query, not once per
-- row; they are PL/pgSQL so their plans are kept for the session.

CREATE FUNCTION learning_network_internal.caller_facility() RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN (SELECT f.facility_id FROM @extschema@.facility f WHERE f.role_name = @extschema@.acting_role());
END $$;
COMMENT ON FUNCTION learning_network_internal.caller_facility() IS
  'The facility the acting role acts for (its facility role), or NULL.';

CREATE FUNCTION learning_network_internal.caller_is_staff() RETURNS boolean
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN pg_catalog.pg_has_role(@extschema@.acting_role(), 'learning_network_staff', 'MEMBER');
COMMENT ON FUNCTION learning_network_internal.caller_is_staff() IS
  'True when the acting role is network staff (a member of learning_network_staff).';

CREATE FUNCTION learning_network_internal.effective_tier(facility_id integer, measure_id integer) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN coalesce((SELECT s.tier FROM @extschema@.sharing s
                   WHERE s.facility_id = effective_tier.facility_id
                     AND (s.measure_id = effective_tier.measure_id OR s.measure_id IS NULL)
                   ORDER BY s.measure_id NULLS LAST LIMIT 1), 'private');
END $$;
COMMENT ON FUNCTION learning_network_internal.effective_tier(integer, integer) IS
  'The tier a facility shares a measure at: its setting for the measure, else its default, else private.';

CREATE FUNCTION learning_network_internal.caller_network_series()
RETURNS TABLE (facility_id integer, measure_id integer)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER ROWS 50
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY
  SELECT DISTINCT p.facility_id, m.measure_id
  FROM @extschema@.project mine
  JOIN @extschema@.project p ON p.collaborative_id = mine.collaborative_id AND p.facility_id <> mine.facility_id
  JOIN @extschema@.measure m ON m.collaborative_id = p.collaborative_id
  WHERE mine.facility_id = learning_network_internal.caller_facility()
    AND learning_network_internal.effective_tier(p.facility_id, m.measure_id) IN ('network', 'public');
END $$;
COMMENT ON FUNCTION learning_network_internal.caller_network_series() IS
  'The series (facility, measure) of other facilities that the acting facility sees at the network tier: facilities with a project in one of its collaboratives, sharing the measure with the network or publicly.';

CREATE FUNCTION learning_network_internal.live_publications() RETURNS SETOF integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER ROWS 10
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY
  SELECT pb.publication_id FROM @extschema@.publication pb
  WHERE pb.approved_at IS NOT NULL
    AND EXISTS (SELECT 1 FROM @extschema@.publication_contributor c WHERE c.publication_id = pb.publication_id)
    AND NOT EXISTS (
      SELECT 1 FROM @extschema@.publication_contributor c
      WHERE c.publication_id = pb.publication_id
        AND (c.approved_at IS NULL
             OR learning_network_internal.effective_tier(c.facility_id, pb.measure_id) <> 'public'));
END $$;
COMMENT ON FUNCTION learning_network_internal.live_publications() IS
  'Publications approved by staff and by every contributing facility, each of which still shares the measure publicly.';

CREATE FUNCTION learning_network_internal.caller_publications() RETURNS SETOF integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER ROWS 10
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY
  SELECT c.publication_id FROM @extschema@.publication_contributor c
  WHERE c.facility_id = learning_network_internal.caller_facility();
END $$;
COMMENT ON FUNCTION learning_network_internal.caller_publications() IS
  'Publications containing the acting facility''s data (it sees them to approve them).';

CREATE FUNCTION learning_network_internal.may_write(facility_id integer) RETURNS boolean
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN coalesce(facility_id = learning_network_internal.caller_facility(), false)
       OR learning_network_internal.caller_is_staff();
COMMENT ON FUNCTION learning_network_internal.may_write(integer) IS
  'True when the acting role may write the facility''s data: it acts for the facility, or is staff.';

-- A refused write says why, for the UI and for the person reading the log.
CREATE FUNCTION learning_network_internal.require_write(facility_id integer, what text) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT learning_network_internal.may_write(facility_id) THEN
    RAISE EXCEPTION 'permission denied: % does not belong to the facility you act for', what
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = pg_catalog.format('Acting as role %s, which may write only its own facility''s data.',
                                       @extschema@.acting_role()),
            HINT = 'SET ROLE to the facility''s role (learning_network.create_facility_role) before writing.';
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.require_write(integer, text) IS
  'Raises 42501 unless the acting role may write the facility''s data.';

-- Owned by a role that cannot log in; policies apply to it too (FORCE), so
-- the owner-rights views and functions see only what the acting role may.
ALTER TABLE @extschema@.collaborative OWNER TO learning_network_owner;
ALTER TABLE @extschema@.cohort OWNER TO learning_network_owner;
ALTER TABLE @extschema@.facility OWNER TO learning_network_owner;
ALTER TABLE @extschema@.project OWNER TO learning_network_owner;
ALTER TABLE @extschema@.measure OWNER TO learning_network_owner;
ALTER TABLE @extschema@.observation OWNER TO learning_network_owner;
ALTER TABLE @extschema@.observation_history OWNER TO learning_network_owner;
ALTER TABLE @extschema@.phase OWNER TO learning_network_owner;
ALTER TABLE @extschema@.annotation OWNER TO learning_network_owner;
ALTER TABLE @extschema@.goal OWNER TO learning_network_owner;
ALTER TABLE @extschema@.sharing OWNER TO learning_network_owner;
ALTER TABLE @extschema@.publication OWNER TO learning_network_owner;
ALTER TABLE @extschema@.publication_contributor OWNER TO learning_network_owner;
ALTER TABLE @extschema@.publication_cell OWNER TO learning_network_owner;
ALTER TABLE @extschema@.chart_change OWNER TO learning_network_owner;
ALTER TABLE @extschema@.chart_cache OWNER TO learning_network_owner;
GRANT USAGE ON SCHEMA @extschema@, learning_network_internal TO learning_network_owner;

DO $rls$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['collaborative', 'cohort', 'facility', 'project', 'measure', 'observation',
                           'observation_history', 'phase', 'annotation', 'goal', 'sharing', 'publication',
                           'publication_contributor', 'publication_cell', 'chart_change', 'chart_cache'] LOOP
    EXECUTE pg_catalog.format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY',
                              '@extschema@', t);
  END LOOP;
END $rls$;

-- reference data: everyone who can reach a view may read it; only the
-- installing superuser writes it
CREATE POLICY collaborative_read ON @extschema@.collaborative FOR SELECT USING (true);
CREATE POLICY cohort_read ON @extschema@.cohort FOR SELECT USING (true);
CREATE POLICY measure_read ON @extschema@.measure FOR SELECT USING (true);

-- facilities and projects: own, staff, and those sharing a series with the
-- caller (their names are masked by the views that read them)
CREATE POLICY facility_read ON @extschema@.facility FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff())
  OR facility_id IN (SELECT s.facility_id FROM learning_network_internal.caller_network_series() s));
CREATE POLICY project_read ON @extschema@.project FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff())
  OR facility_id IN (SELECT s.facility_id FROM learning_network_internal.caller_network_series() s));

-- the series: own, staff, and the series shared with the caller's network
CREATE POLICY observation_read ON @extschema@.observation FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff())
  OR (facility_id, measure_id) IN (SELECT s.facility_id, s.measure_id
                                   FROM learning_network_internal.caller_network_series() s));
CREATE POLICY observation_insert ON @extschema@.observation FOR INSERT
  WITH CHECK (learning_network_internal.may_write(facility_id) AND entered_by = @extschema@.acting_role());
CREATE POLICY observation_update ON @extschema@.observation FOR UPDATE
  USING (learning_network_internal.may_write(facility_id))
  WITH CHECK (learning_network_internal.may_write(facility_id) AND entered_by = @extschema@.acting_role());
CREATE POLICY observation_delete ON @extschema@.observation FOR DELETE
  USING (learning_network_internal.may_write(facility_id));

CREATE POLICY observation_history_read ON @extschema@.observation_history FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff())
  OR (facility_id, measure_id) IN (SELECT s.facility_id, s.measure_id
                                   FROM learning_network_internal.caller_network_series() s));
CREATE POLICY observation_history_insert ON @extschema@.observation_history FOR INSERT
  WITH CHECK (learning_network_internal.may_write(facility_id) AND changed_by = @extschema@.acting_role());

-- phases and goals travel with a shared series (its limits and goal line)
CREATE POLICY phase_read ON @extschema@.phase FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff())
  OR facility_id IN (SELECT s.facility_id FROM learning_network_internal.caller_network_series() s));
CREATE POLICY phase_insert ON @extschema@.phase FOR INSERT
  WITH CHECK (learning_network_internal.may_write(facility_id));
CREATE POLICY phase_update ON @extschema@.phase FOR UPDATE
  USING (learning_network_internal.may_write(facility_id)) WITH CHECK (learning_network_internal.may_write(facility_id));
CREATE POLICY phase_delete ON @extschema@.phase FOR DELETE
  USING (learning_network_internal.may_write(facility_id));

CREATE POLICY goal_read ON @extschema@.goal FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff())
  OR facility_id IN (SELECT s.facility_id FROM learning_network_internal.caller_network_series() s));
CREATE POLICY goal_insert ON @extschema@.goal FOR INSERT
  WITH CHECK (learning_network_internal.may_write(facility_id) AND set_by = @extschema@.acting_role());
CREATE POLICY goal_update ON @extschema@.goal FOR UPDATE
  USING (learning_network_internal.may_write(facility_id))
  WITH CHECK (learning_network_internal.may_write(facility_id) AND set_by = @extschema@.acting_role());
CREATE POLICY goal_delete ON @extschema@.goal FOR DELETE
  USING (learning_network_internal.may_write(facility_id));

-- a team's notes stay with the team (deliberately not shared)
CREATE POLICY annotation_read ON @extschema@.annotation FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff()));
CREATE POLICY annotation_insert ON @extschema@.annotation FOR INSERT
  WITH CHECK (learning_network_internal.may_write(facility_id) AND created_by = @extschema@.acting_role());
CREATE POLICY annotation_update ON @extschema@.annotation FOR UPDATE
  USING (learning_network_internal.may_write(facility_id)) WITH CHECK (learning_network_internal.may_write(facility_id));
CREATE POLICY annotation_delete ON @extschema@.annotation FOR DELETE
  USING (learning_network_internal.may_write(facility_id));

CREATE POLICY sharing_read ON @extschema@.sharing FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff()));
CREATE POLICY sharing_insert ON @extschema@.sharing FOR INSERT
  WITH CHECK (learning_network_internal.may_write(facility_id) AND granted_by = @extschema@.acting_role());
CREATE POLICY sharing_update ON @extschema@.sharing FOR UPDATE
  USING (learning_network_internal.may_write(facility_id))
  WITH CHECK (learning_network_internal.may_write(facility_id) AND granted_by = @extschema@.acting_role());
CREATE POLICY sharing_delete ON @extschema@.sharing FOR DELETE
  USING (learning_network_internal.may_write(facility_id));

-- publications: staff prepare and approve; contributors see and approve
-- theirs; everyone sees the live ones
CREATE POLICY publication_read ON @extschema@.publication FOR SELECT USING (
  (SELECT learning_network_internal.caller_is_staff())
  OR publication_id IN (SELECT learning_network_internal.live_publications())
  OR publication_id IN (SELECT learning_network_internal.caller_publications()));
CREATE POLICY publication_write ON @extschema@.publication FOR ALL
  USING (learning_network_internal.caller_is_staff())
  WITH CHECK (learning_network_internal.caller_is_staff());
CREATE POLICY publication_contributor_read ON @extschema@.publication_contributor FOR SELECT USING (
  (SELECT learning_network_internal.caller_is_staff())
  OR facility_id = (SELECT learning_network_internal.caller_facility()));
CREATE POLICY publication_contributor_insert ON @extschema@.publication_contributor FOR INSERT
  WITH CHECK (learning_network_internal.caller_is_staff());
CREATE POLICY publication_contributor_update ON @extschema@.publication_contributor FOR UPDATE
  USING (facility_id = learning_network_internal.caller_facility())
  WITH CHECK (facility_id = learning_network_internal.caller_facility()
              AND (approved_by IS NULL OR approved_by = @extschema@.acting_role()));
CREATE POLICY publication_cell_read ON @extschema@.publication_cell FOR SELECT USING (
  (SELECT learning_network_internal.caller_is_staff())
  OR publication_id IN (SELECT learning_network_internal.live_publications())
  OR publication_id IN (SELECT learning_network_internal.caller_publications()));
CREATE POLICY publication_cell_insert ON @extschema@.publication_cell FOR INSERT
  WITH CHECK (learning_network_internal.caller_is_staff());

-- the chart cache: each variant shown to whom it was drawn for (own: the
-- facility itself and staff, as may_write says; network: its peers), written
-- only inside the owner's chart functions, which draw what the acting role
-- sees.  chart_change is read only there too, to judge a row the caller may
-- see; none of its rows reaches a client.
CREATE POLICY chart_change_read ON @extschema@.chart_change FOR SELECT USING (true);
CREATE POLICY chart_change_insert ON @extschema@.chart_change FOR INSERT
  WITH CHECK (learning_network_internal.may_write(facility_id));
CREATE POLICY chart_cache_read ON @extschema@.chart_cache FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff())
  OR (variant = 'network'
      AND (facility_id, measure_id) IN (SELECT s.facility_id, s.measure_id
                                        FROM learning_network_internal.caller_network_series() s)));
CREATE POLICY chart_cache_insert ON @extschema@.chart_cache FOR INSERT
  WITH CHECK (current_user = 'learning_network_owner'
              AND (variant = 'network' OR learning_network_internal.may_write(facility_id)));
CREATE POLICY chart_cache_update ON @extschema@.chart_cache FOR UPDATE
  USING (current_user = 'learning_network_owner')
  WITH CHECK (current_user = 'learning_network_owner'
              AND (variant = 'network' OR learning_network_internal.may_write(facility_id)));

-- what makes a cached chart stale
CREATE FUNCTION @extschema@.note_chart_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  INSERT INTO @extschema@.chart_change (facility_id, project_id, xact)
  VALUES (r.facility_id, r.project_id, pg_current_xact_id())
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION @extschema@.note_chart_change() IS 'Trigger: records that the writing transaction changed the charts of a project (chart_change).';
CREATE TRIGGER observation_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.observation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE TRIGGER phase_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.phase
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE TRIGGER annotation_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.annotation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE TRIGGER goal_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.goal
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE TRIGGER project_chart_change AFTER UPDATE ON @extschema@.project
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();

-- a facility's name or a measure's definition is on every chart of it
CREATE FUNCTION @extschema@.note_catalog_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_TABLE_NAME = 'facility' THEN
    INSERT INTO @extschema@.chart_change (facility_id, project_id, xact)
    SELECT p.facility_id, p.project_id, pg_current_xact_id() FROM @extschema@.project p
    WHERE p.facility_id = OLD.facility_id
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO @extschema@.chart_change (facility_id, project_id, xact)
    SELECT p.facility_id, p.project_id, pg_current_xact_id() FROM @extschema@.project p
    WHERE p.collaborative_id IN (OLD.collaborative_id, NEW.collaborative_id)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION @extschema@.note_catalog_change() IS 'Trigger: a changed facility or measure changes the charts of every project that shows it (chart_change).';
CREATE TRIGGER facility_chart_change AFTER UPDATE ON @extschema@.facility
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_catalog_change();
CREATE TRIGGER measure_chart_change AFTER UPDATE ON @extschema@.measure
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_catalog_change();

CREATE FUNCTION learning_network_internal.count_approvals(publication_id integer,
                                                          OUT contributors integer, OUT approvals integer)
LANGUAGE sql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT count(*)::integer, count(c.approved_at)::integer
  FROM @extschema@.publication_contributor c WHERE c.publication_id = count_approvals.publication_id;
END;
COMMENT ON FUNCTION learning_network_internal.count_approvals(integer) IS
  'How many facilities contribute to a publication and how many approved it (counts only: a facility sees its own contributor row, not the others).';

-- chart_change rows a kept chart could still need: those some kept chart of
-- the project or some open snapshot anywhere might not see.  Older ones are
-- forgotten: every snapshot from now on sees them.  Runs as the installing
-- superuser, because a caller sees only its own variants of the cache.
CREATE FUNCTION learning_network_internal.forget_chart_changes(facility_id integer, project_id integer) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  oldest_snapshot bigint := pg_current_xact_id()::text::bigint
                            - (SELECT coalesce(max(age(a.backend_xmin)), 0) FROM pg_stat_activity a);
  oldest_kept bigint := (SELECT min(pg_snapshot_xmin(c.drawn_in)::text::bigint) FROM @extschema@.chart_cache c
                         WHERE c.facility_id = forget_chart_changes.facility_id
                           AND c.project_id = forget_chart_changes.project_id);
BEGIN
  DELETE FROM @extschema@.chart_change x
  WHERE x.facility_id = forget_chart_changes.facility_id AND x.project_id = forget_chart_changes.project_id
    AND x.xact::text::bigint < least(oldest_snapshot, coalesce(oldest_kept, oldest_snapshot));
END $$;
COMMENT ON FUNCTION learning_network_internal.forget_chart_changes(integer, integer) IS
  'Deletes the chart_change rows of a project that every kept chart of it and every open snapshot already see, so the table stays small.';

-- The owner-rights views the client views read (see the schema comment).
-- Rows are filtered by the base tables' policies; these views add the
-- column rule: names, titles, free text and who-entered-it are shown only to
-- the facility itself and to staff.

CREATE VIEW learning_network_internal.collaborative WITH (security_barrier = true) AS
  SELECT c.collaborative_id, c.code, c.name FROM @extschema@.collaborative c;
CREATE VIEW learning_network_internal.cohort WITH (security_barrier = true) AS
  SELECT c.cohort_id, c.collaborative_id, c.name, c.starts_on, c.graduates_on FROM @extschema@.cohort c;
CREATE VIEW learning_network_internal.measure WITH (security_barrier = true) AS
  SELECT m.measure_id, m.collaborative_id, m.code, m.name, m.numerator_definition, m.denominator_definition,
         m.kind, m.chart, m.rules, m.improvement, m.unit, m.multiplier, m.parent_measure_id
  FROM @extschema@.measure m;
CREATE VIEW learning_network_internal.facility WITH (security_barrier = true) AS
  SELECT f.facility_id, f.pseudonym, o.own,
         CASE WHEN o.own THEN f.name END AS name, CASE WHEN o.own THEN f.city END AS city,
         CASE WHEN o.own THEN f.state END AS state
  FROM @extschema@.facility f
  CROSS JOIN LATERAL (SELECT f.facility_id = (SELECT learning_network_internal.caller_facility())
                             OR (SELECT learning_network_internal.caller_is_staff()) AS own) o;
CREATE VIEW learning_network_internal.project WITH (security_barrier = true) AS
  SELECT p.project_id, p.facility_id, p.collaborative_id, p.cohort_id, p.status, p.started_on,
         CASE WHEN o.own THEN p.title END AS title, CASE WHEN o.own THEN p.aim END AS aim
  FROM @extschema@.project p
  CROSS JOIN LATERAL (SELECT p.facility_id = (SELECT learning_network_internal.caller_facility())
                             OR (SELECT learning_network_internal.caller_is_staff()) AS own) o;
CREATE VIEW learning_network_internal.observation WITH (security_barrier = true) AS
  SELECT o.facility_id, o.project_id, o.measure_id, o.week_start, o.numerator, o.denominator, o.value,
         o.excluded, o.entered_at, o.version,
         CASE WHEN w.own THEN o.note END AS note, CASE WHEN w.own THEN o.entered_by END AS entered_by
  FROM @extschema@.observation o
  CROSS JOIN LATERAL (SELECT o.facility_id = (SELECT learning_network_internal.caller_facility())
                             OR (SELECT learning_network_internal.caller_is_staff()) AS own) w;
CREATE VIEW learning_network_internal.observation_history WITH (security_barrier = true) AS
  SELECT h.history_id, h.facility_id, h.project_id, h.measure_id, h.week_start, h.operation, h.changed_at
  FROM @extschema@.observation_history h;
CREATE VIEW learning_network_internal.phase WITH (security_barrier = true) AS
  SELECT p.phase_id, p.facility_id, p.project_id, p.measure_id, p.starts_on, p.label, p.freeze_after
  FROM @extschema@.phase p;
CREATE VIEW learning_network_internal.annotation WITH (security_barrier = true) AS
  SELECT a.annotation_id, a.facility_id, a.project_id, a.measure_id, a.week_start, a.kind, a.text
  FROM @extschema@.annotation a;
CREATE VIEW learning_network_internal.goal WITH (security_barrier = true) AS
  SELECT g.facility_id, g.project_id, g.measure_id, g.target, g.target_date FROM @extschema@.goal g;
CREATE VIEW learning_network_internal.sharing WITH (security_barrier = true) AS
  SELECT s.facility_id, s.measure_id, s.tier, s.granted_by, s.granted_at FROM @extschema@.sharing s;
CREATE VIEW learning_network_internal.publication WITH (security_barrier = true) AS
  SELECT p.publication_id, p.title, p.measure_id, p.cohort_id, p.first_week, p.last_week, p.min_cell,
         p.min_denominator, p.prepared_by, p.prepared_at, p.approved_by, p.approved_at,
         p.publication_id IN (SELECT learning_network_internal.live_publications()) AS live
  FROM @extschema@.publication p;
CREATE VIEW learning_network_internal.publication_contributor WITH (security_barrier = true) AS
  SELECT c.publication_id, c.facility_id, c.approved_by, c.approved_at FROM @extschema@.publication_contributor c;
CREATE VIEW learning_network_internal.publication_cell WITH (security_barrier = true) AS
  SELECT c.publication_id, c.week_start, c.facilities, c.numerator, c.denominator, c.y, c.suppressed,
         c.small_denominator
  FROM @extschema@.publication_cell c;
-- how many contributors a publication has and how many approved: counted
-- as the owner, since a facility sees only its own contributor row
CREATE VIEW learning_network_internal.publication_approvals WITH (security_barrier = true) AS
  SELECT p.publication_id, a.contributors, a.approvals
  FROM @extschema@.publication p
  CROSS JOIN LATERAL learning_network_internal.count_approvals(p.publication_id) a;

DO $owner$
DECLARE
  v text;
BEGIN
  FOR v IN SELECT c.relname FROM pg_catalog.pg_class c
           WHERE c.relnamespace = 'learning_network_internal'::regnamespace AND c.relkind = 'v' LOOP
    EXECUTE pg_catalog.format('ALTER VIEW learning_network_internal.%I OWNER TO learning_network_owner', v);
    EXECUTE pg_catalog.format('COMMENT ON VIEW learning_network_internal.%I IS %L', v,
      'Owner-rights view for the client views: the rows of the base table that its policies show the acting role, with names, titles, notes and authors only for its own facility (or staff).');
  END LOOP;
END $owner$;

-- reference data: the four collaboratives and the measure catalogue

INSERT INTO @extschema@.collaborative (collaborative_id, code, name, is_reference) VALUES
  (1, 'LCS', 'Lung Cancer Screening', true),
  (2, 'MAMMO', 'Mammography Positioning', true),
  (3, 'PROSTATE', 'Prostate MR Image Quality', true),
  (4, 'RFU', 'Recommendations Follow-Up', true);

INSERT INTO @extschema@.measure (measure_id, collaborative_id, code, name, numerator_definition,
    denominator_definition, kind, chart, improvement, unit, multiplier, parent_measure_id, is_reference) VALUES
  (1, 2, 'MAMMO_POS_PASS', 'Screening mammograms meeting all positioning criteria',
   'Audited screening exams passing every positioning criterion', 'Screening exams audited that week',
   'proportion', 'p', 'up', '%', 100, NULL, true),
  (2, 2, 'MAMMO_POS_EL_PNL', 'Posterior nipple line adequate (CC within 1 cm of MLO)',
   'Audited exams passing the posterior nipple line criterion', 'Audited exams where the criterion applies',
   'proportion', 'p', 'up', '%', 100, 1, true),
  (3, 2, 'MAMMO_POS_EL_PECT', 'Pectoral muscle to the posterior nipple line (MLO)',
   'Audited exams passing the pectoral muscle criterion', 'Audited exams where the criterion applies',
   'proportion', 'p', 'up', '%', 100, 1, true),
  (4, 2, 'MAMMO_POS_EL_IMF', 'Inframammary fold visible (MLO)',
   'Audited exams passing the inframammary fold criterion', 'Audited exams where the criterion applies',
   'proportion', 'p', 'up', '%', 100, 1, true),
  (5, 2, 'MAMMO_POS_EL_NIPPLE', 'Nipple in profile',
   'Audited exams passing the nipple profile criterion', 'Audited exams where the criterion applies',
   'proportion', 'p', 'up', '%', 100, 1, true),
  (6, 2, 'MAMMO_POS_EL_SKIN', 'No skin folds',
   'Audited exams passing the skin fold criterion', 'Audited exams where the criterion applies',
   'proportion', 'p', 'up', '%', 100, 1, true),
  (7, 2, 'MAMMO_POS_EL_TISSUE', 'Medial and posterior tissue included (CC)',
   'Audited exams passing the tissue inclusion criterion', 'Audited exams where the criterion applies',
   'proportion', 'p', 'up', '%', 100, 1, true),
  (8, 3, 'PROS_PIQUAL_PASS', 'Prostate MR exams meeting PI-QUAL criteria',
   'Exams scored at or above the network''s PI-QUAL cut-off (v1 >= 4)', 'Prostate MR exams scored that week',
   'proportion', 'p', 'up', '%', 100, NULL, true),
  (9, 3, 'PROS_SEQ_T2W', 'T2-weighted sequence diagnostic',
   'Exams whose T2W sequence is diagnostic', 'Prostate MR exams scored',
   'proportion', 'p', 'up', '%', 100, 8, true),
  (10, 3, 'PROS_SEQ_DWI', 'Diffusion-weighted sequence diagnostic',
   'Exams whose DWI sequence is diagnostic', 'Prostate MR exams scored',
   'proportion', 'p', 'up', '%', 100, 8, true),
  (11, 3, 'PROS_SEQ_DCE', 'Dynamic contrast-enhanced sequence diagnostic',
   'Exams whose DCE sequence is diagnostic', 'Prostate MR exams scored that included DCE',
   'proportion', 'p', 'up', '%', 100, 8, true),
  (12, 1, 'LCS_ELIG_RATE', 'Eligible population screened',
   'Low-dose CT screens that week (new and returning patients)',
   'Estimated USPSTF-eligible population, annual estimate divided by 52',
   'proportion', 'pp', 'up', '%', 100, NULL, true),
  (13, 1, 'LCS_VOLUME', 'Lung screening volume',
   'Low-dose CT screens that week (new and returning patients)', NULL,
   'count', 'i', 'up', 'screens', 1, NULL, true),
  (14, 4, 'RFU_APPROP', 'Appropriate follow-up recommendations for pulmonary nodules',
   'Exams with an indeterminate nodule of 6 mm or more carrying an appropriate, actionable recommendation',
   'Exams with an indeterminate nodule of 6 mm or more',
   'proportion', 'p', 'up', '%', 100, NULL, true),
  (15, 4, 'RFU_COMPLETE', 'Follow-up completed in the recommended window',
   'Recommendations completed between 30 days before the earliest and 60 days after the latest due date',
   'Recommendations whose window closed that week, less valid clinical closures',
   'proportion', 'p', 'up', '%', 100, NULL, true),
  (16, 4, 'RFU_OPEN_OVERDUE', 'Open overdue follow-up recommendations',
   'Open recommendations past their latest due date at the end of the week', NULL,
   'count', 'i', 'down', 'recommendations', 1, NULL, true);

-- views

CREATE VIEW @extschema@.measures WITH (security_invoker = true, security_barrier = true) AS
SELECT m.measure_id, co.code AS collaborative_code, m.code AS measure_code, m.name AS measure_name,
       m.numerator_definition, m.denominator_definition, m.kind, m.chart, m.rules, m.improvement, m.unit,
       m.multiplier, m.parent_measure_id
FROM learning_network_internal.measure m
JOIN learning_network_internal.collaborative co ON co.collaborative_id = m.collaborative_id;
COMMENT ON VIEW @extschema@.measures IS
  'The measure catalogue: one row per measure, with its collaborative, definitions, chart type, rules and the direction of improvement.';
COMMENT ON COLUMN @extschema@.measures.measure_id IS 'Measure identifier.';
COMMENT ON COLUMN @extschema@.measures.collaborative_code IS 'Collaborative code.';
COMMENT ON COLUMN @extschema@.measures.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.measures.measure_name IS 'Name shown on charts.';
COMMENT ON COLUMN @extschema@.measures.numerator_definition IS 'What the numerator (or the value) counts.';
COMMENT ON COLUMN @extschema@.measures.denominator_definition IS 'What the denominator counts.';
COMMENT ON COLUMN @extschema@.measures.kind IS 'proportion, rate, count or individual.';
COMMENT ON COLUMN @extschema@.measures.chart IS 'The spc.chart type used.';
COMMENT ON COLUMN @extschema@.measures.rules IS 'The special-cause rules; NULL for the chart''s default.';
COMMENT ON COLUMN @extschema@.measures.improvement IS 'Which direction is better: up, down or neutral.';
COMMENT ON COLUMN @extschema@.measures.unit IS 'Unit of the plotted value.';
COMMENT ON COLUMN @extschema@.measures.multiplier IS 'Factor from the statistic to the plotted value (100 for percentages).';
COMMENT ON COLUMN @extschema@.measures.parent_measure_id IS 'For an element (per-criterion) measure, its overall measure.';

CREATE VIEW @extschema@.projects WITH (security_invoker = true, security_barrier = true) AS
SELECT p.project_id, p.facility_id, f.pseudonym AS facility_code, f.name AS facility_name,
       co.code AS collaborative_code, k.name AS cohort_name, p.title AS project_title, p.aim, p.status,
       p.started_on
FROM learning_network_internal.project p
JOIN learning_network_internal.facility f ON f.facility_id = p.facility_id
JOIN learning_network_internal.collaborative co ON co.collaborative_id = p.collaborative_id
LEFT JOIN learning_network_internal.cohort k ON k.cohort_id = p.cohort_id;
COMMENT ON VIEW @extschema@.projects IS
  'One row per project the caller may see: its own facility''s (with names), and, under the facility''s pseudonym only, those of network members sharing a series with it. Staff see all.';
COMMENT ON COLUMN @extschema@.projects.project_id IS 'Project identifier.';
COMMENT ON COLUMN @extschema@.projects.facility_id IS 'Facility identifier.';
COMMENT ON COLUMN @extschema@.projects.facility_code IS 'The facility''s pseudonym.';
COMMENT ON COLUMN @extschema@.projects.facility_name IS 'Facility name (own facility and staff only).';
COMMENT ON COLUMN @extschema@.projects.collaborative_code IS 'Collaborative code.';
COMMENT ON COLUMN @extschema@.projects.cohort_name IS 'Cohort.';
COMMENT ON COLUMN @extschema@.projects.project_title IS 'Project title (own facility and staff only).';
COMMENT ON COLUMN @extschema@.projects.aim IS 'SMART aim (own facility and staff only).';
COMMENT ON COLUMN @extschema@.projects.status IS 'preparation, impower, star_site or closed.';
COMMENT ON COLUMN @extschema@.projects.started_on IS 'Start of baseline data collection.';

CREATE VIEW @extschema@.chart_points WITH (security_invoker = true, security_barrier = true) AS
WITH series AS (
  SELECT facility_id, project_id, measure_id, min(week_start) AS first_week, max(week_start) AS last_week
  FROM learning_network_internal.observation
  GROUP BY facility_id, project_id, measure_id
), grid AS (
  -- every week from the first to the last: a missing week is a NULL point
  SELECT s.facility_id, s.project_id, s.measure_id, s.first_week, w AS week_start
  FROM series s, @extschema@.weeks(s.first_week, s.last_week) w
  -- in key order, so the observations are merged on the whole key in one
  -- pass (merged on the series alone, each week rescans the series' weeks)
  ORDER BY s.facility_id, s.project_id, s.measure_id, w
), points AS (
  -- each week's phase: the latest started by then, for the measure or the
  -- whole project (the measure's on a tie); one sort, not a probe per week
  SELECT DISTINCT ON (g.facility_id, g.project_id, g.measure_id, g.week_start)
         g.facility_id, g.project_id, g.measure_id, g.week_start,
         o.numerator, o.denominator, o.value, coalesce(o.excluded, false) AS excluded,
         o.week_start IS NOT NULL AS reported,
         ph.phase_id, coalesce(ph.starts_on, g.first_week) AS phase_start,
         coalesce(ph.label, 'Baseline') AS phase_label, ph.freeze_after
  FROM grid g
  LEFT JOIN learning_network_internal.observation o
    ON o.facility_id = g.facility_id AND o.project_id = g.project_id
   AND o.measure_id = g.measure_id AND o.week_start = g.week_start
  LEFT JOIN learning_network_internal.phase ph
    ON ph.project_id = g.project_id AND ph.facility_id = g.facility_id
   AND (ph.measure_id = g.measure_id OR ph.measure_id IS NULL) AND ph.starts_on <= g.week_start
  ORDER BY g.facility_id, g.project_id, g.measure_id, g.week_start, ph.starts_on DESC NULLS LAST,
           ph.measure_id NULLS LAST
), counted AS (
  SELECT p.*, m.kind, m.chart, m.rules, m.improvement,
         count(*) FILTER (WHERE p.reported AND NOT p.excluded)
           OVER (PARTITION BY p.facility_id, p.project_id, p.measure_id, p.phase_start ORDER BY p.week_start)
           AS phase_points
  FROM points p
  JOIN learning_network_internal.measure m ON m.measure_id = p.measure_id
), charted AS (
  SELECT c.*,
         spc.chart(c.chart,
                   CASE WHEN c.kind = 'individual' THEN c.value ELSE c.numerator::double precision END,
                   CASE WHEN c.kind IN ('proportion', 'rate') THEN c.denominator END,
                   baseline => c.freeze_after IS NULL OR c.phase_points <= c.freeze_after,
                   exclude => c.excluded, rules => c.rules, improvement => c.improvement)
           OVER (PARTITION BY c.facility_id, c.project_id, c.measure_id, c.phase_start ORDER BY c.week_start) AS pt
  FROM counted c
)
SELECT c.project_id,
       pr.title AS project_title,
       c.facility_id,
       f.name AS facility_name,
       f.pseudonym AS facility_code,
       co.code AS collaborative_code,
       c.measure_id,
       m.code AS measure_code,
       m.name AS measure_name,
       m.unit,
       m.chart,
       c.week_start,
       c.reported,
       c.numerator,
       c.denominator,
       c.value,
       c.excluded,
       c.phase_label,
       c.phase_start,
       (c.pt).y * m.multiplier AS y,
       (c.pt).cl * m.multiplier AS cl,
       (c.pt).lcl * m.multiplier AS lcl,
       (c.pt).ucl * m.multiplier AS ucl,
       (c.pt).sigma * m.multiplier AS sigma,
       greatest(z.centre - (c.pt).sigma, (c.pt).lcl) * m.multiplier AS sigma1_lower,
       least(z.centre + (c.pt).sigma, (c.pt).ucl) * m.multiplier AS sigma1_upper,
       greatest(z.centre - 2 * (c.pt).sigma, (c.pt).lcl) * m.multiplier AS sigma2_lower,
       least(z.centre + 2 * (c.pt).sigma, (c.pt).ucl) * m.multiplier AS sigma2_upper,
       gl.target * m.multiplier AS goal,
       an.text AS annotation,
       (c.pt).signal,
       (c.pt).signals && ARRAY['ihi1', 'ihi2', 'ihi3', 'ihi4', 'ihi5'] AS rules_ihi,
       (c.pt).signals && ARRAY['we1', 'we2', 'we3', 'we4'] AS rules_we,
       (c.pt).signals && ARRAY['nelson1', 'nelson2', 'nelson3', 'nelson4',
                               'nelson5', 'nelson6', 'nelson7', 'nelson8'] AS rules_nelson,
       (c.pt).signals && ARRAY['nhs1', 'nhs2', 'nhs3', 'nhs4'] AS rules_nhs,
       (c.pt).signals && ARRAY['anhoej_run', 'anhoej_crossings'] AS rules_anhoej,
       nullif(array_to_string(array_remove((c.pt).signals, 'invalid'), ','), '') AS signal_rules,
       'invalid' = ANY ((c.pt).signals) AS invalid,
       (c.pt).variation,
       CASE WHEN (c.pt).signal THEN (c.pt).y * m.multiplier END AS signal_y
FROM charted c
JOIN learning_network_internal.project pr ON pr.project_id = c.project_id
JOIN learning_network_internal.facility f ON f.facility_id = c.facility_id
JOIN learning_network_internal.measure m ON m.measure_id = c.measure_id
JOIN learning_network_internal.collaborative co ON co.collaborative_id = m.collaborative_id
CROSS JOIN LATERAL (
  -- zones are measured from the mean, which on g charts is not the centre line
  SELECT CASE WHEN c.chart LIKE 'g%' THEN (c.pt).ucl - 3 * (c.pt).sigma ELSE (c.pt).cl END AS centre) z
LEFT JOIN learning_network_internal.goal gl
  ON gl.facility_id = c.facility_id AND gl.project_id = c.project_id AND gl.measure_id = c.measure_id
LEFT JOIN (
  -- a week's annotations for the measure and for the whole project
  SELECT a.facility_id, a.project_id, am.measure_id, a.week_start,
         string_agg(a.text, '; ' ORDER BY a.annotation_id) AS text
  FROM learning_network_internal.annotation a
  JOIN learning_network_internal.project ap ON ap.project_id = a.project_id
  JOIN learning_network_internal.measure am
    ON am.collaborative_id = ap.collaborative_id AND (a.measure_id IS NULL OR a.measure_id = am.measure_id)
  GROUP BY a.facility_id, a.project_id, am.measure_id, a.week_start) an
  ON an.facility_id = c.facility_id AND an.project_id = c.project_id AND an.measure_id = c.measure_id
 AND an.week_start = c.week_start;

COMMENT ON VIEW @extschema@.chart_points IS
  'One row per project, measure and week (missing weeks included, with reported = false): the control chart of the week with its limits, sigma zones, phase, goal, annotations and signals. Chart type, rules, phases, freezes, exclusions and improvement direction come from the data. Plotted values are multiplied by the measure''s multiplier (percentages for proportions).';
COMMENT ON COLUMN @extschema@.chart_points.project_id IS 'Project identifier.';
COMMENT ON COLUMN @extschema@.chart_points.project_title IS 'Project title.';
COMMENT ON COLUMN @extschema@.chart_points.facility_id IS 'Facility identifier.';
COMMENT ON COLUMN @extschema@.chart_points.facility_name IS 'Facility name.';
COMMENT ON COLUMN @extschema@.chart_points.facility_code IS 'Facility pseudonym code.';
COMMENT ON COLUMN @extschema@.chart_points.collaborative_code IS 'Collaborative code.';
COMMENT ON COLUMN @extschema@.chart_points.measure_id IS 'Measure identifier.';
COMMENT ON COLUMN @extschema@.chart_points.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.chart_points.measure_name IS 'Measure name.';
COMMENT ON COLUMN @extschema@.chart_points.unit IS 'Unit of y, cl, limits, zones and goal.';
COMMENT ON COLUMN @extschema@.chart_points.chart IS 'Chart type (spc.chart argument).';
COMMENT ON COLUMN @extschema@.chart_points.week_start IS 'The Sunday that starts the week.';
COMMENT ON COLUMN @extschema@.chart_points.reported IS 'False for a week with no data (a gap in the chart).';
COMMENT ON COLUMN @extschema@.chart_points.numerator IS 'Numerator entered.';
COMMENT ON COLUMN @extschema@.chart_points.denominator IS 'Denominator entered.';
COMMENT ON COLUMN @extschema@.chart_points.value IS 'Value entered (individual measures).';
COMMENT ON COLUMN @extschema@.chart_points.excluded IS 'Shown but left out of the limits.';
COMMENT ON COLUMN @extschema@.chart_points.phase_label IS 'Phase label (Baseline before the first phase).';
COMMENT ON COLUMN @extschema@.chart_points.phase_start IS 'First week of the phase.';
COMMENT ON COLUMN @extschema@.chart_points.y IS 'Plotted value (NULL for a missing or invalid week).';
COMMENT ON COLUMN @extschema@.chart_points.cl IS 'Centre line.';
COMMENT ON COLUMN @extschema@.chart_points.lcl IS 'Lower control limit (3 sigma).';
COMMENT ON COLUMN @extschema@.chart_points.ucl IS 'Upper control limit (3 sigma).';
COMMENT ON COLUMN @extschema@.chart_points.sigma IS 'The week''s sigma where the limits are symmetric (zone k is cl +/- k sigma); NULL for run, mr and t charts.';
COMMENT ON COLUMN @extschema@.chart_points.sigma1_lower IS 'Lower 1-sigma zone line.';
COMMENT ON COLUMN @extschema@.chart_points.sigma1_upper IS 'Upper 1-sigma zone line.';
COMMENT ON COLUMN @extschema@.chart_points.sigma2_lower IS 'Lower 2-sigma zone line.';
COMMENT ON COLUMN @extschema@.chart_points.sigma2_upper IS 'Upper 2-sigma zone line.';
COMMENT ON COLUMN @extschema@.chart_points.goal IS 'The project''s goal for the measure.';
COMMENT ON COLUMN @extschema@.chart_points.annotation IS 'Annotations of the week (PDSA cycles, events), separated by semicolons.';
COMMENT ON COLUMN @extschema@.chart_points.signal IS 'True for a special-cause signal.';
COMMENT ON COLUMN @extschema@.chart_points.rules_ihi IS 'Signal by an ihi rule (Provost and Murray).';
COMMENT ON COLUMN @extschema@.chart_points.rules_we IS 'Signal by a Western Electric rule.';
COMMENT ON COLUMN @extschema@.chart_points.rules_nelson IS 'Signal by a Nelson rule.';
COMMENT ON COLUMN @extschema@.chart_points.rules_nhs IS 'Signal by an NHS Making Data Count rule.';
COMMENT ON COLUMN @extschema@.chart_points.rules_anhoej IS 'Signal by Anhoej runs analysis.';
COMMENT ON COLUMN @extschema@.chart_points.signal_rules IS 'Codes of the rules signalling, comma-separated.';
COMMENT ON COLUMN @extschema@.chart_points.invalid IS 'True when the week''s numbers cannot be charted.';
COMMENT ON COLUMN @extschema@.chart_points.variation IS 'improvement, concern or common_cause (neutral_high or neutral_low for neutral measures).';
COMMENT ON COLUMN @extschema@.chart_points.signal_y IS 'y on signal weeks only, to draw signals as their own series.';

CREATE VIEW @extschema@.series_status WITH (security_invoker = true, security_barrier = true) AS
WITH counted AS (
  -- one pass over the series; every window keeps the series key, so a filter
  -- on project or measure reaches the base tables
  SELECT cp.*,
         min(cp.week_start) OVER series AS first_week,
         count(*) FILTER (WHERE cp.reported) OVER series AS weeks_reported,
         count(*) FILTER (WHERE NOT cp.reported) OVER series AS weeks_missing,
         count(*) FILTER (WHERE cp.signal)
           OVER (PARTITION BY cp.facility_id, cp.project_id, cp.measure_id, cp.phase_start) AS phase_signals,
         row_number() OVER (PARTITION BY cp.facility_id, cp.project_id, cp.measure_id
                            ORDER BY cp.reported DESC, cp.week_start DESC) AS recency
  FROM @extschema@.chart_points cp
  WINDOW series AS (PARTITION BY cp.facility_id, cp.project_id, cp.measure_id)
)
SELECT c.project_id, c.project_title, c.facility_id, c.facility_name, c.facility_code,
       c.collaborative_code, c.measure_id, c.measure_code, c.measure_name, c.unit,
       c.first_week, c.week_start AS latest_week,
       ((@extschema@.week_start(current_date) - c.week_start) / 7)::integer AS weeks_since_latest,
       c.weeks_reported::integer AS weeks_reported, c.weeks_missing::integer AS weeks_missing,
       c.y AS latest_y, c.cl AS latest_cl, c.lcl AS latest_lcl, c.ucl AS latest_ucl,
       c.signal AS latest_signal, c.signal_rules AS latest_signal_rules, c.variation AS latest_variation,
       c.phase_label AS current_phase, c.phase_signals::integer AS current_phase_signals,
       c.goal,
       spc.assurance(c.goal, c.lcl, c.ucl, m.improvement) AS assurance
FROM counted c
JOIN learning_network_internal.measure m ON m.measure_id = c.measure_id
WHERE c.recency = 1;

COMMENT ON VIEW @extschema@.series_status IS
  'One row per project and measure: where the series stands now - latest week, its variation (improvement, concern or common cause), signals in the current phase, weeks missing, and assurance against the goal (pass, fail, hit_and_miss).';
COMMENT ON COLUMN @extschema@.series_status.project_id IS 'Project identifier.';
COMMENT ON COLUMN @extschema@.series_status.project_title IS 'Project title.';
COMMENT ON COLUMN @extschema@.series_status.facility_id IS 'Facility identifier.';
COMMENT ON COLUMN @extschema@.series_status.facility_name IS 'Facility name.';
COMMENT ON COLUMN @extschema@.series_status.facility_code IS 'Facility pseudonym code.';
COMMENT ON COLUMN @extschema@.series_status.collaborative_code IS 'Collaborative code.';
COMMENT ON COLUMN @extschema@.series_status.measure_id IS 'Measure identifier.';
COMMENT ON COLUMN @extschema@.series_status.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.series_status.measure_name IS 'Measure name.';
COMMENT ON COLUMN @extschema@.series_status.unit IS 'Unit of the values.';
COMMENT ON COLUMN @extschema@.series_status.first_week IS 'First week with data.';
COMMENT ON COLUMN @extschema@.series_status.latest_week IS 'Latest week with data.';
COMMENT ON COLUMN @extschema@.series_status.weeks_since_latest IS 'Weeks from the latest week with data to the current week.';
COMMENT ON COLUMN @extschema@.series_status.weeks_reported IS 'Weeks with data.';
COMMENT ON COLUMN @extschema@.series_status.weeks_missing IS 'Weeks without data between the first and the latest week.';
COMMENT ON COLUMN @extschema@.series_status.latest_y IS 'Latest value.';
COMMENT ON COLUMN @extschema@.series_status.latest_cl IS 'Centre line at the latest week.';
COMMENT ON COLUMN @extschema@.series_status.latest_lcl IS 'Lower control limit at the latest week.';
COMMENT ON COLUMN @extschema@.series_status.latest_ucl IS 'Upper control limit at the latest week.';
COMMENT ON COLUMN @extschema@.series_status.latest_signal IS 'True when the latest week is a signal.';
COMMENT ON COLUMN @extschema@.series_status.latest_signal_rules IS 'Rules signalling at the latest week.';
COMMENT ON COLUMN @extschema@.series_status.latest_variation IS 'Variation at the latest week (NHS variation icon).';
COMMENT ON COLUMN @extschema@.series_status.current_phase IS 'Label of the current phase.';
COMMENT ON COLUMN @extschema@.series_status.current_phase_signals IS 'Signal weeks in the current phase.';
COMMENT ON COLUMN @extschema@.series_status.goal IS 'The goal.';
COMMENT ON COLUMN @extschema@.series_status.assurance IS 'pass (the process will consistently meet the goal), fail (will consistently miss it) or hit_and_miss; NULL without a goal (NHS assurance icon).';

CREATE VIEW @extschema@.network_weekly WITH (security_invoker = true, security_barrier = true) AS
WITH pooled AS (
  SELECT o.measure_id, o.week_start, count(*) AS facilities_reporting,
         sum(o.numerator) AS numerator, sum(o.denominator) AS denominator, avg(o.value) AS value
  FROM learning_network_internal.observation o
  WHERE NOT o.excluded
  GROUP BY o.measure_id, o.week_start
), charted AS (
  SELECT p.*, m.kind, m.multiplier,
         -- pooled denominators are large: Laney's charts for proportions and rates
         spc.chart(CASE m.kind WHEN 'proportion' THEN 'pp' WHEN 'rate' THEN 'up' ELSE m.chart END,
                   CASE WHEN m.kind = 'individual' THEN p.value ELSE p.numerator::double precision END,
                   CASE WHEN m.kind IN ('proportion', 'rate') THEN p.denominator END,
                   rules => m.rules, improvement => m.improvement)
           OVER (PARTITION BY p.measure_id ORDER BY p.week_start) AS pt
  FROM pooled p
  JOIN learning_network_internal.measure m ON m.measure_id = p.measure_id
)
SELECT c.measure_id, m.code AS measure_code, m.name AS measure_name, co.code AS collaborative_code, m.unit,
       c.week_start, c.facilities_reporting::integer AS facilities_reporting,
       c.numerator::bigint AS numerator, c.denominator,
       (c.pt).y * c.multiplier AS y, (c.pt).cl * c.multiplier AS cl,
       (c.pt).lcl * c.multiplier AS lcl, (c.pt).ucl * c.multiplier AS ucl,
       (c.pt).signal,
       nullif(array_to_string(array_remove((c.pt).signals, 'invalid'), ','), '') AS signal_rules,
       (c.pt).variation,
       CASE WHEN (c.pt).signal THEN (c.pt).y * c.multiplier END AS signal_y
FROM charted c
JOIN learning_network_internal.measure m ON m.measure_id = c.measure_id
JOIN learning_network_internal.collaborative co ON co.collaborative_id = m.collaborative_id;

COMMENT ON VIEW @extschema@.network_weekly IS
  'One row per measure and week: the network''s pooled series (sums over the reporting facilities, excluded weeks left out) charted with Laney''s p'' or u'' for proportions and rates, whose pooled denominators are large.';
COMMENT ON COLUMN @extschema@.network_weekly.measure_id IS 'Measure identifier.';
COMMENT ON COLUMN @extschema@.network_weekly.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.network_weekly.measure_name IS 'Measure name.';
COMMENT ON COLUMN @extschema@.network_weekly.collaborative_code IS 'Collaborative code.';
COMMENT ON COLUMN @extschema@.network_weekly.unit IS 'Unit of the values.';
COMMENT ON COLUMN @extschema@.network_weekly.week_start IS 'The week.';
COMMENT ON COLUMN @extschema@.network_weekly.facilities_reporting IS 'Facilities with data that week.';
COMMENT ON COLUMN @extschema@.network_weekly.numerator IS 'Pooled numerator.';
COMMENT ON COLUMN @extschema@.network_weekly.denominator IS 'Pooled denominator.';
COMMENT ON COLUMN @extschema@.network_weekly.y IS 'Pooled value (mean value for individual measures).';
COMMENT ON COLUMN @extschema@.network_weekly.cl IS 'Centre line.';
COMMENT ON COLUMN @extschema@.network_weekly.lcl IS 'Lower control limit.';
COMMENT ON COLUMN @extschema@.network_weekly.ucl IS 'Upper control limit.';
COMMENT ON COLUMN @extschema@.network_weekly.signal IS 'True for a special-cause signal.';
COMMENT ON COLUMN @extschema@.network_weekly.signal_rules IS 'Codes of the rules signalling, comma-separated.';
COMMENT ON COLUMN @extschema@.network_weekly.variation IS 'improvement, concern or common_cause.';
COMMENT ON COLUMN @extschema@.network_weekly.signal_y IS 'y on signal weeks only.';

CREATE VIEW @extschema@.facility_comparison WITH (security_invoker = true, security_barrier = true) AS
WITH anchor AS (
  SELECT measure_id, max(week_start) AS last_week FROM learning_network_internal.observation GROUP BY measure_id
), per_facility AS (
  SELECT o.measure_id, w.window_weeks, o.facility_id, a.last_week,
         sum(o.numerator)::double precision AS x, sum(o.denominator) AS n
  FROM learning_network_internal.observation o
  JOIN anchor a ON a.measure_id = o.measure_id
  CROSS JOIN (VALUES (13), (26), (52)) w(window_weeks)
  WHERE NOT o.excluded AND o.week_start > a.last_week - 7 * w.window_weeks
  GROUP BY o.measure_id, w.window_weeks, o.facility_id, a.last_week
), scored AS (
  SELECT f.*, m.kind, m.multiplier,
         sum(f.x) OVER t / sum(f.n) OVER t AS p0,
         count(*) OVER t AS facilities
  FROM per_facility f
  JOIN learning_network_internal.measure m ON m.measure_id = f.measure_id AND m.kind IN ('proportion', 'rate')
  WINDOW t AS (PARTITION BY f.measure_id, f.window_weeks)
), z AS (
  SELECT s.*, v.unit_variance,
         CASE WHEN v.unit_variance > 0 THEN (s.x / s.n - s.p0) / sqrt(v.unit_variance / s.n) END AS z
  FROM scored s
  CROSS JOIN LATERAL (SELECT CASE WHEN s.kind = 'proportion' THEN s.p0 * (1 - s.p0) ELSE s.p0 END AS unit_variance) v
), dispersed AS (
  -- Spiegelhalter (2005): phi = mean z^2, applied multiplicatively when above 1
  SELECT z.*, avg(z.z * z.z) OVER (PARTITION BY z.measure_id, z.window_weeks) AS phi
  FROM z
)
SELECT d.measure_id, m.code AS measure_code, co.code AS collaborative_code, m.unit,
       d.window_weeks, (d.last_week - 7 * (d.window_weeks - 1)) AS from_week, d.last_week AS to_week,
       fa.pseudonym AS facility_code, d.facilities::integer AS facilities,
       d.x::bigint AS numerator, d.n AS denominator,
       d.x / d.n * d.multiplier AS y, d.p0 * d.multiplier AS target, d.z, d.phi,
       d.phi > 1 AS overdispersed,
       l.lower95 * d.multiplier AS lower95, l.upper95 * d.multiplier AS upper95,
       l.lower998 * d.multiplier AS lower998, l.upper998 * d.multiplier AS upper998,
       d.x / d.n NOT BETWEEN l.lower95 AND l.upper95 AS outside95,
       d.x / d.n NOT BETWEEN l.lower998 AND l.upper998 AS outside998
FROM dispersed d
JOIN learning_network_internal.facility fa ON fa.facility_id = d.facility_id
JOIN learning_network_internal.measure m ON m.measure_id = d.measure_id
JOIN learning_network_internal.collaborative co ON co.collaborative_id = m.collaborative_id
CROSS JOIN LATERAL (
  SELECT sqrt(greatest(d.phi, 1) * d.unit_variance / d.n) AS se,
         CASE WHEN d.kind = 'proportion' THEN 1 ELSE 'Infinity'::double precision END AS ceiling) s
CROSS JOIN LATERAL (
  SELECT greatest(d.p0 - 1.959964 * s.se, 0) AS lower95, least(d.p0 + 1.959964 * s.se, s.ceiling) AS upper95,
         greatest(d.p0 - 3.090232 * s.se, 0) AS lower998, least(d.p0 + 3.090232 * s.se, s.ceiling) AS upper998) l;

COMMENT ON VIEW @extschema@.facility_comparison IS
  'Funnel plot data (Spiegelhalter 2005): for each proportion or rate measure and each window of the last 13, 26 and 52 weeks, every facility''s pooled value against the network target with 95 % and 99.8 % limits for its size, inflated by the over-dispersion factor phi when it exceeds 1. Facilities appear by pseudonym; there is deliberately no rank.';
COMMENT ON COLUMN @extschema@.facility_comparison.measure_id IS 'Measure identifier.';
COMMENT ON COLUMN @extschema@.facility_comparison.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.facility_comparison.collaborative_code IS 'Collaborative code.';
COMMENT ON COLUMN @extschema@.facility_comparison.unit IS 'Unit of the values.';
COMMENT ON COLUMN @extschema@.facility_comparison.window_weeks IS 'Length of the window in weeks (13, 26 or 52), ending at the measure''s latest week.';
COMMENT ON COLUMN @extschema@.facility_comparison.from_week IS 'First week of the window.';
COMMENT ON COLUMN @extschema@.facility_comparison.to_week IS 'Last week of the window.';
COMMENT ON COLUMN @extschema@.facility_comparison.facility_code IS 'Facility pseudonym code.';
COMMENT ON COLUMN @extschema@.facility_comparison.facilities IS 'Facilities compared.';
COMMENT ON COLUMN @extschema@.facility_comparison.numerator IS 'The facility''s numerator over the window.';
COMMENT ON COLUMN @extschema@.facility_comparison.denominator IS 'The facility''s denominator over the window (the funnel''s x axis).';
COMMENT ON COLUMN @extschema@.facility_comparison.y IS 'The facility''s value over the window.';
COMMENT ON COLUMN @extschema@.facility_comparison.target IS 'The network''s pooled value (the funnel''s centre).';
COMMENT ON COLUMN @extschema@.facility_comparison.z IS 'z-score of the facility against the target.';
COMMENT ON COLUMN @extschema@.facility_comparison.phi IS 'Over-dispersion factor: mean squared z-score of the facilities (1 means none).';
COMMENT ON COLUMN @extschema@.facility_comparison.overdispersed IS 'True when phi exceeds 1 and the limits are widened by sqrt(phi).';
COMMENT ON COLUMN @extschema@.facility_comparison.lower95 IS 'Lower 95 % limit at this denominator.';
COMMENT ON COLUMN @extschema@.facility_comparison.upper95 IS 'Upper 95 % limit at this denominator.';
COMMENT ON COLUMN @extschema@.facility_comparison.lower998 IS 'Lower 99.8 % limit at this denominator.';
COMMENT ON COLUMN @extschema@.facility_comparison.upper998 IS 'Upper 99.8 % limit at this denominator.';
COMMENT ON COLUMN @extschema@.facility_comparison.outside95 IS 'Outside the 95 % limits.';
COMMENT ON COLUMN @extschema@.facility_comparison.outside998 IS 'Outside the 99.8 % limits.';

CREATE VIEW @extschema@.data_completeness WITH (security_invoker = true, security_barrier = true) AS
WITH series AS (
  SELECT o.facility_id, o.project_id, o.measure_id, min(o.week_start) AS first_week,
         max(o.week_start) AS latest_week, count(*) AS weeks_reported, max(o.entered_at) AS last_entered_at
  FROM learning_network_internal.observation o
  GROUP BY o.facility_id, o.project_id, o.measure_id
), changes AS (
  SELECT h.facility_id, h.project_id, h.measure_id,
         count(*) FILTER (WHERE h.operation = 'update') AS corrections,
         count(*) FILTER (WHERE h.operation = 'delete') AS deletions
  FROM learning_network_internal.observation_history h
  GROUP BY h.facility_id, h.project_id, h.measure_id
)
SELECT s.project_id, p.title AS project_title, s.facility_id, f.pseudonym AS facility_code,
       s.measure_id, m.code AS measure_code,
       s.first_week, s.latest_week, e.expected_until,
       e.weeks_expected, s.weeks_reported::integer AS weeks_reported,
       (e.weeks_expected - s.weeks_reported)::integer AS weeks_missing,
       round(100.0 * s.weeks_reported / e.weeks_expected, 1) AS completeness_pct,
       coalesce(c.corrections, 0)::integer AS corrections, coalesce(c.deletions, 0)::integer AS deletions,
       s.last_entered_at::date AS last_entered_on
FROM series s
JOIN learning_network_internal.project p ON p.project_id = s.project_id
JOIN learning_network_internal.facility f ON f.facility_id = s.facility_id
JOIN learning_network_internal.measure m ON m.measure_id = s.measure_id
LEFT JOIN changes c
  ON c.facility_id = s.facility_id AND c.project_id = s.project_id AND c.measure_id = s.measure_id
CROSS JOIN LATERAL (
  -- a closed project is expected up to its latest week; an active one up to last week
  SELECT CASE WHEN p.status = 'closed' THEN s.latest_week
              ELSE greatest(s.latest_week, @extschema@.week_start(current_date) - 7) END AS expected_until) u
CROSS JOIN LATERAL (
  SELECT u.expected_until, ((u.expected_until - s.first_week) / 7 + 1)::integer AS weeks_expected) e;

COMMENT ON VIEW @extschema@.data_completeness IS
  'One row per project and measure: weeks expected (from the first week with data to last week, or to the latest week for a closed project), weeks reported and missing, and how often data were corrected or deleted (from the audit trail).';
COMMENT ON COLUMN @extschema@.data_completeness.project_id IS 'Project identifier.';
COMMENT ON COLUMN @extschema@.data_completeness.project_title IS 'Project title.';
COMMENT ON COLUMN @extschema@.data_completeness.facility_id IS 'Facility identifier.';
COMMENT ON COLUMN @extschema@.data_completeness.facility_code IS 'Facility pseudonym code.';
COMMENT ON COLUMN @extschema@.data_completeness.measure_id IS 'Measure identifier.';
COMMENT ON COLUMN @extschema@.data_completeness.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.data_completeness.first_week IS 'First week with data.';
COMMENT ON COLUMN @extschema@.data_completeness.latest_week IS 'Latest week with data.';
COMMENT ON COLUMN @extschema@.data_completeness.expected_until IS 'Last week data are expected for.';
COMMENT ON COLUMN @extschema@.data_completeness.weeks_expected IS 'Weeks from the first week to expected_until.';
COMMENT ON COLUMN @extschema@.data_completeness.weeks_reported IS 'Weeks with data.';
COMMENT ON COLUMN @extschema@.data_completeness.weeks_missing IS 'Weeks expected but not reported.';
COMMENT ON COLUMN @extschema@.data_completeness.completeness_pct IS 'Weeks reported as a percentage of weeks expected.';
COMMENT ON COLUMN @extschema@.data_completeness.corrections IS 'Corrections of already entered weeks.';
COMMENT ON COLUMN @extschema@.data_completeness.deletions IS 'Weeks deleted.';
COMMENT ON COLUMN @extschema@.data_completeness.last_entered_on IS 'Date of the latest entry or correction.';

-- charts for the HUB and any client.  The renderers read chart_points as the
-- acting role, so a chart shows exactly what the views show that role; the
-- public chart_svg / chart_json serve them from chart_cache.

CREATE FUNCTION learning_network_internal.render_chart_svg(project_id integer, measure_id integer,
                                      from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
  -- PL/pgSQL keeps this plan for the session; an SQL function would plan it
  -- on every call.  One series never repays JIT compilation (tens of ms),
  -- which a generous estimate on a big network could otherwise trigger.
  RETURN (
    SELECT spc.chart_svg(cp.week_start,
                         ROW(cp.y, cp.cl, cp.lcl, cp.ucl, cp.sigma, cp.signal,
                             string_to_array(cp.signal_rules, ','), cp.variation)::spc.point,
                         cp.phase_label, cp.annotation, cp.goal,
                         coalesce(cp.facility_name, cp.facility_code) || ': ' || cp.measure_name || ' (' || cp.unit || ')')
    FROM @extschema@.chart_points cp
    WHERE cp.project_id = render_chart_svg.project_id AND cp.measure_id = render_chart_svg.measure_id
      AND (render_chart_svg.from_week IS NULL OR cp.week_start >= render_chart_svg.from_week)
      AND (render_chart_svg.to_week IS NULL OR cp.week_start <= render_chart_svg.to_week));
END $$;

COMMENT ON FUNCTION learning_network_internal.render_chart_svg(integer, integer, date, date) IS
  'Draws the control chart of one project''s measure as a standalone SVG document (phases, limits, zones, signals, goal, annotations), optionally for a period; NULL when there are no weeks.';

CREATE FUNCTION learning_network_internal.render_chart_json(project_id integer, measure_id integer,
                                       from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
  RETURN (
  WITH points AS (
    SELECT cp.*
    FROM @extschema@.chart_points cp
    WHERE cp.project_id = render_chart_json.project_id AND cp.measure_id = render_chart_json.measure_id
      AND (render_chart_json.from_week IS NULL OR cp.week_start >= render_chart_json.from_week)
      AND (render_chart_json.to_week IS NULL OR cp.week_start <= render_chart_json.to_week)
  ), phases AS (
    SELECT phase_start, min(phase_label) AS label, min(week_start) AS first_week, max(week_start) AS last_week,
           count(*) FILTER (WHERE reported) AS weeks, min(cl) AS cl,
           -- summed in week order: the same chart gives the same bits on every plan
           avg(lcl ORDER BY week_start) AS avg_lcl, avg(ucl ORDER BY week_start) AS avg_ucl,
           count(*) FILTER (WHERE signal) AS signals
    FROM points GROUP BY phase_start
  )
  SELECT CASE WHEN count(*) > 0 THEN jsonb_build_object(
    'project_id', render_chart_json.project_id,
    'project_title', min(p.project_title),
    'facility', coalesce(min(p.facility_name), min(p.facility_code)),
    'measure', (SELECT jsonb_build_object('id', m.measure_id, 'code', m.measure_code, 'name', m.measure_name, 'kind', m.kind,
                                          'chart', m.chart, 'rules', m.rules, 'improvement', m.improvement,
                                          'unit', m.unit, 'multiplier', m.multiplier)
                FROM @extschema@.measures m WHERE m.measure_id = render_chart_json.measure_id),
    'goal', max(p.goal),
    'points', jsonb_agg(jsonb_build_object(
        'week', p.week_start, 'reported', p.reported, 'numerator', p.numerator,
        'denominator', p.denominator, 'value', p.value, 'excluded', p.excluded,
        'y', p.y, 'cl', p.cl, 'lcl', p.lcl, 'ucl', p.ucl,
        'sigma1', jsonb_build_array(p.sigma1_lower, p.sigma1_upper),
        'sigma2', jsonb_build_array(p.sigma2_lower, p.sigma2_upper),
        'phase', p.phase_label, 'signal', p.signal, 'variation', p.variation, 'annotation', p.annotation,
        'signals', coalesce((SELECT jsonb_agg(jsonb_build_object('code', code, 'description', spc.rule_description(code)))
                             FROM unnest(string_to_array(p.signal_rules, ',')) code), '[]'::jsonb))
      ORDER BY p.week_start),
    'phases', (SELECT jsonb_agg(jsonb_build_object('label', ph.label, 'start', ph.first_week, 'end', ph.last_week,
                                                   'weeks', ph.weeks, 'cl', ph.cl, 'avg_lcl', ph.avg_lcl,
                                                   'avg_ucl', ph.avg_ucl, 'signals', ph.signals)
                                ORDER BY ph.first_week) FROM phases ph),
    'annotations', coalesce((SELECT jsonb_agg(jsonb_build_object('week', p2.week_start, 'text', p2.annotation)
                                              ORDER BY p2.week_start)
                             FROM points p2 WHERE p2.annotation IS NOT NULL), '[]'::jsonb))
  END
  FROM points p);
END $$;

COMMENT ON FUNCTION learning_network_internal.render_chart_json(integer, integer, date, date) IS
  'Builds the control chart of one project''s measure as JSON for a chart library: measure, goal, points (values, limits, zones, phase, signals with codes and descriptions, variation, annotation), phases with their summaries, and annotations; NULL when there are no weeks.';

-- A kept chart is fresh while every committed change to its project is
-- visible in the snapshot it was drawn from.  (Changes older than that
-- snapshot's xmin are visible in it by definition.)  PL/pgSQL, so its plan
-- is kept for the session (an SQL function with a subquery is not inlined,
-- and would be planned on every call).
CREATE FUNCTION learning_network_internal.chart_is_fresh(facility_id integer, project_id integer,
                                                         drawn_in pg_snapshot) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN NOT EXISTS (SELECT 1 FROM @extschema@.chart_change x
                     WHERE x.facility_id = chart_is_fresh.facility_id AND x.project_id = chart_is_fresh.project_id
                       AND x.xact >= pg_catalog.pg_snapshot_xmin(chart_is_fresh.drawn_in)
                       AND NOT pg_catalog.pg_visible_in_snapshot(x.xact, chart_is_fresh.drawn_in));
END $$;
COMMENT ON FUNCTION learning_network_internal.chart_is_fresh(integer, integer, pg_snapshot) IS
  'True while no change to the project committed that the snapshot a kept chart was drawn from cannot see.';

-- A whole-series chart from chart_cache, drawn (and kept) when missing or
-- stale.  Runs as the owner for the acting role: the policies make it draw
-- and read only what that role sees.
CREATE FUNCTION learning_network_internal.cached_chart(project_id integer, measure_id integer, want text,
                                                       OUT chart_json jsonb, OUT chart_svg text)
LANGUAGE plpgsql VOLATILE AS $$   -- search_path is set by its callers, chart_json and chart_svg; jit by the renderers
DECLARE
  facility integer;
  kind text;
  drawn_in pg_snapshot;
BEGIN
  -- the variant the caller may see, fresh; only the document wanted is read
  SELECT CASE WHEN want = 'json' THEN c.chart_json END, CASE WHEN want = 'svg' THEN c.chart_svg END
  INTO chart_json, chart_svg
  FROM @extschema@.chart_cache c
  WHERE c.project_id = cached_chart.project_id AND c.measure_id = cached_chart.measure_id
    AND c.variant = CASE WHEN c.facility_id = (SELECT learning_network_internal.caller_facility())
                              OR (SELECT learning_network_internal.caller_is_staff()) THEN 'own' ELSE 'network' END
    AND learning_network_internal.chart_is_fresh(c.facility_id, c.project_id, c.drawn_in);
  IF FOUND THEN
    RETURN;
  END IF;
  SELECT p.facility_id INTO facility FROM @extschema@.project p WHERE p.project_id = cached_chart.project_id;
  IF facility IS NULL THEN
    RETURN;                       -- no such project, or one the caller cannot see
  END IF;
  kind := CASE WHEN learning_network_internal.may_write(facility) THEN 'own' ELSE 'network' END;
  -- both documents in one statement: one snapshot, which the row records
  SELECT learning_network_internal.render_chart_json(cached_chart.project_id, cached_chart.measure_id, NULL, NULL),
         learning_network_internal.render_chart_svg(cached_chart.project_id, cached_chart.measure_id, NULL, NULL),
         pg_current_snapshot()
  INTO chart_json, chart_svg, drawn_in;
  -- keep it only from a transaction that has not changed this project (its
  -- uncommitted changes must not be served to others) and may write
  IF chart_json IS NOT NULL AND current_setting('transaction_read_only') = 'off'
     AND NOT EXISTS (SELECT 1 FROM @extschema@.chart_change x
                     WHERE x.facility_id = facility AND x.project_id = cached_chart.project_id
                       AND x.xact = pg_current_xact_id_if_assigned()) THEN
    INSERT INTO @extschema@.chart_cache AS c (facility_id, project_id, measure_id, variant, drawn_in, chart_json, chart_svg)
    VALUES (facility, cached_chart.project_id, cached_chart.measure_id, kind, drawn_in,
            cached_chart.chart_json, cached_chart.chart_svg)
    ON CONFLICT ON CONSTRAINT chart_cache_pkey DO UPDATE
      SET drawn_in = excluded.drawn_in, chart_json = excluded.chart_json, chart_svg = excluded.chart_svg
      WHERE pg_snapshot_xmax(c.drawn_in) <= pg_snapshot_xmax(excluded.drawn_in);
    PERFORM learning_network_internal.forget_chart_changes(facility, cached_chart.project_id);
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.cached_chart(integer, integer, text) IS
  'The whole-series chart (want: json or svg) of a project''s measure as the acting role sees it: from chart_cache when no change committed since it was drawn, else drawn now (both documents) and kept.';

CREATE FUNCTION @extschema@.chart_svg(project_id integer, measure_id integer,
                                      from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF from_week IS NOT NULL OR to_week IS NOT NULL THEN
    RETURN learning_network_internal.render_chart_svg(project_id, measure_id, from_week, to_week);
  END IF;
  RETURN (learning_network_internal.cached_chart(project_id, measure_id, 'svg')).chart_svg;
END $$;
COMMENT ON FUNCTION @extschema@.chart_svg(integer, integer, date, date) IS
  'The control chart of one project''s measure as a standalone SVG document (phases, limits, zones, signals, goal, annotations), optionally for a period; NULL when there are no weeks (or none the caller may see). Whole series are served from chart_cache while unchanged.';

CREATE FUNCTION @extschema@.chart_json(project_id integer, measure_id integer,
                                       from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF from_week IS NOT NULL OR to_week IS NOT NULL THEN
    RETURN learning_network_internal.render_chart_json(project_id, measure_id, from_week, to_week);
  END IF;
  RETURN (learning_network_internal.cached_chart(project_id, measure_id, 'json')).chart_json;
END $$;
COMMENT ON FUNCTION @extschema@.chart_json(integer, integer, date, date) IS
  'The control chart of one project''s measure as JSON for a chart library: measure, goal, points (values, limits, zones, phase, signals with codes and descriptions, variation, annotation), phases with their summaries, and annotations; NULL when there are no weeks (or none the caller may see). Whole series are served from chart_cache while unchanged.';

CREATE FUNCTION @extschema@.element_pareto(project_id integer, measure_id integer,
                                           from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS TABLE (element_measure_id integer, code text, name text, failures bigint, audited bigint,
               failure_share double precision, cumulative_share double precision)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
  RETURN QUERY
  WITH failures AS (
    SELECT e.measure_id, e.measure_code AS code, e.measure_name AS name,
           sum(cp.denominator - cp.numerator)::bigint AS failures, sum(cp.denominator)::bigint AS audited
    FROM @extschema@.measures e
    JOIN @extschema@.chart_points cp ON cp.measure_id = e.measure_id AND cp.project_id = element_pareto.project_id
    WHERE e.parent_measure_id = element_pareto.measure_id AND cp.reported AND NOT cp.excluded
      AND (element_pareto.from_week IS NULL OR cp.week_start >= element_pareto.from_week)
      AND (element_pareto.to_week IS NULL OR cp.week_start <= element_pareto.to_week)
    GROUP BY e.measure_id, e.measure_code, e.measure_name
  )
  SELECT f.measure_id, f.code, f.name, f.failures, f.audited,
         f.failures::double precision / nullif(sum(f.failures) OVER (), 0),
         sum(f.failures) OVER (ORDER BY f.failures DESC, f.code)::double precision / nullif(sum(f.failures) OVER (), 0)
  FROM failures f
  ORDER BY f.failures DESC, f.code;
END $$;

COMMENT ON FUNCTION @extschema@.element_pareto(integer, integer, date, date) IS
  'Pareto of failed criteria: for an overall measure with element (per-criterion) measures, each criterion''s failures over a period, largest first, with its share and the cumulative share of all failures.';

-- writes for the HUB: one call per action, safe to retry, never a silent
-- overwrite.  Errors name the field (RAISE ... USING COLUMN) for the UI.
-- They run as learning_network_owner (SECURITY DEFINER) with a fixed
-- search_path; the base tables' policies still apply to the acting role, and
-- each function first says plainly when the caller may not write (42501).

-- The facility of a project the acting role may write, or 42501.
CREATE FUNCTION learning_network_internal.writable_project(project_id integer) RETURNS integer
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

CREATE FUNCTION @extschema@.record_week(project_id integer, measure_id integer, week_start date,
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

CREATE FUNCTION @extschema@.delete_week(project_id integer, measure_id integer, week_start date,
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

CREATE FUNCTION @extschema@.set_phase(project_id integer, starts_on date, label text,
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
CREATE FUNCTION learning_network_internal.writable_row(what text, id integer) RETURNS integer
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

CREATE FUNCTION @extschema@.move_phase(phase_id integer, starts_on date) RETURNS void
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

CREATE FUNCTION @extschema@.delete_phase(phase_id integer) RETURNS boolean
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

CREATE FUNCTION @extschema@.add_annotation(project_id integer, week_start date, text text,
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

CREATE FUNCTION @extschema@.edit_annotation(annotation_id integer, text text) RETURNS boolean
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

CREATE FUNCTION @extschema@.remove_annotation(annotation_id integer) RETURNS boolean
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

CREATE FUNCTION @extschema@.set_goal(project_id integer, measure_id integer, target double precision,
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

-- Bulk import from the network's spreadsheet templates, saved as CSV: a
-- header "week,<code>_num,<code>_den,..." (or "<code>_value") and one line
-- per week.  All or nothing: every line is tried; if any fails, nothing is
-- kept and the report lists every rejected line and why.
CREATE FUNCTION @extschema@.import_csv(project_id integer, csv text)
RETURNS TABLE (line integer, week_start date, measure_code text, status text, message text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  lines text[] := regexp_split_to_array(trim(both E'\r\n' FROM csv), E'\r?\n');
  header text[];
  fields text[];
  measure_ids integer[] := '{}';
  measure_codes text[] := '{}';
  roles text[] := '{}';
  week date;
  code text;
  n integer;
  failures integer := 0;
  report_line integer[] := '{}';
  report_week date[] := '{}';
  report_code text[] := '{}';
  report_status text[] := '{}';
  report_message text[] := '{}';
BEGIN
  PERFORM learning_network_internal.writable_project(project_id);
  IF csv IS NULL OR array_length(lines, 1) IS NULL OR array_length(lines, 1) < 2 THEN
    RAISE EXCEPTION 'the CSV needs a header line and at least one week'
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'csv';
  END IF;
  header := string_to_array(lower(replace(lines[1], ' ', '')), ',');
  IF header[1] IS DISTINCT FROM 'week' THEN
    RAISE EXCEPTION 'the first column of the header must be week, not %', coalesce(header[1], 'nothing')
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'csv';
  END IF;
  -- each further column: <measure code>_num, _den or _value of the project's collaborative
  FOR i IN 2 .. coalesce(array_length(header, 1), 1) LOOP
    SELECT m.measure_id INTO n FROM @extschema@.measure m JOIN @extschema@.project p USING (collaborative_id)
    WHERE p.project_id = import_csv.project_id AND lower(m.code) = regexp_replace(header[i], '_(num|den|value)$', '');
    IF n IS NULL OR header[i] !~ '_(num|den|value)$' THEN
      RAISE EXCEPTION 'column % of the header, %, is not <measure code>_num, _den or _value of a measure of the project',
          i, header[i]
        USING ERRCODE = 'invalid_parameter_value', COLUMN = 'csv';
    END IF;
    measure_ids := measure_ids || n;
    measure_codes := measure_codes || upper(regexp_replace(header[i], '_(num|den|value)$', ''));
    roles := roles || substring(header[i] FROM '_(num|den|value)$');
  END LOOP;

  -- the report lives in variables: unlike rows, they survive the rollback
  BEGIN
    FOR l IN 2 .. array_length(lines, 1) LOOP
      CONTINUE WHEN trim(lines[l]) = '';
      fields := string_to_array(lines[l], ',');
      BEGIN
        week := trim(fields[1])::date;
      EXCEPTION WHEN OTHERS THEN
        report_line := report_line || l; report_week := report_week || NULL::date;
        report_code := report_code || NULL::text; report_status := report_status || 'rejected'::text;
        report_message := report_message || format('week %L is not a date', fields[1]);
        failures := failures + 1;
        CONTINUE;
      END;
      -- one record per measure named in the header
      FOR code IN SELECT DISTINCT c FROM unnest(measure_codes) c ORDER BY c LOOP
        DECLARE
          num bigint;
          den double precision;
          val double precision;
        BEGIN
          FOR i IN 1 .. array_length(measure_codes, 1) LOOP
            CONTINUE WHEN measure_codes[i] <> code;
            CASE roles[i]
              WHEN 'num' THEN num := nullif(trim(fields[i + 1]), '')::bigint;
              WHEN 'den' THEN den := nullif(trim(fields[i + 1]), '')::double precision;
              ELSE val := nullif(trim(fields[i + 1]), '')::double precision;
            END CASE;
            n := measure_ids[i];
          END LOOP;
          IF num IS NULL AND den IS NULL AND val IS NULL THEN
            CONTINUE;             -- an empty cell group: no data that week
          END IF;
          -- an upload adds weeks; it never overwrites one entered differently
          IF EXISTS (SELECT 1 FROM @extschema@.observation o
                     WHERE o.project_id = import_csv.project_id AND o.measure_id = n AND o.week_start = week
                       AND (o.numerator, o.denominator, o.value) IS DISTINCT FROM (num, den, val)) THEN
            RAISE EXCEPTION 'the week was already entered with other numbers; correct it on its own'
              USING ERRCODE = 'unique_violation';
          END IF;
          PERFORM @extschema@.record_week(import_csv.project_id, n, week, num, den, val);
          report_line := report_line || l; report_week := report_week || week;
          report_code := report_code || code; report_status := report_status || 'ok'::text;
          report_message := report_message || NULL::text;
        EXCEPTION WHEN OTHERS THEN
          report_line := report_line || l; report_week := report_week || week;
          report_code := report_code || code; report_status := report_status || 'rejected'::text;
          report_message := report_message || SQLERRM;
          failures := failures + 1;
        END;
      END LOOP;
    END LOOP;
    IF failures > 0 THEN
      RAISE EXCEPTION 'import rejected' USING ERRCODE = 'P0004';
    END IF;
  EXCEPTION WHEN SQLSTATE 'P0004' THEN
    -- every line of this upload is undone; say so on the accepted ones
    FOR i IN 1 .. coalesce(array_length(report_status, 1), 0) LOOP
      IF report_status[i] = 'ok' THEN
        report_status[i] := 'not imported';
        report_message[i] := 'another line was rejected';
      END IF;
    END LOOP;
  END;
  RETURN QUERY SELECT * FROM unnest(report_line, report_week, report_code, report_status, report_message);
END $$;
COMMENT ON FUNCTION @extschema@.import_csv(integer, text) IS
  'Import weeks for a project from CSV text (header: week, then <measure code>_num / _den / _value columns, as the network''s spreadsheet templates). All or nothing: if any line is rejected, nothing is imported. A week already entered with the same numbers is accepted as is; with other numbers it is rejected (corrections go through record_week). Returns one report row per line and measure: ok, rejected (with the reason) or not imported.';

-- access administration

-- Runs as the installing superuser: creating a role needs CREATEROLE, which
-- no role of the access model holds.  Only staff may call it.
CREATE FUNCTION @extschema@.create_facility_role(facility_id integer) RETURNS name
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
  EXECUTE format('GRANT learning_network_member TO %I', role);
  EXECUTE format('GRANT %I TO learning_network_hub, learning_network_bi', role);
  UPDATE @extschema@.facility f SET role_name = role WHERE f.facility_id = create_facility_role.facility_id;
  RETURN role;
END $$;
COMMENT ON FUNCTION @extschema@.create_facility_role(integer) IS
  'Staff only: create (or, if it exists, re-grant) the NOLOGIN role of a facility and return its name. Grant it to the people of the facility; the HUB and BI groups may SET ROLE to it. Roles outlive DROP EXTENSION.';

CREATE FUNCTION @extschema@.set_sharing(tier text, measure_id integer DEFAULT NULL, facility_id integer DEFAULT NULL)
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

-- Staff compute a publication once; what contributors approve is exactly
-- what is published.  Suppression (CMS cell-size policy): a count from 1 to
-- min_cell - 1 is hidden, and so is its complement (denominator - numerator),
-- and the ratio; a total that would let one hidden week be recovered (by
-- subtracting the others) is hidden too.
CREATE FUNCTION @extschema@.prepare_publication(title text, measure_id integer, first_week date, last_week date,
                                                cohort_id integer DEFAULT NULL, min_cell integer DEFAULT 11,
                                                min_denominator integer DEFAULT 25)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  m @extschema@.measure;
  id integer;
BEGIN
  IF NOT learning_network_internal.caller_is_staff() THEN
    RAISE EXCEPTION 'permission denied: only network staff prepare publications'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT * INTO m FROM @extschema@.measure WHERE measure.measure_id = prepare_publication.measure_id;
  IF NOT FOUND OR m.kind NOT IN ('proportion', 'rate', 'count') THEN
    RAISE EXCEPTION 'measure % is not a count, proportion or rate measure', coalesce(measure_id::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'measure_id',
            HINT = 'Only counts can be checked for small cells.';
  END IF;
  -- two aggregates of one measure over the same weeks (say a collaborative
  -- and one of its cohorts) could be subtracted to reveal a small cell;
  -- checked under a lock, so two staff cannot both pass it at once
  LOCK TABLE @extschema@.publication IN SHARE ROW EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM @extschema@.publication p
             WHERE p.measure_id = prepare_publication.measure_id
               AND p.first_week <= prepare_publication.last_week AND p.last_week >= prepare_publication.first_week) THEN
    RAISE EXCEPTION 'measure % already has a publication covering some of these weeks', m.code
      USING ERRCODE = 'exclusion_violation', COLUMN = 'first_week',
            HINT = 'Publish each week of a measure once: withdraw the other publication first (withdraw_publication).';
  END IF;
  INSERT INTO @extschema@.publication (title, measure_id, cohort_id, first_week, last_week, min_cell, min_denominator)
  VALUES (title, measure_id, cohort_id, first_week, last_week, min_cell, min_denominator)
  RETURNING publication_id INTO id;
  INSERT INTO @extschema@.publication_contributor (publication_id, facility_id)
  SELECT DISTINCT id, o.facility_id
  FROM @extschema@.observation o JOIN @extschema@.project p USING (project_id, facility_id)
  WHERE o.measure_id = prepare_publication.measure_id AND o.week_start BETWEEN first_week AND last_week
    AND (prepare_publication.cohort_id IS NULL OR p.cohort_id = prepare_publication.cohort_id)
    AND learning_network_internal.effective_tier(o.facility_id, o.measure_id) = 'public';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no facility shares % publicly with data in these weeks', m.code
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'measure_id',
            HINT = 'A facility shares a measure publicly with learning_network.set_sharing(''public'').';
  END IF;
  INSERT INTO @extschema@.publication_cell (publication_id, week_start, facilities, numerator, denominator, y,
                                            suppressed, small_denominator)
  WITH pooled AS (
    SELECT o.week_start, count(DISTINCT o.facility_id)::integer AS facilities,
           sum(o.numerator)::bigint AS x, sum(o.denominator) AS n
    FROM @extschema@.observation o
    JOIN @extschema@.publication_contributor c ON c.publication_id = id AND c.facility_id = o.facility_id
    WHERE o.measure_id = prepare_publication.measure_id AND o.week_start BETWEEN first_week AND last_week
      AND NOT o.excluded
    GROUP BY GROUPING SETS ((o.week_start), ())
  ), judged AS (
    SELECT p.*,
           -- a count, or (proportions) its complement, in 1 .. min_cell - 1
           p.x BETWEEN 1 AND min_cell - 1
             OR (m.kind = 'proportion' AND p.n - p.x BETWEEN 1 AND min_cell - 1)
             OR (m.kind = 'proportion' AND p.n BETWEEN 1 AND min_cell - 1) AS small
    FROM pooled p
  ), complemented AS (
    -- one hidden week could be recovered from the total: hide the total too
    SELECT j.*, j.small OR (j.week_start IS NULL
                            AND (SELECT count(*) FROM judged w WHERE w.week_start IS NOT NULL AND w.small) = 1)
                AS hidden
    FROM judged j
  )
  SELECT id, c.week_start, c.facilities,
         CASE WHEN NOT c.hidden THEN c.x END,
         CASE WHEN NOT c.hidden OR m.kind = 'rate' THEN c.n END,
         CASE WHEN NOT c.hidden THEN CASE WHEN m.kind = 'count' THEN c.x ELSE c.x / c.n * m.multiplier END END,
         c.hidden,
         m.kind <> 'count' AND c.n < min_denominator
  FROM complemented c;
  RETURN id;
END $$;
COMMENT ON FUNCTION @extschema@.prepare_publication(text, integer, date, date, integer, integer, integer) IS
  'Staff only: compute a public aggregate of a count, proportion or rate measure over a period (optionally one cohort) from the facilities sharing it publicly, with small-cell suppression (counts and complements 1 to min_cell - 1, and totals that would reveal them) and a flag for denominators below min_denominator. It is published once staff and every contributing facility approve it (approve_publication). Weeks of a measure are published once (23P01 if another publication covers some of them: two overlapping aggregates could be subtracted). Returns its id.';

CREATE FUNCTION @extschema@.withdraw_publication(publication_id integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT learning_network_internal.caller_is_staff() THEN
    RAISE EXCEPTION 'permission denied: only network staff withdraw publications'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  DELETE FROM @extschema@.publication p WHERE p.publication_id = withdraw_publication.publication_id;
  RETURN FOUND;
END $$;
COMMENT ON FUNCTION @extschema@.withdraw_publication(integer) IS
  'Staff only: delete a publication and its figures (false if there was none), e.g. to publish its weeks again from corrected data.';

CREATE FUNCTION @extschema@.approve_publication(publication_id integer, approve boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  facility integer := learning_network_internal.caller_facility();
BEGIN
  IF learning_network_internal.caller_is_staff() THEN
    UPDATE @extschema@.publication p
    SET approved_by = CASE WHEN approve THEN @extschema@.acting_role() END,
        approved_at = CASE WHEN approve THEN now() END
    WHERE p.publication_id = approve_publication.publication_id;
  ELSE
    UPDATE @extschema@.publication_contributor c
    SET approved_by = CASE WHEN approve THEN @extschema@.acting_role() END,
        approved_at = CASE WHEN approve THEN now() END
    WHERE c.publication_id = approve_publication.publication_id AND c.facility_id = facility;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'permission denied: % is not asked to approve publication %', @extschema@.acting_role(), publication_id
      USING ERRCODE = 'insufficient_privilege', COLUMN = 'publication_id',
            HINT = 'Staff approve every publication; a facility approves those containing its data.';
  END IF;
END $$;
COMMENT ON FUNCTION @extschema@.approve_publication(integer, boolean) IS
  'Approve (or, with false, withdraw approval of) a publication: as staff for the network, as a facility role for that facility''s data. It is public only while all approvals stand.';

-- client views of sharing and publication

CREATE VIEW @extschema@.sharing_status WITH (security_invoker = true, security_barrier = true) AS
SELECT f.facility_id, f.name AS facility_name, f.pseudonym AS facility_code, m.measure_id, m.code AS measure_code,
       coalesce(own.tier, dflt.tier, 'private') AS tier,
       CASE WHEN own.tier IS NOT NULL THEN 'measure' WHEN dflt.tier IS NOT NULL THEN 'facility' ELSE 'default' END
         AS set_for,
       coalesce(own.granted_by, dflt.granted_by)::text AS granted_by,
       coalesce(own.granted_at, dflt.granted_at)::date AS granted_on
FROM learning_network_internal.facility f
JOIN learning_network_internal.measure m
  ON m.collaborative_id IN (SELECT p.collaborative_id FROM learning_network_internal.project p
                            WHERE p.facility_id = f.facility_id)
LEFT JOIN learning_network_internal.sharing own ON own.facility_id = f.facility_id AND own.measure_id = m.measure_id
LEFT JOIN learning_network_internal.sharing dflt ON dflt.facility_id = f.facility_id AND dflt.measure_id IS NULL
WHERE f.own;
COMMENT ON VIEW @extschema@.sharing_status IS
  'One row per facility and measure of its collaboratives, for the facility itself and staff: the tier it shares the measure at, whether set for the measure, for the facility or by default (private), and who set it when.';
COMMENT ON COLUMN @extschema@.sharing_status.facility_id IS 'Facility identifier.';
COMMENT ON COLUMN @extschema@.sharing_status.facility_name IS 'Facility name.';
COMMENT ON COLUMN @extschema@.sharing_status.facility_code IS 'The pseudonym the network sees.';
COMMENT ON COLUMN @extschema@.sharing_status.measure_id IS 'Measure identifier.';
COMMENT ON COLUMN @extschema@.sharing_status.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.sharing_status.tier IS 'private, network or public.';
COMMENT ON COLUMN @extschema@.sharing_status.set_for IS 'measure (set for this measure), facility (the facility''s default) or default (never set: private).';
COMMENT ON COLUMN @extschema@.sharing_status.granted_by IS 'Role that set the tier.';
COMMENT ON COLUMN @extschema@.sharing_status.granted_on IS 'When (date).';

CREATE VIEW @extschema@.publication_status WITH (security_invoker = true, security_barrier = true) AS
SELECT p.publication_id, p.title, m.code AS measure_code, p.cohort_id, p.first_week, p.last_week,
       p.prepared_by::text AS prepared_by, p.prepared_at::date AS prepared_on,
       p.approved_by::text AS staff_approved_by, p.approved_at::date AS staff_approved_on, a.contributors, a.approvals,
       mine.facility_id IS NOT NULL AND mine.approved_at IS NULL AS awaiting_my_approval,
       p.live AS published
FROM learning_network_internal.publication p
JOIN learning_network_internal.measure m ON m.measure_id = p.measure_id
JOIN learning_network_internal.publication_approvals a ON a.publication_id = p.publication_id
LEFT JOIN learning_network_internal.publication_contributor mine
  ON mine.publication_id = p.publication_id AND mine.facility_id = learning_network_internal.caller_facility();
COMMENT ON VIEW @extschema@.publication_status IS
  'One row per publication the caller may see (staff: all; a facility: those containing its data and the published ones): who prepared and approved it, how many contributing facilities approved, whether the caller''s approval is awaited, and whether it is published.';
COMMENT ON COLUMN @extschema@.publication_status.publication_id IS 'Publication identifier.';
COMMENT ON COLUMN @extschema@.publication_status.title IS 'Title.';
COMMENT ON COLUMN @extschema@.publication_status.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.publication_status.cohort_id IS 'Cohort; NULL for the whole collaborative.';
COMMENT ON COLUMN @extschema@.publication_status.first_week IS 'First week covered.';
COMMENT ON COLUMN @extschema@.publication_status.last_week IS 'Last week covered.';
COMMENT ON COLUMN @extschema@.publication_status.prepared_by IS 'Staff role that prepared it.';
COMMENT ON COLUMN @extschema@.publication_status.prepared_on IS 'When its figures were computed (date).';
COMMENT ON COLUMN @extschema@.publication_status.staff_approved_by IS 'Staff role that approved it; NULL until then.';
COMMENT ON COLUMN @extschema@.publication_status.staff_approved_on IS 'When staff approved it (date).';
COMMENT ON COLUMN @extschema@.publication_status.contributors IS 'Facilities whose data it contains.';
COMMENT ON COLUMN @extschema@.publication_status.approvals IS 'How many of them approved it.';
COMMENT ON COLUMN @extschema@.publication_status.awaiting_my_approval IS 'True when it contains the caller''s facility''s data and that facility has not approved it.';
COMMENT ON COLUMN @extschema@.publication_status.published IS 'True while staff and every contributor approve it and each still shares the measure publicly.';

CREATE VIEW @extschema@.public_weekly WITH (security_invoker = true, security_barrier = true) AS
SELECT p.publication_id, p.title, co.code AS collaborative_code, m.code AS measure_code, m.name AS measure_name,
       m.unit, c.week_start, c.facilities, c.numerator, c.denominator, c.y, c.suppressed, c.small_denominator
FROM learning_network_internal.publication p
JOIN learning_network_internal.publication_cell c ON c.publication_id = p.publication_id AND c.week_start IS NOT NULL
JOIN learning_network_internal.measure m ON m.measure_id = p.measure_id
JOIN learning_network_internal.collaborative co ON co.collaborative_id = m.collaborative_id
WHERE p.live;
COMMENT ON VIEW @extschema@.public_weekly IS
  'Published results, one row per publication and week: pooled over the facilities that share the measure publicly and approved the publication, with counts from 1 to 10 (and anything they could be derived from) suppressed. The only figures the BI connection sees on its own.';
COMMENT ON COLUMN @extschema@.public_weekly.publication_id IS 'Publication identifier.';
COMMENT ON COLUMN @extschema@.public_weekly.title IS 'Title.';
COMMENT ON COLUMN @extschema@.public_weekly.collaborative_code IS 'Collaborative code.';
COMMENT ON COLUMN @extschema@.public_weekly.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.public_weekly.measure_name IS 'Measure name.';
COMMENT ON COLUMN @extschema@.public_weekly.unit IS 'Unit of y.';
COMMENT ON COLUMN @extschema@.public_weekly.week_start IS 'The week (Sunday).';
COMMENT ON COLUMN @extschema@.public_weekly.facilities IS 'Facilities reporting that week.';
COMMENT ON COLUMN @extschema@.public_weekly.numerator IS 'Pooled numerator; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.public_weekly.denominator IS 'Pooled denominator; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.public_weekly.y IS 'Pooled value (percentage, rate or count); NULL when suppressed.';
COMMENT ON COLUMN @extschema@.public_weekly.suppressed IS 'True when figures are hidden by the small-cell rule.';
COMMENT ON COLUMN @extschema@.public_weekly.small_denominator IS 'True when the denominator is too small to judge reliably (below 25 by default).';

CREATE VIEW @extschema@.public_summary WITH (security_invoker = true, security_barrier = true) AS
SELECT p.publication_id, p.title, co.code AS collaborative_code, m.code AS measure_code, m.name AS measure_name,
       m.unit, p.first_week, p.last_week, c.facilities, c.numerator, c.denominator, c.y, c.suppressed,
       c.small_denominator
FROM learning_network_internal.publication p
JOIN learning_network_internal.publication_cell c ON c.publication_id = p.publication_id AND c.week_start IS NULL
JOIN learning_network_internal.measure m ON m.measure_id = p.measure_id
JOIN learning_network_internal.collaborative co ON co.collaborative_id = m.collaborative_id
WHERE p.live;
COMMENT ON VIEW @extschema@.public_summary IS
  'Published results, one row per publication: the period total, suppressed like public_weekly (and also when it would let a single hidden week be recovered).';
COMMENT ON COLUMN @extschema@.public_summary.publication_id IS 'Publication identifier.';
COMMENT ON COLUMN @extschema@.public_summary.title IS 'Title.';
COMMENT ON COLUMN @extschema@.public_summary.collaborative_code IS 'Collaborative code.';
COMMENT ON COLUMN @extschema@.public_summary.measure_code IS 'Measure code.';
COMMENT ON COLUMN @extschema@.public_summary.measure_name IS 'Measure name.';
COMMENT ON COLUMN @extschema@.public_summary.unit IS 'Unit of y.';
COMMENT ON COLUMN @extschema@.public_summary.first_week IS 'First week covered.';
COMMENT ON COLUMN @extschema@.public_summary.last_week IS 'Last week covered.';
COMMENT ON COLUMN @extschema@.public_summary.facilities IS 'Facilities contributing.';
COMMENT ON COLUMN @extschema@.public_summary.numerator IS 'Total numerator; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.public_summary.denominator IS 'Total denominator; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.public_summary.y IS 'Value over the period; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.public_summary.suppressed IS 'True when figures are hidden by the small-cell rule.';
COMMENT ON COLUMN @extschema@.public_summary.small_denominator IS 'True when the denominator is too small to judge reliably.';

-- data safety: user rows are dumped with the database; the catalogue rows
-- installed here are not (CREATE EXTENSION re-creates them).

SELECT pg_catalog.pg_extension_config_dump('@extschema@.collaborative', 'WHERE NOT is_reference');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.measure', 'WHERE NOT is_reference');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.cohort', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.facility', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.project', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.observation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.observation_history', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.phase', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.annotation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.goal', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.cohort_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.facility_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.project_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.measure_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.observation_history_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.phase_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.annotation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sharing', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.publication', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.publication_contributor', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.publication_cell', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.publication_id_seq', '');

-- Dropping the extension (or spc, or the schema) would delete every team's
-- data with it: refuse while observations exist, unless asked explicitly.
CREATE FUNCTION @extschema@.guard_drop() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  weeks bigint;
BEGIN
  IF lower(current_query()) !~ '\m(learning_network|spc)\M'
     OR coalesce(current_setting('learning_network.allow_drop', true), '') IN ('on', 'true', '1') THEN
    RETURN;
  END IF;
  SELECT count(*) INTO weeks FROM @extschema@.observation;
  IF weeks > 0 THEN
    RAISE EXCEPTION 'learning_network holds % weeks of observations: dropping it would delete them', weeks
      USING ERRCODE = 'dependent_objects_still_exist',
            HINT = 'Dump the database first (pg_dump keeps every row). To drop anyway: SET learning_network.allow_drop = on.';
  END IF;
END $$;
COMMENT ON FUNCTION @extschema@.guard_drop() IS 'Event trigger: refuses DROP EXTENSION or DROP SCHEMA statements naming learning_network or spc while observations exist, unless learning_network.allow_drop is on.';
CREATE EVENT TRIGGER learning_network_guard_drop ON ddl_command_start
  WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
  EXECUTE FUNCTION @extschema@.guard_drop();

-- the demo network

CREATE FUNCTION @extschema@.load_demo(seed integer DEFAULT 20220425)
RETURNS TABLE (relation text, row_count bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  places text[] := ARRAY['Albany,NY', 'Boise,ID', 'Charleston,SC', 'Dayton,OH', 'Eugene,OR', 'Fresno,CA',
    'Grand Rapids,MI', 'Hartford,CT', 'Irvine,CA', 'Jackson,MS', 'Knoxville,TN', 'Lubbock,TX', 'Madison,WI',
    'Norfolk,VA', 'Omaha,NE', 'Provo,UT', 'Quincy,IL', 'Reno,NV', 'Spokane,WA', 'Tulsa,OK', 'Urbana,IL',
    'Vallejo,CA', 'Wichita,KS', 'Yakima,WA', 'Akron,OH', 'Billings,MT', 'Columbia,MO', 'Durham,NC',
    'El Paso,TX', 'Fargo,ND', 'Greenville,SC', 'Huntsville,AL', 'Ithaca,NY', 'Juneau,AK', 'Kalamazoo,MI',
    'Lansing,MI', 'Macon,GA', 'Nashua,NH', 'Ogden,UT', 'Pueblo,CO'];
BEGIN
  IF EXISTS (SELECT 1 FROM @extschema@.facility) THEN
    RAISE EXCEPTION 'load_demo needs an empty network'
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'The database already has facilities; the demo would mix with them.',
            HINT = 'Load the demo into a new database.';
  END IF;
  PERFORM setseed((seed::bigint % 1000003) / 1000003.0);

  -- two cohorts per collaborative: Cohort 1 took the nine-month course in 2022,
  -- Cohort 2 the six-month course in 2023
  INSERT INTO @extschema@.cohort (collaborative_id, name, starts_on, graduates_on)
  SELECT c.collaborative_id, k.name, k.starts_on, k.graduates_on
  FROM @extschema@.collaborative c
  CROSS JOIN (VALUES ('Cohort 1', date '2022-04-25', date '2022-11-14'),
                     ('Cohort 2', date '2023-02-27', date '2023-08-28')) k(name, starts_on, graduates_on)
  WHERE c.collaborative_id BETWEEN 1 AND 4;

  -- 40 facilities, 10 per collaborative, alternately in cohort 1 and 2
  INSERT INTO @extschema@.facility (name, city, state, pseudonym)
  SELECT split_part(places[i], ',', 1) || ' ' ||
           (ARRAY['Lung Screening Program', 'Breast Imaging Center', 'Prostate MR Service',
                  'Radiology Associates'])[(i - 1) / 10 + 1],
         split_part(places[i], ',', 1), split_part(places[i], ',', 2),
         'F-' || upper(substr(md5(seed::text || ':' || i), 1, 6))
  FROM generate_series(1, 40) i
  ORDER BY i;

  INSERT INTO @extschema@.project (facility_id, collaborative_id, cohort_id, title, aim, status, started_on)
  SELECT f.facility_id, x.collaborative_id, k.cohort_id,
         (ARRAY['Screening more of our eligible population', 'Positioning every screening mammogram right',
                'Diagnostic-quality prostate MR', 'Closing the loop on nodule follow-up'])[x.collaborative_id],
         (ARRAY['Raise the share of the eligible population screened each week from 5 % to 8 % within a year.',
                'Raise the share of screening mammograms meeting all positioning criteria from 51 % to 85 % by graduation.',
                'Raise the share of prostate MR exams meeting PI-QUAL criteria to 80 %.',
                'Make 85 % of nodule recommendations appropriate and complete 70 % in their window.'])[x.collaborative_id],
         'closed', @extschema@.week_start(k.starts_on) - 56
  FROM @extschema@.facility f
  CROSS JOIN LATERAL (SELECT (f.facility_id - (SELECT min(facility_id) FROM @extschema@.facility)) AS i) o
  CROSS JOIN LATERAL (SELECT (o.i / 10) + 1 AS collaborative_id, CASE WHEN o.i % 2 = 0 THEN 'Cohort 1' ELSE 'Cohort 2' END AS cohort) x
  JOIN @extschema@.cohort k ON k.collaborative_id = x.collaborative_id AND k.name = x.cohort;

  -- Each project: its own level (effect) and size; weeks of data: three years
  -- for cohort 1, two and a half for cohort 2.
  CREATE TEMP TABLE demo_project ON COMMIT DROP AS
  SELECT p.project_id, p.facility_id, p.collaborative_id, p.started_on AS first_week,
         k.starts_on AS course_start, k.graduates_on AS course_end,
         CASE WHEN k.name = 'Cohort 1' THEN 156 ELSE 130 END AS weeks,
         (random() - 0.5) * 0.10 AS effect, random() AS size
  FROM @extschema@.project p JOIN @extschema@.cohort k USING (cohort_id);

  -- Main measures: proportions moving from a baseline to the course's result
  -- as the course progresses, with binomial noise and some extra week-to-week
  -- variation; about 3 % of weeks never reported.
  INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator, denominator, entered_at)
  SELECT d.facility_id, d.project_id, m.measure_id, w.week_start,
         least(s.n, greatest(0, round(s.n * s.p + sqrt(s.n * s.p * (1 - s.p)) * r.z2)))::bigint, s.n,
         w.week_start + interval '8 days 9 hours'
  FROM demo_project d
  JOIN (VALUES ('MAMMO_POS_PASS', 0.51, 0.86, 35, 60, 1.0, 0.02),
               ('PROS_PIQUAL_PASS', 0.62, 0.84, 8, 25, 1.0, 0.02),
               ('LCS_ELIG_RATE', 0.050, 0.085, 577, 1730, 0.15, 0.006),
               ('RFU_APPROP', 0.55, 0.85, 15, 40, 1.0, 0.02),
               ('RFU_COMPLETE', 0.48, 0.72, 10, 30, 1.0, 0.02))
       pa(code, base, target, n_lo, n_hi, spread, extra) ON true
  JOIN @extschema@.measure m ON m.code = pa.code AND m.collaborative_id = d.collaborative_id
  CROSS JOIN LATERAL generate_series(0, d.weeks - 1) k
  CROSS JOIN LATERAL (
    SELECT d.first_week + 7 * k AS week_start,
           least(1.0, greatest(0.0, (d.first_week + 7 * k - d.course_start)::numeric
                                    / (d.course_end - d.course_start)))::double precision AS progress) w
  CROSS JOIN LATERAL (
    -- one row's random draws: correlated with k and fenced by OFFSET 0, so
    -- they are drawn once per week (two standard normals, two uniforms)
    SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z1,
           sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z2,
           random() AS u, random() AS keep, k AS week_number
    OFFSET 0) r
  CROSS JOIN LATERAL (
    SELECT CASE WHEN pa.code = 'LCS_ELIG_RATE'
                -- lung screening: the weekly share of an annual eligible population
                THEN round(((30000 + 60000 * d.size) / 52.0)::numeric, 1)::double precision
                ELSE round(pa.n_lo + (pa.n_hi - pa.n_lo) * (0.5 * d.size + 0.5 * r.u)) END AS n,
           least(0.99, greatest(0.01, pa.base + (pa.target - pa.base) * w.progress
                                      + d.effect * pa.spread + pa.extra * r.z1)) AS p) s
  WHERE r.keep >= 0.03;

  -- Elements: an element passes whenever the whole exam passes, and for a
  -- share of the failing exams (the criterion was not the one failed).
  INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator, denominator, entered_at)
  SELECT o.facility_id, o.project_id, e.measure_id, o.week_start,
         least(o.denominator::bigint, o.numerator + greatest(0, round(
           (o.denominator - o.numerator) * (1 - el.share)
           + sqrt(greatest(o.denominator - o.numerator, 1) * el.share * (1 - el.share))
             * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::bigint,
         o.denominator, o.entered_at
  FROM @extschema@.observation o
  JOIN @extschema@.measure e ON e.parent_measure_id = o.measure_id
  JOIN (VALUES ('MAMMO_POS_EL_PNL', 0.45), ('MAMMO_POS_EL_PECT', 0.55), ('MAMMO_POS_EL_IMF', 0.35),
               ('MAMMO_POS_EL_NIPPLE', 0.25), ('MAMMO_POS_EL_SKIN', 0.30), ('MAMMO_POS_EL_TISSUE', 0.20),
               ('PROS_SEQ_T2W', 0.35), ('PROS_SEQ_DWI', 0.60), ('PROS_SEQ_DCE', 0.40)) el(code, share)
    ON el.code = e.code;

  -- Counts: lung screening volume is the rate's numerator; open overdue
  -- recommendations fall from about 40 to 15.
  INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator, entered_at)
  SELECT o.facility_id, o.project_id, v.measure_id, o.week_start, o.numerator, o.entered_at
  FROM @extschema@.observation o
  JOIN @extschema@.measure r ON r.measure_id = o.measure_id AND r.code = 'LCS_ELIG_RATE'
  JOIN @extschema@.measure v ON v.code = 'LCS_VOLUME';
  INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator, entered_at)
  SELECT o.facility_id, o.project_id, m.measure_id, o.week_start,
         greatest(0, round(40 - 25 * least(1.0, greatest(0.0, (o.week_start - d.course_start)::numeric
                                                              / (d.course_end - d.course_start)))::double precision
                           + 30 * d.effect + 4 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::bigint,
         o.entered_at
  FROM @extschema@.observation o
  JOIN demo_project d USING (project_id)
  JOIN @extschema@.measure r ON r.measure_id = o.measure_id AND r.code = 'RFU_APPROP'
  JOIN @extschema@.measure m ON m.code = 'RFU_OPEN_OVERDUE';

  -- The data's life: corrections after re-audit, excluded weeks, a few
  -- weeks deleted as entered in error (all kept in observation_history).
  UPDATE @extschema@.observation SET numerator = numerator - 1, note = 'Corrected after re-audit'
  WHERE denominator IS NOT NULL AND numerator > 0 AND random() < 0.02;
  UPDATE @extschema@.observation o SET excluded = true, note = 'Audited by a trainee evaluator: excluded from the limits'
  FROM @extschema@.measure m
  WHERE m.measure_id = o.measure_id AND m.parent_measure_id IS NULL AND m.kind = 'proportion' AND random() < 0.01;
  DELETE FROM @extschema@.observation WHERE random() < 0.002;

  -- Phases: the course, then after it; PDSA cycles during the course; goals.
  INSERT INTO @extschema@.phase (facility_id, project_id, starts_on, label, note)
  SELECT d.facility_id, d.project_id, @extschema@.week_start(s.starts_on), s.label, s.note
  FROM demo_project d
  CROSS JOIN LATERAL (VALUES (d.course_start, 'ImPower course', 'The team starts the ImPower course.'),
                             (d.course_end, 'After ImPower', 'Graduation: the changes are in place.')) s(starts_on, label, note);
  INSERT INTO @extschema@.annotation (facility_id, project_id, week_start, kind, text)
  SELECT d.facility_id, d.project_id, @extschema@.week_start(d.course_start) + 7 * a.offset_weeks, 'pdsa',
         (ARRAY[ARRAY['PDSA 1: eligibility flag in the order set', 'PDSA 2: shared decision-making visit slots',
                      'PDSA 3: reminder letters for annual returns', 'PDSA 4: navigator calls to overdue patients'],
                ARRAY['PDSA 1: positioning checklist at each room', 'PDSA 2: peer review of two exams a day',
                      'PDSA 3: huddle on the pectoral muscle view', 'PDSA 4: feedback card for each technologist'],
                ARRAY['PDSA 1: bowel preparation instructions', 'PDSA 2: antispasmodic protocol',
                      'PDSA 3: DWI sequence parameters revised', 'PDSA 4: coil placement check'],
                ARRAY['PDSA 1: structured recommendation macro', 'PDSA 2: nodule tracking list',
                      'PDSA 3: letters to referring physicians', 'PDSA 4: weekly navigator review']])
           [d.collaborative_id][a.n]
  FROM demo_project d
  CROSS JOIN (VALUES (1, 2), (2, 6), (3, 10), (4, 14)) a(n, offset_weeks);
  INSERT INTO @extschema@.goal (facility_id, project_id, measure_id, target, target_date)
  SELECT d.facility_id, d.project_id, m.measure_id, g.target, d.course_end
  FROM demo_project d
  JOIN @extschema@.measure m ON m.collaborative_id = d.collaborative_id AND m.parent_measure_id IS NULL
  JOIN (VALUES ('MAMMO_POS_PASS', 0.85), ('PROS_PIQUAL_PASS', 0.80), ('LCS_ELIG_RATE', 0.08),
               ('LCS_VOLUME', 100), ('RFU_APPROP', 0.85), ('RFU_COMPLETE', 0.70), ('RFU_OPEN_OVERDUE', 15))
    g(code, target) ON g.code = m.code;
  -- what the demo facilities share: most with the network, two in each
  -- collaborative publicly, one privately; one keeps a criterion to itself
  INSERT INTO @extschema@.sharing (facility_id, tier, granted_by)
  SELECT d.facility_id,
         CASE (row_number() OVER (PARTITION BY d.collaborative_id ORDER BY d.facility_id)) % 10
           WHEN 0 THEN 'private' WHEN 1 THEN 'public' WHEN 2 THEN 'public' ELSE 'network' END,
         'demo'
  FROM demo_project d;
  INSERT INTO @extschema@.sharing (facility_id, measure_id, tier, granted_by)
  SELECT d.facility_id, 4, 'private', 'demo'
  FROM demo_project d WHERE d.collaborative_id = 2 ORDER BY d.facility_id OFFSET 3 LIMIT 1;

  RETURN QUERY
  SELECT 'cohort', count(*) FROM @extschema@.cohort
  UNION ALL SELECT 'facility', count(*) FROM @extschema@.facility
  UNION ALL SELECT 'project', count(*) FROM @extschema@.project
  UNION ALL SELECT 'observation', count(*) FROM @extschema@.observation
  UNION ALL SELECT 'observation_history', count(*) FROM @extschema@.observation_history
  UNION ALL SELECT 'phase', count(*) FROM @extschema@.phase
  UNION ALL SELECT 'annotation', count(*) FROM @extschema@.annotation
  UNION ALL SELECT 'goal', count(*) FROM @extschema@.goal
  UNION ALL SELECT 'sharing', count(*) FROM @extschema@.sharing;
END $$;

COMMENT ON FUNCTION @extschema@.load_demo(integer) IS
  'Loads a demo network into an empty database: two cohorts per collaborative, 40 facilities, two and a half to three years of weekly data per project (mammography positioning rising from about 51 % to 86 % over the course), phases, PDSA annotations, goals, sharing tiers (most facilities share with the network, two per collaborative publicly, one privately), missing, corrected, excluded and deleted weeks. Deterministic for a given seed. Returns the row counts.';

-- The security audit: catalog checks in the spirit of Supabase's splinter
-- lints.  A correct install returns no rows; the test suite fails otherwise.
CREATE VIEW @extschema@.security_audit WITH (security_invoker = true, security_barrier = true) AS
WITH clients AS (
  -- the roles clients connect or act as: the three groups and every facility role
  SELECT r.oid, r.rolname FROM pg_catalog.pg_roles r
  WHERE r.rolname IN ('learning_network_member', 'learning_network_hub', 'learning_network_bi')
     OR (r.oid IN (SELECT m.member FROM pg_catalog.pg_auth_members m
                   WHERE m.roleid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'learning_network_member')))
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
                 OR c.oid IN (SELECT m.roleid FROM pg_catalog.pg_auth_members m WHERE m.member = r.oid));
COMMENT ON VIEW @extschema@.security_audit IS
  'Security lints, modelled on Supabase''s splinter: tables without forced row level security or without policies, policies on tables without it, tables not owned by learning_network_owner or granted to a client role, client views that are not security_invoker and security_barrier, a client role that can use learning_network_internal, SECURITY DEFINER functions without a fixed search_path or executable by PUBLIC, materialized views a client role can read, and client roles that bypass row level security. Empty on a correct install.';
COMMENT ON COLUMN @extschema@.security_audit.lint IS 'Which check failed.';
COMMENT ON COLUMN @extschema@.security_audit.object IS 'The object at fault.';
COMMENT ON COLUMN @extschema@.security_audit.detail IS 'What is wrong.';

-- privileges: clients reach the client views and functions of @extschema@,
-- nothing else

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA learning_network_internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.acting_role(), @extschema@.week_start(date), @extschema@.weeks(date, date)
  TO PUBLIC;

GRANT USAGE ON SCHEMA @extschema@
  TO learning_network_member, learning_network_hub, learning_network_bi, learning_network_staff;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA learning_network_internal
  TO learning_network_member, learning_network_hub, learning_network_bi, learning_network_staff, learning_network_owner;
GRANT SELECT ON ALL TABLES IN SCHEMA learning_network_internal
  TO learning_network_member, learning_network_hub, learning_network_bi, learning_network_staff;

GRANT SELECT ON @extschema@.measures, @extschema@.projects, @extschema@.chart_points, @extschema@.series_status, @extschema@.network_weekly,
                @extschema@.facility_comparison, @extschema@.data_completeness, @extschema@.sharing_status,
                @extschema@.publication_status, @extschema@.public_weekly, @extschema@.public_summary
  TO learning_network_member, learning_network_hub, learning_network_bi, learning_network_staff;
GRANT SELECT ON @extschema@.security_audit TO learning_network_staff;
-- the chart functions draw as the owner, through the client views
GRANT SELECT ON @extschema@.chart_points, @extschema@.measures TO learning_network_owner;

GRANT EXECUTE ON FUNCTION
    @extschema@.chart_svg(integer, integer, date, date), @extschema@.chart_json(integer, integer, date, date),
    @extschema@.element_pareto(integer, integer, date, date),
    @extschema@.record_week(integer, integer, date, bigint, double precision, double precision, boolean, text, integer),
    @extschema@.delete_week(integer, integer, date, integer),
    @extschema@.set_phase(integer, date, text, integer, integer, text), @extschema@.move_phase(integer, date),
    @extschema@.delete_phase(integer), @extschema@.add_annotation(integer, date, text, text, integer),
    @extschema@.edit_annotation(integer, text), @extschema@.remove_annotation(integer),
    @extschema@.set_goal(integer, integer, double precision, date), @extschema@.import_csv(integer, text),
    @extschema@.set_sharing(text, integer, integer), @extschema@.approve_publication(integer, boolean)
  TO learning_network_member, learning_network_hub, learning_network_staff;
GRANT EXECUTE ON FUNCTION @extschema@.create_facility_role(integer),
    @extschema@.prepare_publication(text, integer, date, date, integer, integer, integer),
    @extschema@.withdraw_publication(integer)
  TO learning_network_staff;

-- the write functions run as the owner, so the policies see the acting role
ALTER FUNCTION @extschema@.record_week(integer, integer, date, bigint, double precision, double precision, boolean, text, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.delete_week(integer, integer, date, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.set_phase(integer, date, text, integer, integer, text) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.move_phase(integer, date) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.delete_phase(integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.add_annotation(integer, date, text, text, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.edit_annotation(integer, text) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.remove_annotation(integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.set_goal(integer, integer, double precision, date) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.import_csv(integer, text) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.set_sharing(text, integer, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.prepare_publication(text, integer, date, date, integer, integer, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.approve_publication(integer, boolean) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.withdraw_publication(integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.chart_svg(integer, integer, date, date) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.chart_json(integer, integer, date, date) OWNER TO learning_network_owner;
