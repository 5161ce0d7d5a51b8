-- learning_network: the demo network, and what each view shows of it.
SET extra_float_digits = 0;

-- The demo loader is an extension of its own: the production install has none.
SELECT count(*) AS production_has_load_demo FROM pg_proc WHERE proname = 'load_demo';
CREATE EXTENSION learning_network_demo;
SELECT * FROM learning_network.load_demo();
-- A second load would mix with the data: refused.
SELECT learning_network.load_demo();
-- Dropping the demo extension removes the loader and keeps what it loaded.
DROP EXTENSION learning_network_demo;
SELECT count(*) AS production_has_load_demo FROM pg_proc WHERE proname = 'load_demo';

SELECT c.code, count(DISTINCT p.project_id) AS projects, count(*) AS weeks,
       min(o.week_start) AS first_week, max(o.week_start) AS last_week
FROM learning_network.observation o
JOIN learning_network.project p USING (project_id)
JOIN learning_network.collaborative c USING (collaborative_id)
GROUP BY c.code ORDER BY c.code;

-- Every current row is rebuilt from the audit trail alone.
WITH rebuilt AS (
  SELECT DISTINCT ON (facility_id, project_id, measure_id, week_start) *
  FROM learning_network.observation_history
  ORDER BY facility_id, project_id, measure_id, week_start, history_id DESC
)
SELECT (SELECT count(*) FROM learning_network.observation) AS current_rows,
       (SELECT count(*) FROM rebuilt WHERE operation <> 'delete') AS rebuilt_rows,
       (SELECT count(*) FROM (
          SELECT facility_id, project_id, measure_id, week_start, numerator, denominator, value, excluded, note, version
          FROM rebuilt WHERE operation <> 'delete'
          EXCEPT
          SELECT facility_id, project_id, measure_id, week_start, numerator, denominator, value, excluded, note, version
          FROM learning_network.observation) d) AS differences,
       (SELECT count(*) FILTER (WHERE operation = 'update') FROM learning_network.observation_history) AS corrections,
       (SELECT count(*) FILTER (WHERE operation = 'delete') FROM learning_network.observation_history) AS deletions;

-- Mammography positioning across the network, by phase: about 51 % before
-- the course and 86 % after it, as the collaborative published.
SELECT phase_label, round((100.0 * sum(numerator) / sum(denominator))::numeric, 1) AS pass_pct, count(*) AS weeks
FROM learning_network.chart_points
WHERE measure_code = 'MAMMO_POS_PASS' AND reported AND NOT excluded
GROUP BY phase_label ORDER BY min(week_start);

-- One team's chart: the first 3 weeks of each phase, and its signals.
SELECT week_start, reported, round(y::numeric, 1) AS y, round(cl::numeric, 1) AS cl,
       round(lcl::numeric, 1) AS lcl, round(ucl::numeric, 1) AS ucl, phase_label, signal_rules, variation,
       annotation
FROM (SELECT *, row_number() OVER (PARTITION BY phase_label ORDER BY week_start) AS k
      FROM learning_network.chart_points
      WHERE project_id = (SELECT min(project_id) FROM learning_network.project WHERE collaborative_id = 2)
        AND measure_code = 'MAMMO_POS_PASS') s
WHERE k <= 3 OR annotation IS NOT NULL
ORDER BY week_start;
SELECT phase_label, count(*) AS weeks, count(*) FILTER (WHERE NOT reported) AS missing,
       count(*) FILTER (WHERE signal) AS signals, string_agg(DISTINCT variation, ',') AS variations
FROM learning_network.chart_points
WHERE project_id = (SELECT min(project_id) FROM learning_network.project WHERE collaborative_id = 2)
  AND measure_code = 'MAMMO_POS_PASS'
GROUP BY phase_label ORDER BY min(week_start);

-- Series status: the network at a glance.
SELECT collaborative_code, measure_code, count(*) AS series,
       count(*) FILTER (WHERE latest_variation = 'improvement') AS improving,
       count(*) FILTER (WHERE latest_variation = 'concern') AS concerning,
       count(*) FILTER (WHERE assurance = 'pass') AS will_meet_goal,
       count(*) FILTER (WHERE assurance = 'hit_and_miss') AS hit_and_miss,
       count(*) FILTER (WHERE assurance = 'fail') AS will_miss_goal,
       sum(weeks_missing) AS weeks_missing
