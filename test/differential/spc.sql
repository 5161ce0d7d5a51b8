-- Differential test, step 2: the same series through spc.chart (psql variables
-- rows and out name the CSV files).  Rules: ihi (its ihi1 is the limits test)
-- with anhoej for qicharts2, ihi for qcc, nhs with improvement up for
-- NHSRplotthedots; none for ewma and cusum (they take none).  A qicharts2 row both missing and excluded is left out: qicharts2
-- bridges it (exclusion first), spc keeps a missing week a gap whatever its flag,
-- and an absent row is what spc bridges (test/sql/differential_conventions.sql).
\set ON_ERROR_STOP on
CREATE TEMP TABLE diff_rows (sid integer, tool text, chart text, spc_chart text, i integer,
                             x double precision, n double precision, part integer,
                             baseline boolean, exclude boolean);
\set copy_in '\\copy diff_rows FROM ' :'rows' ' WITH (FORMAT csv, HEADER true)'
:copy_in
\set copy_out '\\copy (SELECT DISTINCT ON (sid, i) sid, i, part, (c).y, (c).cl, (c).lcl, (c).ucl, array_to_string((c).signals, \' \') AS signals, (c).variation, (c).y_lower FROM (SELECT sid, i, part, spc.chart(spc_chart, x, n, baseline, exclude, CASE WHEN spc_chart IN (\'ewma\', \'cusum\') THEN NULL WHEN tool = \'qicharts2\' THEN \'ihi,anhoej\' WHEN tool = \'qcc\' THEN \'ihi\' ELSE \'nhs\' END, CASE WHEN tool = \'NHSRplotthedots\' THEN \'up\' END) OVER (PARTITION BY sid, part ORDER BY i) AS c FROM diff_rows WHERE NOT (tool = \'qicharts2\' AND x IS NULL AND exclude)) s ORDER BY sid, i) TO ' :'out' ' WITH (FORMAT csv, HEADER true)'
:copy_out
