#!/usr/bin/env bash
# make bench-hub: latency of fetching one chart (JSON and SVG, a 156-week
# series of the demo network) under concurrent clients, against a plain SELECT
# of the same rows.  pgbench with custom scripts, per-transaction logs; the
# latencies include the local socket round trip, so they bound the server's
# time from above.  Runs inside pg_virtualenv.  Knobs: HUB_CLIENTS (8),
# HUB_SECONDS (20).
set -euo pipefail
cd "$(dirname "$0")"
clients=${HUB_CLIENTS:-8}
seconds=${HUB_SECONDS:-20}
work=$(mktemp -d)
export PGDATABASE=hub_bench
dropdb --if-exists hub_bench
createdb hub_bench
psql -XAtq -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION learning_network CASCADE;
SELECT count(*) FROM learning_network.load_demo();
-- the cohort-1 projects' main measures: series of 156 weeks
CREATE TABLE bench_series AS
SELECT row_number() OVER (ORDER BY o.project_id) AS k, o.project_id, o.measure_id, count(*) AS weeks
FROM learning_network.observation o
JOIN learning_network.measure m ON m.measure_id = o.measure_id AND m.parent_measure_id IS NULL AND m.kind = 'proportion'
JOIN learning_network.project p ON p.project_id = o.project_id
JOIN learning_network.cohort c ON c.cohort_id = p.cohort_id AND c.name = 'Cohort 1'
GROUP BY o.project_id, o.measure_id;
ALTER TABLE bench_series ADD COLUMN facility_id integer;
UPDATE bench_series b SET facility_id = p.facility_id FROM learning_network.project p WHERE p.project_id = b.project_id;
GRANT SELECT ON bench_series TO PUBLIC;
SELECT count(*) FROM (SELECT learning_network.create_facility_role(facility_id) FROM bench_series) r;
ANALYZE;
SQL
series=$(psql -XAtq -c "SELECT count(*) FROM bench_series")
weeks=$(psql -XAtq -c "SELECT min(weeks) || '-' || max(weeks) FROM bench_series")
# as_facility: the HUB's request, acting as the series' facility (look up
# its role, SET ROLE, the chart under row-level security, RESET ROLE: four
# statements where the others have one)
for kind in plain json svg json_as_facility svg_as_facility; do
	case $kind in
		plain) query="SELECT o.* FROM learning_network.observation o JOIN bench_series b USING (project_id, measure_id) WHERE b.k = :k;" ;;
		json) query="SELECT learning_network.chart_json(project_id, measure_id) FROM bench_series WHERE k = :k;" ;;
		svg) query="SELECT learning_network.chart_svg(project_id, measure_id) FROM bench_series WHERE k = :k;" ;;
		*_as_facility)
			query="SELECT facility_id AS f FROM bench_series WHERE k = :k \\gset
SET ROLE learning_network_facility_:f;
SELECT learning_network.chart_${kind%_as_facility}(project_id, measure_id) FROM bench_series WHERE k = :k;
RESET ROLE;" ;;
	esac
	printf '\\set k random(1, %s)\n%s\n' "$series" "$query" >"$work/$kind.sql"
	(cd "$work" && pgbench -n -c "$clients" -j 2 -T "$seconds" -f "$kind.sql" -l --log-prefix="log_$kind" >/dev/null 2>&1)
	# the log's third field is the latency in microseconds
	cat "$work/log_$kind".* | awk '{print $3}' | sort -n >"$work/$kind.sorted"
	n=$(wc -l <"$work/$kind.sorted")
	p50=$(awk -v n="$n" 'NR == int(n * 0.50) + 1 {printf "%.2f", $1 / 1000}' "$work/$kind.sorted")
	p99=$(awk -v n="$n" 'NR == int(n * 0.99) + 1 {printf "%.2f", $1 / 1000}' "$work/$kind.sorted")
	printf '%-16s %8s transactions  p50 %7s ms  p99 %7s ms\n' "$kind" "$n" "$p50" "$p99"
	eval "${kind}_p50=$p50; ${kind}_p99=$p99"
done
echo
echo "$series series of $weeks weeks, $clients clients, $seconds s each."
echo "Targets: p99 < 5 ms for one chart; chart / plain select <= 3."
printf 'json p99 / plain p99: %s   svg p99 / plain p99: %s   as a facility: %s and %s\n' \
	"$(echo "scale=2; $json_p99 / $plain_p99" | bc -l)" "$(echo "scale=2; $svg_p99 / $plain_p99" | bc -l)" \
	"$(echo "scale=2; $json_as_facility_p99 / $plain_p99" | bc -l)" "$(echo "scale=2; $svg_as_facility_p99 / $plain_p99" | bc -l)"
dropdb hub_bench
rm -rf "$work"
