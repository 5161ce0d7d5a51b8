-- learning_network demo: a whole network loaded by load_demo(), one team's
-- chart with its phases, PDSA cycles and signals, and the network's status.
\set QUIET 1
\pset footer off
SET extra_float_digits = 0;
CREATE EXTENSION IF NOT EXISTS learning_network_demo CASCADE;

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

\echo
\echo 'Who sees what: the same query as two facilities of Mammography Positioning, and as the BI connection alone'
SELECT count(*) AS roles_made FROM (
  SELECT learning_network.create_facility_role(p.facility_id)
  FROM learning_network.project p WHERE p.collaborative_id = 2) r;
SELECT p.facility_id AS first_mammo_facility FROM learning_network.project p
WHERE p.collaborative_id = 2 ORDER BY p.facility_id LIMIT 1 \gset
SELECT p.facility_id AS private_mammo_facility FROM learning_network.project p
JOIN learning_network.sharing s ON s.facility_id = p.facility_id AND s.measure_id IS NULL AND s.tier = 'private'
WHERE p.collaborative_id = 2 \gset
SET ROLE learning_network_facility_:first_mammo_facility;
\echo 'As the first mammography facility: its own series with its name, its peers under pseudonyms (one keeps its data private)'
SELECT facility_code, coalesce(facility_name, '(pseudonym only)') AS shown_as,
       count(DISTINCT measure_code) AS measures, count(*) FILTER (WHERE reported) AS weeks
FROM learning_network.chart_points GROUP BY facility_code, facility_name
ORDER BY facility_name IS NULL, facility_code;
RESET ROLE;
SET ROLE learning_network_facility_:private_mammo_facility;
\echo 'As the facility that keeps its data private: it still sees the peers that share'
SELECT count(DISTINCT facility_code) AS facilities_seen,
       count(DISTINCT facility_code) FILTER (WHERE facility_name IS NOT NULL) AS with_name
FROM learning_network.chart_points;
RESET ROLE;
SET ROLE learning_network_bi;
\echo 'As the BI connection on its own: no facility series at all (the public tier only)'
SELECT (SELECT count(*) FROM learning_network.chart_points) AS chart_rows,
       (SELECT count(*) FROM learning_network.measures) AS catalogue_rows;
RESET ROLE;
\echo 'The security audit (empty on a correct install):'
SELECT count(*) AS problems FROM learning_network.security_audit;
