-- Conformance: every point of every case in test/conformance (qicharts2,
-- qcc and NHSRplotthedots outputs) reproduced by spc.chart, and every
-- qicharts2 summary() row by spc.phase_summary.
\set ECHO none
SET client_min_messages = warning;

CREATE TEMP TABLE conf_input (case_id text, chart text, i int, obs int, x float8,
  n float8, part int, baseline int, excluded int);
\copy conf_input FROM 'test/conformance/inputs.csv' CSV HEADER
CREATE TEMP TABLE conf_expected (case_id text, tool text, chart text, i int,
  x float8, n float8, part int, y float8, cl float8, lcl float8, ucl float8,
  sigma_signal int, runs_signal int, qcc_violating_runs int, lcl_95 float8,
  ucl_95 float8, baseline int, excluded int, signal_type text);
\copy conf_expected FROM 'test/conformance/expected.csv' CSV HEADER
CREATE TEMP TABLE conf_summary (case_id text, tool text, chart text, part int,
  n_obs int, n_useful int, longest_run int, longest_run_max int,
  n_crossings int, n_crossings_min int, runs_signal int, alcl float8,
  cl float8, aucl float8, sigma_signal_count int);
\copy conf_summary FROM 'test/conformance/summary.csv' CSV HEADER
\set ECHO all

-- The chart argument that reproduces each tool variant, and the tolerance.
CREATE TEMP TABLE conf_case_chart AS
SELECT case_id, chart,
       CASE
         WHEN tool = 'qicharts2' THEN chart
         WHEN tool = 'qicharts2_unscreened' THEN chart || '(screen=false)'
         WHEN tool = 'NHSRplotthedots' THEN 'i'
         WHEN case_id LIKE '%_qcc_sd' THEN 'xbar'
         WHEN chart IN ('xbar', 's', 'g') THEN chart || '(method=qcc)'
         WHEN chart = 'i' THEN 'i(screen=false)'
         ELSE chart
       END AS spec,
       -- NHSRplotthedots uses 2.66 MR-bar, we use 3/1.128 MR-bar (1.5e-4 apart)
       CASE WHEN tool = 'NHSRplotthedots' THEN 2e-4 ELSE 1e-9 END AS tol
FROM (SELECT DISTINCT case_id, tool, chart FROM conf_expected) c;

SELECT count(*) AS cases FROM conf_case_chart;

