-- spc.chart semantics: phases are partitions, peer rows are one subgroup,
-- frozen baselines, excluded points against NULL weeks, chart options.
SET extra_float_digits = 0;

CREATE TABLE weekly (series int, week int, phase int, num float8, den float8,
  base boolean DEFAULT true, excl boolean DEFAULT false);
INSERT INTO weekly (series, week, phase, num, den)
SELECT 1, w, CASE WHEN w <= 12 THEN 1 ELSE 2 END,
       CASE WHEN w <= 12 THEN 20 + (w * 7) % 9 ELSE 32 + (w * 5) % 7 END, 40
FROM generate_series(1, 20) w;

-- Phases as a PARTITION BY column: each phase has its own centre line.
SELECT week, phase, round((c).y::numeric, 4) AS y, round((c).cl::numeric, 4) AS cl,
       round((c).lcl::numeric, 4) AS lcl, round((c).ucl::numeric, 4) AS ucl,
       round((c).sigma::numeric, 4) AS sigma, (c).signal, (c).signals
FROM (SELECT week, phase, spc.chart('p', num, den) OVER (PARTITION BY series, phase ORDER BY week) AS c
      FROM weekly) s ORDER BY week;

-- Frozen baseline: the first 8 weeks estimate, the rest are judged.
SELECT week, round((c).cl::numeric, 4) AS cl, round((c).ucl::numeric, 4) AS ucl, (c).signals
FROM (SELECT week, spc.chart('p', num, den, baseline => week <= 8)
               OVER (ORDER BY week) AS c FROM weekly) s
WHERE week IN (1, 8, 9, 13, 20) ORDER BY week;
-- ... equals the limits of the first 8 weeks alone:
SELECT DISTINCT round((c).cl::numeric, 4) AS cl, round((c).ucl::numeric, 4) AS ucl
FROM (SELECT spc.chart('p', num, den) OVER (ORDER BY week) AS c FROM weekly WHERE week <= 8) s;

-- Peer rows (same week) form one subgroup: counts and denominators summed,
-- every peer row returns the subgroup's point.
SELECT week, round((c).y::numeric, 4) AS y, round((c).cl::numeric, 4) AS cl
FROM (SELECT week, spc.chart('p', num, den) OVER (ORDER BY week) AS c
      FROM (VALUES (1, 3, 10), (1, 5, 10), (2, 4, 10), (3, 1, 10), (3, 2, 10)) v(week, num, den)) s
ORDER BY week;
-- For xbar the peer rows are the subgroup's observations.
SELECT week, (c).y, round((c).cl::numeric, 4) AS cl
FROM (SELECT week, spc.chart('xbar', x) OVER (ORDER BY week) AS c
      FROM (VALUES (1, 1), (1, 3), (2, 2), (2, 4), (3, 3), (3, 5)) v(week, x)) s
ORDER BY week, y;

-- Excluded point (bridged) against a NULL week (drops both moving ranges):
-- methods.md, UCL 14.990 against 15.133.
SELECT 'excluded' AS kind, round((c).ucl::numeric, 3) AS ucl, (c).y AS y4, (c).signals
FROM (SELECT i, spc.chart('i', x, exclude => i = 4) OVER (ORDER BY i) AS c
      FROM unnest(ARRAY[10,12,11,30,12,11,13,12,10,11]::float8[]) WITH ORDINALITY v(x, i)) s WHERE i = 4
UNION ALL
SELECT 'null week', round((c).ucl::numeric, 3), (c).y, (c).signals
FROM (SELECT i, spc.chart('i', CASE WHEN i = 4 THEN NULL ELSE x END) OVER (ORDER BY i) AS c
      FROM unnest(ARRAY[10,12,11,30,12,11,13,12,10,11]::float8[]) WITH ORDINALITY v(x, i)) s WHERE i = 4;

-- Screening is on by default and can be turned off (methods.md 3.2).
SELECT chart, round((c).lcl::numeric, 4) AS lcl, round((c).ucl::numeric, 4) AS ucl
FROM (SELECT chart, i, spc.chart(chart, x) OVER (PARTITION BY chart ORDER BY i) AS c
      FROM unnest(ARRAY[1,2,1,2,10,1,2,1,2,1,2,1,2,1,2,1,2,1]::float8[]) WITH ORDINALITY v(x, i),
           unnest(ARRAY['i', 'i(screen=false)']) chart) s
WHERE i = 1 ORDER BY chart;

-- clip=true clips the lower limit of i and xbar at 0 (qicharts2's y.neg = FALSE).
SELECT DISTINCT round((c).lcl::numeric, 4) AS lcl
FROM (SELECT spc.chart('i(clip=true)', x) OVER (ORDER BY i) AS c
      FROM unnest(ARRAY[1,2,1,2,10,1,2,1,2,1,2,1,2,1,2,1,2,1]::float8[]) WITH ORDINALITY v(x, i)) s;

-- improvement gives each point a variation.
SELECT i, (c).signals, (c).variation
FROM (SELECT i, spc.chart('i', x, improvement => 'down') OVER (ORDER BY i) AS c
      FROM unnest(ARRAY[1,2,1,2,10,1,2,1,2,1,2,1,2,1,2,1,2,1]::float8[]) WITH ORDINALITY v(x, i)) s
WHERE i BETWEEN 4 AND 6 ORDER BY i;

-- The run chart's default rules are Anhoej's: a shift flags its run.
SELECT i, x, (c).cl, (c).signals
FROM (SELECT i, x, spc.chart('run', x) OVER (ORDER BY i) AS c
      FROM unnest(ARRAY[5,6,5,6,5,6,5,6,5,6,5,6,9,9,9,9,9,9,9,9,9]::float8[]) WITH ORDINALITY v(x, i)) s
ORDER BY i;

-- Chart, rules and improvement may come from columns: one parse per partition.
SELECT chart, count(*) AS points, count(*) FILTER (WHERE (c).signal) AS signals
FROM (SELECT chart, spc.chart(chart, num, den, rules => 'ihi,anhoej') OVER (PARTITION BY chart ORDER BY week) AS c
      FROM weekly, unnest(ARRAY['p', 'pp', 'np', 'u', 'up', 'c', 'i', 'run', 'g', 't', 'mr']) chart) s
GROUP BY chart ORDER BY chart;

-- A frame clause does not change the answer: the whole partition is used.
SELECT count(DISTINCT (c).ucl) AS distinct_ucl
FROM (SELECT spc.chart('c', num) OVER (ORDER BY week ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS c
      FROM weekly WHERE phase = 1) s;

DROP TABLE weekly;
