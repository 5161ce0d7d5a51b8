-- views

CREATE OR REPLACE VIEW @extschema@.measures WITH (security_invoker = true, security_barrier = true) AS
SELECT m.measure_id, co.code AS collaborative_code, m.code AS measure_code, m.name AS measure_name,
       m.numerator_definition, m.denominator_definition, m.kind, m.chart, m.rules, m.improvement, m.unit,
       m.multiplier, m.parent_measure_id
FROM learning_network_internal.measure_visible m
JOIN learning_network_internal.collaborative_visible co ON co.collaborative_id = m.collaborative_id;
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

CREATE OR REPLACE VIEW @extschema@.projects WITH (security_invoker = true, security_barrier = true) AS
SELECT p.project_id, p.facility_id, f.pseudonym AS facility_code, f.name AS facility_name,
       co.code AS collaborative_code, k.name AS cohort_name, p.title AS project_title, p.aim, p.status,
       p.started_on
FROM learning_network_internal.project_visible p
JOIN learning_network_internal.facility_visible f ON f.facility_id = p.facility_id
JOIN learning_network_internal.collaborative_visible co ON co.collaborative_id = p.collaborative_id
LEFT JOIN learning_network_internal.cohort_visible k ON k.cohort_id = p.cohort_id;
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

CREATE OR REPLACE VIEW @extschema@.chart_points WITH (security_invoker = true, security_barrier = true) AS
WITH series AS (
  -- the grid spans the series' weeks within the bounds every write now
  -- meets: a week stored by 0.1.0 in 4713 BC or beyond today (or numbers
  -- beyond the bounds) is left out, so no one can blow up a peer's view.
  -- (Filtered in the aggregates, not the scan: the planner's estimate of
  -- the scan stays right.)
  SELECT o.facility_id, o.project_id, o.measure_id,
         min(o.week_start) FILTER (WHERE b.ok) AS first_week, max(o.week_start) FILTER (WHERE b.ok) AS last_week
  FROM learning_network_internal.observation_visible o
  CROSS JOIN LATERAL (
    SELECT learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value)
           AND o.week_start <= @extschema@.week_start(current_date) AS ok) b
  GROUP BY o.facility_id, o.project_id, o.measure_id
  HAVING bool_or(b.ok)
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
         CASE WHEN b.ok THEN o.numerator END AS numerator, CASE WHEN b.ok THEN o.denominator END AS denominator,
         CASE WHEN b.ok THEN o.value END AS value, coalesce(b.ok AND o.excluded, false) AS excluded,
         coalesce(b.ok, false) AS reported,
         ph.phase_id, coalesce(ph.starts_on, g.first_week) AS phase_start,
         -- labels are at most 80 characters (longer ones stored by 0.1.0 are cut)
         left(coalesce(ph.label, 'Baseline'), 80) AS phase_label, ph.freeze_after
  FROM grid g
  LEFT JOIN learning_network_internal.observation_visible o
    ON o.facility_id = g.facility_id AND o.project_id = g.project_id
   AND o.measure_id = g.measure_id AND o.week_start = g.week_start
  -- a week whose numbers break the bounds (stored by 0.1.0) is a gap
  CROSS JOIN LATERAL (
    SELECT learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value) AS ok) b
  LEFT JOIN learning_network_internal.phase_visible ph
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
  JOIN learning_network_internal.measure_visible m ON m.measure_id = p.measure_id
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
JOIN learning_network_internal.project_visible pr ON pr.project_id = c.project_id
JOIN learning_network_internal.facility_visible f ON f.facility_id = c.facility_id
JOIN learning_network_internal.measure_visible m ON m.measure_id = c.measure_id
JOIN learning_network_internal.collaborative_visible co ON co.collaborative_id = m.collaborative_id
CROSS JOIN LATERAL (
  -- zones are measured from the mean, which on g charts is not the centre line
  SELECT CASE WHEN c.chart LIKE 'g%' THEN (c.pt).ucl - 3 * (c.pt).sigma ELSE (c.pt).cl END AS centre) z
LEFT JOIN learning_network_internal.goal_visible gl
  ON gl.facility_id = c.facility_id AND gl.project_id = c.project_id AND gl.measure_id = c.measure_id
 AND gl.target BETWEEN -1e12 AND 1e12   -- a goal stored by 0.1.0 beyond the bounds is not drawn
