-- Bad input.  Argument errors raise SQLSTATE 22023 naming the argument,
-- with a hint; data problems never raise: the point gets NULL y and limits
-- and the code 'invalid'.  Degenerate partitions return sensible rows.
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Argument errors: SQLSTATE and message.
SELECT q, pg_temp.error_of(q) FROM (VALUES
  ($$SELECT spc.chart('foo', 1) OVER ()$$),
  ($$SELECT spc.chart('', 1) OVER ()$$),
  ($$SELECT spc.chart(NULL, 1) OVER ()$$),
  ($$SELECT spc.chart('p(screen=false)', 1, 2) OVER ()$$),
  ($$SELECT spc.chart('i(screen=maybe)', 1) OVER ()$$),
  ($$SELECT spc.chart('i(screen=false', 1) OVER ()$$),
  ($$SELECT spc.chart('p', 1) OVER ()$$),
  ($$SELECT spc.chart('u', 1, NULL) OVER ()$$),
  ($$SELECT spc.chart('pp', 1, rules => 'ihi') OVER ()$$),
  ($$SELECT spc.chart('i', 1, rules => 'westgard') OVER ()$$),
  ($$SELECT spc.chart('i', 1, rules => 'ihi,') OVER ()$$),
  ($$SELECT spc.chart('i', 1, rules => 'ihi(shift=1)') OVER ()$$),
  ($$SELECT spc.chart('i', 1, rules => 'we(trend=6)') OVER ()$$),
  ($$SELECT spc.chart('i', 1, rules => '') OVER ()$$),
  ($$SELECT spc.chart('i', 1, improvement => 'sideways') OVER ()$$),
  ($$SELECT spc.phase_summary('p', 1, 1)$$),
  ($$SELECT spc.phase_summary('bogus', 1, 1)$$),
  ($$SELECT spc.phase_summary(c, i, 1) FROM (VALUES ('i', 1), ('c', 2)) v(c, i)$$)
) t(q);

-- Valid arguments in any case and spacing.
SELECT pg_temp.error_of($$SELECT spc.chart(' XBar (Method = QCC) ', 1, rules => 'IHI , Anhoej', improvement => ' UP ') OVER ()$$);

-- One error shown whole, with its hint.
\set VERBOSITY default
SELECT spc.chart('bogus', 1) OVER ();
SELECT spc.chart('i', 1, rules => 'nhs(shift=6,trend=x)') OVER ();

-- Data problems: no error, the point is 'invalid' with NULL y and limits,
-- and takes no part in estimation (the limits equal those without it).
CREATE TABLE bad (chart text, i int, x float8, n float8);
INSERT INTO bad VALUES
  ('p', 1, 5, 10), ('p', 2, 6, 10), ('p', 3, 11, 10), ('p', 4, -1, 10), ('p', 5, 4, 0),
  ('p', 6, 'NaN', 10), ('p', 7, 5, 'Infinity'), ('p', 8, 5, NULL), ('p', 9, 3, 10), ('p', 10, NULL, 10),
  ('u', 1, 2, 5), ('u', 2, 3, -5), ('u', 3, 4, 5), ('u', 4, 'Infinity', 5), ('u', 5, 1, 5),
  ('c', 1, 4, NULL), ('c', 2, -4, NULL), ('c', 3, 6, NULL), ('c', 4, '-Infinity', NULL), ('c', 5, 5, NULL),
  ('i', 1, 1, NULL), ('i', 2, 'NaN', NULL), ('i', 3, 3, NULL), ('i', 4, 1e308, NULL), ('i', 5, 1e308, NULL),
  ('i', 6, 2, NULL),
  ('t', 1, 3, NULL), ('t', 2, -3, NULL), ('t', 3, 0, NULL), ('t', 4, 5, NULL),
  ('g', 1, 3, NULL), ('g', 2, -1, NULL), ('g', 3, 7, NULL);
