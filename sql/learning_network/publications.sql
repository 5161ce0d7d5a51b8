-- Differencing: two publications of quantities with the same definition (the
-- same measure, or measures sharing a numerator or a denominator definition)
-- can be subtracted, and so can any combination of them.  Each published
-- figure is a sum over (facility, week) pairs; a linear combination of the
-- figures can isolate exactly the groups of pairs that lie in the same
-- published figures (the "atoms" of their overlaps), and nothing finer.  So
-- every atom must pool at least min_contributors facilities: then no pair,
-- triple or larger set of publications singles out fewer.
CREATE OR REPLACE FUNCTION learning_network_internal.publication_disclosures(publication_id integer DEFAULT NULL)
RETURNS TABLE (quantity text, first_week date, last_week date, facilities integer, publications integer[])
LANGUAGE sql STABLE PARALLEL RESTRICTED SECURITY DEFINER   -- staff read it through security_audit
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH quantities AS (
    -- what each publication's figures count, by definition
    SELECT p.publication_id, q.role, q.quantity, p.min_contributors
    FROM @extschema@.publication p
    JOIN @extschema@.measure m ON m.measure_id = p.measure_id
    CROSS JOIN LATERAL (VALUES ('numerator', 'numerator: ' || lower(btrim(m.numerator_definition))),
                               ('denominator', 'denominator: ' || lower(btrim(m.denominator_definition)))) q(role, quantity)
    WHERE q.quantity IS NOT NULL
  ), family AS (
    -- with one publication named: the quantities it shares with others
    SELECT q.* FROM quantities q
    WHERE publication_disclosures.publication_id IS NULL
       OR q.quantity IN (SELECT q2.quantity FROM quantities q2
                         WHERE q2.publication_id = publication_disclosures.publication_id)
  ), cells AS (
    SELECT f.quantity, f.publication_id, f.min_contributors, c.week_start, c.contributor_ids,
           CASE f.role WHEN 'numerator' THEN c.numerator IS NOT NULL ELSE c.denominator IS NOT NULL END AS published
    FROM family f
    JOIN @extschema@.publication_cell c ON c.publication_id = f.publication_id
  ), pairs AS (
    -- the (facility, week) pairs of every week's figure, published or not
    SELECT c.quantity, c.publication_id, c.min_contributors, c.week_start, c.published, u.facility_id
    FROM cells c CROSS JOIN LATERAL unnest(c.contributor_ids) u(facility_id)
    WHERE c.week_start IS NOT NULL
  ), memberships AS (
    SELECT p.quantity, p.facility_id, p.week_start, p.publication_id, p.min_contributors,
           p.publication_id || ':' || p.week_start AS figure
    FROM pairs p WHERE p.published
    UNION ALL
    -- a period total holds every pair of its weeks
    SELECT p.quantity, p.facility_id, p.week_start, p.publication_id, p.min_contributors,
           p.publication_id || ':total'
    FROM pairs p
    JOIN cells t ON t.quantity = p.quantity AND t.publication_id = p.publication_id AND t.week_start IS NULL
    WHERE t.published
  ), signatures AS (
    SELECT m.quantity, m.facility_id, m.week_start, array_agg(m.figure ORDER BY m.figure) AS figures,
           array_agg(DISTINCT m.publication_id ORDER BY m.publication_id) AS publications,
           max(m.min_contributors) AS min_contributors
    FROM memberships m GROUP BY m.quantity, m.facility_id, m.week_start
  )
  SELECT s.quantity, min(s.week_start), max(s.week_start), count(DISTINCT s.facility_id)::integer, min(s.publications)
  FROM signatures s
  GROUP BY s.quantity, s.figures
  HAVING count(DISTINCT s.facility_id) < greatest(max(s.min_contributors), 3)
     AND (publication_disclosures.publication_id IS NULL
          OR publication_disclosures.publication_id = ANY (min(s.publications)))
  ORDER BY 1, 2;
END;
COMMENT ON FUNCTION learning_network_internal.publication_disclosures(integer) IS
  'Groups of fewer than min_contributors facilities whose data some combination of publications (of quantities with the same numerator or denominator definition) would isolate: the quantity, the weeks, how many facilities and which publications. Empty when disclosure control holds; with a publication named, only groups it takes part in.';

