-- The peer for I charts: mean, screened average moving range, limits and IHI
-- rules 1-3 in plain window-function SQL.  Used by bench/run.sh.
WITH mr AS (
  SELECT series, week, y, avg(y) OVER s AS cl, abs(y - lag(y) OVER w) AS mr
  FROM bench_obs
  WINDOW s AS (PARTITION BY series), w AS (PARTITION BY series ORDER BY week)
), mrbar AS (
  SELECT *, avg(mr) OVER (PARTITION BY series) AS mrbar FROM mr
), screened AS (
  -- Nelson's screening: drop moving ranges of 3.267 average or more, once
  SELECT *, avg(mr) FILTER (WHERE mr < 3.267 * mrbar) OVER (PARTITION BY series) / 1.128 AS sigma
  FROM mrbar
), limits AS (
  SELECT *, cl - 3 * sigma AS lcl, cl + 3 * sigma AS ucl, sign(y - cl) AS side,
         sign(y - lag(y) OVER (PARTITION BY series ORDER BY week)) AS step
  FROM screened
), islands AS (
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
SELECT series, week, y, cl, lcl, ucl,
       y > ucl OR y < lcl AS rule1,
       side <> 0 AND side_run >= 8 AS rule2,
       (step <> 0 AND step_run >= 5)
         OR coalesce(lead(step <> 0 AND step_run >= 5) OVER (PARTITION BY series ORDER BY week), false) AS rule3
FROM lengths
