-- Torture: random arguments must never crash the server, data problems must
-- never raise, and argument errors must raise SQLSTATE 22023 only.
SET client_min_messages = warning;
SELECT setseed(0.2026);

-- 100,000 partitions of 1 to 40 rows, each with a random valid chart,
-- rules and improvement, and values from every awkward class.
CREATE TEMP TABLE torture AS
SELECT p AS part, i,
       (ARRAY['run', 'i', 'i(screen=false)', 'i(clip=true)', 'mr', 'xbar', 'xbar(method=qcc)', 's',
              's(method=qcc)', 'r', 'p', 'np', 'c', 'u', 'pp', 'up', 'g', 'g(method=qcc)', 't',
              't(screen=false)', 'xbar(clip=true)'])[1 + p % 21] AS chart,
       (ARRAY[NULL, 'none', 'ihi', 'we', 'nelson', 'nhs', 'anhoej', 'ihi,anhoej',
              'ihi,we,nelson,nhs,anhoej', 'nhs(shift=6,trend=6)', 'nelson(shift=2,trend=3,alternating=2,within=2,beyond=2)'])
         [1 + p % 11] AS rules,
       (ARRAY[NULL, 'up', 'down', 'neutral'])[1 + p % 4] AS improvement,
       v.x, v.n, random() < 0.8 AS baseline, random() < 0.05 AS exclude,
       (i / (1 + (p % 3)))::int AS t      -- ties: peers form subgroups
FROM generate_series(1, 100000) p,
     LATERAL generate_series(1, 1 + (p * 7919) % 40) i,
     LATERAL (SELECT
       CASE (random() * 12)::int
         WHEN 0 THEN NULL WHEN 1 THEN 'NaN' WHEN 2 THEN 'Infinity' WHEN 3 THEN '-Infinity'
         WHEN 4 THEN -random() * 100 WHEN 5 THEN 1e300 WHEN 6 THEN 0 WHEN 7 THEN 1e-300
         ELSE floor(random() * 50) END::float8 AS x,
       CASE (random() * 10)::int
         WHEN 0 THEN NULL WHEN 1 THEN 0 WHEN 2 THEN -5 WHEN 3 THEN 'Infinity' WHEN 4 THEN 1e308
         ELSE 1 + floor(random() * 60) END::float8 AS n, i AS keep) v;

CREATE INDEX ON torture (part);
ANALYZE torture;
SELECT count(*) >= 2000000 AS rows_over_2m, count(DISTINCT part) AS partitions FROM torture;

SELECT count(*) AS points,
       count(*) FILTER (WHERE (c).y IS NOT NULL) > 0 AS some_values,
       count(*) FILTER (WHERE 'invalid' = ANY ((c).signals)) > 0 AS some_invalid,
       count(*) FILTER (WHERE (c).signal) > 0 AS some_signals,
       count(*) FILTER (WHERE (c).lcl > (c).ucl) AS crossed_limits,
       count(*) FILTER (WHERE (c).cl = 'Infinity' OR (c).cl = '-Infinity' OR (c).cl = 'NaN') AS infinite_lines
FROM (SELECT spc.chart(chart, x, n, baseline, exclude, rules, improvement)
               OVER (PARTITION BY part ORDER BY t) AS c
      FROM torture) s;

-- The analyst's charts and options on the same rows (the cumulative charts
-- take no rules): no infinite value, no crossed limits, CUSUM sides in place.
SELECT count(*) AS points,
       count(*) FILTER (WHERE (c).y IS NOT NULL) > 0 AS some_values,
       count(*) FILTER (WHERE (c).signal) > 0 AS some_signals,
       count(*) FILTER (WHERE (c).lcl > (c).ucl) AS crossed_limits,
       count(*) FILTER (WHERE abs((c).y) = 'Infinity' OR abs((c).cl) = 'Infinity' OR abs((c).ucl) = 'Infinity'
                           OR abs((c).y_lower) = 'Infinity' OR (c).y = 'NaN') AS infinite_values,
       count(*) FILTER (WHERE (c).y_lower > 0) AS positive_lower
FROM (SELECT spc.chart((ARRAY['ewma', 'ewma(lambda=0.05,nsigma=2.7)', 'cusum', 'cusum(k=0,h=1)', 'bcusum',
                              'bcusum(p0=0.1,or=0.5)', 'racusum', 'racusum(or=3,h=1)', 'xmr(freeze=5,multiply=100)',
                              'p(cl=0.2,freeze=3)', 'run(cl=10)', 'u(multiply=1e15)', 'g(cl=5)', 't(cl=2)',
                              's(cl=1,freeze=4)'])[1 + part % 15],
                       x, n, baseline, exclude, NULL, improvement) OVER (PARTITION BY part ORDER BY t) AS c
      FROM torture WHERE part <= 30000) s;

-- The same rows through spc.phase_summary, by partition.
SELECT count(*) AS summaries, count(*) FILTER (WHERE (s).n_subgroups > 0) = count(*) AS all_nonempty
FROM (SELECT spc.phase_summary(chart, t, x, n, baseline, exclude) AS s FROM torture GROUP BY part, chart) q;

-- 3,000 calls with random strings for chart, rules and improvement: either
-- they work or they fail with 22023, never with anything else.
CREATE FUNCTION pg_temp.outcome(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
CREATE FUNCTION pg_temp.garbage() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(substr('abcdefghijklmnopqrstuvwxyz0123456789(),=;'' _-.ÅÆØ', 1 + (random() * 48)::int, 1), '')
  FROM generate_series(1, (random() * 24)::int)
$$;
SELECT outcome, count(*) > 0 AS seen
FROM (SELECT pg_temp.outcome(format('SELECT spc.chart(%L, x, n, rules => %L, improvement => %L) OVER (ORDER BY t) FROM torture WHERE part = %s',
               CASE WHEN random() < 0.5 THEN pg_temp.garbage() ELSE (ARRAY['p', 'i', 'xbar(method=qcc)', 'c(screen=no)'])[1 + (random() * 3)::int] END,
               CASE WHEN random() < 0.5 THEN pg_temp.garbage() ELSE 'ihi' END,
               CASE WHEN random() < 0.3 THEN pg_temp.garbage() ELSE 'up' END,
               1 + (random() * 99999)::int)) AS outcome
      FROM generate_series(1, 3000)) q
GROUP BY outcome ORDER BY outcome;

-- spc.assurance with every awkward number.
SELECT count(*) AS assurance_calls, count(a) > 0 AS some_answers
FROM (SELECT spc.assurance(g, l, u, d) AS a
      FROM unnest(ARRAY[NULL, 'NaN', 'Infinity', '-Infinity', 0, -1, 1e308]::float8[]) g,
           unnest(ARRAY[NULL, 'NaN', 'Infinity', 0, 5]::float8[]) l,
           unnest(ARRAY[NULL, 'NaN', '-Infinity', 1, 10]::float8[]) u,
           unnest(ARRAY['up', 'down', 'neutral']) d) s;

DROP TABLE torture;
