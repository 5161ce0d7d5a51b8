#!/usr/bin/env bash
# make bench: spc.chart against PostgreSQL's own windowed average and against
# the best plain-SQL equivalent, at 1x, 2x, 4x and 8x of 10,000 series x 156
# weeks.  Runs inside pg_virtualenv.  Knobs: BENCH_SIZES ("1 2 4 8"),
# BENCH_RUNS (3), BENCH_SERIES (10000).
set -euo pipefail
cd "$(dirname "$0")"
sizes=${BENCH_SIZES:-"1 2 4 8"}
runs=${BENCH_RUNS:-3}
series=${BENCH_SERIES:-10000}

# Every point materialised: each query aggregates a field of every row.
declare -A queries=(
	[a_avg]="SELECT count(a) FROM (SELECT avg(y) OVER (PARTITION BY series) AS a FROM bench_obs) s"
	[b_spc_p]="SELECT count((c).ucl), count(*) FILTER (WHERE (c).signal) FROM (SELECT spc.chart('p', num, den, rules => 'ihi,anhoej') OVER (PARTITION BY series ORDER BY week) AS c FROM bench_obs) s"
	[c_sql_p]="SELECT count(ucl), count(*) FILTER (WHERE rule1 OR rule2 OR rule3) FROM ($(cat peer_p_chart.sql)) s"
	[d_spc_i]="SELECT count((c).ucl), count(*) FILTER (WHERE (c).signal) FROM (SELECT spc.chart('i', y, rules => 'ihi,anhoej') OVER (PARTITION BY series ORDER BY week) AS c FROM bench_obs) s"
	[e_sql_i]="SELECT count(ucl), count(*) FILTER (WHERE rule1 OR rule2 OR rule3) FROM ($(cat peer_i_chart.sql)) s"
)
order="a_avg b_spc_p c_sql_p d_spc_i e_sql_i"

psql_bench() { psql -XAtq -v ON_ERROR_STOP=1 -F ' ' "$@"; }
printf '%-6s %10s %-8s %12s %12s %10s\n' size rows query median_ms ns_per_row peak_mb
declare -A result
for size in $sizes; do
	n=$((series * size))
	psql_bench -f setup.sql -c "SELECT pg_temp.make_data($n)" >/dev/null 2>&1 || psql_bench -c "SELECT pg_temp.make_data($n)"
	rows=$((n * 156))
	for key in $order; do
		# a fresh backend per query, so peak memory is the query's own
		line=$(psql_bench -c "SET work_mem = '1GB'" -c "SET max_parallel_workers_per_gather = 0" \
			-f setup.sql -c "SELECT * FROM pg_temp.time_query(\$q\$${queries[$key]}\$q\$, $runs)" 2>/dev/null | tail -n 1)
		ms=${line% *}
		mb=${line#* }
		result[$size,$key]=$ms
		printf '%-6s %10s %-8s %12.1f %12.1f %10.1f\n' "${size}x" "$rows" "$key" "$ms" \
			"$(echo "$ms * 1000000 / $rows" | bc -l)" "$mb"
	done
done

echo
echo "Ratios (targets: b/a <= 1.3, c/b >= 5, time per row within 15 % from 1x to 8x)"
printf '%-6s %8s %8s %8s %8s\n' size b/a c/b d/a e/d
for size in $sizes; do
	r() { echo "scale=2; ${result[$size,$1]} / ${result[$size,$2]}" | bc -l; }
	printf '%-6s %8s %8s %8s %8s\n' "${size}x" "$(r b_spc_p a_avg)" "$(r c_sql_p b_spc_p)" "$(r d_spc_i a_avg)" "$(r e_sql_i d_spc_i)"
done
first=${sizes%% *}
last=${sizes##* }
echo
echo "Scaling of spc.chart p, time per row ${last}x / ${first}x: $(echo "scale=3; (${result[$last,b_spc_p]} / $last) / (${result[$first,b_spc_p]} / $first)" | bc -l)"
