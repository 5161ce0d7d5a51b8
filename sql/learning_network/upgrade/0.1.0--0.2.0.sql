-- learning_network 0.1.0 -> 0.2.0: changes to what the install-only sources
-- create (tables, reference rows), and objects to drop before the sources
-- re-create them (a changed signature or view columns).  The rest of the
-- upgrade is every other source, run again.

-- Bounds on what is stored (issue 13, finding 2).  Rows stored by 0.1.0 may
-- break them: each constraint is added NOT VALID (new writes are checked at
-- once), then validated where the stored rows allow it.  Where they do not,
-- nothing stored is changed or lost: the constraint stays NOT VALID, the
-- security_audit view lists it (lint constraint_not_validated), and the
-- views leave the offending rows out of charts and sums.  Staff correct or
-- delete those rows, then ALTER TABLE ... VALIDATE CONSTRAINT.
ALTER TABLE @extschema@.cohort
  ADD CONSTRAINT cohort_name_length CHECK (length(name) BETWEEN 1 AND 100) NOT VALID,
  ADD CONSTRAINT cohort_name_not_formula CHECK (name !~ '^[-=+@\t\r]') NOT VALID,
  ADD CONSTRAINT cohort_starts_on_range CHECK (starts_on BETWEEN '2000-01-01' AND '2100-12-31') NOT VALID;
ALTER TABLE @extschema@.facility
  ADD CONSTRAINT facility_name_length CHECK (length(name) BETWEEN 1 AND 200) NOT VALID,
  ADD CONSTRAINT facility_city_length CHECK (length(city) <= 100) NOT VALID,
  ADD CONSTRAINT facility_state_length CHECK (length(state) <= 100) NOT VALID;
ALTER TABLE @extschema@.project
  ADD CONSTRAINT project_title_length CHECK (length(title) BETWEEN 1 AND 200) NOT VALID,
  ADD CONSTRAINT project_aim_length CHECK (length(aim) <= 2000) NOT VALID,
  ADD CONSTRAINT project_started_on_range CHECK (started_on BETWEEN '2000-01-01' AND '2100-12-31') NOT VALID;
ALTER TABLE @extschema@.measure
  ADD CONSTRAINT measure_name_length CHECK (length(name) BETWEEN 1 AND 200) NOT VALID,
  ADD CONSTRAINT measure_name_not_formula CHECK (name !~ '^[-=+@\t\r]') NOT VALID,
  ADD CONSTRAINT measure_unit_length CHECK (length(unit) <= 40) NOT VALID,
  ADD CONSTRAINT measure_unit_not_formula CHECK (unit !~ '^[-=+@\t\r]') NOT VALID,
  ADD CONSTRAINT measure_definitions_length
    CHECK (length(numerator_definition) <= 2000 AND length(denominator_definition) <= 2000) NOT VALID;
ALTER TABLE @extschema@.observation
  ADD CONSTRAINT observation_week_range CHECK (week_start >= '2000-01-02') NOT VALID,
  ADD CONSTRAINT observation_numerator_range CHECK (numerator <= 1000000000) NOT VALID,
  ADD CONSTRAINT observation_denominator_range CHECK (denominator <= 1e12) NOT VALID,
  ADD CONSTRAINT observation_value_range CHECK (value BETWEEN -1e12 AND 1e12) NOT VALID,
  ADD CONSTRAINT observation_note_length CHECK (length(note) <= 1000) NOT VALID;
ALTER TABLE @extschema@.phase
  ADD CONSTRAINT phase_label_length CHECK (length(label) BETWEEN 1 AND 80) NOT VALID,
  ADD CONSTRAINT phase_label_not_formula CHECK (label !~ '^[-=+@\t\r]') NOT VALID,
  ADD CONSTRAINT phase_note_length CHECK (length(note) <= 2000) NOT VALID,
  ADD CONSTRAINT phase_starts_on_range CHECK (starts_on BETWEEN '2000-01-02' AND '2100-12-26') NOT VALID,
  ADD CONSTRAINT phase_freeze_after_range CHECK (freeze_after <= 520) NOT VALID;
ALTER TABLE @extschema@.annotation
  ADD CONSTRAINT annotation_text_not_formula CHECK (text !~ '^[-=+@\t\r]') NOT VALID,
  ADD CONSTRAINT annotation_week_range CHECK (week_start BETWEEN '2000-01-02' AND '2100-12-26') NOT VALID;