FROM learning_network.series_status
WHERE measure_code IN ('MAMMO_POS_PASS', 'PROS_PIQUAL_PASS', 'LCS_ELIG_RATE', 'RFU_APPROP', 'RFU_OPEN_OVERDUE')
GROUP BY 1, 2 ORDER BY 1, 2;

-- The pooled network series: Laney p' for the large pooled denominators.
SELECT measure_code, count(*) AS weeks, min(facilities_reporting) AS min_reporting,
       max(facilities_reporting) AS max_reporting, count(*) FILTER (WHERE signal) AS signal_weeks
FROM learning_network.network_weekly GROUP BY measure_code ORDER BY measure_code;

-- Funnel: facilities by pseudonym against the pooled target, over-dispersion.
SELECT measure_code, window_weeks, min(facilities) AS facilities, round(min(target)::numeric, 1) AS target,
       round(min(phi)::numeric, 2) AS phi, count(*) FILTER (WHERE outside95) AS outside95,
       count(*) FILTER (WHERE outside998) AS outside998
FROM learning_network.facility_comparison
WHERE measure_code IN ('MAMMO_POS_PASS', 'LCS_ELIG_RATE')
GROUP BY 1, 2 ORDER BY 1, 2;

-- The funnel view is built on spc.funnel since 0.2.0: its rows are those of its former
-- definition (0.1.0's, with 0.2.0's bounds; written out here) to rounding, the normal
-- quantiles being 1.959964 and 3.090232 there and exact here.
WITH anchor AS (
  SELECT o.measure_id, max(o.week_start) FILTER (WHERE b.ok) AS last_week
  FROM learning_network.observation o
  CROSS JOIN LATERAL (
    SELECT learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value)
           AND o.week_start <= learning_network.week_start(current_date) AS ok) b
  GROUP BY o.measure_id
), per_facility AS (
  SELECT o.measure_id, w.window_weeks, o.facility_id, a.last_week,
         sum(o.numerator) FILTER (WHERE b.ok)::double precision AS x, sum(o.denominator) FILTER (WHERE b.ok) AS n
  FROM learning_network.observation o
  CROSS JOIN LATERAL (
    SELECT learning_network_internal.observation_in_bounds(o.week_start, o.numerator, o.denominator, o.value) AS ok) b
  JOIN anchor a ON a.measure_id = o.measure_id
  CROSS JOIN (VALUES (13), (26), (52)) w(window_weeks)
  WHERE NOT o.excluded AND o.week_start > a.last_week - 7 * w.window_weeks
  GROUP BY o.measure_id, w.window_weeks, o.facility_id, a.last_week
  HAVING bool_or(b.ok)
), scored AS (
  SELECT f.*, m.kind, m.multiplier,
         sum(f.x) OVER t / sum(f.n) OVER t AS p0, count(*) OVER t AS facilities
  FROM per_facility f
  JOIN learning_network_internal.measure_visible m ON m.measure_id = f.measure_id AND m.kind IN ('proportion', 'rate')
  WINDOW t AS (PARTITION BY f.measure_id, f.window_weeks)
), z AS (
  SELECT s.*, v.unit_variance,
         CASE WHEN v.unit_variance > 0 THEN (s.x / s.n - s.p0) / sqrt(v.unit_variance / s.n) END AS z
  FROM scored s
  CROSS JOIN LATERAL (SELECT CASE WHEN s.kind = 'proportion' THEN s.p0 * (1 - s.p0) ELSE s.p0 END AS unit_variance) v
), dispersed AS (
  SELECT z.*, avg(z.z * z.z) OVER (PARTITION BY z.measure_id, z.window_weeks) AS phi FROM z
), v010 AS (
  SELECT d.measure_id, d.window_weeks, fa.pseudonym AS facility_code, d.facilities::integer AS facilities,
         d.x::bigint AS numerator, d.n AS denominator,
         d.x / d.n * d.multiplier AS y, d.p0 * d.multiplier AS target, d.z, d.phi, d.phi > 1 AS overdispersed,
         l.lower95 * d.multiplier AS lower95, l.upper95 * d.multiplier AS upper95,
         l.lower998 * d.multiplier AS lower998, l.upper998 * d.multiplier AS upper998,
         d.x / d.n NOT BETWEEN l.lower95 AND l.upper95 AS outside95,
         d.x / d.n NOT BETWEEN l.lower998 AND l.upper998 AS outside998
  FROM dispersed d
  JOIN learning_network_internal.facility_visible fa ON fa.facility_id = d.facility_id
  CROSS JOIN LATERAL (
    SELECT sqrt(greatest(d.phi, 1) * d.unit_variance / d.n) AS se,
           CASE WHEN d.kind = 'proportion' THEN 1 ELSE 'Infinity'::double precision END AS ceiling) s
  CROSS JOIN LATERAL (
    SELECT greatest(d.p0 - 1.959964 * s.se, 0) AS lower95, least(d.p0 + 1.959964 * s.se, s.ceiling) AS upper95,
           greatest(d.p0 - 3.090232 * s.se, 0) AS lower998, least(d.p0 + 3.090232 * s.se, s.ceiling) AS upper998) l
), paired AS (
  SELECT o.*, n.y AS n_y, n.target AS n_target, n.z AS n_z, n.phi AS n_phi, n.overdispersed AS n_overdispersed,
         n.lower95 AS n_lower95, n.upper95 AS n_upper95, n.lower998 AS n_lower998, n.upper998 AS n_upper998,
         n.outside95 AS n_outside95, n.outside998 AS n_outside998, n.facilities AS n_facilities,
         n.numerator AS n_numerator, n.denominator AS n_denominator
  FROM v010 o
  FULL JOIN learning_network.facility_comparison n USING (measure_id, window_weeks, facility_code)
)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE n_y IS NULL OR y IS NULL) AS unpaired,
       count(*) FILTER (WHERE (facilities, numerator, denominator, overdispersed, outside95, outside998)
                              IS DISTINCT FROM (n_facilities, n_numerator, n_denominator, n_overdispersed,
                                                n_outside95, n_outside998)) AS differing_exact_columns,
       max(greatest(abs(y - n_y), abs(target - n_target), abs(z - n_z), abs(phi - n_phi)))
         < 1e-9 AS same_values,
       max(greatest(abs(lower95 - n_lower95), abs(upper95 - n_upper95), abs(lower998 - n_lower998),
                    abs(upper998 - n_upper998)) / greatest(abs(target), 1e-12)) < 1e-7 AS same_limits_to_rounding
