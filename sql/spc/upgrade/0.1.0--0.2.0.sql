-- spc 0.1.0 -> 0.2.0: changes to what the install-only sources create
-- (types).  The rest of the upgrade is every other source, run again.

-- spc.point gains y_lower, the lower statistic of the two-sided CUSUMs; an
-- added attribute goes last, as in types.sql.
ALTER TYPE @extschema@.point ADD ATTRIBUTE y_lower double precision;
COMMENT ON COLUMN @extschema@.point.y_lower IS
  'The lower statistic of the two-sided CUSUMs (cusum: -C-, plotted negative as qcc; bcusum and racusum: the lower CUSUM for odds ratio 1/or, <= 0), tested against lcl; y is then the upper statistic. NULL for every other chart.';
COMMENT ON COLUMN @extschema@.point.y IS
  'The plotted statistic: value, or ratio sum(x)/sum(n) when n is given (run, i), moving range (mr; of those ratios with n), subgroup mean, standard deviation or range (xbar, s, r), proportion (p, pp), count (np, c), rate (u, up), the EWMA (ewma) or the upper CUSUM (cusum, bcusum, racusum); multiplied by multiply=M. NULL for a missing or invalid point.';
COMMENT ON COLUMN @extschema@.point.signals IS
  'Codes of every rule the point takes part in (ihi1..ihi5, we1..we4, nelson1..nelson8, nhs1..nhs4, anhoej_run, anhoej_crossings, limits; ewma, cusum_upper, cusum_lower for the cumulative charts), plus invalid for a data problem.';
COMMENT ON COLUMN @extschema@.point.variation IS
  'improvement, concern or common_cause (improvement up or down); neutral_high, neutral_low or common_cause (neutral); special_cause for a signal without direction (hugging, alternation, mixture, too few crossings); NULL without improvement or for a missing point.';

-- spc.phase_summary and spc.chart_svg get state types that Citus can combine
-- across shards (was internal): the new types come here (as in
-- state_types.sql); phase_summary.sql and chart_svg.sql then replace the
-- aggregates in place (CREATE OR REPLACE AGGREGATE may change the state
-- type, so views that use them survive the update) and drop the 0.1.0
-- internal-state support functions.
--@include sql/spc/state_types.sql

-- spc.funnel's result type (sql/spc/funnel_types.sql at install)
--@include sql/spc/funnel_types.sql

-- spc.pareto's and spc.series_summary's types (sql/spc/summary_types.sql at install)
--@include sql/spc/summary_types.sql

-- spc.phase is renamed spc.phase_stats: the name collided with the table
-- learning_network.phase.  Renamed in place, so the aggregates' final
-- function, users' views and columns of the type follow it; the old name
-- stays as a domain over the new type (sql/spc/compat_types.sql).
ALTER TYPE @extschema@.phase RENAME TO phase_stats;
--@include sql/spc/compat_types.sql
