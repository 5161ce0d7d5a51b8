-- Conformance of the cumulative charts: qcc 2.7's ewma() and cusum() and
-- qicharts2 0.8.1's bchart() on the examples of their help pages,
-- Montgomery's CUSUM and EWMA tables, qcc's unit-test vectors, and
-- hand-worked Bernoulli and risk-adjusted CUSUMs
-- (test/conformance/cumulative/README.md shows every step).
\set ECHO none
SET client_min_messages = warning;
CREATE TEMP TABLE cum_input (case_id text, chart text, i int, obs int, x float8,
  n float8, baseline int);
\copy cum_input (case_id, chart, i, obs, x, baseline) FROM 'test/conformance/cumulative/qcc_inputs.csv' CSV HEADER
\copy cum_input FROM 'test/conformance/cumulative/textbook_inputs.csv' CSV HEADER
\copy cum_input FROM 'test/conformance/cumulative/qicharts2_inputs.csv' WITH (FORMAT csv, HEADER, FORCE_NULL (n))
CREATE TEMP TABLE cum_expected (case_id text, spec text, source text, i int,
  y float8, y_lower float8, cl float8, lcl float8, ucl float8, signal int, tol float8);
CREATE TEMP TABLE cum_qcc (case_id text, spec text, call text, i int, y float8,
  y_lower float8, cl float8, lcl float8, ucl float8, signal int);
\copy cum_qcc FROM 'test/conformance/cumulative/qcc_expected.csv' WITH (FORMAT csv, HEADER, FORCE_NULL (y, y_lower, cl, lcl, ucl))
INSERT INTO cum_expected SELECT case_id, spec, 'qcc 2.7: ' || call, i, y, y_lower, cl, lcl, ucl, signal, 1e-9
FROM cum_qcc;
\copy cum_expected FROM 'test/conformance/cumulative/textbook_expected.csv' CSV HEADER
-- bchart draws 0 where a side signals (it has restarted); there the value is
-- left out and only the crossing of the limit is compared
\copy cum_expected FROM 'test/conformance/cumulative/qicharts2_expected.csv' WITH (FORMAT csv, HEADER, FORCE_NULL (y, y_lower, cl, lcl, ucl))
\set ECHO all

CREATE FUNCTION pg_temp.close(a float8, b float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS
$$ SELECT (a IS NULL AND b IS NULL)
       OR abs(a - b) <= greatest(tol * greatest(abs(a), abs(b)), 1e-12) $$;

CREATE TEMP TABLE cum_result AS
SELECT case_id, i, (c).*
FROM (SELECT d.case_id, d.i, d.obs,
             spc.chart(e.spec, d.x, d.n, d.baseline = 1) OVER (PARTITION BY d.case_id ORDER BY d.i) AS c
      FROM cum_input d
      JOIN (SELECT DISTINCT case_id, spec FROM cum_expected) e USING (case_id)) s
WHERE obs = 1;

-- Every point: the statistic(s), centre line, limits (where the source
-- prints them) and the signal.
SELECT e.case_id, e.spec, count(*) AS points,
       count(*) FILTER (WHERE NOT CASE WHEN e.y IS NULL AND e.signal = 1 THEN r.y >= r.ucl
                                       ELSE pg_temp.close(r.y, e.y, e.tol) END) AS bad_y,
       count(*) FILTER (WHERE NOT CASE WHEN e.y_lower IS NULL AND e.signal = 1 THEN r.y_lower <= r.lcl
                                       ELSE pg_temp.close(r.y_lower, e.y_lower, e.tol) END) AS bad_y_lower,
       count(*) FILTER (WHERE NOT pg_temp.close(r.cl, e.cl, e.tol)) AS bad_cl,
       count(e.lcl) AS limit_points,
       count(*) FILTER (WHERE e.lcl IS NOT NULL AND NOT (pg_temp.close(r.lcl, e.lcl, e.tol)
                                                     AND pg_temp.close(r.ucl, e.ucl, e.tol))) AS bad_limits,
       count(*) FILTER (WHERE r.signal <> (e.signal = 1)) AS bad_signals,
       count(*) FILTER (WHERE e.signal = 1) AS signals
FROM cum_expected e JOIN cum_result r USING (case_id, i)
GROUP BY e.case_id, e.spec ORDER BY e.case_id;

-- No expected point is left without a computed one.
SELECT count(*) AS unmatched FROM cum_expected e LEFT JOIN cum_result r USING (case_id, i) WHERE r.i IS NULL;

-- The signal codes: ewma, or cusum_upper / cusum_lower by side.
SELECT case_id, i, signals, round(y::numeric, 4) AS y, round(y_lower::numeric, 4) AS y_lower
FROM cum_result WHERE signal ORDER BY case_id, i;
