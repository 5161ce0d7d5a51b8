#!/usr/bin/env bash
# SVG charts drawn by spc.chart_svg from the demo network must be valid XML
# (xmllint) and render to PNG (rsvg-convert).  With DOCS_DIR set, the SVGs
# are also written there (make docs).  Runs inside pg_virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
passed=0
failed=0
q() { psql -XAtq -v ON_ERROR_STOP=1 -d svg_check "$@"; }

dropdb --if-exists svg_check
createdb svg_check
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION learning_network CASCADE" \
	-c "SELECT count(*) FROM learning_network.load_demo()" >/dev/null

render() {	# name, measure code, chart, improvement, title suffix, first collaborative project
	q -o "$out/$1.svg" -c "
	SELECT spc.chart_svg(week_start, point, phase_label, annotation, goal, title)
	FROM (SELECT week_start, phase_label, annotation, goal / m.multiplier AS goal,
	             facility_name || ': ' || '$5' AS title,
	             spc.chart('$3', CASE WHEN m.kind = 'individual' THEN value ELSE numerator END,
	                       CASE WHEN m.kind IN ('proportion', 'rate') THEN denominator END,
	                       exclude => excluded, improvement => '$4')
	               OVER (PARTITION BY phase_start ORDER BY week_start) AS point
	      FROM learning_network.chart_points cp
	      JOIN learning_network.measure m USING (measure_id)
	      WHERE cp.project_id = (SELECT min(project_id) FROM learning_network.project WHERE collaborative_id = $6)
	        AND cp.measure_code = '$2' AND cp.week_start < date '2023-09-01') s"
}
render mammography-p-chart MAMMO_POS_PASS p up "positioning pass rate (p-chart)" 2
render lung-screening-i-chart LCS_VOLUME i up "weekly lung screening volume (XmR)" 1
render follow-up-laney-p-chart RFU_COMPLETE pp up "follow-up completed in window (Laney p′)" 4

for svg in "$out"/*.svg; do
	name=$(basename "$svg" .svg)
	if xmllint --noout "$svg" && rsvg-convert "$svg" -o "$out/$name.png" && [ -s "$out/$name.png" ]; then
		passed=$((passed + 1)); echo "ok - $name.svg is valid XML and renders ($(wc -c <"$svg") bytes)"
	else
		failed=$((failed + 1)); echo "not ok - $name.svg"
	fi
done
if [ -n "${DOCS_DIR:-}" ]; then
	mkdir -p "$DOCS_DIR"
	cp "$out"/*.svg "$DOCS_DIR"/
	echo "# wrote $(ls "$out"/*.svg | wc -l) charts to $DOCS_DIR"
fi
dropdb svg_check
rm -rf "$out"
echo "svg: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -eq 3 ]
