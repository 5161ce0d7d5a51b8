-- spc.pareto and spc.series_summary: summaries over an analyst's own tables.
SET extra_float_digits = 0;

-- Pareto of incident reasons: one row per incident (amount 1), NULL reasons skipped.
SELECT p.* FROM unnest((SELECT spc.pareto(reason, 1)
                        FROM (VALUES ('fall'), ('fall'), ('medication'), ('fall'), ('pressure ulcer'),
                                     ('medication'), (NULL), ('other')) v(reason))) p;

-- Counts already aggregated, per ward; ties by category; amounts need not be whole.
SELECT ward, p.*
FROM (SELECT ward, spc.pareto(reason, n) AS items
      FROM (VALUES ('A', 'wrong dose', 4), ('A', 'omitted', 4), ('A', 'late', 1.5), ('B', 'late', 3),
                   ('B', 'late', 2), ('B', NULL, 9)) v(ward, reason, n)
      GROUP BY ward) s, unnest(s.items) p
ORDER BY ward, p.cumulative_share;

-- Degenerate: no rows, a zero total (shares NULL), NULL amounts.
SELECT spc.pareto(c, a) AS no_rows FROM (VALUES ('x', 1::float8)) v(c, a) WHERE false;
SELECT spc.pareto(c, a) AS zero_total FROM (VALUES ('x', 0::float8), ('y', 0)) v(c, a);
SELECT spc.pareto(c, a) AS null_amounts FROM (VALUES ('x', NULL::float8)) v(c, a);

-- Bad amounts: SQLSTATE 22023 naming the argument.
DO $$
DECLARE
  amount float8;
BEGIN
  FOREACH amount IN ARRAY ARRAY[-1, 'Infinity', 'NaN']::float8[] LOOP
    BEGIN
      PERFORM spc.pareto('x', amount);
    EXCEPTION WHEN invalid_parameter_value THEN
      RAISE NOTICE '%: %', SQLSTATE, SQLERRM;
    END;
  END LOOP;
END $$;

-- A forced parallel plan (partial states combined) gives the serial answer.
CREATE TABLE pareto_incidents AS
SELECT g, 'reason ' || (g * 7919 % 13) AS reason, (g % 5)::float8 AS n FROM generate_series(1, 20000) g;
ANALYZE pareto_incidents;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_pareto AS SELECT spc.pareto(reason, n) AS items FROM pareto_incidents;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT spc.pareto(reason, n) FROM pareto_incidents;
CREATE TEMP TABLE parallel_pareto AS SELECT spc.pareto(reason, n) AS items FROM pareto_incidents;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT p.items = s.items AS parallel_equals_serial, cardinality(s.items) AS categories,
       (s.items[cardinality(s.items)]).cumulative_share AS last_cumulative
FROM serial_pareto s, parallel_pareto p;
DROP TABLE pareto_incidents;

-- Series status over spc.chart's points, per ward: two phases, missing weeks
-- at the end (the latest present week stands), an invalid week (present).
CREATE TEMP TABLE weekly (ward text, week int, phase text, x float8, n float8);
INSERT INTO weekly
SELECT ward, w, CASE WHEN w > 20 THEN 'bundle' ELSE 'baseline' END,
       CASE WHEN ward = 'B' AND w > 28 THEN NULL
            WHEN ward = 'C' AND w = 30 THEN 12 ELSE 2 + (w * 7 + length(ward)) % 5 + CASE WHEN w > 22 AND ward = 'A' THEN 8 ELSE 0 END END,
       CASE WHEN ward = 'C' AND w = 30 THEN 10 ELSE 40 END
FROM unnest(ARRAY['A', 'B', 'C']) ward, generate_series(1, 30) w;
SELECT ward, (s).*
FROM (SELECT ward, spc.series_summary(c, phase ORDER BY week) AS s
      FROM (SELECT ward, week, phase,
                   spc.chart('p', x, n, improvement => 'down') OVER (PARTITION BY ward, phase ORDER BY week) AS c
            FROM weekly) q
      GROUP BY ward) r
ORDER BY ward;

-- As a window aggregate over the whole series (as learning_network.series_status
-- uses it): every row carries the series' status, the same as GROUP BY's.
SELECT ward, count(DISTINCT s) AS statuses, min((s).latest_index) AS latest_index,
       min((s).current_phase_signals) AS current_phase_signals, bool_and((s).n_points = 30) AS all_points
FROM (SELECT ward, spc.series_summary(c, phase) OVER (PARTITION BY ward ORDER BY week
                                                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s
      FROM (SELECT ward, week, phase,
                   spc.chart('p', x, n, improvement => 'down') OVER (PARTITION BY ward, phase ORDER BY week) AS c
            FROM weekly) q) r
GROUP BY ward ORDER BY ward;

-- Without phases; no present point at all (the last point stands); no rows.
SELECT (spc.series_summary(c ORDER BY w)).* FROM (
  SELECT w, spc.chart('i', x) OVER (ORDER BY w) AS c
  FROM (VALUES (1, 5::float8), (2, 7), (3, NULL)) v(w, x)) q;
SELECT (spc.series_summary(c ORDER BY w)).* FROM (
  SELECT w, spc.chart('i', NULL::float8) OVER (ORDER BY w) AS c FROM generate_series(1, 3) w) q;
SELECT spc.series_summary(NULL::spc.point) IS NULL AS no_rows_is_null FROM generate_series(1, 0);