FROM paired;

-- Completeness.
SELECT measure_code, count(*) AS series, sum(weeks_missing) AS weeks_missing,
       min(completeness_pct) AS min_pct, sum(corrections) AS corrections, sum(deletions) AS deletions
FROM learning_network.data_completeness
WHERE measure_code IN ('MAMMO_POS_PASS', 'LCS_VOLUME', 'RFU_OPEN_OVERDUE')
GROUP BY 1 ORDER BY 1;

-- series_status is built on spc.series_summary: every row of the demo equals
-- the 0.2.0 definition before it (window counts over chart_points).
WITH counted AS (
  SELECT cp.*,
         min(cp.week_start) OVER series AS first_week,
         count(*) FILTER (WHERE cp.reported) OVER series AS weeks_reported,
         count(*) FILTER (WHERE NOT cp.reported) OVER series AS weeks_missing,
         count(*) FILTER (WHERE cp.signal)
           OVER (PARTITION BY cp.facility_id, cp.project_id, cp.measure_id, cp.phase_start) AS phase_signals,
         row_number() OVER (PARTITION BY cp.facility_id, cp.project_id, cp.measure_id
                            ORDER BY cp.reported DESC, cp.week_start DESC) AS recency
  FROM learning_network.chart_points cp
  WINDOW series AS (PARTITION BY cp.facility_id, cp.project_id, cp.measure_id)
), before AS (
  SELECT c.project_id, c.facility_id, c.measure_id, c.first_week, c.week_start AS latest_week,
         c.weeks_reported::integer AS weeks_reported, c.weeks_missing::integer AS weeks_missing,
         c.y AS latest_y, c.cl AS latest_cl, c.lcl AS latest_lcl, c.ucl AS latest_ucl,
         c.signal AS latest_signal, c.signal_rules AS latest_signal_rules, c.variation AS latest_variation,
         c.phase_label AS current_phase, c.phase_signals::integer AS current_phase_signals, c.goal
  FROM counted c WHERE c.recency = 1
)
SELECT count(*) AS rows, count(*) FILTER (WHERE n.measure_id IS NULL OR b.measure_id IS NULL) AS unpaired,
       count(*) FILTER (WHERE (b.first_week, b.latest_week, b.weeks_reported, b.weeks_missing, b.latest_y, b.latest_cl,
                               b.latest_lcl, b.latest_ucl, b.latest_signal, b.latest_signal_rules, b.latest_variation,
                               b.current_phase, b.current_phase_signals, b.goal)
                              IS DISTINCT FROM
                              (n.first_week, n.latest_week, n.weeks_reported, n.weeks_missing, n.latest_y, n.latest_cl,
                               n.latest_lcl, n.latest_ucl, n.latest_signal, n.latest_signal_rules, n.latest_variation,
                               n.current_phase, n.current_phase_signals, n.goal)) AS differing,
       sum(n.current_phase_signals) AS phase_signals, sum(n.weeks_missing) AS weeks_missing