-- Staff compute a publication once; what contributors approve is exactly
-- what is published.  Suppression (CMS cell-size policy): a week pooling
-- fewer than min_contributors facilities is hidden; a count from 1 to
-- min_cell - 1 is hidden, and so is its complement (denominator -
-- numerator), and the ratio; the period total is hidden when the hidden
-- weeks together (what subtracting the shown weeks from it leaves) pool too
-- few facilities or a small count.  A publication that, with the others,
-- would single out fewer than min_contributors facilities is refused.
CREATE OR REPLACE FUNCTION @extschema@.prepare_publication(title text, measure_id integer, first_week date, last_week date,
                                                cohort_id integer DEFAULT NULL, min_cell integer DEFAULT 11,
                                                min_denominator integer DEFAULT 25, min_contributors integer DEFAULT 3)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  m @extschema@.measure;
  id integer;
  leak record;
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
  IF min_contributors IS NULL OR min_contributors < 3 THEN
    RAISE EXCEPTION 'min_contributors must be at least 3, not %', coalesce(min_contributors::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'min_contributors';
  END IF;
  -- two aggregates of one measure over the same weeks (say a collaborative
  -- and one of its cohorts) could be subtracted to reveal a small cell;
  -- checked under a lock, so two staff cannot both pass it (nor the
  -- differencing check below) at once
  LOCK TABLE @extschema@.publication IN SHARE ROW EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM @extschema@.publication p
             WHERE p.measure_id = prepare_publication.measure_id
               AND p.first_week <= prepare_publication.last_week AND p.last_week >= prepare_publication.first_week) THEN
    RAISE EXCEPTION 'measure % already has a publication covering some of these weeks', m.code
      USING ERRCODE = 'exclusion_violation', COLUMN = 'first_week',
            HINT = 'Publish each week of a measure once: withdraw the other publication first (withdraw_publication).';
  END IF;
  INSERT INTO @extschema@.publication (title, measure_id, cohort_id, first_week, last_week, min_cell, min_denominator,
                                       min_contributors)
  VALUES (title, measure_id, cohort_id, first_week, last_week, min_cell, min_denominator, min_contributors)
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
                                            suppressed, small_denominator, contributor_ids)
  WITH obs AS (
    SELECT o.week_start, o.facility_id, o.numerator, o.denominator
    FROM @extschema@.observation o
    JOIN @extschema@.publication_contributor c ON c.publication_id = id AND c.facility_id = o.facility_id
    WHERE o.measure_id = prepare_publication.measure_id AND o.week_start BETWEEN first_week AND last_week
      AND NOT o.excluded
      AND learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value)
  ), pooled AS (
    SELECT o.week_start, count(DISTINCT o.facility_id)::integer AS facilities,
           sum(o.numerator)::bigint AS x, sum(o.denominator) AS n,
           CASE WHEN o.week_start IS NOT NULL THEN array_agg(DISTINCT o.facility_id ORDER BY o.facility_id) END AS ids
    FROM obs o
    GROUP BY GROUPING SETS ((o.week_start), ())
  ), judged AS (
    SELECT p.*,
           p.facilities < min_contributors AS too_few,
           -- a count, or (proportions) its complement, in 1 .. min_cell - 1
           p.x BETWEEN 1 AND min_cell - 1
             OR (m.kind = 'proportion' AND p.n - p.x BETWEEN 1 AND min_cell - 1)
             OR (m.kind = 'proportion' AND p.n BETWEEN 1 AND min_cell - 1) AS small
    FROM pooled p
  ), hidden_weeks AS (
    -- what the total less the shown weeks reveals: the hidden weeks together
    SELECT count(DISTINCT o.facility_id) AS facilities, sum(o.numerator) AS x, sum(o.denominator) AS n
    FROM obs o JOIN judged j ON j.week_start = o.week_start
    WHERE j.too_few OR j.small
  ), complemented AS (
    SELECT j.*,
           j.too_few OR j.small
             OR (j.week_start IS NULL AND h.facilities > 0
                 AND (h.facilities < min_contributors
                      OR h.x BETWEEN 1 AND min_cell - 1
                      OR (m.kind = 'proportion' AND h.n - h.x BETWEEN 1 AND min_cell - 1)
                      OR (m.kind = 'proportion' AND h.n BETWEEN 1 AND min_cell - 1))) AS hidden
    FROM judged j CROSS JOIN hidden_weeks h
  )
  SELECT id, c.week_start, c.facilities,
         CASE WHEN NOT c.hidden THEN c.x END,
         -- a rate's exposure is no count: shown unless too few facilities pool it
         CASE WHEN NOT c.hidden OR (m.kind = 'rate' AND NOT c.too_few) THEN c.n END,
         CASE WHEN NOT c.hidden THEN CASE WHEN m.kind = 'count' THEN c.x ELSE c.x / c.n * m.multiplier END END,
         c.hidden,
         m.kind <> 'count' AND c.n < min_denominator,
         c.ids
  FROM complemented c;
  -- with the publications already prepared, this one must not single out
  -- fewer than min_contributors facilities
  SELECT * INTO leak FROM learning_network_internal.publication_disclosures(id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'publication of % would let % facilit% be singled out by subtracting publications %',
        m.code, leak.facilities, CASE WHEN leak.facilities = 1 THEN 'y''s data' ELSE 'ies'' data' END,
        array_to_string(array_remove(leak.publications, id), ', ')
      USING ERRCODE = 'exclusion_violation', COLUMN = 'cohort_id',
            DETAIL = pg_catalog.format('The %s of weeks %s to %s: fewer than %s facilities (min_contributors) are in it but not in the other publications, or the other way round.',
                                       leak.quantity, leak.first_week, leak.last_week, min_contributors),
            HINT = 'Publish the same facilities as the publications with the same numerator or denominator definition (e.g. the same cohort), or withdraw them first.';
  END IF;
  RETURN id;
END $$;
COMMENT ON FUNCTION @extschema@.prepare_publication(text, integer, date, date, integer, integer, integer, integer) IS
  'Staff only: compute a public aggregate of a count, proportion or rate measure over a period (optionally one cohort) from the facilities sharing it publicly, with small-cell suppression (weeks pooling fewer than min_contributors facilities, at least 3; counts and complements 1 to min_cell - 1, and totals that would reveal them) and a flag for denominators below min_denominator. It is published once staff and every contributing facility approve it (approve_publication). Weeks of a measure are published once (23P01 if another publication covers some of them), and a publication that could be subtracted from others of the same numerator or denominator definition to single out fewer than min_contributors facilities is refused (23P01). Returns its id.';

CREATE OR REPLACE FUNCTION @extschema@.withdraw_publication(publication_id integer) RETURNS boolean
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

CREATE OR REPLACE FUNCTION @extschema@.approve_publication(publication_id integer, approve boolean DEFAULT true)
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

CREATE OR REPLACE VIEW @extschema@.sharing_status WITH (security_invoker = true, security_barrier = true) AS
SELECT f.facility_id, f.name AS facility_name, f.pseudonym AS facility_code, m.measure_id, m.code AS measure_code,
       coalesce(own.tier, dflt.tier, 'private') AS tier,
       CASE WHEN own.tier IS NOT NULL THEN 'measure' WHEN dflt.tier IS NOT NULL THEN 'facility' ELSE 'default' END
         AS set_for,
       coalesce(own.granted_by, dflt.granted_by)::text AS granted_by,
       coalesce(own.granted_at, dflt.granted_at)::date AS granted_on
FROM learning_network_internal.facility_visible f
JOIN learning_network_internal.measure_visible m
  ON m.collaborative_id IN (SELECT p.collaborative_id FROM learning_network_internal.project_visible p
                            WHERE p.facility_id = f.facility_id)
LEFT JOIN learning_network_internal.sharing_visible own ON own.facility_id = f.facility_id AND own.measure_id = m.measure_id
LEFT JOIN learning_network_internal.sharing_visible dflt ON dflt.facility_id = f.facility_id AND dflt.measure_id IS NULL
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

CREATE OR REPLACE VIEW @extschema@.publication_status WITH (security_invoker = true, security_barrier = true) AS
SELECT p.publication_id, p.title, m.code AS measure_code, p.cohort_id, p.first_week, p.last_week,
       p.prepared_by::text AS prepared_by, p.prepared_at::date AS prepared_on,
       p.approved_by::text AS staff_approved_by, p.approved_at::date AS staff_approved_on, a.contributors, a.approvals,
       mine.facility_id IS NOT NULL AND mine.approved_at IS NULL AS awaiting_my_approval,
       p.live AS published
FROM learning_network_internal.publication_visible p
JOIN learning_network_internal.measure_visible m ON m.measure_id = p.measure_id
JOIN learning_network_internal.publication_approvals a ON a.publication_id = p.publication_id
LEFT JOIN learning_network_internal.publication_contributor_visible mine
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

CREATE OR REPLACE VIEW @extschema@.public_weekly WITH (security_invoker = true, security_barrier = true) AS
SELECT p.publication_id, p.title, co.code AS collaborative_code, m.code AS measure_code, m.name AS measure_name,
       m.unit, c.week_start, c.facilities,
       -- publications prepared by 0.1.0 may hold weeks of fewer than 3 facilities
       CASE WHEN c.facilities >= 3 THEN c.numerator END AS numerator,
       CASE WHEN c.facilities >= 3 THEN c.denominator END AS denominator,
       CASE WHEN c.facilities >= 3 THEN c.y END AS y,
       c.suppressed OR c.facilities < 3 AS suppressed, c.small_denominator
FROM learning_network_internal.publication_visible p
JOIN learning_network_internal.publication_cell_visible c ON c.publication_id = p.publication_id AND c.week_start IS NOT NULL
JOIN learning_network_internal.measure_visible m ON m.measure_id = p.measure_id
JOIN learning_network_internal.collaborative_visible co ON co.collaborative_id = m.collaborative_id
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

CREATE OR REPLACE VIEW @extschema@.public_summary WITH (security_invoker = true, security_barrier = true) AS
SELECT p.publication_id, p.title, co.code AS collaborative_code, m.code AS measure_code, m.name AS measure_name,
       m.unit, p.first_week, p.last_week, c.facilities,
       CASE WHEN c.facilities >= 3 THEN c.numerator END AS numerator,
       CASE WHEN c.facilities >= 3 THEN c.denominator END AS denominator,
       CASE WHEN c.facilities >= 3 THEN c.y END AS y,
       c.suppressed OR c.facilities < 3 AS suppressed, c.small_denominator
FROM learning_network_internal.publication_visible p
JOIN learning_network_internal.publication_cell_visible c ON c.publication_id = p.publication_id AND c.week_start IS NULL
JOIN learning_network_internal.measure_visible m ON m.measure_id = p.measure_id
JOIN learning_network_internal.collaborative_visible co ON co.collaborative_id = m.collaborative_id
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
