-- spc demo: a mammography positioning team's weekly p-chart with a phase
-- after its first PDSA cycle, and an XmR chart of days to follow-up.
\set QUIET 1
\pset footer off
SET extra_float_digits = 0;
CREATE EXTENSION IF NOT EXISTS spc;

-- 30 weeks of audits: ~62 % pass before the change, ~81 % after week 16.
CREATE TEMP TABLE positioning AS
SELECT date '2026-01-04' + 7 * (w - 1) AS week_start,
       w > 16 AS after_pdsa,
       audited,
       round(audited * CASE WHEN w > 16 THEN 0.81 ELSE 0.62 END
             + 4 * sin(w * 2.3))::int AS passed
FROM generate_series(1, 30) w,
     LATERAL (SELECT 40 + (w * 17) % 23 AS audited) a;

-- Days from recommendation to completed follow-up, weekly median; week 21
-- had a scheduling outage.
CREATE TEMP TABLE follow_up AS
SELECT date '2026-01-04' + 7 * (w - 1) AS week_start,
       round((24 + 3 * sin(w * 1.7) + 2 * cos(w * 0.9) + CASE WHEN w = 21 THEN 14 ELSE 0 END)::numeric, 1)::float8 AS days
FROM generate_series(1, 30) w;

\i demo/strip.sql

\echo
\echo 'p-chart: screening mammograms passing all positioning criteria (phase 2 after the PDSA in week 17)'
\echo '  ":" control limits, "|" centre line, "o" a week, "X" a special-cause signal'
SELECT week_start AS week, passed || '/' || audited AS passed,
       round(100 * (c).y)::text || '%' AS pct,
       round((100 * (c).cl)::numeric, 1) AS cl, round((100 * (c).lcl)::numeric, 1) AS lcl, round((100 * (c).ucl)::numeric, 1) AS ucl,
       pg_temp.strip((c).y, (c).cl, (c).lcl, (c).ucl, (c).signal, 0.3, 1.0) AS "30% ........................................ 100%",
       array_to_string((c).signals, ',') AS signals
FROM (SELECT *, spc.chart('p', passed, audited, rules => 'ihi,anhoej', improvement => 'up')
                  OVER (PARTITION BY after_pdsa ORDER BY week_start) AS c
      FROM positioning) s
ORDER BY week_start;

\echo
\echo 'The same weeks in one phase with the baseline frozen at week 16: the new weeks judged against the old limits'
SELECT week_start AS week, round(100 * (c).y)::text || '%' AS pct,
       round((100 * (c).ucl)::numeric, 1) AS ucl, array_to_string((c).signals, ',') AS signals, (c).variation
FROM (SELECT *, spc.chart('p', passed, audited, baseline => NOT after_pdsa, rules => 'ihi,anhoej',
                          improvement => 'up') OVER (ORDER BY week_start) AS c
      FROM positioning) s
WHERE after_pdsa AND week_start <= date '2026-05-31'
ORDER BY week_start;

\echo
\echo 'Phase summaries (spc.phase_summary): centre line, sigma, trial limits, runs analysis'
SELECT CASE WHEN after_pdsa THEN 'after PDSA' ELSE 'baseline' END AS phase,
       (s).n_subgroups AS weeks, round((100 * (s).cl)::numeric, 1) AS "cl %", (s).trial,
       (s).longest_run || ' (max ' || (s).longest_run_max || ')' AS longest_run,
       (s).n_crossings || ' (min ' || (s).n_crossings_min || ')' AS crossings, (s).runs_signal
FROM (SELECT after_pdsa, spc.phase_summary('p', week_start, passed, audited) AS s
      FROM positioning GROUP BY after_pdsa) q
ORDER BY after_pdsa;

\echo
\echo 'XmR (I) chart: days from recommendation to completed follow-up'
SELECT week_start AS week, days, round((c).cl::numeric, 1) AS cl,
       round((c).lcl::numeric, 1) AS lcl, round((c).ucl::numeric, 1) AS ucl,
       pg_temp.strip((c).y, (c).cl, (c).lcl, (c).ucl, (c).signal, 10, 45) AS "10 days ................................ 45 days",
       array_to_string((c).signals, ',') AS signals, (c).variation
FROM (SELECT *, spc.chart('i', days, improvement => 'down') OVER (ORDER BY week_start) AS c
      FROM follow_up) s
ORDER BY week_start;

\echo
\echo 'Its moving-range chart'
SELECT week_start AS week, round((c).y::numeric, 1) AS mr, round((c).cl::numeric, 2) AS cl,
       round((c).ucl::numeric, 2) AS ucl, array_to_string((c).signals, ',') AS signals
FROM (SELECT *, spc.chart('mr', days) OVER (ORDER BY week_start) AS c FROM follow_up) s
WHERE week_start BETWEEN date '2026-05-03' AND date '2026-06-07'
ORDER BY week_start;
