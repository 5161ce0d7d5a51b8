-- learning_network 0.1.0 -> 0.2.0: changes to what the install-only sources
-- create (tables, reference rows), and objects to drop before the sources
-- re-create them (a changed signature or view columns).  The rest of the
-- upgrade is every other source, run again.

-- identity: each facility's BI reader role (create_facility_role)
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
