-- access: row-level security on every table
--
-- Who may see a row is decided here and nowhere else.  The helpers run as
-- the installing superuser (SECURITY DEFINER), so they read the sharing
-- tables without being filtered by the policies that call them; clients
-- cannot name them (no USAGE on learning_network_internal).  Policies call
-- them through scalar subqueries, so each runs once per query, not once per
-- row; they are PL/pgSQL so their plans are kept for the session.

-- Identity.  The acting role is one the session's login may become, and
-- nothing else: PostgreSQL lets SET ROLE and set_config('role', ...) name only
-- roles the login (session_user) is a member of, whatever the statement.  So
-- a login that is a member of one facility's roles only can act for that
-- facility only, and a BI login can act as no role that writes
-- (docs/access-model.md).  A facility has two roles: its own (reads and writes; its
-- people and the HUB act as it) and its BI reader (reads the same, writes
-- nothing; the facility's BI login).
CREATE OR REPLACE FUNCTION learning_network_internal.caller_facility() RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  acting name := @extschema@.acting_role();
BEGIN
  RETURN (SELECT f.facility_id FROM @extschema@.facility f WHERE f.role_name = acting OR f.bi_role_name = acting);
END $$;
COMMENT ON FUNCTION learning_network_internal.caller_facility() IS
  'The facility whose data the acting role reads as its own (the facility role or its BI reader role), or NULL.';

CREATE OR REPLACE FUNCTION learning_network_internal.caller_writing_facility() RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN (SELECT f.facility_id FROM @extschema@.facility f WHERE f.role_name = @extschema@.acting_role());
END $$;
COMMENT ON FUNCTION learning_network_internal.caller_writing_facility() IS
  'The facility the acting role writes for (its facility role; never a BI reader role), or NULL.';

CREATE OR REPLACE FUNCTION learning_network_internal.caller_is_staff() RETURNS boolean
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN pg_catalog.pg_has_role(@extschema@.acting_role(), 'learning_network_staff', 'USAGE');
-- USAGE, not MEMBER: staff are those who hold the staff group's privileges
-- now (it, or a member inheriting from it).  On 16+ MEMBER is also true for a
-- grant WITH INHERIT FALSE, SET FALSE (admin-only delegation), and on 15 for
-- a NOINHERIT member that has not SET ROLE to the group.
COMMENT ON FUNCTION learning_network_internal.caller_is_staff() IS
  'True when the acting role is network staff: it holds the privileges of learning_network_staff (pg_has_role USAGE: the group itself, or a member inheriting from it).';

CREATE OR REPLACE FUNCTION learning_network_internal.effective_tier(facility_id integer, measure_id integer) RETURNS text
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

CREATE OR REPLACE FUNCTION learning_network_internal.caller_network_series()
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

-- A peer's project is seen within the collaborative shared with it only: a
-- facility in two collaboratives is invisible, with its project, cohort,
-- status, phases and goals, to its peers of the other one.
CREATE OR REPLACE FUNCTION learning_network_internal.caller_network_projects() RETURNS SETOF integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER ROWS 20
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY
  SELECT DISTINCT p.project_id
  FROM learning_network_internal.caller_network_series() s
  JOIN @extschema@.measure m ON m.measure_id = s.measure_id
  JOIN @extschema@.project p ON p.facility_id = s.facility_id AND p.collaborative_id = m.collaborative_id;
END $$;
COMMENT ON FUNCTION learning_network_internal.caller_network_projects() IS
  'The projects of other facilities the acting facility sees at the network tier: those in a collaborative it shares with them, of a facility sharing a measure of that collaborative with it.';

-- Every read policy of a per-facility table starts with two tests of the
-- row's facility against this array, so that EXPLAIN ANALYZE cannot tell
-- anything about a hidden facility's rows:
--   array_position(visible, facility_id) IS NOT NULL  costs one operator,
--     as little as the cheapest condition a user can write, so the planner
--     never evaluates a user's (leakproof) condition before it: a hidden row
--     is rejected before any user condition sees it, and the subplan
--     computing the array runs on the first row scanned, whatever the user's
--     conditions (and, unlike visible @> ARRAY[facility_id], its estimated
--     selectivity is near 1, so it does not change the plans);
--   facility_id = ANY (visible)  an index condition of every plan (every
--     index of those tables leads with facility_id): a hidden facility's
--     rows are never fetched, not even to be filtered out and counted.
CREATE OR REPLACE FUNCTION learning_network_internal.caller_visible_facilities() RETURNS integer[]
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  acting name := @extschema@.acting_role();
BEGIN
  -- one query (policies call this twice per table): staff see every
  -- facility; others their own, and the peers of a shared collaborative
  -- with a network or public setting for the facility or for a measure of
  -- that collaborative (not caller_network_series(), a tier lookup per peer
  -- and measure)
  RETURN ARRAY(
    SELECT f.facility_id FROM @extschema@.facility f
    WHERE pg_catalog.pg_has_role(acting, 'learning_network_staff', 'USAGE')
    UNION
    SELECT own.facility_id FROM @extschema@.facility own
    WHERE own.role_name = acting OR own.bi_role_name = acting
    UNION
    SELECT p.facility_id
    FROM @extschema@.facility own
    JOIN @extschema@.project mine ON mine.facility_id = own.facility_id
    JOIN @extschema@.project p ON p.collaborative_id = mine.collaborative_id AND p.facility_id <> mine.facility_id
    WHERE (own.role_name = acting OR own.bi_role_name = acting)
      AND EXISTS (SELECT 1 FROM @extschema@.sharing s LEFT JOIN @extschema@.measure m ON m.measure_id = s.measure_id
                  WHERE s.facility_id = p.facility_id AND s.tier IN ('network', 'public')
                    AND (s.measure_id IS NULL OR m.collaborative_id = p.collaborative_id))
    ORDER BY 1);
END $$;
COMMENT ON FUNCTION learning_network_internal.caller_visible_facilities() IS
  'The facilities any of whose rows the acting role may see: its own and the peers of a shared collaborative sharing one of its measures (or all theirs) with the network or publicly; staff: all. The first condition of every per-facility read policy.';

CREATE OR REPLACE FUNCTION learning_network_internal.live_publications() RETURNS SETOF integer
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

CREATE OR REPLACE FUNCTION learning_network_internal.caller_publications() RETURNS SETOF integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER ROWS 10
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY
  SELECT c.publication_id FROM @extschema@.publication_contributor c
  WHERE c.facility_id = learning_network_internal.caller_facility();
END $$;
COMMENT ON FUNCTION learning_network_internal.caller_publications() IS
  'Publications containing the acting facility''s data (it sees them to approve them).';

CREATE OR REPLACE FUNCTION learning_network_internal.may_write(facility_id integer) RETURNS boolean
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN coalesce(facility_id = learning_network_internal.caller_writing_facility(), false)
       OR learning_network_internal.caller_is_staff();
COMMENT ON FUNCTION learning_network_internal.may_write(integer) IS
  'True when the acting role may write the facility''s data: it is the facility''s role (not its BI reader), or staff.';

-- A refused write says why, for the UI and for the person reading the log:
-- on a replica, or for a facility the caller does not act for.
CREATE OR REPLACE FUNCTION learning_network_internal.require_write(facility_id integer, what text) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  -- a hot standby serves the network's reads; every write goes to the primary
  IF pg_catalog.pg_is_in_recovery() THEN
    RAISE EXCEPTION 'cannot write %: this server is a read-only replica', what
      USING ERRCODE = 'read_only_sql_transaction',
            HINT = 'Send writes (the HUB''s write functions, imports, sharing) to the primary server.';
  END IF;
  IF NOT learning_network_internal.may_write(facility_id) THEN
    RAISE EXCEPTION 'permission denied: % does not belong to the facility you act for', what
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = pg_catalog.format('Acting as role %s, which may write only its own facility''s data.',
                                       @extschema@.acting_role()),
            HINT = 'SET ROLE to the facility''s role (learning_network.create_facility_role) before writing.';
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.require_write(integer, text) IS
  'Raises 25006 on a read-only replica (hot standby), and 42501 unless the acting role may write the facility''s data.';

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
ALTER TABLE @extschema@.chart_version OWNER TO learning_network_owner;
GRANT USAGE ON SCHEMA @extschema@, learning_network_internal TO learning_network_owner;

DO $rls$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['collaborative', 'cohort', 'facility', 'project', 'measure', 'observation',
                           'observation_history', 'phase', 'annotation', 'goal', 'sharing', 'publication',
                           'publication_contributor', 'publication_cell', 'chart_change', 'chart_cache',
                           'chart_version'] LOOP
    EXECUTE pg_catalog.format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY',
                              '@extschema@', t);
  END LOOP;
