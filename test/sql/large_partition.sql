-- spc.chart keeps memory per subgroup, not per row: a partition of more
-- rows than 1 GB of per-row points allows (17,895,697 at 60 bytes a row,
-- the limit before 0.2.0) is computed, with one point per subgroup.
SELECT count(*) AS rows, min((c).y) AS min_y, max((c).y) AS max_y,
       min((c).cl) = max((c).cl) AS one_centre_line, bool_or((c).signal) AS any_signal
FROM (SELECT spc.chart('c', (i % 7)::float8) OVER (ORDER BY i / 1000000) AS c
      FROM generate_series(1, 17895700) i) s;
