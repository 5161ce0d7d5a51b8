-- types

CREATE TYPE @extschema@.point AS (
  y double precision,
  cl double precision,
  lcl double precision,
  ucl double precision,
  sigma double precision,
  signal boolean,
  signals text[],
  variation text,
  y_lower double precision
);

COMMENT ON TYPE @extschema@.point IS
  'One control chart point as returned by spc.chart: plotted value, centre line, 3-sigma limits, the point''s sigma, and its signals.';
COMMENT ON COLUMN @extschema@.point.y IS
  'The plotted statistic: value, or ratio sum(x)/sum(n) when n is given (run, i), moving range (mr; of those ratios with n), subgroup mean, standard deviation or range (xbar, s, r), proportion (p, pp), count (np, c), rate (u, up), the EWMA (ewma) or the upper CUSUM (cusum, bcusum, racusum); multiplied by multiply=M. NULL for a missing or invalid point.';
COMMENT ON COLUMN @extschema@.point.cl IS
  'Centre line of the point''s phase (the median for run and g charts).';
COMMENT ON COLUMN @extschema@.point.lcl IS
  'Lower 3-sigma control limit, clipped as qicharts2 does (p and p'' at 0, counts and rates at 0). NULL when it cannot be computed.';
COMMENT ON COLUMN @extschema@.point.ucl IS
  'Upper 3-sigma control limit (p and p'' clipped at 1, np at n). NULL when it cannot be computed.';
COMMENT ON COLUMN @extschema@.point.sigma IS
  'The point''s own sigma where the limits are symmetric, so zone k is cl +/- k*sigma (for g charts the zones are measured from ucl - 3*sigma, the mean). NULL for run, mr and t charts.';
COMMENT ON COLUMN @extschema@.point.signal IS
  'True when the point takes part in any special-cause pattern of the selected rules.';
COMMENT ON COLUMN @extschema@.point.signals IS
  'Codes of every rule the point takes part in (ihi1..ihi5, we1..we4, nelson1..nelson8, nhs1..nhs4, anhoej_run, anhoej_crossings, limits; ewma, cusum_upper, cusum_lower for the cumulative charts), plus invalid for a data problem.';
COMMENT ON COLUMN @extschema@.point.variation IS
  'improvement, concern or common_cause (improvement up or down); neutral_high, neutral_low or common_cause (neutral); special_cause for a signal without direction (hugging, alternation, mixture, too few crossings); NULL without improvement or for a missing point.';
COMMENT ON COLUMN @extschema@.point.y_lower IS
  'The lower statistic of the two-sided CUSUMs (cusum: -C-, plotted negative as qcc; bcusum and racusum: the lower CUSUM for odds ratio 1/or, <= 0), tested against lcl; y is then the upper statistic. NULL for every other chart.';

-- spc.phase_stats was spc.phase up to 0.1.0: that name collided with
-- learning_network's table phase (an unqualified "phase" meant one or the other
-- by search_path).  spc.phase stays as a domain over it (compat_types.sql).
CREATE TYPE @extschema@.phase_stats AS (
  n_subgroups integer,
  n_obs integer,
  n_baseline integer,
  cl double precision,
  avg_lcl double precision,
  avg_ucl double precision,
  sigma double precision,
  sigma_z double precision,
  trial boolean,
  n_useful integer,
  longest_run integer,
  longest_run_max integer,
  n_crossings integer,
  n_crossings_min integer,
  runs_signal boolean,
  sigma_signals integer
);

COMMENT ON TYPE @extschema@.phase_stats IS
  'Summary of one phase of a control chart, as qicharts2''s summary(): centre line, sigma, counts, trial flag and Anhoej runs analysis.';
COMMENT ON COLUMN @extschema@.phase_stats.n_subgroups IS 'Subgroups (distinct time keys) in the phase.';
COMMENT ON COLUMN @extschema@.phase_stats.n_obs IS 'Subgroups that are not excluded, with or without a value (as qicharts2''s n.obs).';
COMMENT ON COLUMN @extschema@.phase_stats.n_baseline IS 'Subgroups that estimated the centre line and sigma (baseline, not excluded, valid).';
COMMENT ON COLUMN @extschema@.phase_stats.avg_lcl IS 'Mean lower control limit over the included points.';
COMMENT ON COLUMN @extschema@.phase_stats.avg_ucl IS 'Mean upper control limit over the included points.';
COMMENT ON COLUMN @extschema@.phase_stats.sigma IS 'Process sigma per unit: MR-bar/1.128 (i; transformed scale for t), sqrt(p(1-p)) (p, np, pp), sqrt(u) (u, up), sqrt(c) (c), s-bar/c4 (xbar, s), qcc''s sigma (method=qcc, r), sqrt(m(m+1)) (g).';
COMMENT ON COLUMN @extschema@.phase_stats.sigma_z IS 'Laney''s sigma_z for pp and up charts (1 means no over-dispersion); NULL for other charts.';
COMMENT ON COLUMN @extschema@.phase_stats.trial IS 'True when the limits come from fewer than 20 baseline subgroups (trial limits, Provost and Murray).';
COMMENT ON COLUMN @extschema@.phase_stats.n_useful IS 'Anhoej runs analysis: included points not on the centre line.';
COMMENT ON COLUMN @extschema@.phase_stats.longest_run IS 'Longest run of useful points on one side of the centre line.';
COMMENT ON COLUMN @extschema@.phase_stats.longest_run_max IS 'Longest run allowed: round(log2(n_useful)) + 3.';
COMMENT ON COLUMN @extschema@.phase_stats.n_crossings IS 'Number of times the useful points cross the centre line.';
COMMENT ON COLUMN @extschema@.phase_stats.n_crossings_min IS 'Fewest crossings allowed: qbinom(0.05, n_useful - 1, 0.5).';
COMMENT ON COLUMN @extschema@.phase_stats.runs_signal IS 'True when longest_run > longest_run_max or n_crossings < n_crossings_min (never on mr charts).';