END $rls$;

-- reference data: everyone who can reach a view may read it; only the
-- installing superuser writes it
DROP POLICY IF EXISTS collaborative_read ON @extschema@.collaborative;
CREATE POLICY collaborative_read ON @extschema@.collaborative FOR SELECT USING (true);
DROP POLICY IF EXISTS cohort_read ON @extschema@.cohort;
CREATE POLICY cohort_read ON @extschema@.cohort FOR SELECT USING (true);
DROP POLICY IF EXISTS measure_read ON @extschema@.measure;
CREATE POLICY measure_read ON @extschema@.measure FOR SELECT USING (true);

-- Facilities, projects and the per-facility tables: own, staff, and what
-- is shared with the caller's network.  Their read policies have one shape,
-- built below from one template so that the tests they share are written
-- once, in this order:
--   1. array_position(visible, facility_id) IS NOT NULL, then
--   2. facility_id = ANY (visible), an index condition (the two that keep
--      EXPLAIN from counting hidden rows: see caller_visible_facilities),
--   3. the caller's own facility, or staff, or what the table shares with
--      the caller's network (names are masked by the views that read them).
-- The policies are plain expressions, as if written out: the catalog holds
-- the same qual text, so the planner sees exactly the same conditions.
DO $read_policies$
DECLARE
  visible constant text :=
    'pg_catalog.array_position((SELECT learning_network_internal.caller_visible_facilities()), facility_id) IS NOT NULL';
  visible_index constant text :=
    'facility_id = ANY ((SELECT learning_network_internal.caller_visible_facilities())::integer[])';
  own_or_staff constant text :=
    'facility_id = (SELECT learning_network_internal.caller_facility())
     OR (SELECT learning_network_internal.caller_is_staff())';
  network_series constant text :=
    '(facility_id, measure_id) IN (SELECT s.facility_id, s.measure_id
                                   FROM learning_network_internal.caller_network_series() s)';
  network_projects constant text :=
    'project_id IN (SELECT learning_network_internal.caller_network_projects())';
  t record;
