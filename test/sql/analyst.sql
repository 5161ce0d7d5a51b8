-- The analyst's engine (0.2.0): ratios on run and I charts, the limits preset,
-- undirected signals, phases without baseline rows, freeze/cl/multiply, the
-- partition-wide arguments, xmr, and the cumulative charts' edge cases.
SET extra_float_digits = 0;
CREATE TEMP TABLE ward (g int, week int, falls float8, beddays float8);
INSERT INTO ward
SELECT g, week,
       (ARRAY[3,5,2,4,6,3,2,5,4,3,7,2,4,3,5,6,2,3,4,5])[week],
       (ARRAY[900,1100,800,1000,1200,950,700,1050,1000,900,1300,800,1000,950,1100,1150,750,900,1000,1050])[week]
FROM generate_series(1, 2) g, generate_series(1, 20) week;

-- 1. With n, run and I charts plot sum(x)/sum(n) per subgroup (qicharts2);
-- peer rows (two wards in one week) are pooled, not averaged.
SELECT week, round((c).y::numeric, 6) AS y, round((falls / beddays)::numeric, 6) AS ratio
FROM (SELECT week, falls, beddays, spc.chart('i', falls, beddays) OVER (PARTITION BY g ORDER BY week) c
      FROM ward WHERE g = 1) s WHERE week <= 3 ORDER BY week;
SELECT week, round((c).y::numeric, 6) AS pooled
FROM (SELECT DISTINCT week, spc.chart('run', falls, beddays) OVER (ORDER BY week) c
      FROM (VALUES (1, 3, 100), (1, 1, 300), (2, 2, 200)) v(week, falls, beddays)) s ORDER BY week;
-- the I chart of ratios is the I chart of the ratio values
SELECT bool_and(abs((a).ucl - (b).ucl) < 1e-12 AND abs((a).cl - (b).cl) < 1e-12) AS same_as_i_of_ratios
FROM (SELECT spc.chart('i', falls, beddays) OVER w AS a, spc.chart('i', falls / beddays) OVER w AS b
      FROM ward WHERE g = 1 WINDOW w AS (ORDER BY week)) s;
-- the MR chart of a ratio I chart: moving ranges of the ratios
SELECT bool_and((a).y IS NOT DISTINCT FROM (b).y AND (a).ucl = (b).ucl) AS mr_of_ratios
FROM (SELECT spc.chart('mr', falls, beddays) OVER w AS a, spc.chart('mr', falls / beddays) OVER w AS b
      FROM ward WHERE g = 1 WINDOW w AS (ORDER BY week)) s;
-- a value without its denominator, where others have one, cannot be placed
SELECT week, (c).y, (c).signals
FROM (SELECT week, spc.chart('i', falls, CASE WHEN week = 2 THEN NULL ELSE beddays END)
                     OVER (ORDER BY week) c FROM ward WHERE g = 1) s WHERE week <= 3 ORDER BY week;

-- 2. rules => 'limits': the 3-sigma test alone (code limits); 'none' tests nothing.
SELECT rules, count(*) FILTER (WHERE (c).signal) AS signals, array_agg(DISTINCT s2) AS codes
FROM (SELECT r.rules, spc.chart('i', x, rules => r.rules) OVER (PARTITION BY r.rules ORDER BY t) c
      FROM (VALUES ('limits'), ('none'), ('ihi')) r(rules),
           (SELECT t, CASE WHEN t = 10 THEN 30 ELSE 10 + (t % 3) END::float8 AS x
            FROM generate_series(1, 20) t) d) s
LEFT JOIN LATERAL unnest((c).signals) s2 ON true
GROUP BY rules ORDER BY rules;

-- 3. Hugging has no direction: 15 points within 1 sigma are a special cause
-- ('special_cause'), neither improvement nor concern.
SELECT DISTINCT (c).signals, (c).variation
FROM (SELECT t, spc.chart('i', x, rules => 'ihi', improvement => 'up') OVER (ORDER BY t) c
      FROM (SELECT t, CASE WHEN t <= 10 THEN 10 + 4 * (t % 2) ELSE 12 + (t % 2) * 0.1 END::float8 AS x
            FROM generate_series(1, 30) t) d) s
WHERE 'ihi5' = ANY ((c).signals) ORDER BY 1;