CREATE FUNCTION pg_temp.close(a float8, b float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS
$$ SELECT (a IS NULL AND b IS NULL)
       OR abs(a - b) <= greatest(tol * greatest(abs(a), abs(b)), 1e-12) $$;

CREATE TEMP TABLE conf_result AS
SELECT case_id, i, chart, tol, (c).*
FROM (SELECT m.case_id, m.chart, m.tol, d.i, d.obs,
             spc.chart(m.spec, d.x, d.n, d.baseline = 1, d.excluded = 1)
               OVER (PARTITION BY d.case_id, d.part ORDER BY d.i) AS c
      FROM conf_input d JOIN conf_case_chart m USING (case_id)) s
WHERE obs = 1;

-- Every point: y, centre line, limits, sigma signal (as limits, the default's), and the
-- qicharts2 2-sigma lines from cl +/- 2 sigma (zones of g charts from the
-- mean, ucl - 3 sigma; none on mr and t charts, whose limits are asymmetric).
CREATE TEMP TABLE conf_check AS
SELECT e.case_id, e.i,
       pg_temp.close(r.y, e.y, r.tol) AS y_ok,
       pg_temp.close(r.cl, e.cl, r.tol) AS cl_ok,
       pg_temp.close(r.lcl, e.lcl, r.tol) AND pg_temp.close(r.ucl, e.ucl, r.tol) AS limits_ok,
       ((r.y > r.ucl OR r.y < r.lcl) IS TRUE) = (e.sigma_signal = 1)
         AND ('limits' = ANY (r.signals)) = (e.sigma_signal = 1) AS signal_ok,
       CASE WHEN e.lcl_95 IS NULL OR r.sigma IS NULL THEN NULL
            ELSE pg_temp.close(greatest(z.centre - 2 * r.sigma, z.lo), e.lcl_95, r.tol)
             AND pg_temp.close(least(z.centre + 2 * r.sigma, z.hi), e.ucl_95, r.tol)
       END AS zones_ok
FROM conf_expected e
JOIN conf_result r USING (case_id, i)
CROSS JOIN LATERAL (
  SELECT CASE WHEN r.chart = 'g' THEN r.ucl - 3 * r.sigma ELSE r.cl END AS centre,
         CASE WHEN r.chart IN ('i', 'xbar') THEN '-Infinity'::float8 ELSE 0 END AS lo,
         CASE WHEN r.chart IN ('p', 'pp') THEN 1 ELSE 'Infinity'::float8 END AS hi) z;

SELECT c.case_id, count(*) AS points,
       count(*) FILTER (WHERE NOT y_ok) AS bad_y,
       count(*) FILTER (WHERE NOT cl_ok) AS bad_cl,
       count(*) FILTER (WHERE NOT limits_ok) AS bad_limits,
       count(*) FILTER (WHERE NOT signal_ok) AS bad_signals,
       count(zones_ok) AS zone_points,
       count(*) FILTER (WHERE NOT zones_ok) AS bad_zones
FROM conf_check c
GROUP BY c.case_id ORDER BY c.case_id;

-- Any point that disagrees, with both answers (expected: none).
SELECT e.case_id, e.i, e.y, r.y AS our_y, e.cl, r.cl AS our_cl, e.lcl, r.lcl AS our_lcl,
       e.ucl, r.ucl AS our_ucl
FROM conf_check c JOIN conf_expected e USING (case_id, i) JOIN conf_result r USING (case_id, i)
WHERE NOT (y_ok AND cl_ok AND limits_ok AND signal_ok AND coalesce(zones_ok, true))
ORDER BY 1, 2 LIMIT 20;

-- Phase summaries against qicharts2's summary(): every field of every part.
CREATE TEMP TABLE conf_phase AS
SELECT d.case_id, d.part, m.tol,
       spc.phase_summary(m.spec, d.i::float8, d.x, d.n, d.baseline = 1, d.excluded = 1) AS s
FROM conf_input d JOIN conf_case_chart m USING (case_id)
GROUP BY d.case_id, d.part, m.tol;

SELECT e.case_id, e.part,
       (p.s).n_obs = e.n_obs AS n_obs,
       (p.s).n_useful = e.n_useful AS n_useful,
       (p.s).longest_run = e.longest_run AND (p.s).longest_run_max = e.longest_run_max AS runs,
       (p.s).n_crossings = e.n_crossings AND (p.s).n_crossings_min = e.n_crossings_min AS crossings,
       (p.s).runs_signal = (e.runs_signal = 1) AS runs_signal,
       pg_temp.close((p.s).cl, e.cl, p.tol) AS cl,
       pg_temp.close((p.s).avg_lcl, e.alcl, p.tol) AND pg_temp.close((p.s).avg_ucl, e.aucl, p.tol) AS avg_limits,
       (p.s).sigma_signals = e.sigma_signal_count AS sigma_signals
FROM conf_summary e JOIN conf_phase p USING (case_id, part)
ORDER BY 1, 2;

-- The run-chart reference of methods.md (cdi, no freeze): n.useful 32 of 36,
-- CL 17, longest run 14 (max 8), crossings 6 (min 11), signal.
SELECT (s).n_obs, (s).n_useful, (s).cl, (s).longest_run, (s).longest_run_max,
       (s).n_crossings, (s).n_crossings_min, (s).runs_signal
FROM (SELECT spc.phase_summary('run', i::float8, x) AS s
      FROM conf_input WHERE case_id = 'pub17_cdi_run_freeze_qic') q;

-- Rules against the reference tools.
-- qicharts2: a part has runs_signal exactly when some point of it carries an
-- Anhoej code (rules 'anhoej').
CREATE TEMP TABLE conf_runs AS
SELECT d.case_id, d.part, bool_or((c).signals && ARRAY['anhoej_run', 'anhoej_crossings']) AS ours
FROM (SELECT d.case_id, d.part, d.obs,
             spc.chart(m.spec, d.x, d.n, d.baseline = 1, d.excluded = 1, rules => 'anhoej')
               OVER (PARTITION BY d.case_id, d.part ORDER BY d.i) AS c
      FROM conf_input d JOIN conf_case_chart m USING (case_id)) d
GROUP BY d.case_id, d.part;
SELECT count(*) AS parts, count(*) FILTER (WHERE r.ours = (e.runs_signal = 1)) AS agree,
       count(*) FILTER (WHERE e.runs_signal = 1) AS with_runs_signal
FROM (SELECT DISTINCT case_id, part, runs_signal FROM conf_expected WHERE tool LIKE 'qicharts2%') e
JOIN conf_runs r USING (case_id, part);

-- NHSRplotthedots: one label per point; 'Common Cause' means no NHS pattern
-- at all, 'Below LCL' / 'Above UCL' the limit rule.
SELECT e.signal_type, array_to_string(r.signals, ',') AS our_codes, count(*) AS points
FROM conf_expected e
JOIN (SELECT d.i, spc.chart('i', d.x, rules => 'nhs', improvement => 'up') OVER (ORDER BY d.i) AS c
      FROM conf_input d WHERE case_id = 'pub24_cabg_age_i_ptd') q ON q.i = e.i
CROSS JOIN LATERAL (SELECT (q.c).signals) r(signals)
WHERE e.case_id = 'pub24_cabg_age_i_ptd'
GROUP BY 1, 2 ORDER BY 1, 2;

-- qcc 2.7 violating.runs: 7 or more points on one side (the CL breaks a run),
-- flagged from the 7th point on.  Ours, we(shift=7), flags the whole run: a
-- point is qcc's exactly when it is the 7th or later point of a run we flag.
CREATE TEMP TABLE conf_qcc_runs AS
SELECT case_id, i, violating,
       flagged AND row_number() OVER (PARTITION BY case_id, run ORDER BY i) >= 7 AS ours
FROM (SELECT case_id, i, violating, flagged,
             sum(CASE WHEN side IS DISTINCT FROM prev_side THEN 1 ELSE 0 END)
               OVER (PARTITION BY case_id ORDER BY i) AS run
      FROM (SELECT case_id, i, violating, 'we4' = ANY ((c).signals) AS flagged,
                   sign((c).y - (c).cl) AS side,
                   lag(sign((c).y - (c).cl)) OVER (PARTITION BY case_id ORDER BY i) AS prev_side
            FROM (SELECT e.case_id, e.i, e.qcc_violating_runs = 1 AS violating, r.c
                  FROM conf_expected e
                  JOIN (SELECT d.case_id, d.i, d.obs,
                               spc.chart(m.spec, d.x, d.n, d.baseline = 1, d.excluded = 1, rules => 'we(shift=7)')
                                 OVER (PARTITION BY d.case_id, d.part ORDER BY d.i) AS c
                        FROM conf_input d JOIN conf_case_chart m USING (case_id)) r
                    ON r.case_id = e.case_id AND r.i = e.i AND r.obs = 1
                  WHERE e.tool = 'qcc') q1) q2) q3;
SELECT count(*) AS qcc_points, count(*) FILTER (WHERE violating = ours) AS agree,
       count(*) FILTER (WHERE violating) AS violating_runs
FROM conf_qcc_runs;
