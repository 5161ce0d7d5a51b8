-- learning_network demo: a whole network loaded by load_demo(), one team's
-- chart with its phases, PDSA cycles and signals, and the network's status.
\set QUIET 1
\pset footer off
SET extra_float_digits = 0;
CREATE EXTENSION IF NOT EXISTS learning_network CASCADE;

\echo
\echo 'Loading the demo network: learning_network.load_demo()'
SELECT relation, row_count FROM learning_network.load_demo();

\i demo/strip.sql

SELECT project_id AS team, project_title AS title, facility_name AS facility
FROM learning_network.chart_points
WHERE collaborative_code = 'MAMMO' ORDER BY project_id LIMIT 1 \gset

\echo
\echo 'One team''s p-chart: ' :facility ', screening mammograms meeting all positioning criteria'
\echo '  (every 4th week; phases from the data; ":" limits, "|" centre line, "X" a signal, "-" a missing week)'
SELECT week_start AS week, numerator || '/' || denominator AS passed,
       round(y::numeric) || '%' AS pct, round(cl::numeric, 1) AS cl,
       CASE WHEN reported THEN pg_temp.strip(y, cl, lcl, ucl, signal, 20, 100, 44) ELSE '-' END
         AS "20% ...................................... 100%",
       phase_label AS phase, signal_rules AS signals, variation, annotation
FROM learning_network.chart_points
WHERE project_id = :team AND measure_code = 'MAMMO_POS_PASS'
  AND (extract(week FROM week_start)::int % 4 = 0 OR annotation IS NOT NULL OR NOT reported)
  AND week_start < date '2023-09-01'
ORDER BY week_start;

\echo
\echo 'The network now (learning_network.series_status): main measures, latest week of each series'
SELECT collaborative_code AS collab, measure_code AS measure, facility_code AS facility,
       latest_week, round(latest_y::numeric, 1) AS latest, round(latest_cl::numeric, 1) AS cl,
       current_phase, latest_variation AS variation, round(goal::numeric, 1) AS goal, assurance,
       weeks_missing
FROM learning_network.series_status
WHERE measure_code IN ('MAMMO_POS_PASS', 'PROS_PIQUAL_PASS', 'LCS_ELIG_RATE', 'RFU_COMPLETE')
  AND facility_id % 3 = 0
ORDER BY collab, facility;

\echo
\echo 'Network pooled series, one line per quarter (learning_network.network_weekly, Laney p'')'
SELECT measure_code, date_trunc('quarter', week_start)::date AS quarter,
       round(avg(y)::numeric, 1) AS mean_pct, max(facilities_reporting) AS facilities,
       count(*) FILTER (WHERE signal) AS signal_weeks
FROM learning_network.network_weekly
WHERE measure_code = 'MAMMO_POS_PASS'
GROUP BY 1, 2 ORDER BY 2;

\echo
\echo 'Funnel over the last 26 weeks (learning_network.facility_comparison): pseudonyms, no ranking'
SELECT facility_code, numerator || '/' || round(denominator) AS passed, round(y::numeric, 1) AS pct,
       round(target::numeric, 1) AS target, round(lower998::numeric, 1) AS lower998,
       round(upper998::numeric, 1) AS upper998, outside998, round(phi::numeric, 2) AS phi
FROM learning_network.facility_comparison
WHERE measure_code = 'MAMMO_POS_PASS' AND window_weeks = 26
ORDER BY facility_code;