-- 4. A phase wholly after the baseline period estimates from all its rows:
-- the same limits as with every row baseline, never NULL.
SELECT phase, count(*) AS points, count((c).ucl) AS with_limits,
       bool_and((c).ucl = (d).ucl) AS same_as_all_baseline
FROM (SELECT week > 10 AS phase,
             spc.chart('p', falls, beddays, baseline => week <= 5) OVER w AS c,
             spc.chart('p', falls, beddays) OVER w AS d
      FROM ward WHERE g = 1 WINDOW w AS (PARTITION BY week > 10 ORDER BY week)) s
GROUP BY phase ORDER BY phase;

-- 5. freeze=N is baseline => first N subgroups; cl=V fixes the centre line
-- (sigma still estimated); multiply=M scales y, lines and sigma.
SELECT bool_and((a).ucl IS NOT DISTINCT FROM (b).ucl AND (a).cl = (b).cl) AS freeze_is_baseline
FROM (SELECT spc.chart('u(freeze=8)', falls, beddays) OVER w AS a,
             spc.chart('u', falls, beddays, baseline => week <= 8) OVER w AS b
      FROM ward WHERE g = 1 WINDOW w AS (ORDER BY week)) s;
SELECT DISTINCT (a).cl AS fixed_cl, round((a).sigma::numeric, 9) = round((b).sigma::numeric, 9) AS same_sigma,
       round(((a).ucl - (a).cl)::numeric, 9) = round(((b).ucl - (b).cl)::numeric, 9) AS same_width
FROM (SELECT spc.chart('i(cl=4)', falls) OVER w AS a, spc.chart('i', falls) OVER w AS b
      FROM ward WHERE g = 1 WINDOW w AS (ORDER BY week)) s;
SELECT DISTINCT round((a).cl::numeric, 9) = round((1000 * (b).cl)::numeric, 9) AS cl_scaled,
       round((a).ucl::numeric, 9) = round((1000 * (b).ucl)::numeric, 9) AS ucl_scaled,
       round((a).sigma::numeric, 9) = round((1000 * (b).sigma)::numeric, 9) AS sigma_scaled,
       (a).signals = (b).signals AS same_signals
FROM (SELECT spc.chart('u(multiply=1000)', falls, beddays) OVER w AS a, spc.chart('u', falls, beddays) OVER w AS b
      FROM ward WHERE g = 1 WINDOW w AS (ORDER BY week)) s;
-- qicharts2 with cl: p limits around the given centre line
SELECT DISTINCT (c).cl, round((c).ucl::numeric, 6) AS ucl, round((0.5 + 3 * sqrt(0.25 / 100))::numeric, 6) AS expected
FROM (SELECT spc.chart('p(cl=0.5)', x, 100) OVER (ORDER BY t) c
      FROM generate_series(1, 5) t, LATERAL (SELECT (40 + t)::float8 AS x) v) s;

-- 6. chart, rules and improvement apply to the whole partition.
SELECT count(*) AS rows_ok FROM (SELECT spc.chart(k, x, rules => r) OVER (ORDER BY t)
  FROM (SELECT t, 'i'::text AS k, 'ihi'::text AS r, t::float8 AS x FROM generate_series(1, 5) t) d) s;
SELECT spc.chart('i', x, rules => CASE WHEN t = 1 THEN 'ihi' ELSE 'bogus' END) OVER (ORDER BY t)
FROM (SELECT t, t::float8 AS x FROM generate_series(1, 3) t) d;
SELECT spc.chart(CASE WHEN t < 3 THEN 'i' ELSE 'p' END, x) OVER (ORDER BY t)
FROM (SELECT t, t::float8 AS x FROM generate_series(1, 3) t) d;
SELECT spc.chart('i', x, improvement => CASE WHEN t < 3 THEN 'up' END) OVER (ORDER BY t)
FROM (SELECT t, t::float8 AS x FROM generate_series(1, 3) t) d;
-- different values in different partitions are fine
SELECT g, count(*) FROM (SELECT g, spc.chart(CASE g WHEN 1 THEN 'i' ELSE 'run' END, falls) OVER (PARTITION BY g ORDER BY week)
  FROM ward) s GROUP BY g ORDER BY g;

