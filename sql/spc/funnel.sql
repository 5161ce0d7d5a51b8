-- funnel plots: a window function over a partition of units

CREATE OR REPLACE FUNCTION @extschema@.funnel(
  chart text,
  x double precision,
  n double precision,
  overdispersion boolean DEFAULT false)
RETURNS @extschema@.funnel_point
AS 'MODULE_PATHNAME', 'spc_funnel_window'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;  -- not STRICT: a NULL x or n is a unit without data

COMMENT ON FUNCTION @extschema@.funnel(text, double precision, double precision, boolean) IS
  'Funnel plot (Spiegelhalter 2005) of every row, one row per unit (facility, ward): use OVER (PARTITION BY indicator). chart: p (proportion x/n, binomial) or u (rate x/n, Poisson), with options ''p(limits=normal)'', winsorize=0.1, adjust=additive|multiplicative, target=V, scale=ratio|arcsine (p)|sqrt (u) (z, phi, tau^2 and normal limits on a variance-stabilising scale, Spiegelhalter et al. 2012). Returns the unit''s ratio, the target (pooled sum(x)/sum(n) unless fixed), its z-score and exact 95 % and 99.8 % limits for its n; with overdispersion true, limits widened by the additive random-effects tau^2 (or phi) when the winsorised z-scores show over-dispersion. Never a rank.';

COMMENT ON TYPE @extschema@.funnel_point IS
  'One unit of a funnel plot as returned by spc.funnel.';
COMMENT ON COLUMN @extschema@.funnel_point.y IS 'The unit''s ratio x/n. NULL when x or n is missing or cannot be used (negative, n <= 0, x > n for p).';
COMMENT ON COLUMN @extschema@.funnel_point.target IS 'The target: sum(x)/sum(n) over the usable units of the partition, or the fixed target= option.';
COMMENT ON COLUMN @extschema@.funnel_point.sigma IS 'Standard error at the target for the unit''s n: sqrt(target(1-target)/n) (p) or sqrt(target/n) (u); 1/(2 sqrt(n)) on the arcsine or square-root scale (scale= option).';
COMMENT ON COLUMN @extschema@.funnel_point.z IS 'z-score (y - target)/sigma, or (g(y) - g(target))/sigma on a transformed scale. NULL when sigma is 0.';
COMMENT ON COLUMN @extschema@.funnel_point.z_adjusted IS 'z-score against the over-dispersion-adjusted spread (equals z when no adjustment is applied).';
COMMENT ON COLUMN @extschema@.funnel_point.lower95 IS 'Lower 95 % limit at the unit''s n: exact (interpolated binomial or Poisson quantile, Spiegelhalter 2005 appendix) or normal (limits=normal, or widened for over-dispersion); clipped at 0.';
COMMENT ON COLUMN @extschema@.funnel_point.upper95 IS 'Upper 95 % limit (clipped at 1 for p).';
COMMENT ON COLUMN @extschema@.funnel_point.lower998 IS 'Lower 99.8 % limit.';
COMMENT ON COLUMN @extschema@.funnel_point.upper998 IS 'Upper 99.8 % limit.';
COMMENT ON COLUMN @extschema@.funnel_point.outside95 IS 'y strictly outside the 95 % limits.';
COMMENT ON COLUMN @extschema@.funnel_point.outside998 IS 'y strictly outside the 99.8 % limits.';
COMMENT ON COLUMN @extschema@.funnel_point.phi IS 'Over-dispersion factor of the partition: mean squared winsorised z-score (about 1 without over-dispersion).';
COMMENT ON COLUMN @extschema@.funnel_point.tau2 IS 'Between-unit variance of the additive random-effects model: (I*phi - (I-1)) / (sum w - sum w^2/sum w), w = 1/sigma^2; 0 when I*phi <= I-1.';
COMMENT ON COLUMN @extschema@.funnel_point.adjusted IS 'True when the limits were widened for over-dispersion (overdispersion true and tau2 > 0, or phi > 1 with adjust=multiplicative).';
COMMENT ON COLUMN @extschema@.funnel_point.units IS 'Usable units in the partition.';