ALTER TABLE @extschema@.goal
  ADD CONSTRAINT goal_target_range CHECK (target BETWEEN -1e12 AND 1e12) NOT VALID,
  ADD CONSTRAINT goal_target_date_range CHECK (target_date BETWEEN '2000-01-01' AND '2100-12-31') NOT VALID;

-- Disclosure control across publications (finding 4): a floor on the
-- facilities per published figure, and each week's pooled facilities, which
-- the differencing check compares.  Publications of 0.1.0 get the floor of
-- 3 (the public views apply it to them) and their weeks' facilities as the
-- data show them now.
ALTER TABLE @extschema@.publication
  ADD COLUMN min_contributors integer NOT NULL DEFAULT 3 CONSTRAINT publication_min_contributors CHECK (min_contributors >= 3),
  ADD CONSTRAINT publication_title_not_formula CHECK (title !~ '^[-=+@\t\r]') NOT VALID;
ALTER TABLE @extschema@.publication_cell ADD COLUMN contributor_ids integer[];
UPDATE @extschema@.publication_cell c SET contributor_ids = s.ids
FROM (SELECT p.publication_id, o.week_start, array_agg(DISTINCT o.facility_id ORDER BY o.facility_id) AS ids
      FROM @extschema@.publication p
      JOIN @extschema@.publication_contributor pc ON pc.publication_id = p.publication_id
      JOIN @extschema@.observation o
        ON o.facility_id = pc.facility_id AND o.measure_id = p.measure_id
       AND o.week_start BETWEEN p.first_week AND p.last_week AND NOT o.excluded
      GROUP BY p.publication_id, o.week_start) s
WHERE c.publication_id = s.publication_id AND c.week_start = s.week_start;
-- new columns' comments, as tables.sql gives them at install
COMMENT ON COLUMN @extschema@.publication.min_contributors IS 'Fewest facilities a published figure may pool (at least 3): a week with fewer is suppressed, and no combination of publications may single out fewer.';
COMMENT ON COLUMN @extschema@.publication_cell.contributor_ids IS 'The facilities pooled in a week''s figures (NULL on the period total): what the check against differencing publications compares. Never shown to clients.';

DO $validate$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT con.conrelid::regclass AS rel, con.conname
           FROM pg_catalog.pg_constraint con
           WHERE con.connamespace = '@extschema@'::regnamespace AND NOT con.convalidated
           ORDER BY 1, 2 LOOP
    BEGIN
      EXECUTE pg_catalog.format('ALTER TABLE %s VALIDATE CONSTRAINT %I', c.rel, c.conname);
    EXCEPTION WHEN check_violation THEN
      RAISE WARNING 'rows of % stored before 0.2.0 break the new constraint %: they are kept as they are', c.rel, c.conname
        USING HINT = 'learning_network.security_audit lists the constraint; correct or delete the rows, then ALTER TABLE ... VALIDATE CONSTRAINT.';
    END;
  END LOOP;
END $validate$;

-- prepare_publication takes min_contributors
DROP FUNCTION IF EXISTS @extschema@.prepare_publication(text, integer, date, date, integer, integer, integer);

-- The chart cache judges freshness by a per-project data version instead of
-- snapshots (issue 14).  Its tables hold nothing that is not re-drawn, so
-- they are dropped and made anew, with what used the old ones.
DROP FUNCTION learning_network_internal.forget_chart_changes(integer, integer);
DROP FUNCTION learning_network_internal.chart_is_fresh(integer, integer, pg_snapshot);
-- a miss draws in draw_and_keep_chart; the lookup is kept_chart, inlined
DROP FUNCTION learning_network_internal.cached_chart(integer, integer, text);
DROP TABLE @extschema@.chart_cache;
DROP TABLE @extschema@.chart_change;
--@include sql/learning_network/chart_cache_tables.sql

-- identity: each facility's BI reader role (create_facility_role).  0.1.0
-- granted every facility role to the BI group; that membership goes first,
-- as the role checks (roles.sql) refuse it, and create_facility_role re-makes
-- each facility's roles as 0.2.0 has them (administration.sql).
DO $revoke_bi$
DECLARE
  f record;
