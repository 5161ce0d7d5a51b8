-- learning_network: the demo network, and what each view shows of it.
SET extra_float_digits = 0;

SELECT * FROM learning_network.load_demo();
-- A second load would mix with the data: refused.
SELECT learning_network.load_demo();

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

-- Completeness.
SELECT measure_code, count(*) AS series, sum(weeks_missing) AS weeks_missing,
       min(completeness_pct) AS min_pct, sum(corrections) AS corrections, sum(deletions) AS deletions
FROM learning_network.data_completeness
WHERE measure_code IN ('MAMMO_POS_PASS', 'LCS_VOLUME', 'RFU_OPEN_OVERDUE')
GROUP BY 1 ORDER BY 1;
