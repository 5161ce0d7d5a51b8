-- what makes a cached chart stale: a project's data version (tables.sql,
-- "The chart cache").  Row triggers mark the projects a transaction changes
-- (chart_change, seen only by that transaction); as it commits, a deferred
-- trigger turns the marks into one version bump per project.  The version
-- rows are locked only then, and in project order: writers of one project
-- queue for the few microseconds of each other's commit, never for a whole
-- transaction, and never deadlock on them.  Readers never lock them.

-- The triggers run as the installing superuser: the marks must be made
-- whoever writes, and no client can make or remove them.  A mark is the
-- transaction's own row, so ON CONFLICT never waits on another session.
CREATE OR REPLACE FUNCTION @extschema@.note_chart_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO @extschema@.chart_change (project_id, xact, facility_id)
    VALUES (OLD.project_id, pg_current_xact_id(), OLD.facility_id) ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.facility_id, NEW.project_id) IS DISTINCT FROM (OLD.facility_id, OLD.project_id)) THEN
    INSERT INTO @extschema@.chart_change (project_id, xact, facility_id)
    VALUES (NEW.project_id, pg_current_xact_id(), NEW.facility_id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION @extschema@.note_chart_change() IS 'Trigger: marks that the writing transaction changed the charts of a project (chart_change), the old and the new one when a row moves.';
CREATE OR REPLACE TRIGGER observation_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.observation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE OR REPLACE TRIGGER phase_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.phase
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE OR REPLACE TRIGGER annotation_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.annotation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE OR REPLACE TRIGGER goal_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.goal
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();
CREATE OR REPLACE TRIGGER project_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.project
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_chart_change();

-- a facility's name, its sharing tier, a measure's or a collaborative's
-- definition is on (or decides who sees) every chart of their projects
CREATE OR REPLACE FUNCTION @extschema@.note_catalog_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME IN ('facility', 'sharing') THEN
    INSERT INTO @extschema@.chart_change (project_id, xact, facility_id)
    SELECT p.project_id, pg_current_xact_id(), p.facility_id FROM @extschema@.project p
    WHERE p.facility_id = r.facility_id
    ON CONFLICT DO NOTHING;
  ELSIF TG_TABLE_NAME = 'measure' THEN
    -- the measure's collaboratives (its annotations' join) and every project
    -- with weeks of it
    INSERT INTO @extschema@.chart_change (project_id, xact, facility_id)
    SELECT p.project_id, pg_current_xact_id(), p.facility_id FROM @extschema@.project p
    WHERE p.collaborative_id IN (OLD.collaborative_id, NEW.collaborative_id)
       OR p.project_id IN (SELECT o.project_id FROM @extschema@.observation o WHERE o.measure_id = OLD.measure_id)
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO @extschema@.chart_change (project_id, xact, facility_id)
    SELECT p.project_id, pg_current_xact_id(), p.facility_id FROM @extschema@.project p
    WHERE p.collaborative_id = r.collaborative_id
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION @extschema@.note_catalog_change() IS 'Trigger: a changed facility, sharing tier, measure or collaborative changes the charts of every project that shows it (chart_change).';
CREATE OR REPLACE TRIGGER facility_chart_change AFTER UPDATE ON @extschema@.facility
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_catalog_change();
CREATE OR REPLACE TRIGGER measure_chart_change AFTER UPDATE ON @extschema@.measure
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_catalog_change();
CREATE OR REPLACE TRIGGER collaborative_chart_change AFTER UPDATE ON @extschema@.collaborative
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_catalog_change();
CREATE OR REPLACE TRIGGER sharing_chart_change AFTER INSERT OR UPDATE OR DELETE ON @extschema@.sharing
  FOR EACH ROW EXECUTE FUNCTION @extschema@.note_catalog_change();

-- As the transaction commits: one bump per project it marked, taken in
-- project order, and the marks removed (the first deferred event does the
-- whole transaction; the others find nothing left).  The charts kept at
-- older versions are deleted, except those another session holds (SKIP
-- LOCKED: a writer never waits on a reader); a later commit takes them.
CREATE OR REPLACE FUNCTION learning_network_internal.bump_chart_versions() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  bumped integer[];
BEGIN
  WITH marked AS (
    DELETE FROM @extschema@.chart_change x WHERE x.xact = pg_current_xact_id()
    RETURNING x.project_id, x.facility_id),
  bump AS (
    INSERT INTO @extschema@.chart_version AS v (project_id, facility_id, version, bumped_by)
    SELECT m.project_id, min(m.facility_id), 1, pg_current_xact_id() FROM marked m
    GROUP BY m.project_id ORDER BY m.project_id
    ON CONFLICT (project_id) DO UPDATE
      SET version = v.version + 1, facility_id = excluded.facility_id, bumped_by = excluded.bumped_by
    RETURNING v.project_id)
  SELECT array_agg(b.project_id) INTO bumped FROM bump b;
  IF bumped IS NOT NULL AND current_setting('transaction_isolation') = 'read committed' THEN
    DELETE FROM @extschema@.chart_cache c
    WHERE c.ctid = ANY (ARRAY(SELECT o.ctid FROM @extschema@.chart_cache o
                              WHERE o.project_id = ANY (bumped) FOR UPDATE SKIP LOCKED));
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION learning_network_internal.bump_chart_versions() IS
  'Deferred trigger on chart_change: as a transaction commits, bumps the chart_version of every project it marked, in project order, removes its marks and deletes the charts of those projects kept so far (those no other session holds).';

-- a constraint trigger has no CREATE OR REPLACE
DO $bump$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger
                 WHERE tgrelid = '@extschema@.chart_change'::regclass AND tgname = 'chart_change_bump') THEN
    CREATE CONSTRAINT TRIGGER chart_change_bump AFTER INSERT ON @extschema@.chart_change
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION learning_network_internal.bump_chart_versions();
  END IF;
END $bump$;

-- The version of a project's charts in the caller's snapshot (0 before any
-- change), or NULL when the caller's own transaction changed them (its
-- changes are not committed: no kept chart has them, and none drawn now
-- may be kept).  The one definition of freshness: a kept chart is served
-- when it was drawn at this version.  kept_chart (charts.sql) writes out its
-- first case, a transaction without an xid, in the lookup: change both.
CREATE OR REPLACE FUNCTION learning_network_internal.chart_data_version(project_id integer) RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  mine xid8 := pg_current_xact_id_if_assigned();
  current bigint;
  bumped xid8;
BEGIN
  SELECT v.version, v.bumped_by INTO current, bumped
  FROM @extschema@.chart_version v WHERE v.project_id = chart_data_version.project_id;
  -- nested, so a transaction without an xid (any reader's) never plans the
  -- chart_change probe: a new session's first chart loads one table less
  IF mine IS NOT NULL THEN
    IF bumped = mine OR EXISTS (SELECT 1 FROM @extschema@.chart_change x
                                WHERE x.project_id = chart_data_version.project_id AND x.xact = mine) THEN
      RETURN NULL;
    END IF;
  END IF;
  RETURN coalesce(current, 0);
END $$;
COMMENT ON FUNCTION learning_network_internal.chart_data_version(integer) IS
  'The version of a project''s chart data in the caller''s snapshot (0 before any change); NULL when the caller''s own open transaction changed it. A kept chart is fresh when drawn at this version.';
