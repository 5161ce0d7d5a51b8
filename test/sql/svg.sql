-- spc.chart_svg: a standalone SVG of the points of one chart.
SET extra_float_digits = 0;

CREATE TABLE svg_weeks AS
SELECT date '2025-01-05' + 7 * (w - 1) AS week, w,
       CASE WHEN w <= 12 THEN 'Baseline' ELSE 'After <change> & "more"' END AS phase,
       CASE WHEN w = 13 THEN 'PDSA 1: checklist <v2> & co' END AS note,
       CASE WHEN w = 7 THEN NULL ELSE 20 + (w * 7) % 9 + CASE WHEN w > 12 THEN 12 ELSE 0 END END AS passed,
       40 AS audited
FROM generate_series(1, 24) w;

CREATE TABLE svg_out AS
SELECT spc.chart_svg(week, c, phase, note, 0.85, 'Pass rate <p-chart> & "friends"') AS svg
FROM (SELECT week, phase, note,
             spc.chart('p', passed, audited, improvement => 'up') OVER (PARTITION BY phase ORDER BY week) AS c
      FROM svg_weeks) s;

-- A well-formed XML document with its parts: 23 points with a value (week 7
-- is missing), a phase break, an annotation (a numbered marker, its text in
-- the key), a goal, escaped text, value labels at the right edge.
SELECT xml_is_well_formed_document(svg) AS well_formed,
       svg LIKE '<svg xmlns="http://www.w3.org/2000/svg"%' AS svg_root,
       (length(svg) - length(replace(svg, 'class="point"', ''))) / length('class="point"')
       + (length(svg) - length(replace(svg, 'class="signal', ''))) / length('class="signal') AS markers,
       (length(svg) - length(replace(svg, 'class="signal', ''))) / length('class="signal') AS signal_points,
       (length(svg) - length(replace(svg, 'class="phase-break"', ''))) / length('class="phase-break"') AS phase_breaks,
       (length(svg) - length(replace(svg, 'class="annotation"', ''))) / length('class="annotation"') AS annotations,
       svg LIKE '%class="goal"%' AS goal_line,
       svg ~ '>Goal 0.85<' AS goal_label,
       svg ~ '>CL 0\.[0-9]+<' AS centre_label,
       svg ~ '<title id="spc-[0-9a-f]{16}-title">Pass rate &lt;p-chart&gt; &amp; &quot;friends&quot;</title>' AS escaped_title,
       svg LIKE '%>PDSA 1: checklist &lt;v2&gt; &amp; co<%' AS annotation_in_key,
       svg LIKE '%After &lt;change&gt; &amp; &quot;more&quot;%' AS escaped_phase,
       svg ~ 'nan|inf' AS has_nan_or_inf,
       svg ~ 'chart-title|chart-desc' AS fixed_ids
FROM svg_out;
SELECT regexp_replace(substring(svg FROM '<desc id="[^"]*">[^<]*</desc>'), 'spc-[0-9a-f]{16}', 'spc-…') AS description
FROM svg_out;

-- The style: per cent for a p-chart, axis titles, size, ids; bad keys are errors.
SELECT svg ~ '>CL [0-9.]+%<' AS per_cent_labels, svg ~ '>Goal 85%<' AS goal_per_cent,
       svg LIKE '%>Passed (%)<%' AS y_title, svg LIKE '%>Week starting<%' AS x_title,
       svg LIKE '%viewBox="0 0 1000 %' AS width, svg LIKE '%id="slide-3"%' AS given_id,
       svg LIKE '%id="slide-3-title"%' AS given_title_id
FROM (SELECT spc.chart_svg(week, c, phase, note, 0.85, 'Pass rate',
                           '{"chart": "p", "y_title": "Passed (%)", "x_title": "Week starting", "width": 1000, "id": "slide-3"}') AS svg
      FROM (SELECT week, phase, note, spc.chart('p', passed, audited) OVER (PARTITION BY phase ORDER BY week) AS c
            FROM svg_weeks) s) q;
