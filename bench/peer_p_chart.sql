-- The peer: p-chart limits and IHI rules 1-3 in plain window-function SQL, the
-- best an analyst would write without spc.  One row per point with its limits
-- and three rule flags.  Used by bench/run.sh on table bench_obs.
WITH base AS (
  SELECT series, week, num::double precision / den AS p, den,
         sum(num) OVER s::double precision / sum(den) OVER s AS pbar
  FROM bench_obs
  WINDOW s AS (PARTITION BY series)
), limits AS (
  SELECT *, greatest(0, pbar - 3 * sqrt(pbar * (1 - pbar) / den)) AS lcl,
         least(1, pbar + 3 * sqrt(pbar * (1 - pbar) / den)) AS ucl,
         sign(p - pbar) AS side,
         sign(p - lag(p) OVER w) AS step
  FROM base
  WINDOW w AS (PARTITION BY series ORDER BY week)
), islands AS (
  -- runs on one side of the CL (points on it skipped) and runs of steps of
  -- one sign (ties skipped): gaps-and-islands with row_number differences
  SELECT *,
         row_number() OVER (PARTITION BY series, side <> 0 ORDER BY week)
           - row_number() OVER (PARTITION BY series, side ORDER BY week) AS side_island,
         row_number() OVER (PARTITION BY series, step <> 0 ORDER BY week)
           - row_number() OVER (PARTITION BY series, step ORDER BY week) AS step_island
  FROM limits
), lengths AS (
  SELECT *,
         count(*) OVER (PARTITION BY series, side, side_island) AS side_run,
         count(*) OVER (PARTITION BY series, step, step_island) AS step_run
  FROM islands
)
SELECT series, week, p, pbar, lcl, ucl,
       p > ucl OR p < lcl AS rule1,
       side <> 0 AND side_run >= 8 AS rule2,
       -- a trend of 6 points is 5 steps of one sign; its first point is the
       -- one before the first step
       (step <> 0 AND step_run >= 5)
         OR coalesce(lead(step <> 0 AND step_run >= 5 AND step_island IS NOT NULL) OVER (PARTITION BY series ORDER BY week), false)
         AS rule3
FROM lengths
