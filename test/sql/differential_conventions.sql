-- Conventions on which spc deliberately differs from a reference tool, found by
-- the differential test (test/differential/, run by scripts/db-tests.sh), each
-- pinned here.
SET extra_float_digits = 0;

-- 1. A phase whose sigma is 0 (every count 0, every proportion 0 or 1, Laney's
--    sigma_z 0): qicharts2 and qcc draw both limits on the centre line and call
--    any later point off it "outside"; spc returns NULL limits and no limit
--    signal (methods.md A.1: a limit that cannot be computed is NULL).
SELECT week, x, (c).y, (c).cl, (c).lcl, (c).ucl, (c).signals
FROM (SELECT week, x, spc.chart('c', x, baseline => week <= 6, rules => 'ihi') OVER (ORDER BY week) AS c
      FROM (VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 3)) v(week, x)) s
ORDER BY week;
SELECT week, (c).y, (c).cl, (c).lcl, (c).ucl
FROM (SELECT week, spc.chart('p', x, n) OVER (ORDER BY week) AS c
      FROM (VALUES (1, 20, 20), (2, 35, 35), (3, 12, 12)) v(week, x, n)) s
ORDER BY week;

-- 2. NHSRplotthedots multiplies the mean moving range by 2.66; spc, like
--    qicharts2, Minitab and the textbooks, by 3/1.128 = 2.6596.  The data of
--    NHSRplotthedots' deviations vignette (screened moving ranges, mean 1):
--    spc's upper limit 4.6040 (qicharts2's), NHSRplotthedots' 4.6044 is
--    cl + 2.66 * (ucl - cl) * 1.128 / 3, which the differential test applies.
SELECT round((c).cl::numeric, 4) AS cl, round((c).ucl::numeric, 4) AS ucl,
       round(((c).ucl - (c).cl)::numeric * 1.128 / 3, 4) AS mean_moving_range,
       round(((c).cl + 2.66 * ((c).ucl - (c).cl) * 1.128 / 3)::numeric, 4) AS nhs_upper_limit
FROM (SELECT i, spc.chart('i', x) OVER (ORDER BY i) AS c
      FROM unnest('{1,2,1,2,10,1,2,1,2,1,2,1,2,1,2,1,2,1}'::float8[]) WITH ORDINALITY AS v(x, i)) s
WHERE i = 1;

-- 3. A week both missing and excluded: qicharts2 removes excluded rows first, so
--    it bridges the week (its neighbours form one moving range); spc keeps a
--    missing week a gap whatever its flag (both moving ranges next to it are
--    dropped).  Leaving the row out gives qicharts2's answer:
SELECT label, round((c).ucl::numeric, 4) AS ucl
FROM (SELECT label, week, spc.chart('i', x, exclude => week = 4) OVER (PARTITION BY label ORDER BY week) AS c
      FROM (SELECT 'gap (spc)' AS label, week, CASE WHEN week = 4 THEN NULL ELSE x END AS x
            FROM unnest('{10,11,14,0,13,12,15,12,13,16}'::float8[]) WITH ORDINALITY v(x, week)
            UNION ALL
            SELECT 'row left out (qicharts2)', week, x
            FROM unnest('{10,11,14,0,13,12,15,12,13,16}'::float8[]) WITH ORDINALITY v(x, week) WHERE week <> 4) d) s
WHERE week = 1 ORDER BY label;

-- 4. A t chart whose baseline has no moving range (its values separated by missing
--    weeks): qicharts2 gives a lower limit of 0 and no upper one; spc neither.
SELECT week, (c).lcl, (c).ucl
FROM (SELECT week, spc.chart('t', x, baseline => week <= 7) OVER (ORDER BY week) AS c
      FROM (VALUES (1, 3.64), (2, NULL), (3, 15.3), (4, NULL), (5, 2.98), (6, NULL), (7, 5.41), (8, 24.21)) v(week, x)) s
WHERE week IN (1, 8) ORDER BY week;

-- Fixed, not a convention: the mean is computed to the last bit (a second pass, as
-- R's mean()), so a value equal to it lies on the centre line and breaks the
-- NHS shift as in NHSRplotthedots (the differential test's series 9459): the
-- rounding of a plain sum put the centre line at 23.000000000000007.
SELECT (c).cl = 23 AS cl_exact, count(*) FILTER (WHERE 'nhs4' = ANY ((c).signals)) AS shift_points
FROM (SELECT spc.chart('i', x, rules => 'nhs') OVER (ORDER BY week) AS c
      FROM unnest('{18.1,16.9,19.6,18.9,25.1,16.6,30.5,19.6,18.5,26.8,24.1,31.4,15.2,20,16.2,17.6,20.7,23,21.6,24,20.2,24.6,20.2,22.5,18.2,21,25.5,24.4,20.1,20.4,26.4,27.5,24.5,22.6,23.1,29.5,32.7,27.6,20.7,17.7,28.5,21.2,29.5,29.1,25.4,26.2,24,22.4,26.9,20.9,21.2,24.2,18.2,26.6,23.8,19.4,21.1,21.3,26.5,29.8}'::float8[])
           WITH ORDINALITY v(x, week)) s
GROUP BY 1;