BEGIN
  FOR f IN SELECT fa.role_name FROM @extschema@.facility fa
           JOIN pg_catalog.pg_roles r ON r.rolname = fa.role_name
           JOIN pg_catalog.pg_auth_members m ON m.roleid = r.oid
           WHERE m.member = (SELECT b.oid FROM pg_catalog.pg_roles b WHERE b.rolname = 'learning_network_bi') LOOP
    EXECUTE pg_catalog.format('REVOKE %I FROM learning_network_bi', f.role_name);
  END LOOP;
END $revoke_bi$;
ALTER TABLE @extschema@.facility ADD COLUMN bi_role_name name UNIQUE;
COMMENT ON COLUMN @extschema@.facility.bi_role_name IS 'The facility''s BI reader role (made by create_facility_role): reads what the facility reads, writes nothing; the facility''s BI login.';

-- every index of the per-facility tables leads with facility_id (tables.sql)
DROP INDEX @extschema@.observation_project_measure_idx;
DROP INDEX @extschema@.observation_measure_week_idx;
CREATE INDEX observation_measure_week_idx ON @extschema@.observation (facility_id, measure_id, week_start);
DROP INDEX @extschema@.observation_history_key_idx;
CREATE INDEX observation_history_key_idx
  ON @extschema@.observation_history (facility_id, project_id, measure_id, week_start, history_id);
DROP INDEX @extschema@.phase_start_idx;
CREATE UNIQUE INDEX phase_start_idx ON @extschema@.phase (facility_id, project_id, coalesce(measure_id, 0), starts_on);
DROP INDEX @extschema@.annotation_week_idx;
CREATE INDEX annotation_week_idx ON @extschema@.annotation (facility_id, project_id, week_start);
-- the project's (facility, project) key, which the per-facility tables'
-- foreign keys reference, leads with facility_id too
ALTER TABLE @extschema@.project DROP CONSTRAINT project_project_id_facility_id_key CASCADE;
ALTER TABLE @extschema@.project ADD UNIQUE (facility_id, project_id);
ALTER TABLE @extschema@.observation
  ADD FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id);
ALTER TABLE @extschema@.phase
  ADD FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id);
ALTER TABLE @extschema@.annotation
  ADD FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id);
ALTER TABLE @extschema@.goal
  ADD FOREIGN KEY (project_id, facility_id) REFERENCES @extschema@.project (project_id, facility_id);

-- spc 0.2.0's default rules for control charts are limits and anhoej
COMMENT ON COLUMN @extschema@.measure.rules IS 'The spc.chart rules argument; NULL for the chart''s default (limits and anhoej; anhoej for run charts).';

-- The demo loader leaves the production extension: from 0.2.0 it belongs to
-- the extension learning_network_demo (CREATE EXTENSION learning_network_demo
-- after this update brings it back, in the same schema).  The rows a demo
-- loaded stay: they are learning_network's data.
DROP FUNCTION IF EXISTS @extschema@.load_demo(integer);

-- The owner-rights views of learning_network_internal were named exactly like
-- the base tables they read (learning_network_internal.observation over
-- learning_network.observation): they get a suffix of their own.  Renamed in
-- place so the client views that read them keep their dependencies; the
-- sources then replace both.  Only the extension's own views use them (no
-- client role may use the schema), so no old name is kept.
ALTER VIEW learning_network_internal.collaborative RENAME TO collaborative_visible;
ALTER VIEW learning_network_internal.cohort RENAME TO cohort_visible;
ALTER VIEW learning_network_internal.measure RENAME TO measure_visible;
ALTER VIEW learning_network_internal.facility RENAME TO facility_visible;
ALTER VIEW learning_network_internal.project RENAME TO project_visible;
ALTER VIEW learning_network_internal.observation RENAME TO observation_visible;
ALTER VIEW learning_network_internal.observation_history RENAME TO observation_history_visible;
ALTER VIEW learning_network_internal.phase RENAME TO phase_visible;
ALTER VIEW learning_network_internal.annotation RENAME TO annotation_visible;
ALTER VIEW learning_network_internal.goal RENAME TO goal_visible;
ALTER VIEW learning_network_internal.sharing RENAME TO sharing_visible;
ALTER VIEW learning_network_internal.publication RENAME TO publication_visible;
ALTER VIEW learning_network_internal.publication_contributor RENAME TO publication_contributor_visible;
ALTER VIEW learning_network_internal.publication_cell RENAME TO publication_cell_visible;