BEGIN
  -- facility: the first test only.  The planner estimates facility_id = ANY
  -- (a parameter) to keep about a fifth of the rows; on every table of a
  -- chart that collapsed the join estimates to one row and made a redraw
  -- 60 % slower.  A facility row's existence is all an index lookup could
  -- count, and facility ids are not secret.
  EXECUTE pg_catalog.format('DROP POLICY IF EXISTS facility_read ON %I.facility', '@extschema@');
  EXECUTE pg_catalog.format('CREATE POLICY facility_read ON %I.facility FOR SELECT USING (%s)',
                            '@extschema@', visible);

  FOR t IN SELECT * FROM (VALUES
      -- a project only within the collaborative it shares with the caller
      ('project', network_projects),
      -- the series shared with the caller's network, and their history
      ('observation', network_series),
      ('observation_history', network_series),
      -- phases and goals travel with a shared series (its limits and goal
      -- line), a phase within the project (so the collaborative) it
      -- belongs to
      ('phase', network_projects || ' AND (measure_id IS NULL OR ' || network_series || ')'),
      ('goal', network_series),
      -- a team's notes stay with the team (deliberately not shared), and
      -- so do its sharing settings
      ('annotation', NULL),
      ('sharing', NULL)) AS shape (tablename, shared_with_network)
  LOOP
    EXECUTE pg_catalog.format('DROP POLICY IF EXISTS %I ON %I.%I', t.tablename || '_read', '@extschema@', t.tablename);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON %I.%I FOR SELECT USING (%s AND %s AND (%s%s))',
                              t.tablename || '_read', '@extschema@', t.tablename, visible, visible_index,
                              own_or_staff, ' OR (' || t.shared_with_network || ')');
  END LOOP;
END $read_policies$;

-- Writes: the facility's own role or staff (may_write).  A row that names
-- who wrote it must name the acting role when it is inserted, and when an
-- update rewrites it as that person's (an edited annotation keeps its
-- author; a phase names no one).
DO $write_policies$
DECLARE
  may_write constant text := 'learning_network_internal.may_write(facility_id)';
  names_writer text;
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      ('observation', 'entered_by', true),
      ('goal', 'set_by', true),
      ('sharing', 'granted_by', true),
      ('annotation', 'created_by', false),
      ('phase', NULL, false)) AS shape (tablename, writer_column, update_names_writer)
  LOOP
    names_writer := CASE WHEN t.writer_column IS NOT NULL
                         THEN pg_catalog.format(' AND %I = %I.acting_role()', t.writer_column, '@extschema@')
                         ELSE '' END;
    EXECUTE pg_catalog.format('DROP POLICY IF EXISTS %I ON %I.%I', t.tablename || '_insert', '@extschema@', t.tablename);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON %I.%I FOR INSERT WITH CHECK (%s%s)',
                              t.tablename || '_insert', '@extschema@', t.tablename, may_write, names_writer);
    EXECUTE pg_catalog.format('DROP POLICY IF EXISTS %I ON %I.%I', t.tablename || '_update', '@extschema@', t.tablename);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON %I.%I FOR UPDATE USING (%s) WITH CHECK (%s%s)',
                              t.tablename || '_update', '@extschema@', t.tablename, may_write, may_write,
                              CASE WHEN t.update_names_writer THEN names_writer ELSE '' END);
    EXECUTE pg_catalog.format('DROP POLICY IF EXISTS %I ON %I.%I', t.tablename || '_delete', '@extschema@', t.tablename);
    EXECUTE pg_catalog.format('CREATE POLICY %I ON %I.%I FOR DELETE USING (%s)',
                              t.tablename || '_delete', '@extschema@', t.tablename, may_write);
  END LOOP;
