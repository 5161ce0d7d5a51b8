-- The reference outputs of methods.md Part B section 8 that concern limits,
-- at the precision the reference prints, from the conformance inputs.
SET extra_float_digits = 0;
CREATE TEMP TABLE ref (case_id text, chart text, i int, obs int, x float8, n float8,
  part int, baseline int, excluded int);
\copy ref FROM 'test/conformance/inputs.csv' CSV HEADER

-- cdi U chart x 10 000, part = 24: CL 13.0242 (mean LCL 3.985, mean UCL 22.063)
-- then CL 5.0089 (LCL 0, UCL 10.660); no signals.
SELECT part, round(((s).cl * 10000)::numeric, 4) AS cl, round(((s).avg_lcl * 10000)::numeric, 3) AS avg_lcl,
       round(((s).avg_ucl * 10000)::numeric, 3) AS avg_ucl, (s).sigma_signals
FROM (SELECT part, spc.phase_summary('u', i, x, n) AS s FROM ref
      WHERE case_id = 'pub19_cdi_u_part_qic' GROUP BY part) q ORDER BY part;

-- First 24 cdi months, C chart: CL 18.7083, LCL 5.7324, UCL 31.6843.
SELECT DISTINCT round((c).cl::numeric, 4) AS cl, round((c).lcl::numeric, 4) AS lcl, round((c).ucl::numeric, 4) AS ucl
FROM (SELECT spc.chart('c', x) OVER (ORDER BY i) AS c FROM ref
      WHERE case_id = 'pub18_cdi_c_part_qic' AND part = 1) q;

-- nhs_accidents P: CL 0.9529, mean LCL 0.95170, mean UCL 0.95410, 16 points
-- outside; P': 0.94010 / 0.96570, none outside; I chart of the proportions:
-- 0.94013 / 0.95297 / 0.96581.
SELECT kind, round((s).cl::numeric, 4) AS cl, round((s).avg_lcl::numeric, 5) AS avg_lcl,
       round((s).avg_ucl::numeric, 5) AS avg_ucl, (s).sigma_signals
FROM (SELECT kind, spc.phase_summary(kind, i, x, n) AS s
      FROM ref, unnest(ARRAY['p', 'pp']) kind
      WHERE case_id = 'pub28_nhs_accidents_p_qic' GROUP BY kind) q ORDER BY kind;
SELECT round((s).avg_lcl::numeric, 5) AS lcl, round((s).cl::numeric, 5) AS cl, round((s).avg_ucl::numeric, 5) AS ucl
FROM (SELECT spc.phase_summary('i', i, x / n) AS s FROM ref WHERE case_id = 'pub28_nhs_accidents_p_qic') q;

-- Last 100 cabg ages, I: CL 66.3345 (the mean is 66.33455, which numeric
-- rounding prints as 66.3346), LCL 41.8989, UCL 90.7702 (2 below LCL);
-- exclude = c(45, 70): 67.2337 / 43.2339 / 91.2336.  MR: CL 10.6403, UCL 34.7617.
SELECT case_id, round((s).cl::numeric, 4) AS cl, round((s).avg_lcl::numeric, 4) AS lcl,
       round((s).avg_ucl::numeric, 4) AS ucl, (s).sigma_signals
FROM (SELECT case_id, spc.phase_summary(chart, i, x, n, true, excluded = 1) AS s FROM ref
      WHERE case_id IN ('pub23_cabg_age_i_noexcl_qic', 'pub20_cabg_age_i_qic', 'pub21_cabg_age_mr_qic')
      GROUP BY case_id) q ORDER BY case_id DESC;

-- cabg surgeries between deaths, G: CL (median) 24, UCL 128.175; days
-- between deaths, T: CL 11.2051, LCL 0.02213, UCL 97.268.
SELECT chart, round((c).cl::numeric, 4) AS cl, round((c).lcl::numeric, 5) AS lcl, round((c).ucl::numeric, 3) AS ucl
FROM (SELECT DISTINCT ON (chart) chart, spc.chart(chart, x) OVER (PARTITION BY chart ORDER BY i) AS c FROM ref
      WHERE case_id IN ('pub25_cabg_deaths_g_qic', 'pub27_cabg_deaths_t_qic')) q ORDER BY chart;

