CREATE OR REPLACE FUNCTION learning_network_internal.count_approvals(publication_id integer,
                                                          OUT contributors integer, OUT approvals integer)
LANGUAGE sql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT count(*)::integer, count(c.approved_at)::integer
  FROM @extschema@.publication_contributor c WHERE c.publication_id = count_approvals.publication_id;
END;
COMMENT ON FUNCTION learning_network_internal.count_approvals(integer) IS
  'How many facilities contribute to a publication and how many approved it (counts only: a facility sees its own contributor row, not the others).';

-- The owner-rights views the client views read (see the schema comment).
-- Rows are filtered by the base tables' policies; these views add the
-- column rule: names, titles, free text and who-entered-it are shown only to
-- the facility itself and to staff.

CREATE OR REPLACE VIEW learning_network_internal.collaborative_visible WITH (security_barrier = true) AS
  SELECT c.collaborative_id, c.code, c.name FROM @extschema@.collaborative c;
CREATE OR REPLACE VIEW learning_network_internal.cohort_visible WITH (security_barrier = true) AS
  SELECT c.cohort_id, c.collaborative_id, c.name, c.starts_on, c.graduates_on FROM @extschema@.cohort c;
CREATE OR REPLACE VIEW learning_network_internal.measure_visible WITH (security_barrier = true) AS
  SELECT m.measure_id, m.collaborative_id, m.code, m.name, m.numerator_definition, m.denominator_definition,
         m.kind, m.chart, m.rules, m.improvement, m.unit, m.multiplier, m.parent_measure_id
  FROM @extschema@.measure m;
CREATE OR REPLACE VIEW learning_network_internal.facility_visible WITH (security_barrier = true) AS
  SELECT f.facility_id, f.pseudonym, o.own,
         CASE WHEN o.own THEN f.name END AS name, CASE WHEN o.own THEN f.city END AS city,
         CASE WHEN o.own THEN f.state END AS state
  FROM @extschema@.facility f
  CROSS JOIN LATERAL (SELECT f.facility_id = (SELECT learning_network_internal.caller_facility())
                             OR (SELECT learning_network_internal.caller_is_staff()) AS own) o;
CREATE OR REPLACE VIEW learning_network_internal.project_visible WITH (security_barrier = true) AS
  SELECT p.project_id, p.facility_id, p.collaborative_id, p.cohort_id, p.status, p.started_on,
         CASE WHEN o.own THEN p.title END AS title, CASE WHEN o.own THEN p.aim END AS aim
  FROM @extschema@.project p
  CROSS JOIN LATERAL (SELECT p.facility_id = (SELECT learning_network_internal.caller_facility())
                             OR (SELECT learning_network_internal.caller_is_staff()) AS own) o;
CREATE OR REPLACE VIEW learning_network_internal.observation_visible WITH (security_barrier = true) AS
  SELECT o.facility_id, o.project_id, o.measure_id, o.week_start, o.numerator, o.denominator, o.value,
         o.excluded, o.entered_at, o.version,
         CASE WHEN w.own THEN o.note END AS note, CASE WHEN w.own THEN o.entered_by END AS entered_by
  FROM @extschema@.observation o
  CROSS JOIN LATERAL (SELECT o.facility_id = (SELECT learning_network_internal.caller_facility())
                             OR (SELECT learning_network_internal.caller_is_staff()) AS own) w;
CREATE OR REPLACE VIEW learning_network_internal.observation_history_visible WITH (security_barrier = true) AS
  SELECT h.history_id, h.facility_id, h.project_id, h.measure_id, h.week_start, h.operation, h.changed_at
  FROM @extschema@.observation_history h;
CREATE OR REPLACE VIEW learning_network_internal.phase_visible WITH (security_barrier = true) AS
  SELECT p.phase_id, p.facility_id, p.project_id, p.measure_id, p.starts_on, p.label, p.freeze_after
  FROM @extschema@.phase p;
CREATE OR REPLACE VIEW learning_network_internal.annotation_visible WITH (security_barrier = true) AS
  SELECT a.annotation_id, a.facility_id, a.project_id, a.measure_id, a.week_start, a.kind, a.text
  FROM @extschema@.annotation a;
CREATE OR REPLACE VIEW learning_network_internal.goal_visible WITH (security_barrier = true) AS
  SELECT g.facility_id, g.project_id, g.measure_id, g.target, g.target_date FROM @extschema@.goal g;
CREATE OR REPLACE VIEW learning_network_internal.sharing_visible WITH (security_barrier = true) AS
  SELECT s.facility_id, s.measure_id, s.tier, s.granted_by, s.granted_at FROM @extschema@.sharing s;
CREATE OR REPLACE VIEW learning_network_internal.publication_visible WITH (security_barrier = true) AS
  SELECT p.publication_id, p.title, p.measure_id, p.cohort_id, p.first_week, p.last_week, p.min_cell,
         p.min_denominator, p.prepared_by, p.prepared_at, p.approved_by, p.approved_at,
         p.publication_id IN (SELECT learning_network_internal.live_publications()) AS live
  FROM @extschema@.publication p;
CREATE OR REPLACE VIEW learning_network_internal.publication_contributor_visible WITH (security_barrier = true) AS
  SELECT c.publication_id, c.facility_id, c.approved_by, c.approved_at FROM @extschema@.publication_contributor c;
CREATE OR REPLACE VIEW learning_network_internal.publication_cell_visible WITH (security_barrier = true) AS
  SELECT c.publication_id, c.week_start, c.facilities, c.numerator, c.denominator, c.y, c.suppressed,
         c.small_denominator
  FROM @extschema@.publication_cell c;
-- how many contributors a publication has and how many approved: counted
-- as the owner, since a facility sees only its own contributor row
CREATE OR REPLACE VIEW learning_network_internal.publication_approvals WITH (security_barrier = true) AS
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
