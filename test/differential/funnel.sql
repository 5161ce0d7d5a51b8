-- spc.funnel on the random partitions of funnel.R (psql variables units, out).
\set ON_ERROR_STOP on
CREATE TEMP TABLE funnel_units (pid integer, unit integer, chart text, od boolean, x double precision,
                                n double precision);
\set copy_in '\\copy funnel_units FROM ' :'units' ' WITH (FORMAT csv, HEADER true)'
:copy_in
\set copy_out '\\copy (SELECT pid, unit, (f).target, (f).z, (f).z_adjusted, (f).lower95, (f).upper95, (f).lower998, (f).upper998, (f).phi, (f).tau2, (f).adjusted FROM (SELECT pid, unit, spc.funnel(chart, x, n, od) OVER (PARTITION BY pid) AS f FROM funnel_units) s ORDER BY pid, unit) TO ' :'out' ' WITH (FORMAT csv, HEADER true)'
:copy_out