LEFT JOIN (
  -- a week's annotations for the measure and for the whole project
  SELECT a.facility_id, a.project_id, am.measure_id, a.week_start,
         string_agg(a.text, '; ' ORDER BY a.annotation_id) AS text
  FROM learning_network_internal.annotation_visible a
  JOIN learning_network_internal.project_visible ap ON ap.project_id = a.project_id
  JOIN learning_network_internal.measure_visible am
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
COMMENT ON COLUMN @extschema@.chart_points.variation IS 'improvement, concern or common_cause (neutral_high or neutral_low for neutral measures); special_cause for a signal without direction (hugging the centre line).';
COMMENT ON COLUMN @extschema@.chart_points.signal_y IS 'y on signal weeks only, to draw signals as their own series.';

CREATE OR REPLACE VIEW @extschema@.series_status WITH (security_invoker = true, security_barrier = true) AS
WITH counted AS (
  -- one pass over the series: spc.series_summary over its points (a week is
  -- present when it has a value or invalid numbers, i.e. it was reported);
  -- every window keeps the series key, so a filter on project or measure
  -- reaches the base tables
  SELECT cp.*,
         min(cp.week_start) OVER series AS first_week,
         spc.series_summary(ROW(cp.y, cp.cl, cp.lcl, cp.ucl, cp.sigma, cp.signal,
                               CASE WHEN cp.invalid THEN ARRAY['invalid'] ELSE '{}'::text[] END,
                               cp.variation, NULL)::spc.point,
                           cp.phase_start::text)
           OVER (series ORDER BY cp.week_start ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS status,
         row_number() OVER (series ORDER BY cp.week_start) AS week_index
  FROM @extschema@.chart_points cp
  WINDOW series AS (PARTITION BY cp.facility_id, cp.project_id, cp.measure_id)
)
SELECT c.project_id, c.project_title, c.facility_id, c.facility_name, c.facility_code,
       c.collaborative_code, c.measure_id, c.measure_code, c.measure_name, c.unit,
       c.first_week, c.week_start AS latest_week,
       ((@extschema@.week_start(current_date) - c.week_start) / 7)::integer AS weeks_since_latest,
       ((c.status).n_points - (c.status).n_missing)::integer AS weeks_reported,
       (c.status).n_missing AS weeks_missing,
       c.y AS latest_y, c.cl AS latest_cl, c.lcl AS latest_lcl, c.ucl AS latest_ucl,
       c.signal AS latest_signal, c.signal_rules AS latest_signal_rules, c.variation AS latest_variation,
       c.phase_label AS current_phase, (c.status).current_phase_signals AS current_phase_signals,
       c.goal,
       spc.assurance(c.goal, c.lcl, c.ucl, m.improvement) AS assurance
FROM counted c
JOIN learning_network_internal.measure_visible m ON m.measure_id = c.measure_id
WHERE c.week_index = (c.status).latest_index;

COMMENT ON VIEW @extschema@.series_status IS
  'One row per project and measure: where the series stands now - latest week, its variation (improvement, concern, common cause, or special cause without direction), signals in the current phase, weeks missing, and assurance against the goal (pass, fail, hit_and_miss). Built on spc.series_summary.';
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

CREATE OR REPLACE VIEW @extschema@.network_weekly WITH (security_invoker = true, security_barrier = true) AS
WITH pooled AS (
  -- every week's numbers are bounded (at most 1e9 counted, 1e12 in size),
  -- so no sum can overflow; rows stored by 0.1.0 beyond the bounds are left out
  -- (filtered in the aggregates, so the scan's estimate stays right)
  SELECT o.measure_id, o.week_start, count(*) FILTER (WHERE b.ok) AS facilities_reporting,
         sum(o.numerator) FILTER (WHERE b.ok) AS numerator, sum(o.denominator) FILTER (WHERE b.ok) AS denominator,
         avg(o.value) FILTER (WHERE b.ok) AS value
  FROM learning_network_internal.observation_visible o
  CROSS JOIN LATERAL (
    SELECT learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value)
           AND o.week_start <= @extschema@.week_start(current_date) AS ok) b
  WHERE NOT o.excluded
  GROUP BY o.measure_id, o.week_start
  HAVING bool_or(b.ok)
), charted AS (
  SELECT p.*, m.kind, m.multiplier,
         -- pooled denominators are large: Laney's charts for proportions and rates
         spc.chart(CASE m.kind WHEN 'proportion' THEN 'pp' WHEN 'rate' THEN 'up' ELSE m.chart END,
                   CASE WHEN m.kind = 'individual' THEN p.value ELSE p.numerator::double precision END,
                   CASE WHEN m.kind IN ('proportion', 'rate') THEN p.denominator END,
                   rules => m.rules, improvement => m.improvement)
           OVER (PARTITION BY p.measure_id ORDER BY p.week_start) AS pt
  FROM pooled p
  JOIN learning_network_internal.measure_visible m ON m.measure_id = p.measure_id
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
JOIN learning_network_internal.measure_visible m ON m.measure_id = c.measure_id
JOIN learning_network_internal.collaborative_visible co ON co.collaborative_id = m.collaborative_id;

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
COMMENT ON COLUMN @extschema@.network_weekly.variation IS 'improvement, concern or common_cause; special_cause for a signal without direction (hugging the centre line).';
COMMENT ON COLUMN @extschema@.network_weekly.signal_y IS 'y on signal weeks only.';

CREATE OR REPLACE VIEW @extschema@.facility_comparison WITH (security_invoker = true, security_barrier = true) AS
WITH anchor AS (
  -- as in network_weekly: rows beyond the bounds (stored by 0.1.0) are left out
  SELECT o.measure_id, max(o.week_start) FILTER (WHERE b.ok) AS last_week
  FROM learning_network_internal.observation_visible o
  CROSS JOIN LATERAL (
    SELECT learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value)
           AND o.week_start <= @extschema@.week_start(current_date) AS ok) b
  GROUP BY o.measure_id
), per_facility AS (
  SELECT o.measure_id, w.window_weeks, o.facility_id, a.last_week,
         sum(o.numerator) FILTER (WHERE b.ok)::double precision AS x, sum(o.denominator) FILTER (WHERE b.ok) AS n
  FROM learning_network_internal.observation_visible o
  CROSS JOIN LATERAL (
    SELECT learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value) AS ok) b
  JOIN anchor a ON a.measure_id = o.measure_id
  CROSS JOIN (VALUES (13), (26), (52)) w(window_weeks)
  WHERE NOT o.excluded AND o.week_start > a.last_week - 7 * w.window_weeks
  GROUP BY o.measure_id, w.window_weeks, o.facility_id, a.last_week
  HAVING bool_or(b.ok)
), funnel AS (
  -- Spiegelhalter (2005) through spc.funnel: normal limits, phi = mean z^2 of every facility (no winsorising),
  -- widened multiplicatively by sqrt(phi) when phi exceeds 1
  SELECT f.*, m.multiplier,
         count(*) OVER t AS facilities,
         spc.funnel(CASE WHEN m.kind = 'proportion' THEN 'p' ELSE 'u' END
                      || '(limits=normal, winsorize=0, adjust=multiplicative)',
                    f.x, f.n::double precision, true) OVER t AS fp
  FROM per_facility f
  JOIN learning_network_internal.measure_visible m ON m.measure_id = f.measure_id AND m.kind IN ('proportion', 'rate')
  WINDOW t AS (PARTITION BY f.measure_id, f.window_weeks)
)
SELECT d.measure_id, m.code AS measure_code, co.code AS collaborative_code, m.unit,
       d.window_weeks, (d.last_week - 7 * (d.window_weeks - 1)) AS from_week, d.last_week AS to_week,
       fa.pseudonym AS facility_code, d.facilities::integer AS facilities,
       d.x::bigint AS numerator, d.n AS denominator,
       (d.fp).y * d.multiplier AS y, (d.fp).target * d.multiplier AS target, (d.fp).z, (d.fp).phi,
       (d.fp).phi > 1 AS overdispersed,
       (d.fp).lower95 * d.multiplier AS lower95, (d.fp).upper95 * d.multiplier AS upper95,
       (d.fp).lower998 * d.multiplier AS lower998, (d.fp).upper998 * d.multiplier AS upper998,
       (d.fp).outside95, (d.fp).outside998
FROM funnel d
JOIN learning_network_internal.facility_visible fa ON fa.facility_id = d.facility_id
JOIN learning_network_internal.measure_visible m ON m.measure_id = d.measure_id
JOIN learning_network_internal.collaborative_visible co ON co.collaborative_id = m.collaborative_id;

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

CREATE OR REPLACE VIEW @extschema@.data_completeness WITH (security_invoker = true, security_barrier = true) AS
WITH series AS (
  -- rows beyond the bounds (stored by 0.1.0) are left out, as in chart_points
  SELECT o.facility_id, o.project_id, o.measure_id, min(o.week_start) FILTER (WHERE b.ok) AS first_week,
         max(o.week_start) FILTER (WHERE b.ok) AS latest_week, count(*) FILTER (WHERE b.ok) AS weeks_reported,
         max(o.entered_at) FILTER (WHERE b.ok) AS last_entered_at
  FROM learning_network_internal.observation_visible o
  CROSS JOIN LATERAL (
    SELECT learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value)
           AND o.week_start <= @extschema@.week_start(current_date) AS ok) b
  GROUP BY o.facility_id, o.project_id, o.measure_id
  HAVING bool_or(b.ok)
), changes AS (
  SELECT h.facility_id, h.project_id, h.measure_id,
         count(*) FILTER (WHERE h.operation = 'update') AS corrections,
         count(*) FILTER (WHERE h.operation = 'delete') AS deletions
  FROM learning_network_internal.observation_history_visible h
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
JOIN learning_network_internal.project_visible p ON p.project_id = s.project_id
JOIN learning_network_internal.facility_visible f ON f.facility_id = s.facility_id
JOIN learning_network_internal.measure_visible m ON m.measure_id = s.measure_id
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
