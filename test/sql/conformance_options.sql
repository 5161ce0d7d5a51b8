-- Conformance of the analyst's options against qicharts2 0.8.1 itself: ratios
-- on run, I and MR charts (n given), freeze, cl and multiply, with
-- qicharts2's default rules, 'limits,anhoej' (test/conformance/options).
\set ECHO none
SET client_min_messages = warning;
CREATE TEMP TABLE opt_input (case_id text, i int, x float8, n float8);
\copy opt_input FROM 'test/conformance/options/inputs.csv' WITH (FORMAT csv, HEADER, FORCE_NULL (n))
CREATE TEMP TABLE opt_expected (case_id text, spec text, call text, i int, y float8, cl float8,
  lcl float8, ucl float8, sigma_signal int, runs_signal int);
\copy opt_expected FROM 'test/conformance/options/expected.csv' WITH (FORMAT csv, HEADER, FORCE_NULL (y, cl, lcl, ucl))
\set ECHO all

CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS
$$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= greatest(1e-9 * greatest(abs(a), abs(b)), 1e-12) $$;

CREATE TEMP TABLE opt_result AS
SELECT case_id, i, (c).*,
       bool_or('anhoej_run' = ANY ((c).signals) OR 'anhoej_crossings' = ANY ((c).signals))
         OVER (PARTITION BY case_id) AS runs_signal
FROM (SELECT d.case_id, d.i,
             spc.chart(e.spec, d.x, d.n, rules => 'limits,anhoej') OVER (PARTITION BY d.case_id ORDER BY d.i) AS c
      FROM opt_input d JOIN (SELECT DISTINCT case_id, spec FROM opt_expected) e USING (case_id)) s;

SELECT e.case_id, e.spec, count(*) AS points,
       count(*) FILTER (WHERE NOT pg_temp.close(r.y, e.y)) AS bad_y,
       count(*) FILTER (WHERE NOT pg_temp.close(r.cl, e.cl)) AS bad_cl,
       count(*) FILTER (WHERE NOT (pg_temp.close(r.lcl, e.lcl) AND pg_temp.close(r.ucl, e.ucl))) AS bad_limits,
       count(*) FILTER (WHERE ('limits' = ANY (r.signals)) <> (e.sigma_signal = 1)) AS bad_sigma_signals,
       count(*) FILTER (WHERE r.runs_signal <> (e.runs_signal = 1)) AS bad_runs_signals,
       count(*) FILTER (WHERE e.sigma_signal = 1) AS sigma_signals,
       bool_or(e.runs_signal = 1) AS runs_signal
FROM opt_expected e JOIN opt_result r USING (case_id, i)
GROUP BY e.case_id, e.spec ORDER BY e.case_id;
