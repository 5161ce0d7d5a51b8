-- what makes a cached chart stale
CREATE OR REPLACE FUNCTION @extschema@.note_chart_change() RETURNS trigger
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
CREATE OR REPLACE TRIGGER observation_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.observation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE OR REPLACE TRIGGER phase_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.phase
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE OR REPLACE TRIGGER annotation_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.annotation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE OR REPLACE TRIGGER goal_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.goal
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE OR REPLACE TRIGGER project_chart_change AFTER UPDATE ON @extschema@.project
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();

-- a facility's name or a measure's definition is on every chart of it
CREATE OR REPLACE FUNCTION @extschema@.note_catalog_change() RETURNS trigger
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
CREATE OR REPLACE TRIGGER facility_chart_change AFTER UPDATE ON @extschema@.facility
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_catalog_change();
CREATE OR REPLACE TRIGGER measure_chart_change AFTER UPDATE ON @extschema@.measure
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_catalog_change();

-- chart_change rows a kept chart could still need: those some kept chart of
-- the project or some open snapshot anywhere might not see.  Older ones are
-- forgotten: every snapshot from now on sees them.  Runs as the installing
-- superuser, because a caller sees only its own variants of the cache.
CREATE OR REPLACE FUNCTION learning_network_internal.forget_chart_changes(facility_id integer, project_id integer) RETURNS void
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
