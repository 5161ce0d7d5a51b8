#!/usr/bin/env bash
# render_page.sh DB PAGE [DOC_SVG...]: writes an HTML page that inlines
# every chart of the demo network in DB (each project x measure, drawn by
# learning_network.chart_svg) and the given charts of docs/reference.md, each in a
# <div class="case"> with the annotation texts it must show.
set -euo pipefail
db=$1 page=$2; shift 2
here=$(dirname "$0")
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$db" "$@"; }
{
	echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>charts</title></head><body>'
	for svg in "$@"; do
		name=$(basename "$svg" .svg)
		notes=$(cat "${svg%.svg}.annotations.json" 2>/dev/null || echo '[]')
		printf '<div class="case" data-name="readme/%s" data-annotations="%s">' "$name" \
			"$(printf '%s' "$notes" | sed -e 's/&/\&amp;/g' -e 's/"/\&quot;/g' -e 's/</\&lt;/g')"
		cat "$svg"
		echo '</div>'
	done
	q -c "
	SELECT format('<div class=\"case\" data-name=\"project %s measure %s\" data-annotations=\"%s\">%s</div>',
	              s.project_id, s.measure_id,
	              replace(replace(replace(coalesce(s.notes, '[]'), '&', '&amp;'), '\"', '&quot;'), '<', '&lt;'),
	              learning_network.chart_svg(s.project_id, s.measure_id))
	FROM (SELECT project_id, measure_id,
	             jsonb_agg(DISTINCT annotation) FILTER (WHERE annotation IS NOT NULL)::text AS notes
	      FROM learning_network.chart_points GROUP BY project_id, measure_id) s
	ORDER BY s.project_id, s.measure_id"
	# and the stress cases (test/browser/stress.sql)
	q -c "
	SELECT format('<div class=\"case\" data-name=\"%s\" data-annotations=\"%s\">%s</div>', name,
	              replace(replace(replace(coalesce(annotations::text, '[]'), '&', '&amp;'), '\"', '&quot;'), '<', '&lt;'), svg)
	FROM stress_case ORDER BY name"
	echo '<pre id="report"></pre><script>'
	cat "$here/check.js"
	echo '</script></body></html>'
} >"$page"
