-- spc.funnel: funnel plots over a partition of units (Spiegelhalter 2005).
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TEMP TABLE ward_falls (ward text, falls integer, bed_days integer);
INSERT INTO ward_falls VALUES
  ('A', 12, 2100), ('B', 30, 2900), ('C', 8, 1500), ('D', 45, 4000), ('E', 20, 3300),
  ('F', 3, 900), ('G', 60, 5200), ('H', 25, 2500), ('I', 14, 2600), ('J', 40, 3100);

-- The example of docs/reference.md: falls per 1,000 bed-days, exact Poisson limits, no rank.
SELECT ward, falls, bed_days,
       round(((f).y * 1000)::numeric, 2) AS per_1000, round(((f).target * 1000)::numeric, 2) AS target,
       round(((f).lower998 * 1000)::numeric, 2) AS lower998, round(((f).lower95 * 1000)::numeric, 2) AS lower95,
       round(((f).upper95 * 1000)::numeric, 2) AS upper95, round(((f).upper998 * 1000)::numeric, 2) AS upper998,
       round((f).z::numeric, 3) AS z, (f).outside95, (f).outside998
FROM (SELECT ward, falls, bed_days, spc.funnel('u', falls, bed_days) OVER () AS f FROM ward_falls) s
ORDER BY ward;

-- With over-dispersion: phi from winsorised z-scores, tau^2, widened (normal) limits.
SELECT ward, round((f).z_adjusted::numeric, 3) AS z_adjusted,
       round(((f).lower998 * 1000)::numeric, 2) AS lower998, round(((f).upper998 * 1000)::numeric, 2) AS upper998,
       round((f).phi::numeric, 4) AS phi, round((f).tau2::numeric, 10) AS tau2, (f).adjusted, (f).units
FROM (SELECT ward, spc.funnel('u', falls, bed_days, true) OVER () AS f FROM ward_falls) s
ORDER BY ward;

-- Multiplicative adjustment, normal limits, no winsorising: limits target +- z sqrt(phi) sigma.
SELECT count(*) AS units,
       bool_and(abs((f).upper998 - ((f).target + 3.090232306167814 * sqrt((f).phi) * (f).sigma)) < 1e-15) AS upper_ok,
       bool_and(abs((f).lower95 - greatest((f).target - 1.959963984540054 * sqrt((f).phi) * (f).sigma, 0)) < 1e-15) AS lower_ok,
       bool_and(abs((f).phi - phi_raw) < 1e-12) AS phi_is_mean_z2
FROM (SELECT spc.funnel('u(limits=normal, winsorize=0, adjust=multiplicative)', falls, bed_days, true) OVER () AS f,
             avg(((falls::float8 / bed_days) - 257.0 / 28100) ^ 2 / ((257.0 / 28100) / bed_days)) OVER () AS phi_raw
      FROM ward_falls) s;

-- Proportions, partitions per indicator, a fixed target, missing and unusable units.
SELECT indicator, unit, (f).y, round((f).target::numeric, 4) AS target, round((f).lower95::numeric, 4) AS lower95,
       round((f).upper95::numeric, 4) AS upper95, round((f).z::numeric, 3) AS z, (f).units
FROM (SELECT indicator, unit, spc.funnel(CASE indicator WHEN 'fixed' THEN 'p(target=0.3)' ELSE 'p' END, x, n)
               OVER (PARTITION BY indicator) AS f
      FROM (VALUES ('pooled', 1, 5, 10), ('pooled', 2, 50, 100), ('pooled', 3, NULL, 10), ('pooled', 4, 11, 10),
                   ('pooled', 5, 1, 0), ('pooled', 6, -1, 10),
                   ('fixed', 1, 9, 10), ('fixed', 2, 50, 100)) v(indicator, unit, x, n)) s
ORDER BY indicator, unit;

-- Degenerate: every proportion 0 (no z-score, limits collapse to 0), a single unit, no usable unit.
SELECT label, (f).y, (f).target, (f).z, (f).lower95, (f).upper998, (f).phi, (f).tau2, (f).adjusted, (f).units
FROM (SELECT label, spc.funnel('p', x, n, true) OVER (PARTITION BY label) AS f
      FROM (VALUES ('zeros', 0, 10), ('zeros', 0, 20), ('single', 3, 10), ('none', NULL::int, 10)) v(label, x, n)) s
ORDER BY label;

-- Exact limits at the extremes of n (binomial n = 1 and 10^9), against R's qbinom formula.
SELECT n, round((f).lower998::numeric, 12) AS lower998, round((f).upper998::numeric, 12) AS upper998
FROM (SELECT n, spc.funnel('p(target=0.1)', x, n) OVER (PARTITION BY n) AS f
      FROM (VALUES (0, 1), (100000000, 1000000000)) v(x, n)) s
ORDER BY n;

-- Argument errors: SQLSTATE 22023 with the argument named.
SELECT q, pg_temp.error_of(q) FROM (VALUES
  ($$SELECT spc.funnel('i', 1, 2) OVER ()$$),
  ($$SELECT spc.funnel(NULL, 1, 2) OVER ()$$),
  ($$SELECT spc.funnel('p(limits=wide)', 1, 2) OVER ()$$),
  ($$SELECT spc.funnel('p(winsorize=0.5)', 1, 2) OVER ()$$),
  ($$SELECT spc.funnel('p(target=2)', 1, 2) OVER ()$$),
  ($$SELECT spc.funnel('p(rank=true)', 1, 2) OVER ()$$),
  ($$SELECT spc.funnel('p(limits=exact', 1, 2) OVER ()$$),
  ($$SELECT spc.funnel(CASE WHEN g = 1 THEN 'p' ELSE 'u' END, 1, 2) OVER () FROM generate_series(1, 2) g$$),
  ($$SELECT spc.funnel('p', 1, 2, g = 2) OVER () FROM generate_series(1, 2) g$$),
  ($$SELECT spc.funnel('u', 1, 2, NULL) OVER ()$$)
) v(q);
