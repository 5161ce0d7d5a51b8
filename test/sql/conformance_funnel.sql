-- Conformance of spc.funnel against FunnelPlotR 0.6.0 (NHS-R community) on
-- published data sets (test/conformance/funnel/README.md): every unit's
-- ratio, target, z-score, 95 % and 99.8 % limits (unadjusted and widened for
-- over-dispersion) and outlier flags, and each case's phi and tau^2.
-- FunnelPlotR writes its normal quantiles as 1.959964 and 3.090232 (7
-- digits), so limits are compared at 1e-6, z, phi and tau^2 at 1e-12.
\set ECHO none
SET client_min_messages = warning;
CREATE TEMP TABLE fc_case (case_name text, dataset text, data_type text, trim_by float8, spc_chart text,
  units int, phi float8, tau2 float8, draw_adjusted boolean);
\copy fc_case FROM 'test/conformance/funnel/cases.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE fc_input (case_name text, unit text, x float8, n float8);
\copy fc_input FROM 'test/conformance/funnel/inputs.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE fc_expected (case_name text, unit text, y float8, target float8, z float8, winsorised_z float8,
  lower95 float8, upper95 float8, lower998 float8, upper998 float8,
  od_lower95 float8, od_upper95 float8, od_lower998 float8, od_upper998 float8, outlier95 int, outlier998 int);
\copy fc_expected FROM 'test/conformance/funnel/expected.csv' WITH (FORMAT csv, HEADER)
\set ECHO all

