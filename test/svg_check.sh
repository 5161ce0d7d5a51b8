#!/usr/bin/env bash
# SVG charts drawn from the demo network: the charts of docs/reference.md must be valid
# XML (xmllint) and render to PNG (rsvg-convert); then every chart of the
# demo network (each project x measure) and the reference's charts are loaded
# in headless Chromium, which measures every text element: no two labels
# may overlap, none may leave its chart or sit on a data point, and every
# annotation's text must be on the chart.  With DOCS_DIR set, those
# charts and their Chromium screenshots are written there (make docs).
# Runs inside a cluster (pg_virtualenv).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
passed=0
failed=0
q() { psql -XAtq -v ON_ERROR_STOP=1 -d svg_check "$@"; }
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

dropdb --if-exists svg_check
createdb svg_check
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION learning_network_demo CASCADE" \
	-c "SELECT count(*) FROM learning_network.load_demo()" >/dev/null

readme_query() {	# measure code, chart, improvement, title suffix, collaborative, what to select
	echo "
	SELECT $6
	FROM (SELECT week_start, phase_label, annotation, goal / m.multiplier AS goal,
	             facility_name || ': ' || '$4' AS title,
	             spc.chart('$2', CASE WHEN m.kind = 'individual' THEN value ELSE numerator END,
	                       CASE WHEN m.kind IN ('proportion', 'rate') THEN denominator END,
	                       exclude => excluded, improvement => '$3')
	               OVER (PARTITION BY phase_start ORDER BY week_start) AS point
	      FROM learning_network.chart_points cp
	      JOIN learning_network.measure m USING (measure_id)
	      WHERE cp.project_id = (SELECT min(project_id) FROM learning_network.project WHERE collaborative_id = $5)
	        AND cp.measure_code = '$1' AND cp.week_start < date '2023-09-01') s"
}
render() {	# name, readme_query's first five arguments, style
	local name=$1 style=$7; shift
	q -o "$out/$name.svg" -c "$(readme_query "$1" "$2" "$3" "$4" "$5" "spc.chart_svg(week_start, point, phase_label, annotation, goal, title, '$style')")"
	q -o "$out/$name.annotations.json" -c "$(readme_query "$1" "$2" "$3" "$4" "$5" "coalesce(jsonb_agg(DISTINCT annotation) FILTER (WHERE annotation IS NOT NULL), '[]')")"
}
render mammography-p-chart MAMMO_POS_PASS p up "positioning pass rate (p-chart)" 2 \
	'{"chart": "p", "y_title": "Exams meeting all criteria (%)", "x_title": "Week starting"}'
render lung-screening-i-chart LCS_VOLUME i up "weekly lung screening volume (XmR)" 1 \
	'{"y_title": "Screens per week", "x_title": "Week starting"}'
render follow-up-laney-p-chart RFU_COMPLETE pp up "follow-up completed in window (Laney p′)" 4 \
	'{"chart": "pp", "y_title": "Completed in window (%)", "x_title": "Week starting"}'

# small multiples for docs/reference.md: a measure across facilities, a project's measures
q -o "$out/mammography-facilities-grid.svg" -c "SELECT learning_network.measure_grid_svg(1, '2022-01-01', '2023-09-01')"
echo '[]' >"$out/mammography-facilities-grid.annotations.json"
q -o "$out/mammography-project-grid.svg" -c "
	SELECT learning_network.project_grid_svg(min(project_id), '2022-01-01', '2023-09-01')
	FROM learning_network.project WHERE collaborative_id = 2"
echo '[]' >"$out/mammography-project-grid.annotations.json"
# the NHS icons side by side, each a nested document
q -o "$out/nhs-icons.svg" -c "
	SELECT '<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ' || 44 * count(*) || ' 44\" width=\"' || 44 * count(*)
	       || '\" height=\"44\"><title>NHS Making Data Count icons</title>'
	       || string_agg(replace(icon, '<svg xmlns=\"http://www.w3.org/2000/svg\"', '<svg x=\"' || 44 * (k - 1) + 2 || '\" y=\"2\"'), '' ORDER BY k)
	       || '</svg>'
	FROM (SELECT row_number() OVER () AS k, icon
	      FROM (SELECT spc.variation_icon(v, 'up', 40) AS icon
	            FROM unnest(ARRAY['common_cause', 'improvement', 'concern', 'neutral_high', 'neutral_low']) v
	            UNION ALL
	            SELECT spc.assurance_icon(a, 40) FROM unnest(ARRAY['pass', 'fail', 'hit_and_miss']) a) i) n"