FROM before b FULL JOIN learning_network.series_status n USING (project_id, facility_id, measure_id);

-- element_pareto is built on spc.pareto: every project's Pareto of every
-- overall measure equals the definition before it, row for row and in order.
WITH parents AS (
  SELECT DISTINCT o.project_id, e.parent_measure_id AS measure_id
  FROM learning_network.observation o
  JOIN learning_network_internal.measure_visible e ON e.measure_id = o.measure_id AND e.parent_measure_id IS NOT NULL
), before AS (
  SELECT p.project_id, p.measure_id, f.measure_id AS element_measure_id, f.code, f.name, f.failures, f.audited,
         f.failures::double precision / nullif(sum(f.failures) OVER w, 0) AS failure_share,
         sum(f.failures) OVER (w ORDER BY f.failures DESC, f.code)::double precision
           / nullif(sum(f.failures) OVER w, 0) AS cumulative_share,
         row_number() OVER (w ORDER BY f.failures DESC, f.code) AS ord
  FROM parents p
  CROSS JOIN LATERAL (
    SELECT e.measure_id, e.measure_code AS code, e.measure_name AS name,
           sum(cp.denominator - cp.numerator)::bigint AS failures, sum(cp.denominator)::bigint AS audited
    FROM learning_network.measures e
    JOIN learning_network.chart_points cp ON cp.measure_id = e.measure_id AND cp.project_id = p.project_id
    WHERE e.parent_measure_id = p.measure_id AND cp.reported AND NOT cp.excluded
    GROUP BY e.measure_id, e.measure_code, e.measure_name) f
  WINDOW w AS (PARTITION BY p.project_id, p.measure_id)
), after AS (
  SELECT p.project_id, p.measure_id, n.*
  FROM parents p
  CROSS JOIN LATERAL learning_network.element_pareto(p.project_id, p.measure_id) WITH ORDINALITY
    n(element_measure_id, code, name, failures, audited, failure_share, cumulative_share, ord)
)
SELECT count(*) AS rows, count(DISTINCT (b.project_id, b.measure_id)) AS paretos,
       count(*) FILTER (WHERE a.code IS NULL OR b.code IS NULL) AS unpaired,
       count(*) FILTER (WHERE (b.element_measure_id, b.code, b.name, b.failures, b.audited, b.failure_share,
                               b.cumulative_share)
                              IS DISTINCT FROM (a.element_measure_id, a.code, a.name, a.failures, a.audited,
                                                a.failure_share, a.cumulative_share)) AS differing
FROM before b FULL JOIN after a USING (project_id, measure_id, ord);
