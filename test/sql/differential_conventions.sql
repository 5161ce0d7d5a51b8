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
