-- Special-cause rules at their thresholds.  pg_temp.flags charts a c chart
-- whose frozen baseline is two points at 100, so CL = 100, sigma = 10, limits
-- 70 and 130, and shows one character per point: x flagged with the code,
-- . not flagged, _ a NULL week, e an excluded point (E if flagged).  The two
-- baseline points come first, then '|', then the test points.
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.flags(code text, vals float8[], rules text DEFAULT NULL,
                              excluded int[] DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
  SELECT string_agg(CASE WHEN i = 3 THEN '|' ELSE '' END ||
                    CASE WHEN code = ANY ((c).signals) THEN CASE WHEN i - 2 = ANY (excluded) THEN 'E' ELSE 'x' END
                         WHEN x IS NULL THEN '_' WHEN i - 2 = ANY (excluded) THEN 'e' ELSE '.' END, '' ORDER BY i)
  FROM (SELECT i, x, spc.chart('c', x, baseline => i <= 2, exclude => i - 2 = ANY (excluded),
                               rules => coalesce(rules, regexp_replace(code, '[0-9]+$|_.*$', '')))
                       OVER (ORDER BY i) AS c
        FROM unnest(ARRAY[100, 100] || vals) WITH ORDINALITY u(x, i)) s
$$;

-- Rule 1 of every preset: strictly outside the limits.
SELECT code, pg_temp.flags(code, '{130, 131, 70, 69, 100}') FROM unnest(ARRAY['ihi1', 'we1', 'nelson1', 'nhs1']) code;

-- ihi2: 8 or more on one side; points on the CL are skipped (neither add nor break).
SELECT 'ihi2 7 above' AS t, pg_temp.flags('ihi2', '{105,105,105,105,105,105,105}')
UNION ALL SELECT 'ihi2 8 above', pg_temp.flags('ihi2', '{105,105,105,105,105,105,105,105}')
UNION ALL SELECT 'ihi2 8 below', pg_temp.flags('ihi2', '{95,95,95,95,95,95,95,95}')
UNION ALL SELECT 'ihi2 8 above, CL in the middle', pg_temp.flags('ihi2', '{105,105,105,105,100,105,105,105,105}')
UNION ALL SELECT 'ihi2 shift=5', pg_temp.flags('ihi2', '{95,105,105,105,105,105}', 'ihi(shift=5)');

-- ihi3: 6 or more each higher (lower) than the one before; equal values count once.
SELECT 'ihi3 5 rising' AS t, pg_temp.flags('ihi3', '{85,88,91,94,97}')
UNION ALL SELECT 'ihi3 6 rising', pg_temp.flags('ihi3', '{85,88,91,94,97,99}')
UNION ALL SELECT 'ihi3 6 falling', pg_temp.flags('ihi3', '{115,112,109,106,103,101}')
UNION ALL SELECT 'ihi3 5 distinct with a tie', pg_temp.flags('ihi3', '{85,88,91,91,94,97}')
UNION ALL SELECT 'ihi3 6 distinct with a tie', pg_temp.flags('ihi3', '{85,88,91,91,94,97,99}');

-- ihi4: 2 of 3 beyond 2 sigma on the same side; only those points flagged.
SELECT 'ihi4 2 of 3 above' AS t, pg_temp.flags('ihi4', '{121,105,121}')
UNION ALL SELECT 'ihi4 adjacent pair', pg_temp.flags('ihi4', '{95,79,78,95}')
UNION ALL SELECT 'ihi4 opposite sides', pg_temp.flags('ihi4', '{121,105,79}')
UNION ALL SELECT 'ihi4 exactly 2 sigma', pg_temp.flags('ihi4', '{120,105,121}')
UNION ALL SELECT 'ihi4 2 of 4 (too far apart)', pg_temp.flags('ihi4', '{121,105,105,121}')
UNION ALL SELECT 'ihi4 counts points outside', pg_temp.flags('ihi4', '{135,105,121}');

-- ihi5: 15 or more within 1 sigma (either side; on the CL and at exactly 1 sigma count as within).
SELECT 'ihi5 14 within' AS t, pg_temp.flags('ihi5', '{115,105,95,105,95,105,95,110,90,105,95,105,95,100,105}')
UNION ALL SELECT 'ihi5 15 within', pg_temp.flags('ihi5', '{115,105,95,105,95,105,95,110,90,105,95,105,95,100,105,95}');

-- we2 and we3: 2 of 3 beyond 2 sigma, 4 of 5 beyond 1 sigma, same side.
SELECT 'we2 2 of 3' AS t, pg_temp.flags('we2', '{121,105,121}')
UNION ALL SELECT 'we3 4 of 5 above', pg_temp.flags('we3', '{112,112,105,112,112}')
UNION ALL SELECT 'we3 3 of 5', pg_temp.flags('we3', '{112,112,105,105,112,112}')
UNION ALL SELECT 'we3 4 of 5 below', pg_temp.flags('we3', '{88,88,88,95,88}')
UNION ALL SELECT 'we3 exactly 1 sigma', pg_temp.flags('we3', '{112,110,112,112,105}');

-- we4: 8 in a row on one side; a point on the CL breaks the run (unlike ihi2).
SELECT 'we4 7 above' AS t, pg_temp.flags('we4', '{105,105,105,105,105,105,105}')
UNION ALL SELECT 'we4 8 above', pg_temp.flags('we4', '{105,105,105,105,105,105,105,105}')
UNION ALL SELECT 'we4 CL in the middle', pg_temp.flags('we4', '{105,105,105,105,100,105,105,105,105}')
UNION ALL SELECT 'ihi2 same data', pg_temp.flags('ihi2', '{105,105,105,105,100,105,105,105,105}');

-- Nelson: 9 same side; 6 trend (ties break); 14 alternating; 2 of 3; 4 of 5;
-- 15 within; 8 beyond 1 sigma either side.
SELECT 'nelson2 8 above' AS t, pg_temp.flags('nelson2', '{105,105,105,105,105,105,105,105}')
UNION ALL SELECT 'nelson2 9 above', pg_temp.flags('nelson2', '{105,105,105,105,105,105,105,105,105}')
UNION ALL SELECT 'nelson3 6 rising', pg_temp.flags('nelson3', '{85,88,91,94,97,99}')
UNION ALL SELECT 'nelson3 a tie breaks', pg_temp.flags('nelson3', '{85,88,91,91,94,97,99}')
UNION ALL SELECT 'nelson4 13 alternating', pg_temp.flags('nelson4', '{95,90,105,90,105,90,105,90,105,90,105,90,105}')
UNION ALL SELECT 'nelson4 14 alternating', pg_temp.flags('nelson4', '{95,90,105,90,105,90,105,90,105,90,105,90,105,90}')
UNION ALL SELECT 'nelson5 2 of 3', pg_temp.flags('nelson5', '{79,95,79}')
UNION ALL SELECT 'nelson6 4 of 5', pg_temp.flags('nelson6', '{112,112,105,112,112}')
UNION ALL SELECT 'nelson7 15 within', pg_temp.flags('nelson7', '{115,105,95,105,95,105,95,110,90,105,95,105,95,100,105,95}')
UNION ALL SELECT 'nelson8 7 beyond', pg_temp.flags('nelson8', '{115,85,115,85,115,85,115}')
UNION ALL SELECT 'nelson8 8 beyond', pg_temp.flags('nelson8', '{115,85,115,85,115,85,115,85}')
UNION ALL SELECT 'nelson8 one side only', pg_temp.flags('nelson8', '{115,115,115,115,115,115,115,115}');

-- NHS: trend 7 (ties break), 2 of 3 in the 2-3 sigma band with all three on
-- one side, shift 7 (the CL breaks); nhs(shift=6,trend=6) as the Excel tool.
SELECT 'nhs2 6 rising' AS t, pg_temp.flags('nhs2', '{82,85,88,91,94,97}')
UNION ALL SELECT 'nhs2 7 rising', pg_temp.flags('nhs2', '{82,85,88,91,94,97,99}')
UNION ALL SELECT 'nhs2 tie breaks', pg_temp.flags('nhs2', '{82,85,88,88,91,94,97,99}')
UNION ALL SELECT 'nhs3 2 of 3 in band', pg_temp.flags('nhs3', '{125,105,125}')
UNION ALL SELECT 'nhs3 middle point across', pg_temp.flags('nhs3', '{125,95,125}')
UNION ALL SELECT 'nhs3 outside does not count', pg_temp.flags('nhs3', '{135,105,125}')
UNION ALL SELECT 'nhs3 a point on the CL', pg_temp.flags('nhs3', '{125,125,100}')
UNION ALL SELECT 'nhs4 6 above', pg_temp.flags('nhs4', '{105,105,105,105,105,105}')
UNION ALL SELECT 'nhs4 7 above', pg_temp.flags('nhs4', '{105,105,105,105,105,105,105}')
UNION ALL SELECT 'nhs4 shift=6', pg_temp.flags('nhs4', '{105,105,105,105,105,105}', 'nhs(shift=6,trend=6)')
UNION ALL SELECT 'nhs2 trend=6', pg_temp.flags('nhs2', '{82,85,88,91,94,97}', 'nhs(shift=6,trend=6)');

-- Anhoej: 10 useful points (the baseline points are on the CL): longest run
-- allowed 6, crossings at least 2.
SELECT 'anhoej_run 6 of 10' AS t, pg_temp.flags('anhoej_run', '{105,105,105,105,105,105,95,105,95,105}')
UNION ALL SELECT 'anhoej_run 7 of 10', pg_temp.flags('anhoej_run', '{105,105,105,105,105,105,105,95,105,95}')
UNION ALL SELECT 'anhoej_crossings 1 of 10', pg_temp.flags('anhoej_crossings', '{105,105,105,105,105,95,95,95,95,95}')
UNION ALL SELECT 'anhoej_crossings 2 of 10', pg_temp.flags('anhoej_crossings', '{105,105,105,105,95,95,95,105,105,105}');

-- NULL and excluded points inside a pattern are skipped: the pattern goes on.
SELECT 'ihi2 NULL inside' AS t, pg_temp.flags('ihi2', '{105,105,105,105,NULL,105,105,105,105}')
UNION ALL SELECT 'ihi2 excluded inside', pg_temp.flags('ihi2', '{105,105,105,105,80,105,105,105,105}', NULL, '{5}')
UNION ALL SELECT 'we4 excluded on the CL', pg_temp.flags('we4', '{105,105,105,105,100,105,105,105,105}', NULL, '{5}')
UNION ALL SELECT 'nhs2 NULL inside', pg_temp.flags('nhs2', '{82,85,88,NULL,91,94,97,99}')
UNION ALL SELECT 'ihi4 excluded inside', pg_temp.flags('ihi4', '{121,60,121}', NULL, '{2}')
UNION ALL SELECT 'ihi1 on an excluded point', pg_temp.flags('ihi1', '{105,140}', NULL, '{2}');

-- A pattern does not cross a phase boundary: 4 + 4 points above in two phases.
SELECT phase, string_agg(CASE WHEN 'ihi2' = ANY ((c).signals) THEN 'x' ELSE '.' END, '' ORDER BY i) AS flags
FROM (SELECT i, phase, spc.chart('c', x, baseline => i IN (1, 2, 7, 8)) OVER (PARTITION BY phase ORDER BY i) AS c
      FROM (VALUES (1, 1, 100), (2, 1, 100), (3, 1, 105), (4, 1, 105), (5, 1, 105), (6, 1, 105),
                   (7, 2, 100), (8, 2, 100), (9, 2, 105), (10, 2, 105), (11, 2, 105), (12, 2, 105)) v(i, phase, x)) s
GROUP BY phase ORDER BY phase;

-- Presets combine; a point carries every code it takes part in.
SELECT i, (c).signals
FROM (SELECT i, spc.chart('c', x, baseline => i <= 2, rules => 'ihi,we,nelson,nhs')
               OVER (ORDER BY i) AS c
      FROM unnest(ARRAY[100,100,121,125,135]::float8[]) WITH ORDINALITY u(x, i)) s
ORDER BY i;

-- MR charts: only the limit test.
SELECT count(*) FILTER (WHERE (c).signal) AS signals, count(*) FILTER (WHERE 'ihi1' = ANY ((c).signals)) AS ihi1
FROM (SELECT spc.chart('mr', x, rules => 'ihi,we,nelson,nhs,anhoej') OVER (ORDER BY i) AS c
      FROM unnest(ARRAY[1,2,3,4,5,6,7,8,9,10,11,12,40,41]::float8[]) WITH ORDINALITY u(x, i)) s;

-- 'none' flags nothing, not even invalid data's signal (invalid is not a signal).
SELECT (c).signal, (c).signals
FROM (SELECT spc.chart('c', x, rules => 'none') OVER (ORDER BY i) AS c
      FROM unnest(ARRAY[1,1,1,50,-1]::float8[]) WITH ORDINALITY u(x, i)) s;

-- Variation: the side of the CL, a trend's direction, a limit before a trend.
SELECT i, x, (c).signals, (c).variation AS up_is_good,
       (d).variation AS down_is_good, (e).variation AS neutral
FROM (SELECT i, x,
             spc.chart('c', x, baseline => i <= 2, rules => 'nhs', improvement => 'up') OVER w AS c,
             spc.chart('c', x, baseline => i <= 2, rules => 'nhs', improvement => 'down') OVER w AS d,
             spc.chart('c', x, baseline => i <= 2, rules => 'nhs', improvement => 'neutral') OVER w AS e
      FROM unnest(ARRAY[100,100,135,125,115,105,95,85,75,100,60]::float8[]) WITH ORDINALITY u(x, i)
      WINDOW w AS (ORDER BY i)) s
ORDER BY i;

-- Assurance against a goal (NHS Making Data Count): limits 70 to 130.
SELECT goal, improvement, spc.assurance(goal, 70, 130, improvement) AS assurance
FROM unnest(ARRAY[60, 70, 100, 130, 140]::float8[]) goal,
     unnest(ARRAY['up', 'down', 'neutral']) improvement
ORDER BY improvement, goal;
SELECT spc.assurance(100, NULL, 130, 'up') IS NULL AS no_limit_no_assurance,
       spc.assurance('NaN', 70, 130, 'up') IS NULL AS nan_goal;
SELECT spc.assurance(100, 70, 130, 'sideways');
-- The series' latest point gives its variation and assurance.
SELECT DISTINCT ON (series) series, (c).variation, spc.assurance(0.75, (c).lcl, (c).ucl, 'up') AS assurance
FROM (SELECT series, i, spc.chart('p', x, 50, improvement => 'up') OVER (PARTITION BY series ORDER BY i) AS c
      FROM (VALUES (1, 1, 30), (1, 2, 32), (1, 3, 31), (1, 4, 29), (1, 5, 48),
                   (2, 1, 45), (2, 2, 44), (2, 3, 46), (2, 4, 45), (2, 5, 44)) v(series, i, x)) s
ORDER BY series, i DESC;
