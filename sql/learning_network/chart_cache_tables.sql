-- The chart cache.  A one-chart request is served from chart_cache when the
-- chart was drawn at the project's current data version, as the reader's own
-- snapshot sees it (chart_version).  Every transaction that changes what a
-- project's charts show marks the project in chart_change as it writes, and
-- as it commits turns its marks into one version bump per project, under the
-- version row's lock: versions are bumped in commit order, so a snapshot's
-- version of a project names exactly the writers of it that the snapshot
-- sees.  None of the three tables is dumped.
CREATE TABLE @extschema@.chart_change (
  project_id integer NOT NULL,
  xact xid8 NOT NULL,
  facility_id integer NOT NULL,
  PRIMARY KEY (project_id, xact)
);
COMMENT ON TABLE @extschema@.chart_change IS 'Projects whose charts the open transaction changed (its weeks, phases, annotations, goals, names, sharing): one row per project and writing transaction, visible only to that transaction, turned into a chart_version bump as it commits.';
COMMENT ON COLUMN @extschema@.chart_change.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.chart_change.xact IS 'The writing transaction.';
COMMENT ON COLUMN @extschema@.chart_change.facility_id IS 'The facility.';

CREATE TABLE @extschema@.chart_version (
  project_id integer PRIMARY KEY,
  facility_id integer NOT NULL,
  version bigint NOT NULL,
  bumped_by xid8 NOT NULL
);
COMMENT ON TABLE @extschema@.chart_version IS 'The version of each project''s chart data: bumped once by every committed transaction that changed the project''s charts, in commit order. No row: version 0. Never empty it without emptying chart_cache too (old charts would match again).';
COMMENT ON COLUMN @extschema@.chart_version.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.chart_version.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.chart_version.version IS 'Number of committed transactions that changed the project''s charts (since the extension was installed or restored).';
COMMENT ON COLUMN @extschema@.chart_version.bumped_by IS 'The transaction that bumped it last.';

-- Insert-only: a drawer never waits on another's uncommitted row (no unique
-- key to conflict on); the versions a commit made stale are deleted by that
-- commit.  The documents are stored uncompressed: compressing them on every
-- draw and decompressing them on every request costs more than the disk.
CREATE TABLE @extschema@.chart_cache (
  project_id integer NOT NULL,
  measure_id integer NOT NULL,
  variant text NOT NULL CHECK (variant IN ('own', 'network')),
  version bigint NOT NULL,
  as_of_week date NOT NULL,
  facility_id integer NOT NULL,
  chart_json jsonb,
  chart_svg text
);
ALTER TABLE @extschema@.chart_cache ALTER COLUMN chart_json SET STORAGE EXTERNAL,
                                    ALTER COLUMN chart_svg SET STORAGE EXTERNAL;
CREATE INDEX chart_cache_key_idx ON @extschema@.chart_cache (project_id, measure_id, variant, version);
COMMENT ON TABLE @extschema@.chart_cache IS 'Charts of whole series as chart_json and chart_svg return them, each with the project data version it was drawn at: the own variant (names, annotations) for the facility and staff, the network variant for its peers.';
COMMENT ON COLUMN @extschema@.chart_cache.project_id IS 'The project.';
COMMENT ON COLUMN @extschema@.chart_cache.measure_id IS 'The measure.';
COMMENT ON COLUMN @extschema@.chart_cache.variant IS 'own (as the facility and staff see it) or network (as its peers see it).';
COMMENT ON COLUMN @extschema@.chart_cache.version IS 'The project''s chart_version the chart was drawn at, in the drawing snapshot.';
COMMENT ON COLUMN @extschema@.chart_cache.as_of_week IS 'The current week when it was drawn (chart_points leaves out weeks after it).';
COMMENT ON COLUMN @extschema@.chart_cache.facility_id IS 'The facility.';
COMMENT ON COLUMN @extschema@.chart_cache.chart_json IS 'The chart as learning_network.chart_json returns it.';
COMMENT ON COLUMN @extschema@.chart_cache.chart_svg IS 'The chart as learning_network.chart_svg returns it.';
