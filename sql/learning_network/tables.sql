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
  CONSTRAINT cohort_graduates_after_start CHECK (graduates_on IS NULL OR graduates_on > starts_on),
  -- bounds on what is stored (issue 13): sizes and dates every view can carry
  CONSTRAINT cohort_name_length CHECK (length(name) BETWEEN 1 AND 100),
  CONSTRAINT cohort_name_not_formula CHECK (name !~ '^[-=+@\t\r]'),
  CONSTRAINT cohort_starts_on_range CHECK (starts_on BETWEEN '2000-01-01' AND '2100-12-31')
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
  role_name name UNIQUE,
  bi_role_name name UNIQUE,
  CONSTRAINT facility_name_length CHECK (length(name) BETWEEN 1 AND 200),
  CONSTRAINT facility_city_length CHECK (length(city) <= 100),
  CONSTRAINT facility_state_length CHECK (length(state) <= 100)
);
ALTER SEQUENCE @extschema@.facility_id_seq OWNED BY @extschema@.facility.facility_id;
COMMENT ON TABLE @extschema@.facility IS 'A member facility (imaging practice or hospital).';
COMMENT ON COLUMN @extschema@.facility.facility_id IS 'Identifier.';
COMMENT ON COLUMN @extschema@.facility.name IS 'Display name; shown only to the facility itself and to network staff.';
COMMENT ON COLUMN @extschema@.facility.city IS 'City.';
COMMENT ON COLUMN @extschema@.facility.state IS 'State or region.';
COMMENT ON COLUMN @extschema@.facility.pseudonym IS 'Pseudonym code shown in network-wide views instead of the name (random, not derived from the identifier).';
COMMENT ON COLUMN @extschema@.facility.role_name IS 'The facility''s NOLOGIN role (made by create_facility_role): whoever acts as it (SET ROLE) acts for the facility.';
COMMENT ON COLUMN @extschema@.facility.bi_role_name IS 'The facility''s BI reader role (made by create_facility_role): reads what the facility reads, writes nothing; the facility''s BI login.';

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
  UNIQUE (facility_id, project_id),
  CONSTRAINT project_title_length CHECK (length(title) BETWEEN 1 AND 200),
  CONSTRAINT project_aim_length CHECK (length(aim) <= 2000),
  CONSTRAINT project_started_on_range CHECK (started_on BETWEEN '2000-01-01' AND '2100-12-31')
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
  CONSTRAINT measure_denominator_defined CHECK (kind NOT IN ('proportion', 'rate') OR denominator_definition IS NOT NULL),
  CONSTRAINT measure_name_length CHECK (length(name) BETWEEN 1 AND 200),
  CONSTRAINT measure_name_not_formula CHECK (name !~ '^[-=+@\t\r]'),
  CONSTRAINT measure_unit_length CHECK (length(unit) <= 40),
  CONSTRAINT measure_unit_not_formula CHECK (unit !~ '^[-=+@\t\r]'),
  CONSTRAINT measure_definitions_length
    CHECK (length(numerator_definition) <= 2000 AND length(denominator_definition) <= 2000)
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
COMMENT ON COLUMN @extschema@.measure.rules IS 'The spc.chart rules argument; NULL for the chart''s default (limits and anhoej; anhoej for run charts).';
COMMENT ON COLUMN @extschema@.measure.improvement IS 'Which direction is better: up, down or neutral.';
COMMENT ON COLUMN @extschema@.measure.unit IS 'Unit of the plotted values after the multiplier, e.g. % or screens.';
COMMENT ON COLUMN @extschema@.measure.multiplier IS 'Factor applied to plotted values in views (100 shows proportions as percentages).';
COMMENT ON COLUMN @extschema@.measure.parent_measure_id IS 'For an element (per-criterion) measure, the overall measure it belongs to.';
COMMENT ON COLUMN @extschema@.measure.is_reference IS 'True for the catalogue installed by the extension (re-created by CREATE EXTENSION, so not dumped).';

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
  CONSTRAINT observation_week_is_sunday CHECK (extract(dow FROM week_start) = 0),
  -- what one week can hold: sums over every facility and week cannot
  -- overflow, and no week lies before the network's fixed floor (the
  -- collaborative's own floor and the future are checked by observation_check)
  CONSTRAINT observation_week_range CHECK (week_start >= '2000-01-02'),
  CONSTRAINT observation_numerator_range CHECK (numerator <= 1000000000),
  CONSTRAINT observation_denominator_range CHECK (denominator <= 1e12),
  CONSTRAINT observation_value_range CHECK (value BETWEEN -1e12 AND 1e12),
  CONSTRAINT observation_note_length CHECK (length(note) <= 1000)
);
-- Every index of this table and the other per-facility tables leads with
-- facility_id: the read policies' first condition, facility_id = ANY (the
-- facilities the caller may see), is then an index condition of whichever
-- index the planner (or a user's enable_* settings) picks, so another
-- facility's hidden rows are never fetched, and EXPLAIN ANALYZE cannot count
-- them (docs/access-model.md, "What the database cannot hide").  The primary key serves
-- lookups by project.
CREATE INDEX observation_measure_week_idx ON @extschema@.observation (facility_id, measure_id, week_start);
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
  ON @extschema@.observation_history (facility_id, project_id, measure_id, week_start, history_id);
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
  FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id),
  CONSTRAINT phase_label_length CHECK (length(label) BETWEEN 1 AND 80),
  CONSTRAINT phase_label_not_formula CHECK (label !~ '^[-=+@\t\r]'),
  CONSTRAINT phase_note_length CHECK (length(note) <= 2000),
  CONSTRAINT phase_starts_on_range CHECK (starts_on BETWEEN '2000-01-02' AND '2100-12-26'),
  CONSTRAINT phase_freeze_after_range CHECK (freeze_after <= 520)
);
ALTER SEQUENCE @extschema@.phase_id_seq OWNED BY @extschema@.phase.phase_id;
CREATE UNIQUE INDEX phase_start_idx ON @extschema@.phase (facility_id, project_id, coalesce(measure_id, 0), starts_on);
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
  FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id),
  CONSTRAINT annotation_text_not_formula CHECK (text !~ '^[-=+@\t\r]'),
  CONSTRAINT annotation_week_range CHECK (week_start BETWEEN '2000-01-02' AND '2100-12-26')
);
ALTER SEQUENCE @extschema@.annotation_id_seq OWNED BY @extschema@.annotation.annotation_id;
CREATE INDEX annotation_week_idx ON @extschema@.annotation (facility_id, project_id, week_start);
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
  FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id),
  -- the measure's own scale (a proportion from 0 to 1) is checked by bounds_check
  CONSTRAINT goal_target_range CHECK (target BETWEEN -1e12 AND 1e12),
  CONSTRAINT goal_target_date_range CHECK (target_date BETWEEN '2000-01-01' AND '2100-12-31')
);
COMMENT ON TABLE @extschema@.goal IS 'The SMART-goal target of a project''s measure, in the measure''s own units (a proportion as 0 to 1).';
COMMENT ON COLUMN @extschema@.goal.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.goal.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.goal.measure_id IS 'The measure.';
COMMENT ON COLUMN @extschema@.goal.target IS 'Target value, unscaled (views apply the measure''s multiplier).';
COMMENT ON COLUMN @extschema@.goal.target_date IS 'Date by which the target should be met.';
COMMENT ON COLUMN @extschema@.goal.set_by IS 'Role that set it.';
COMMENT ON COLUMN @extschema@.goal.set_at IS 'When.';

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
  CONSTRAINT publication_weeks_ordered CHECK (last_week >= first_week),
  min_contributors integer NOT NULL DEFAULT 3 CONSTRAINT publication_min_contributors CHECK (min_contributors >= 3),
  CONSTRAINT publication_title_not_formula CHECK (title !~ '^[-=+@\t\r]')
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
COMMENT ON COLUMN @extschema@.publication.min_contributors IS 'Fewest facilities a published figure may pool (at least 3): a week with fewer is suppressed, and no combination of publications may single out fewer.';

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
  CONSTRAINT publication_cell_key UNIQUE NULLS NOT DISTINCT (publication_id, week_start),
  contributor_ids integer[]
);
COMMENT ON TABLE @extschema@.publication_cell IS 'The figures of a publication, suppressed when prepared: one row per week and one (week_start NULL) for the whole period.';
COMMENT ON COLUMN @extschema@.publication_cell.publication_id IS 'The publication.';
COMMENT ON COLUMN @extschema@.publication_cell.week_start IS 'The week; NULL for the period total.';
COMMENT ON COLUMN @extschema@.publication_cell.facilities IS 'Facilities reporting.';
COMMENT ON COLUMN @extschema@.publication_cell.numerator IS 'Pooled numerator; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.publication_cell.denominator IS 'Pooled denominator; NULL when suppressed.';
COMMENT ON COLUMN @extschema@.publication_cell.y IS 'numerator / denominator times the measure''s multiplier (the count for count measures); NULL when suppressed.';
COMMENT ON COLUMN @extschema@.publication_cell.suppressed IS 'True when a figure is hidden: a count (or its complement) from 1 to min_cell - 1, or one that such a count could be derived from.';
COMMENT ON COLUMN @extschema@.publication_cell.contributor_ids IS 'The facilities pooled in a week''s figures (NULL on the period total): what the check against differencing publications compares. Never shown to clients.';
COMMENT ON COLUMN @extschema@.publication_cell.small_denominator IS 'True when the denominator is below min_denominator: too small to judge reliably.';

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