END $write_policies$;

-- the history: appended to by the audit trigger, naming the acting role;
-- never updated or deleted (audit.sql)
DROP POLICY IF EXISTS observation_history_insert ON @extschema@.observation_history;
CREATE POLICY observation_history_insert ON @extschema@.observation_history FOR INSERT
  WITH CHECK (learning_network_internal.may_write(facility_id) AND changed_by = @extschema@.acting_role());

-- publications: staff prepare and approve; contributors see and approve
-- theirs; everyone sees the live ones
DROP POLICY IF EXISTS publication_read ON @extschema@.publication;
CREATE POLICY publication_read ON @extschema@.publication FOR SELECT USING (
  (SELECT learning_network_internal.caller_is_staff())
  OR publication_id IN (SELECT learning_network_internal.live_publications())
  OR publication_id IN (SELECT learning_network_internal.caller_publications()));
DROP POLICY IF EXISTS publication_write ON @extschema@.publication;
CREATE POLICY publication_write ON @extschema@.publication FOR ALL
  USING (learning_network_internal.caller_is_staff())
  WITH CHECK (learning_network_internal.caller_is_staff());
DROP POLICY IF EXISTS publication_contributor_read ON @extschema@.publication_contributor;
CREATE POLICY publication_contributor_read ON @extschema@.publication_contributor FOR SELECT USING (
  (SELECT learning_network_internal.caller_is_staff())
  OR facility_id = (SELECT learning_network_internal.caller_facility()));
DROP POLICY IF EXISTS publication_contributor_insert ON @extschema@.publication_contributor;
CREATE POLICY publication_contributor_insert ON @extschema@.publication_contributor FOR INSERT
  WITH CHECK (learning_network_internal.caller_is_staff());
DROP POLICY IF EXISTS publication_contributor_update ON @extschema@.publication_contributor;
CREATE POLICY publication_contributor_update ON @extschema@.publication_contributor FOR UPDATE
  USING (facility_id = learning_network_internal.caller_writing_facility())
  WITH CHECK (facility_id = learning_network_internal.caller_writing_facility()
              AND (approved_by IS NULL OR approved_by = @extschema@.acting_role()));
DROP POLICY IF EXISTS publication_cell_read ON @extschema@.publication_cell;
CREATE POLICY publication_cell_read ON @extschema@.publication_cell FOR SELECT USING (
  (SELECT learning_network_internal.caller_is_staff())
  OR publication_id IN (SELECT learning_network_internal.live_publications())
  OR publication_id IN (SELECT learning_network_internal.caller_publications()));
DROP POLICY IF EXISTS publication_cell_insert ON @extschema@.publication_cell;
CREATE POLICY publication_cell_insert ON @extschema@.publication_cell FOR INSERT
  WITH CHECK (learning_network_internal.caller_is_staff());

-- the chart cache: each variant shown to whom it was drawn for (own: the
-- facility itself and staff, as may_write says; network: its peers), written
-- only inside the owner's chart functions, which draw what the acting role
-- sees.  chart_change and chart_version are read only there too (a
-- transaction sees only its own chart_change rows).  The installing
-- superuser's triggers write those two and delete stale charts.  None of
-- their rows reaches a client.
DROP POLICY IF EXISTS chart_change_read ON @extschema@.chart_change;
CREATE POLICY chart_change_read ON @extschema@.chart_change FOR SELECT USING (true);
DROP POLICY IF EXISTS chart_version_read ON @extschema@.chart_version;
CREATE POLICY chart_version_read ON @extschema@.chart_version FOR SELECT USING (true);
DROP POLICY IF EXISTS chart_cache_read ON @extschema@.chart_cache;
CREATE POLICY chart_cache_read ON @extschema@.chart_cache FOR SELECT USING (
  facility_id = (SELECT learning_network_internal.caller_facility())
  OR (SELECT learning_network_internal.caller_is_staff())
  OR (variant = 'network'
      AND (facility_id, measure_id) IN (SELECT s.facility_id, s.measure_id
                                        FROM learning_network_internal.caller_network_series() s)));
DROP POLICY IF EXISTS chart_cache_insert ON @extschema@.chart_cache;
CREATE POLICY chart_cache_insert ON @extschema@.chart_cache FOR INSERT
  WITH CHECK (current_user = 'learning_network_owner'
              AND (variant = 'network' OR learning_network_internal.may_write(facility_id)));
