-- learning_network chart functions for the HUB: SVG, JSON, per-criterion
-- Pareto.  Uses the demo network loaded by ln_2_demo.
SET extra_float_digits = 0;
SELECT min(project_id) AS team FROM learning_network.project WHERE collaborative_id = 2 \gset

SELECT xml_is_well_formed_document(svg) AS well_formed,
       (length(svg) - length(replace(svg, 'class="point"', ''))) / length('class="point"')
       + (length(svg) - length(replace(svg, 'class="signal', ''))) / length('class="signal') AS markers,
       (length(svg) - length(replace(svg, 'class="phase-break"', ''))) / length('class="phase-break"') AS phase_breaks,
       (length(svg) - length(replace(svg, 'class="annotation"', ''))) / length('class="annotation"') AS annotations,
       svg LIKE '%class="goal"%' AS goal_line
FROM (SELECT learning_network.chart_svg(:team, 1) AS svg) s;
-- The same number of points as the view has reported weeks.
SELECT count(*) FILTER (WHERE reported AND NOT invalid) AS reported_weeks
FROM learning_network.chart_points WHERE project_id = :team AND measure_id = 1;
SELECT learning_network.chart_svg(:team, 1, '2030-01-05') IS NULL AS empty_period_is_null;

-- Small multiples: a chart per facility of a measure, a chart per measure of
-- a project; as many panels as the view has series.
SELECT xml_is_well_formed_document(svg) AS well_formed,
       (length(svg) - length(replace(svg, 'class="facet"', ''))) / length('class="facet"') AS panels,
       (SELECT count(DISTINCT facility_id) FROM learning_network.chart_points WHERE measure_id = 1) AS facilities,
       svg LIKE '%>Per cent; one y scale<%' AS shared_scale
FROM (SELECT learning_network.measure_grid_svg(1) AS svg) s;
SELECT xml_is_well_formed_document(svg) AS well_formed,
       (length(svg) - length(replace(svg, 'class="facet"', ''))) / length('class="facet"') AS panels,
       (SELECT count(DISTINCT measure_id) FROM learning_network.chart_points WHERE project_id = :team) AS measures
FROM (SELECT learning_network.project_grid_svg(:team) AS svg) s;
SELECT learning_network.project_grid_svg(:team, '2030-01-05') IS NULL AS empty_period_is_null;

-- The NHS icons beside series_status, as docs/reference.md shows them.
SELECT count(*) AS series, count(spc.variation_icon(s.latest_variation, m.improvement)) AS variation_icons,
       count(s.assurance) AS with_assurance, count(spc.assurance_icon(s.assurance)) AS assurance_icons
FROM learning_network.series_status s JOIN learning_network.measures m USING (measure_id)
WHERE s.project_id = :team;

-- JSON: every week, its phase, signals with descriptions, phases, annotations.
SELECT jsonb_array_length(j -> 'points') AS points,
       j -> 'measure' ->> 'code' AS measure,
       j ->> 'goal' AS goal,
       jsonb_array_length(j -> 'phases') AS phases,
       (SELECT string_agg(ph ->> 'label', ', ') FROM jsonb_array_elements(j -> 'phases') ph) AS phase_labels,
       jsonb_array_length(j -> 'annotations') AS annotations,
       (SELECT count(*) FROM jsonb_array_elements(j -> 'points') p WHERE (p ->> 'signal')::boolean) AS signal_points,
       (SELECT count(*) FROM jsonb_array_elements(j -> 'points') p, jsonb_array_elements(p -> 'signals') s
        WHERE s ->> 'description' IS NULL) AS codes_without_description
FROM (SELECT learning_network.chart_json(:team, 1) AS j) s;
SELECT jsonb_pretty((learning_network.chart_json(:team, 1, '2022-05-01', '2022-05-08') -> 'points') -> 0) AS first_point;
SELECT learning_network.chart_json(:team, 1, '2030-01-05') IS NULL AS empty_period_is_null;

-- Per-criterion charts are charts of the element measures.
SELECT m.code, count(*) AS weeks, count(*) FILTER (WHERE cp.signal) AS signal_weeks
FROM learning_network.chart_points cp JOIN learning_network.measure m USING (measure_id)
WHERE cp.project_id = :team AND m.parent_measure_id = 1
GROUP BY m.code ORDER BY m.code;

-- Pareto of failed criteria over the baseline and over the last quarter.
SELECT code, failures, audited, round(failure_share::numeric, 3) AS share,
       round(cumulative_share::numeric, 3) AS cumulative
FROM learning_network.element_pareto(:team, 1, '2022-02-27', '2022-04-17');
SELECT count(*) AS criteria, round(max(cumulative_share)::numeric, 6) AS total_share,
       bool_and(failures >= 0) AS non_negative
FROM learning_network.element_pareto(:team, 1);
SELECT count(*) AS no_elements FROM learning_network.element_pareto(:team, 12);

-- Every code has a description.
SELECT c, spc.rule_description(c) IS NOT NULL AS described
FROM unnest(ARRAY['ihi1', 'ihi5', 'we4', 'nelson8', 'nhs3', 'anhoej_crossings', 'invalid', 'bogus']) c;