-- qcc pistonrings (phase I 25 x 5): Xbar CL 74.00118, sigma-hat (UWAVE-R)
-- 0.009785, limits 73.98805 / 74.01430, phase-II samples 37, 38, 39 beyond;
-- R chart CL 0.02276, UCL 0.048125; S chart CL 0.009240, UCL 0.019302.
SELECT (s).n_baseline, round((s).cl::numeric, 5) AS cl, round((s).sigma::numeric, 6) AS sigma,
       round((s).avg_lcl::numeric, 5) AS lcl, round((s).avg_ucl::numeric, 5) AS ucl, (s).sigma_signals
FROM (SELECT spc.phase_summary('xbar(method=qcc)', i, x, NULL, baseline = 1, false) AS s FROM ref
      WHERE case_id = 'pub01_pistonrings_xbar_qcc') q;
SELECT i FROM (SELECT DISTINCT i, spc.chart('xbar(method=qcc)', x, baseline => baseline = 1) OVER (ORDER BY i) AS c
               FROM ref WHERE case_id = 'pub01_pistonrings_xbar_qcc') q
WHERE 'limits' = ANY ((c).signals) ORDER BY i;
SELECT kind, round((c).cl::numeric, 6) AS cl, round((c).ucl::numeric, 6) AS ucl
FROM (SELECT DISTINCT ON (kind) kind, spc.chart(kind, x, baseline => baseline = 1) OVER (PARTITION BY kind ORDER BY i) AS c
      FROM ref, unnest(ARRAY['r', 's(method=qcc)']) kind WHERE case_id = 'pub01_pistonrings_xbar_qcc') q ORDER BY kind;

-- qcc orangejuice (trial) p: CL 0.231333, limits 0.052428 / 0.410239, points
-- 15 and 23 out; np: 11.5667, 2.6214 / 20.5120.
SELECT round((c).cl::numeric, 6) AS cl, round((c).lcl::numeric, 6) AS lcl, round((c).ucl::numeric, 6) AS ucl,
       array_agg(i) FILTER (WHERE 'limits' = ANY ((c).signals)) OVER () AS out_of_control
FROM (SELECT i, spc.chart('p', x, n) OVER (ORDER BY i) AS c
      FROM ref WHERE case_id = 'pub10_orangejuice_p_qcc') q
ORDER BY i LIMIT 1;
SELECT round((c).cl::numeric, 4) AS cl, round((c).lcl::numeric, 4) AS lcl, round((c).ucl::numeric, 4) AS ucl
FROM (SELECT spc.chart('np', x, n) OVER (ORDER BY i) AS c FROM ref WHERE case_id = 'pub11_orangejuice_np_qcc') q LIMIT 1;

-- qcc circuit (trial) c: CL 19.84615, limits 6.48145 / 33.21086, points 6 and
-- 20 out.  pcmanufact u: 1.93, 0.06613 / 3.79387.
SELECT round((c).cl::numeric, 5) AS cl, round((c).lcl::numeric, 5) AS lcl, round((c).ucl::numeric, 5) AS ucl,
       array_agg(i) FILTER (WHERE 'limits' = ANY ((c).signals)) OVER () AS out_of_control
FROM (SELECT i, spc.chart('c', x) OVER (ORDER BY i) AS c FROM ref WHERE case_id = 'pub13_circuit_c_qcc') q LIMIT 1;
SELECT DISTINCT round((c).cl::numeric, 2) AS cl, round((c).lcl::numeric, 5) AS lcl, round((c).ucl::numeric, 5) AS ucl
FROM (SELECT spc.chart('u', x, n) OVER (ORDER BY i) AS c FROM ref WHERE case_id = 'pub15_pcmanufact_u_qcc') q;

-- Two references whose data are not in the conformance set are not checked
-- here: hospital_infections (U, all hospitals pooled) and qcc's viscosity
-- (xbar.one).  EWMA and CUSUM are later chart families.