SELECT chart, i, x, n, (c).y, (c).cl, (c).ucl,
       (c).signal, (c).signals
FROM (SELECT chart, i, x, n, spc.chart(chart, x, n) OVER (PARTITION BY chart ORDER BY i) AS c FROM bad) s
ORDER BY chart, i;
-- The p limits above equal those of the valid weeks alone:
SELECT DISTINCT round((c).cl::numeric, 4) AS cl, round((c).ucl::numeric, 4) AS ucl
FROM (SELECT spc.chart('p', x, n) OVER (ORDER BY i) AS c FROM bad WHERE chart = 'p' AND i IN (1, 2, 9)) s;
-- Peers: one invalid row makes its whole subgroup invalid.
SELECT (c).y, (c).signals
FROM (SELECT spc.chart('p', x, n) OVER (ORDER BY w) AS c
      FROM (VALUES (1, 5, 10), (1, 12, 10), (2, 3, 10)) v(w, x, n)) s;

-- Degenerate partitions.
-- Empty: no rows, no call.
SELECT count(*) FROM (SELECT spc.chart('i', x) OVER () FROM bad WHERE false) s;
-- One point: the value and its centre line, no limits, for every chart type.
SELECT chart, (c).y, (c).cl, (c).lcl, (c).ucl, (c).signals
FROM (SELECT chart, spc.chart(chart, 3, 10) OVER (PARTITION BY chart) AS c
      FROM unnest(ARRAY['run','i','mr','xbar','s','r','p','np','c','u','pp','up','g','t']) chart) s
ORDER BY chart;
-- All NULL: no values, no centre line, no signals.
SELECT chart, count(*) AS points, count((c).y) AS with_y, count((c).cl) AS with_cl,
       bool_or((c).signal) AS any_signal
FROM (SELECT chart, spc.chart(chart, CASE WHEN i < 0 THEN 1.0 END, CASE WHEN i < 0 THEN 1.0 END)
               OVER (PARTITION BY chart ORDER BY i) AS c
      FROM generate_series(1, 10) i,
           unnest(ARRAY['run','i','mr','xbar','s','r','p','np','c','u','pp','up','g','t']) chart) s
GROUP BY chart ORDER BY chart;
-- All equal: empirical sigma is 0, so no limits and no signal.  Charts with
-- model-based limits (p, np, c, u, g) keep them, and 30 identical points all
-- within 1 sigma are ihi5's pattern: far less variation than the model expects.
SELECT chart, min((c).y) AS y, min((c).cl) AS cl, round(min((c).ucl)::numeric, 4) AS ucl,
       string_agg(DISTINCT array_to_string((c).signals, ','), ';') AS codes
FROM (SELECT chart, spc.chart(chart, 4, 8) OVER (PARTITION BY chart ORDER BY i) AS c
      FROM generate_series(1, 30) i,
           unnest(ARRAY['run','i','mr','xbar','s','r','p','np','c','u','pp','up','g','t']) chart) s
GROUP BY chart ORDER BY chart;
-- Zero and huge denominators.
SELECT i, (c).y, (c).signals
FROM (SELECT i, spc.chart('p', x, n) OVER (ORDER BY i) AS c
      FROM (VALUES (1, 0, 1e15), (2, 1e14, 1e15), (3, 2e14, 1e15), (4, 0, 0)) v(i, x, n)) s ORDER BY i;

-- 100,000-point partitions: one row per point, same limits on every row.
SELECT chart, count(*) AS points, count(DISTINCT (c).cl) AS centre_lines,
       count((c).y) AS with_y, bool_and((c).ucl IS NOT NULL) AS all_have_ucl
FROM (SELECT chart, spc.chart(chart, (i * 7919) % 1000 + 500, 2000)
               OVER (PARTITION BY chart ORDER BY i) AS c
      FROM generate_series(1, 100000) i, unnest(ARRAY['i', 'p', 'pp', 'c']) chart) s
GROUP BY chart ORDER BY chart;

DROP TABLE bad;