CREATE TABLE svg_i AS SELECT week, spc.chart('i', w) OVER (ORDER BY week) AS c FROM svg_weeks;
-- a chart multiplied already (the engine's multiply option): per cent, not scaled again
SELECT svg ~ '>CL 5\.[0-9]%<' AS multiplied_per_cent
FROM (SELECT spc.chart_svg(week, ROW(5.5, 5.5, 1, 10, 1.5, false, NULL, NULL, NULL)::spc.point, NULL, NULL, NULL, NULL,
                           '{"chart": "p(multiply=100)"}') AS svg FROM svg_weeks) q;
SELECT spc.chart_svg(week, c, NULL, NULL, NULL, NULL, '{"colour": "red"}') FROM svg_i;
SELECT spc.chart_svg(week, c, NULL, NULL, NULL, NULL, '{"width": 10}') FROM svg_i;
SELECT spc.chart_svg(week, c, NULL, NULL, NULL, NULL, '[1]') FROM svg_i;

-- Two charts inlined in one page share no id.
SELECT count(*) AS ids_in_common
FROM (SELECT (regexp_matches(svg, ' id="([^"]+)"', 'g'))[1] AS id FROM svg_out) a
JOIN (SELECT (regexp_matches(spc.chart_svg(week, c), ' id="([^"]+)"', 'g'))[1] AS id FROM svg_i) b USING (id);

-- Any x: timestamp, timestamptz (in the session's time zone), sample numbers.
SELECT xml_is_well_formed_document(svg) AS well_formed, svg LIKE '%>Time<%' AS time_axis,
       svg ~ '>[0-9]+ Jan [0-9]{2}:00<' AS hour_ticks
FROM (SELECT spc.chart_svg(h, c, NULL, NULL, NULL, 'Hourly', NULL) AS svg
      FROM (SELECT h, spc.chart('i', v) OVER (ORDER BY h) AS c
            FROM (SELECT timestamp '2025-01-05 06:00' + make_interval(hours => k) AS h, (k * 7 % 11)::float8 AS v
                  FROM generate_series(0, 30) k) x) y) q;
CREATE TABLE svg_hours AS
SELECT h, spc.chart('i', v) OVER (ORDER BY h) AS c
FROM (SELECT timestamptz '2025-01-05 06:00+00' + make_interval(hours => k) AS h, (k * 7 % 11)::float8 AS v
      FROM generate_series(0, 30) k) x;
SET TimeZone = 'UTC';
CREATE TABLE svg_tz AS SELECT spc.chart_svg(h, c) AS svg FROM svg_hours;
SET TimeZone = 'America/New_York';
SELECT q.svg <> t.svg AS time_zone_shown, q.svg LIKE '%>5 Jan 01:00: %' AS local_time_in_tooltip
FROM svg_tz t, (SELECT spc.chart_svg(h, c) AS svg FROM svg_hours) q;
RESET TimeZone;
SELECT xml_is_well_formed_document(svg) AS well_formed, svg LIKE '%>Sample<%' AS sample_axis,
       svg LIKE '%>10<%' AS number_ticks
FROM (SELECT spc.chart_svg(k, c, NULL, NULL, NULL, 'Samples', NULL) AS svg
      FROM (SELECT k, spc.chart('i', (k * 7 % 11)::float8) OVER (ORDER BY k) AS c FROM generate_series(1, 25) k) x) q;
SELECT xml_is_well_formed_document(spc.chart_svg(k::numeric / 2, c)) AS numeric_key
FROM (SELECT k, spc.chart('c', 3.0) OVER (ORDER BY k) AS c FROM generate_series(1, 5) k) x;

-- A run chart's runs signal is drawn on the centre line, not on the points.
SELECT svg LIKE '%class="centre runs-signal"%' AS runs_on_centre_line, svg NOT LIKE '%class="signal%' AS points_unmarked
FROM (SELECT spc.chart_svg(week, c) AS svg
      FROM (SELECT week, spc.chart('run', CASE WHEN w <= 12 THEN 1 ELSE 9 END + w % 2) OVER (ORDER BY week) AS c
            FROM svg_weeks) x) q;

-- Row order does not matter (the final function sorts), and a forced
-- parallel plan gives the same bytes, even when x values repeat.
SELECT (SELECT spc.chart_svg(week, c) FROM (SELECT week, spc.chart('i', w::float8) OVER (ORDER BY week) AS c FROM svg_weeks ORDER BY week DESC) s)
     = (SELECT spc.chart_svg(week, c) FROM (SELECT week, spc.chart('i', w::float8) OVER (ORDER BY week) AS c FROM svg_weeks ORDER BY week) s)
  AS order_independent;
CREATE TABLE svg_many AS
SELECT s, week, spc.chart('c', (s * 13 + w * 7) % 11 + 3.0) OVER (PARTITION BY s ORDER BY week) AS c
FROM svg_weeks, generate_series(1, 300) s;
-- 4 dates x 1,000 rows each, values differing within a date
CREATE TABLE svg_repeated AS
SELECT date '2025-01-05' + 7 * (k % 4) AS week, 'note ' || (k % 7) AS note,
       ROW(k % 13, 6, 1, 11, 1.5, k % 13 > 10, CASE WHEN k % 13 > 10 THEN ARRAY['ihi1'] END, NULL, NULL)::spc.point AS c
FROM generate_series(1, 4000) k;
CREATE TABLE svg_serial AS SELECT s, spc.chart_svg(week, c) AS svg FROM svg_many GROUP BY s;
CREATE TABLE svg_repeated_serial AS SELECT spc.chart_svg(week, c, NULL, note, NULL, NULL) AS svg FROM svg_repeated;
CREATE TABLE svg_repeated_reversed AS
SELECT spc.chart_svg(week, c, NULL, note, NULL, NULL) AS svg FROM (SELECT * FROM svg_repeated ORDER BY week DESC, note DESC) r;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET enable_hashagg = off;
SET max_parallel_workers_per_gather = 2;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT line; END LOOP;
END $$;
SELECT bool_or(p LIKE '%Partial%Aggregate%') AS partial_aggregate
FROM pg_temp.plan_of('SELECT s, spc.chart_svg(week, c) FROM svg_many GROUP BY s') p;
SELECT bool_or(p LIKE '%Partial%Aggregate%') AS partial_aggregate_repeated
FROM pg_temp.plan_of('SELECT spc.chart_svg(week, c, NULL, note, NULL, NULL) FROM svg_repeated') p;
CREATE TABLE svg_parallel AS SELECT s, spc.chart_svg(week, c) AS svg FROM svg_many GROUP BY s;
CREATE TABLE svg_repeated_parallel AS SELECT spc.chart_svg(week, c, NULL, note, NULL, NULL) AS svg FROM svg_repeated;
RESET ALL;
SET extra_float_digits = 0;
SELECT count(*) AS charts, count(*) FILTER (WHERE p.svg = q.svg) AS identical
FROM svg_serial p JOIN svg_parallel q USING (s);
SELECT md5(a.svg) = md5(b.svg) AS serial_equals_parallel, md5(a.svg) = md5(c.svg) AS serial_equals_reversed
FROM svg_repeated_serial a, svg_repeated_parallel b, svg_repeated_reversed c;

-- Small multiples: one panel per facet, shared or free y scales.
SELECT xml_is_well_formed_document(svg) AS well_formed,
       (length(svg) - length(replace(svg, 'class="facet"', ''))) / length('class="facet"') AS panels,
       (length(svg) - length(replace(svg, '>Centre line<', ''))) / length('>Centre line<') AS legends
FROM (SELECT spc.chart_svg_grid('Unit ' || s, week, c, NULL, NULL, 10, 'Counts by unit', '{"columns": 2}') AS svg
      FROM svg_many WHERE s <= 5) q;
SELECT (SELECT spc.chart_svg_grid('Unit ' || s, week, c, NULL, NULL, NULL, NULL, '{"y_scale": "shared"}') FROM svg_many WHERE s <= 4)
    <> (SELECT spc.chart_svg_grid('Unit ' || s, week, c, NULL, NULL, NULL, NULL, '{"y_scale": "free"}') FROM svg_many WHERE s <= 4)
  AS free_scales_differ;
SELECT spc.chart_svg_grid('x', week, c, NULL, NULL, NULL, NULL, '{"y_scale": "loose"}') FROM svg_many WHERE s = 1;

-- NHS Making Data Count icons.
SELECT v, i, xml_is_well_formed_document(spc.variation_icon(v, i)) AS well_formed,
       substring(spc.variation_icon(v, i) FROM '<title[^>]*>([^<]*)') AS meaning,
       substring(spc.variation_icon(v, i) FROM 'font-weight="bold"[^>]*>([HL])<') AS letter
FROM unnest(ARRAY['common_cause', 'improvement', 'concern', 'neutral_high', 'neutral_low']) v,
     unnest(ARRAY['up', 'down']) i
ORDER BY v, i;
SELECT a, substring(spc.assurance_icon(a, 24) FROM '>([PF?])</text>') AS letter,
       spc.assurance_icon(a, 24) LIKE '%width="24" height="24"%' AS sized
FROM unnest(ARRAY['pass', 'fail', 'hit_and_miss']) a ORDER BY a;
SELECT spc.variation_icon(NULL) IS NULL AS null_variation, spc.variation_icon('sideways') IS NULL AS unknown_variation,
       spc.assurance_icon(NULL) IS NULL AS null_assurance, spc.assurance_icon('maybe') IS NULL AS unknown_assurance;
SELECT spc.assurance_icon('pass', 0);

-- Degenerate input: no rows, NULL dates and points, one point, all missing.
SELECT spc.chart_svg(week, c) IS NULL AS no_rows FROM (SELECT NULL::date AS week, NULL::spc.point AS c WHERE false) s;
SELECT spc.chart_svg(week, c) IS NULL AS only_null_rows FROM (VALUES (NULL::date, NULL::spc.point)) v(week, c);
SELECT xml_is_well_formed_document(spc.chart_svg(week, c)) AS one_point
FROM (SELECT date '2025-01-05' AS week, spc.chart('i', 5) OVER () AS c) s;
SELECT xml_is_well_formed_document(svg) AS all_missing, svg ~ '<circle class="point' AS any_point
FROM (SELECT spc.chart_svg(week, c) AS svg
      FROM (SELECT week, spc.chart('p', CASE WHEN w < 0 THEN 1.0 END, 10) OVER (ORDER BY week) AS c FROM svg_weeks) s) q;
SELECT spc.chart_svg(t, c) IS NULL AS infinite_time
FROM (SELECT timestamp 'infinity' AS t, spc.chart('i', 1) OVER () AS c) x;

DROP TABLE svg_weeks, svg_out, svg_i, svg_many, svg_serial, svg_parallel, svg_hours, svg_tz, svg_repeated,
  svg_repeated_serial, svg_repeated_parallel, svg_repeated_reversed;
