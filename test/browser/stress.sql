-- Charts built to strain the label placement, for the Chromium check:
-- many short phases with long labels, an annotation on every point with long
-- texts, a narrow chart, large and negative values, hours, sample numbers,
-- one point, nothing drawable, a wide grid of free scales.
CREATE TABLE stress_case (name text PRIMARY KEY, svg text, annotations jsonb);

CREATE TEMP TABLE base AS
SELECT k, date '2024-01-07' + 7 * k AS week,
       'Phase ' || (k / 3) || ': a long label for a short phase of three weeks' AS phase,
       CASE WHEN k % 2 = 0 THEN 'PDSA ' || k || ': ' || repeat('a change tried on the ward with its team, ', 1 + k % 12) || 'end.' END AS note,
       20 + (k * 37) % 17 AS x, 40 AS n
FROM generate_series(0, 59) k;

INSERT INTO stress_case
SELECT 'stress/short-phases', spc.chart_svg(week, c, phase, NULL, 0.6, 'Short phases with long labels', '{"chart": "p"}'), '[]'
FROM (SELECT week, phase, spc.chart('p', x, n, improvement => 'up') OVER (PARTITION BY phase ORDER BY week) AS c FROM base) s;

INSERT INTO stress_case
SELECT 'stress/many-annotations', spc.chart_svg(week, c, NULL, note, NULL, 'An annotation every other week', NULL),
       (SELECT jsonb_agg(note) FROM base WHERE note IS NOT NULL)
FROM (SELECT week, note, spc.chart('i', x) OVER (ORDER BY week) AS c FROM base) s;

INSERT INTO stress_case
SELECT 'stress/narrow', spc.chart_svg(week, c, phase, note, 0.6, 'A narrow chart with a long title that cannot fit in its width',
                                       '{"chart": "p", "width": 320, "height": 200, "y_title": "Per cent"}'),
       (SELECT jsonb_agg(note) FROM base WHERE note IS NOT NULL AND k < 20)
FROM (SELECT week, phase, note, spc.chart('p', x, n) OVER (PARTITION BY phase ORDER BY week) AS c
      FROM base WHERE k < 20) s;

INSERT INTO stress_case
SELECT 'stress/large-negative', spc.chart_svg(week, c, CASE WHEN k < 30 THEN 'Before' ELSE 'After' END, NULL, -2.5e9,
                                               'Large negative values', '{"y_title": "Dollars"}'), '[]'
FROM (SELECT k, week, spc.chart('i', -1e9 * (x - 10)) OVER (PARTITION BY k < 30 ORDER BY week) AS c FROM base) s;

INSERT INTO stress_case
SELECT 'stress/hours', spc.chart_svg(h, c, NULL, NULL, NULL, 'Hourly over three days', '{"x_title": "Hour"}'), '[]'
FROM (SELECT h, spc.chart('c', ((k * 7) % 11)::float8) OVER (ORDER BY h) AS c
      FROM (SELECT k, timestamp '2025-03-01 00:00' + make_interval(hours => k) AS h FROM generate_series(0, 71) k) t) s;

INSERT INTO stress_case
SELECT 'stress/samples', spc.chart_svg(k, c, NULL, NULL, NULL, 'Five hundred samples', NULL), '[]'
FROM (SELECT k, spc.chart('i', ((k * 7) % 11)::float8 + CASE WHEN k > 400 THEN 5 ELSE 0 END) OVER (ORDER BY k) AS c
      FROM generate_series(1, 500) k) s;

INSERT INTO stress_case
SELECT 'stress/one-point', spc.chart_svg(week, c, 'Only', 'The only week', 3, 'One point', NULL), '["The only week"]'
FROM (SELECT date '2025-01-05' AS week, spc.chart('i', 5) OVER () AS c) s;

INSERT INTO stress_case
SELECT 'stress/nothing-drawable', spc.chart_svg(week, c, NULL, NULL, NULL, 'Nothing to draw', NULL), '[]'
FROM (SELECT week, spc.chart('p', NULL::float8, 10) OVER (ORDER BY week) AS c FROM base) s;

INSERT INTO stress_case
SELECT 'stress/grid-free', spc.chart_svg_grid('Unit with a rather long name ' || (k % 12), week, c, phase, note, 0.5,
                                              'Twelve units', '{"chart": "p", "width": 600, "y_scale": "free"}'), '[]'
FROM (SELECT k, week, phase, note, spc.chart('p', x, n) OVER (PARTITION BY k % 12, phase ORDER BY week) AS c FROM base) s;