echo '[]' >"$out/nhs-icons.annotations.json"

readme=("$out"/*-chart.svg "$out"/*-grid.svg "$out/nhs-icons.svg")
for svg in "${readme[@]}"; do
	name=$(basename "$svg" .svg)
	if xmllint --noout "$svg" && rsvg-convert "$svg" -o "$out/$name.png" && [ -s "$out/$name.png" ]; then
		ok "$name.svg is valid XML and renders ($(wc -c <"$svg") bytes)"
	else
		not_ok "$name.svg"
	fi
done

q -f test/browser/stress.sql >/dev/null

# Every demo chart, the reference's charts and the stress cases in one page,
# measured by Chromium.
start=$(date +%s%N)
test/browser/render_page.sh svg_check "$out/page.html" "${readme[@]}"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ -n "${KEEP_PAGE:-}" ] && cp "$out/page.html" "$KEEP_PAGE"
report=$(test/browser/run_check.sh "$out/page.html" | sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g')
if [ -z "$report" ]; then
	not_ok "Chromium measured the charts (no report)"
else
	charts=$(jq .charts <<<"$report")
	echo "# Chromium: $charts charts ($(jq .texts <<<"$report") text elements) drawn in $elapsed_ms ms"
	for key in overlaps outside on_data missing_annotations duplicate_ids; do
		n=$(jq ".$key" <<<"$report")
		if [ "$n" -eq 0 ]; then ok "Chromium: $key = 0"; else not_ok "Chromium: $key = $n"; fi
	done
	jq -c '.failing[:5][]' <<<"$report" | cut -c1-400 | sed 's/^/# /'
fi

# A render of 1,000,000 points is cancelled promptly: with a statement
# timeout a fifth of the way into the drawing, the statement must end
# before half of it (ratios of times measured here, so no fixed timing).
ms() { echo $(($(date +%s%N) / 1000000)); }
q -c "CREATE TABLE big AS SELECT k::float8 AS t,
	ROW((k * 7) % 11, 5, 0, 10, 1.6, k % 97 = 0, CASE WHEN k % 97 = 0 THEN ARRAY['ihi1'] END, NULL, NULL)::spc.point AS c
	FROM generate_series(1, 1000000) k" -c "VACUUM ANALYZE big"
serial="SET max_parallel_workers_per_gather = 0;"
start=$(ms); q -c "$serial SELECT count(c) FROM big" >/dev/null; scan=$(($(ms) - start))
start=$(ms); bytes=$(q -c "$serial SELECT length(spc.chart_svg(t, c)) FROM big"); full=$(($(ms) - start))
timeout=$((scan + (full - scan) / 5))
start=$(ms)
if q -c "$serial SET statement_timeout = $timeout; SELECT length(spc.chart_svg(t, c)) FROM big" >/dev/null 2>"$out/cancel.err"; then
	not_ok "a render of 1,000,000 points is cancelled by statement_timeout (it finished)"
else
	cancelled=$(($(ms) - start))
	if grep -q "statement timeout" "$out/cancel.err" && [ "$cancelled" -lt $((scan + (full - scan) / 2)) ]; then
		ok "a render of 1,000,000 points ($bytes bytes, $full ms) is cancelled by statement_timeout = $timeout ms after $cancelled ms"
	else
		not_ok "1,000,000 points: cancelled after $cancelled ms with statement_timeout = $timeout ms (render $full ms): $(cat "$out/cancel.err")"
	fi
fi

if [ -n "${DOCS_DIR:-}" ]; then
	mkdir -p "$DOCS_DIR"
	for svg in "${readme[@]}"; do
		name=$(basename "$svg" .svg)
		cp "$svg" "$DOCS_DIR/"
		size=$(sed -n 's/^<svg[^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1,\2/p' "$svg" | head -n 1)
		profile=$(mktemp -d)
		chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
			--window-size="${size:-800,400}" --screenshot="$(realpath "$DOCS_DIR")/$name.png" "file://$svg" 2>/dev/null
		rm -rf "$profile"
	done
	echo "# wrote ${#readme[@]} charts and their screenshots to $DOCS_DIR"
fi
dropdb svg_check
rm -rf "$out"
echo "svg: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -eq 12 ]