CREATE FUNCTION pg_temp.close(a float8, b float8, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS
$$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= greatest(tol * greatest(abs(a), abs(b)), 1e-15) $$;

-- each unit computed twice: plain limits, and widened for over-dispersion
CREATE TEMP TABLE fc_result AS
SELECT c.case_name, c.data_type, i.unit,
       spc.funnel(c.spc_chart, i.x, i.n) OVER w AS plain,
       spc.funnel(c.spc_chart, i.x, i.n, true) OVER w AS od
FROM fc_input i JOIN fc_case c USING (case_name)
WINDOW w AS (PARTITION BY c.case_name);

SELECT count(DISTINCT case_name) AS cases, count(*) AS units FROM fc_result;

-- Proportions (FunnelPlotR's "PR": arcsine-square-root scale, normal limits):
-- every field under the matching convention 'p(scale=arcsine, limits=normal)'.
-- Limits are compared on the arcsine scale, where they are target +- q*se:
-- the half-widths agree to 1e-6 relative (FunnelPlotR's 7-digit quantiles).
-- Where target +- q*se runs past the end of the scale (below 0 or above
-- pi/2), spc.funnel clips the limit to 0 or 1; FunnelPlotR takes sin^2 of
-- the argument as it is, which folds back from the end, and resets the fold
-- to 0 or 1 only where its lookup curve is not monotone: those limits are
-- counted apart (clipped_folded), each checked to be the fold.
CREATE TEMP TABLE fc_limit AS
SELECT c.case_name, e.unit, k.adjusted, k.q, k.spc, k.ref, k.ref_q,
       asin(sqrt((r.plain).target)) AS centre,
       CASE WHEN k.adjusted THEN sqrt(0.25 / i.n + c.tau2) ELSE 0.5 / sqrt(i.n) END AS se
FROM fc_case c JOIN fc_expected e USING (case_name) JOIN fc_input i USING (case_name, unit)
JOIN fc_result r USING (case_name, unit),
LATERAL (VALUES (false, -1.959963984540054, (r.plain).lower95, e.lower95, -1.959964),
                (false, 1.959963984540054, (r.plain).upper95, e.upper95, 1.959964),
                (false, -3.090232306167814, (r.plain).lower998, e.lower998, -3.090232),
                (false, 3.090232306167814, (r.plain).upper998, e.upper998, 3.090232),
                (true, -1.959963984540054, (r.od).lower95, e.od_lower95, -1.959964),
                (true, 1.959963984540054, (r.od).upper95, e.od_upper95, 1.959964),
                (true, -3.090232306167814, (r.od).lower998, e.od_lower998, -3.090232),
                (true, 3.090232306167814, (r.od).upper998, e.od_upper998, 3.090232))
        k(adjusted, q, spc, ref, ref_q)
WHERE c.data_type = 'PR';

CREATE TEMP TABLE fc_limit_check AS
SELECT case_name, unit, adjusted,
       centre + q * se > 0 AND centre + q * se < pi() / 2 AS inside,
       abs((asin(sqrt(spc)) - centre) - (asin(sqrt(ref)) - centre)) <= 1e-6 * abs(q * se) AS same,
       spc = CASE WHEN centre + q * se <= 0 THEN 0 ELSE 1 END AS spc_clipped,
       (ref = CASE WHEN centre + q * se <= 0 THEN 0 ELSE 1 END)
         OR abs(ref - sin(centre + ref_q * se) ^ 2) <= 1e-12 AS ref_fold_or_reset,
       ref <> CASE WHEN centre + q * se <= 0 THEN 0 ELSE 1 END AS folded
FROM fc_limit;

SELECT c.case_name, c.spc_chart, count(*) AS units,
       count(*) FILTER (WHERE NOT (pg_temp.close((r.plain).y, e.y, 1e-12)
                                   AND pg_temp.close((r.plain).target, e.target, 1e-12))) AS bad_y_target,
       count(*) FILTER (WHERE NOT pg_temp.close((r.plain).z, e.z, 1e-12)) AS bad_z,
       count(*) FILTER (WHERE NOT (pg_temp.close((r.od).phi, c.phi, 1e-12)
                                   AND pg_temp.close((r.od).tau2, c.tau2, 1e-12))) AS bad_phi_tau2,
       round(min((r.od).phi)::numeric, 4) AS phi, round(min((r.od).tau2)::numeric, 6) AS tau2
FROM fc_case c JOIN fc_expected e USING (case_name) JOIN fc_result r USING (case_name, unit)
WHERE c.data_type = 'PR'
GROUP BY c.case_name, c.spc_chart ORDER BY c.case_name;

SELECT case_name, count(*) AS limits,
       count(*) FILTER (WHERE inside AND same) AS same,
       count(*) FILTER (WHERE NOT inside AND spc_clipped AND ref_fold_or_reset AND NOT folded) AS clipped_both,
       count(*) FILTER (WHERE NOT inside AND spc_clipped AND ref_fold_or_reset AND folded) AS clipped_folded,
       count(*) FILTER (WHERE NOT ((inside AND same) OR (NOT inside AND spc_clipped AND ref_fold_or_reset))) AS differences
FROM fc_limit_check GROUP BY case_name ORDER BY case_name;

-- Outside the widened limits: the same verdict for every unit, but where
-- FunnelPlotR's limit is folded back past the end of the scale.
SELECT c.case_name, count(*) AS units,
       count(*) FILTER (WHERE e.outlier95 = 1) AS outside95, count(*) FILTER (WHERE e.outlier998 = 1) AS outside998,
       count(*) FILTER (WHERE f.folded) AS folded_units,
       count(*) FILTER (WHERE NOT f.folded AND ((r.od).outside95 <> (e.outlier95 = 1)
                                                OR (r.od).outside998 <> (e.outlier998 = 1))) AS differences,
       string_agg(CASE WHEN (r.od).outside95 <> (e.outlier95 = 1) OR (r.od).outside998 <> (e.outlier998 = 1)
                       THEN e.unit END, ', ' ORDER BY e.unit) AS verdict_differs
FROM fc_case c JOIN fc_expected e USING (case_name) JOIN fc_result r USING (case_name, unit)
JOIN (SELECT case_name, unit, bool_or(folded AND NOT inside) AS folded FROM fc_limit_check
      WHERE adjusted GROUP BY case_name, unit) f USING (case_name, unit)
WHERE c.data_type = 'PR'
GROUP BY c.case_name ORDER BY c.case_name;

-- Standardised ratios (FunnelPlotR's "SR", sr_method "CQC": square-root
-- scale, target 1): ratio, z, phi and tau^2 under 'u(scale=sqrt, target=1)'.
SELECT c.case_name, c.spc_chart, count(*) AS units,
       count(*) FILTER (WHERE NOT (pg_temp.close((r.plain).y, e.y, 1e-12)
                                   AND pg_temp.close((r.plain).target, e.target, 1e-12))) AS bad_y_target,
       count(*) FILTER (WHERE NOT pg_temp.close((r.plain).z, e.z, 1e-12)) AS bad_z,
       count(*) FILTER (WHERE NOT (pg_temp.close((r.od).phi, c.phi, 1e-12)
                                   AND pg_temp.close((r.od).tau2, c.tau2, 1e-12))) AS bad_phi_tau2,
       round(min((r.od).phi)::numeric, 4) AS phi
FROM fc_case c JOIN fc_expected e USING (case_name) JOIN fc_result r USING (case_name, unit)
WHERE c.data_type = 'SR'
GROUP BY c.case_name, c.spc_chart ORDER BY c.case_name;

-- Deliberate difference 1: FunnelPlotR's CQC limits are drawn on the
-- square-root scale, 1 +- z sqrt(s^2 + tau^2), around ratios plotted on the
-- ratio scale; spc.funnel transforms them back, (1 +- z sqrt(s^2 + tau^2))^2
-- (clipped at 0).  Every widened limit is the square of FunnelPlotR's.
SELECT c.case_name, count(*) AS units,
       count(*) FILTER (WHERE NOT (pg_temp.close((r.od).lower95, greatest(e.od_lower95, 0) ^ 2, 1e-6)
                                   AND pg_temp.close((r.od).upper95, e.od_upper95 ^ 2, 1e-6)
                                   AND pg_temp.close((r.od).lower998, greatest(e.od_lower998, 0) ^ 2, 1e-6)
                                   AND pg_temp.close((r.od).upper998, e.od_upper998 ^ 2, 1e-6))) AS not_squared,
       count(*) FILTER (WHERE pg_temp.close((r.od).upper95, e.od_upper95, 1e-6)) AS same_as_funnelplotr
FROM fc_case c JOIN fc_expected e USING (case_name) JOIN fc_result r USING (case_name, unit)
WHERE c.data_type = 'SR'
GROUP BY c.case_name ORDER BY c.case_name;

-- Deliberate difference 2: FunnelPlotR's unadjusted SR limits are chi-square
-- (Garwood) confidence limits for a Poisson mean, qchisq(p, 2E)/(2E) and
-- qchisq(1-p, 2(E+1))/(2E); spc.funnel's are Spiegelhalter's (2005,
-- appendix) interpolated quantiles of Poisson(E), a prediction interval for
-- the observed count.  They differ, by less for larger E:
SELECT c.case_name, count(*) AS units,
       count(*) FILTER (WHERE pg_temp.close((r.plain).upper95, e.upper95, 1e-6)) AS same_upper95,
       round(max(abs((r.plain).upper95 - e.upper95) / e.upper95)::numeric, 3) AS max_rel_diff_upper95,
       round(max(abs((r.plain).lower95 - e.lower95) / e.lower95)::numeric, 3) AS max_rel_diff_lower95,
       bool_and((r.plain).lower95 < 1 AND (r.plain).upper95 > 1 AND e.lower95 < 1 AND e.upper95 > 1) AS both_around_target
FROM fc_case c JOIN fc_expected e USING (case_name) JOIN fc_result r USING (case_name, unit)
WHERE c.data_type = 'SR'
GROUP BY c.case_name ORDER BY c.case_name;
