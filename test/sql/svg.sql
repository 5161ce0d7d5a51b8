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
-- is missing), a phase break, an annotation, a goal, escaped text.
SELECT xml_is_well_formed_document(svg) AS well_formed,
       svg LIKE '<svg xmlns="http://www.w3.org/2000/svg"%' AS svg_root,
       (length(svg) - length(replace(svg, '<circle', ''))) / length('<circle') AS circles,
       (length(svg) - length(replace(svg, 'class="signal"', ''))) / length('class="signal"') AS signal_points,
       (length(svg) - length(replace(svg, 'class="phase-break"', ''))) / length('class="phase-break"') AS phase_breaks,
       (length(svg) - length(replace(svg, 'class="annotation"', ''))) / length('class="annotation"') AS annotations,
       svg LIKE '%class="goal"%' AS goal_line,
       svg LIKE '%<title id="chart-title">Pass rate &lt;p-chart&gt; &amp; &quot;friends&quot;</title>%' AS escaped_title,
       svg LIKE '%PDSA 1: checklist &lt;v2&gt; &amp; co%' AS escaped_annotation,
       svg LIKE '%After &lt;change&gt; &amp; &quot;more&quot;%' AS escaped_phase,
       svg ~ 'nan|inf' AS has_nan_or_inf
FROM svg_out;
SELECT substring(svg FROM '<desc id="chart-desc">[^<]*</desc>') AS description FROM svg_out;

-- Row order does not matter (the final function sorts by date), and a
-- forced parallel plan gives the same document.
SELECT (SELECT spc.chart_svg(week, c) FROM (SELECT week, spc.chart('i', w::float8) OVER (ORDER BY week) AS c FROM svg_weeks ORDER BY week DESC) s)
     = (SELECT spc.chart_svg(week, c) FROM (SELECT week, spc.chart('i', w::float8) OVER (ORDER BY week) AS c FROM svg_weeks ORDER BY week) s)
  AS order_independent;
CREATE TABLE svg_many AS
SELECT s, week, spc.chart('c', (s * 13 + w * 7) % 11 + 3.0) OVER (PARTITION BY s ORDER BY week) AS c
FROM svg_weeks, generate_series(1, 300) s;
CREATE TABLE svg_serial AS SELECT s, spc.chart_svg(week, c) AS svg FROM svg_many GROUP BY s;
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
CREATE TABLE svg_parallel AS SELECT s, spc.chart_svg(week, c) AS svg FROM svg_many GROUP BY s;
RESET ALL;
SELECT count(*) AS charts, count(*) FILTER (WHERE p.svg = q.svg) AS identical
FROM svg_serial p JOIN svg_parallel q USING (s);

-- Degenerate input: no rows, NULL dates and points, one point, all missing.
SELECT spc.chart_svg(week, c) IS NULL AS no_rows FROM (SELECT NULL::date AS week, NULL::spc.point AS c WHERE false) s;
SELECT spc.chart_svg(week, c) IS NULL AS only_null_rows FROM (VALUES (NULL::date, NULL::spc.point)) v(week, c);
SELECT xml_is_well_formed_document(spc.chart_svg(week, c)) AS one_point
FROM (SELECT date '2025-01-05' AS week, spc.chart('i', 5) OVER () AS c) s;
SELECT xml_is_well_formed_document(svg) AS all_missing, svg ~ '<circle' AS any_circle
FROM (SELECT spc.chart_svg(week, c) AS svg
      FROM (SELECT week, spc.chart('p', CASE WHEN w < 0 THEN 1.0 END, 10) OVER (ORDER BY week) AS c FROM svg_weeks) s) q;

DROP TABLE svg_weeks, svg_out, svg_many, svg_serial, svg_parallel;