-- 7. xmr is the I chart.
SELECT bool_and((a).ucl = (b).ucl) AS xmr_is_i
FROM (SELECT spc.chart('xmr', falls) OVER w AS a, spc.chart('i', falls) OVER w AS b
      FROM ward WHERE g = 1 WINDOW w AS (ORDER BY week)) s;

-- 8. The risk-adjusted CUSUM with every risk p0 is the Bernoulli CUSUM at p0.
SELECT bool_and(abs((a).y - (b).y) < 1e-12 AND abs((a).y_lower - (b).y_lower) < 1e-12
                AND (a).signals = (b).signals) AS racusum_is_bcusum,
       count(*) FILTER (WHERE (a).signal) AS signals
FROM (SELECT spc.chart('racusum(h=2)', died, 0.08) OVER w AS a,
             spc.chart('bcusum(p0=0.08,h=2)', died) OVER w AS b
      FROM (SELECT t, (t % 7 = 0 OR t BETWEEN 40 AND 46 AND t % 2 = 0)::int::float8 AS died
            FROM generate_series(1, 80) t) d WINDOW w AS (ORDER BY t)) s;
-- bcusum without p0 takes the baseline rate (qicharts2's target = N)
SELECT DISTINCT (a).y_lower IS NOT NULL AS charted,
       bool_and(abs((a).y - (b).y) < 1e-12) OVER () AS baseline_rate_is_p0
FROM (SELECT spc.chart('bcusum(freeze=20)', died) OVER w AS a,
             spc.chart('bcusum(p0=0.15)', died) OVER w AS b
      FROM (SELECT t, (t % 20 IN (3, 9, 17))::int::float8 AS died FROM generate_series(1, 40) t) d
      WINDOW w AS (ORDER BY t)) s;
-- variation by side: upper CUSUM of deaths is a concern when down is better
SELECT DISTINCT (c).signals, (c).variation
FROM (SELECT spc.chart('cusum(cl=0,sigma=1,h=1)', x, improvement => 'down') OVER (ORDER BY t) c
      FROM (VALUES (1, 1.5), (2, 0.5), (3, 0.6), (4, -1.5), (5, -0.5), (6, -0.8)) v(t, x)) s
ORDER BY 1;
-- a missing week plots nothing and leaves the statistic as it was
SELECT t, (c).y, (c).cl, round((c).ucl::numeric, 6) AS ucl
FROM (SELECT t, spc.chart('ewma(cl=10,sigma=2,lambda=0.5,nsigma=2)', x) OVER (ORDER BY t) c
      FROM (VALUES (1, 11), (2, NULL), (3, 13), (4, 12)) v(t, x)) s ORDER BY t;
-- invalid cases (risk outside (0,1), outcome not 0/1) are marked, not raised
SELECT t, (c).y, (c).signals
FROM (SELECT t, spc.chart('racusum', y, p) OVER (ORDER BY t) c
      FROM (VALUES (1, 1, 0.2), (2, 1, 1.2), (3, 0.5, 0.2), (4, 0, 0.2)) v(t, y, p)) s ORDER BY t;
-- y_lower is NULL on every other chart
SELECT count(*) FILTER (WHERE (c).y_lower IS NOT NULL) AS with_lower
FROM (SELECT spc.chart('i', falls) OVER (ORDER BY week) c FROM ward WHERE g = 1) s;

-- 9. Argument errors.
SELECT spc.chart('cusum', 1, rules => 'limits') OVER ();
SELECT spc.chart('racusum', 1) OVER ();
SELECT spc.chart('i(freeze=0)', 1) OVER ();
SELECT spc.chart('i(multiply=-100)', 1) OVER ();
SELECT spc.chart('ewma(lambda=1.5)', 1) OVER ();
SELECT spc.chart('bcusum(or=1)', 1) OVER ();
SELECT spc.chart('bcusum(cl=0.1)', 1) OVER ();
SELECT spc.chart('np(cl=3)', 1, 10) OVER ();
SELECT spc.chart('i(lambda=0.2)', 1) OVER ();
SELECT spc.phase_summary('ewma', t, x) FROM (VALUES (1, 1.0)) v(t, x);
SELECT spc.phase_summary('i(freeze=5)', t, x) FROM (VALUES (1, 1.0)) v(t, x);

-- 10. spc.rule_description knows the new codes.
SELECT code, spc.rule_description(code)
FROM unnest(ARRAY['limits', 'ewma', 'cusum_upper', 'cusum_lower']) code;
