#!/usr/bin/env bash
# make citus-check: the engine on a Citus cluster (coordinator and two
# workers on loopback) against plain PostgreSQL on the same data.
#
# Checks that spc.chart, spc.phase_summary (grouped by the distribution
# column and by another one) and spc.chart_svg give the single-node answers
# bit for bit, and that EXPLAIN shows what Citus does with them: windows
# partitioned by facility_id pushed down to the shards, aggregates grouped
# by facility_id pushed down, aggregates grouped by another column
# partially aggregated on the workers (worker_partial_agg) and combined on
# the coordinator (coord_combine_agg).  Prints times against single node
# (figures, never asserted).
#
# Citus is not a Debian package and this project does not build it: when
# the PostgreSQL that PG_CONFIG names has no citus extension, the check says
# it skipped and succeeds.  Run after `make install`.
# Knobs: CITUS_FACILITIES (200), CITUS_MEASURES (10), CITUS_WEEKS (156),
# CITUS_PORT (first of three ports, 54340), CITUS_KEEP=1 leaves the clusters
# running (to look into them; stop them with pg_ctl).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-pg_config}
if [ ! -f "$($PG_CONFIG --sharedir)/extension/citus.control" ]; then
	echo "citus-check: skipped (no Citus installed for $($PG_CONFIG --bindir)/postgres)"
	exit 0
fi
bindir=$($PG_CONFIG --bindir)
facilities=${CITUS_FACILITIES:-200}
measures=${CITUS_MEASURES:-10}
weeks=${CITUS_WEEKS:-156}
base=${CITUS_PORT:-54340}
coordinator=$base
workers="$((base + 1)) $((base + 2))"
work=$(mktemp -d /var/tmp/spc-citus.XXXXXX)
chown postgres "$work"

stop_all() {
	if [ -n "${CITUS_KEEP:-}" ]; then
		echo "citus-check: clusters left running in $work (ports $coordinator $workers)"
		return
	fi
	for port in $coordinator $workers; do
		[ -f "$work/n$port/postmaster.pid" ] &&
			runuser -u postgres -- "$bindir/pg_ctl" -D "$work/n$port" -m immediate stop >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap stop_all EXIT

for port in $coordinator $workers; do
	runuser -u postgres -- "$bindir/initdb" -D "$work/n$port" -A trust -U postgres --no-sync >/dev/null
	runuser -u postgres -- "$bindir/pg_ctl" -D "$work/n$port" -l "$work/n$port.log" -w -o \
		"-p $port -k $work -c listen_addresses=127.0.0.1 -c shared_preload_libraries=citus -c fsync=off -c max_connections=100" \
		start >/dev/null
done

source test/check.sh
q() { psql -XAtq -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -p "$1" -d postgres "${@:2}"; }
c() { q "$coordinator" "$@"; }
# Milliseconds a statement takes on the coordinator (a fresh session).
ms() { c -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1; }

for port in $coordinator $workers; do
	q "$port" -c "CREATE EXTENSION citus" >/dev/null
done
c -c "SELECT citus_set_coordinator_host('127.0.0.1', $coordinator)" >/dev/null
for port in $workers; do
	c -c "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null
done
check "two workers" "$(c -c "SELECT count(*) FROM citus_get_active_worker_nodes()")" 2
c -c "CREATE EXTENSION spc" >/dev/null
check "spc propagated to the workers" \
	"$(c -c "SELECT string_agg(result, ',') FROM run_command_on_workers('SELECT extversion FROM pg_extension WHERE extname = ''spc''')")" \
	"$(c -c "SELECT extversion FROM pg_extension WHERE extname = 'spc'"),$(c -c "SELECT extversion FROM pg_extension WHERE extname = 'spc'")"

# The same rows in a plain table (single node) and a distributed one.  Values
# with 17 significant digits, so any rounding through text shows.
c >/dev/null <<SQL
CREATE TABLE weekly_local (facility_id int, measure_id int, week date, num float8, den float8);
INSERT INTO weekly_local
SELECT f, m, date '2022-01-02' + 7 * w,
       (f * 37 + m * 11 + w * 101) % 40 + 60 + 1.0 / (3 + w % 7), 120 + (f * 13 + w * 7) % 50
FROM generate_series(1, $facilities) f, generate_series(1, $measures) m, generate_series(0, $weeks - 1) w;
CREATE TABLE weekly (LIKE weekly_local);
SELECT create_distributed_table('weekly', 'facility_id');
INSERT INTO weekly SELECT * FROM weekly_local;
ANALYZE weekly_local; ANALYZE weekly;
SQL
rows=$(c -c "SELECT count(*) FROM weekly")
echo "# $rows rows, distributed by facility_id over $(c -c "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'weekly'::regclass") shards on 2 workers"

# A query's answer as one md5 over its rows, as the coordinator prints them
# with every digit (a whole-row reference in SQL would make Citus ship
# records as text, which is not what is checked here).
answer() { c -c "SET extra_float_digits = 3" -c "$1" | sort | md5sum | cut -c1-32; }
# Plan lines above the Citus scan (what the coordinator does itself) and the
# plan as a whole.
coordinator_plan() { c -c "EXPLAIN (COSTS OFF) $1" | sed '/Custom Scan (Citus/q'; }
verbose_plan() { c -c "EXPLAIN (VERBOSE, COSTS OFF) $1"; }
compare() {   # name, query over TABLE
	local name=$1 query=$2 local_q dist_q t_local t_dist
	local_q=${query//TABLE/weekly_local}
	dist_q=${query//TABLE/weekly}
	check "$name: same answer as single node" "$(answer "$dist_q")" "$(answer "$local_q")"
	# count(t) reads every column, so every value is computed
	t_local=$(ms "SELECT count(t) FROM ($local_q) t")
	t_dist=$(ms "SELECT count(t) FROM ($dist_q) t")
	echo "# $name: single node ${t_local} ms, Citus ${t_dist} ms"
}

chart_by_facility="SELECT facility_id, measure_id, week, spc.chart('p', num, den, rules => 'ihi,anhoej') OVER (PARTITION BY facility_id, measure_id ORDER BY week) AS c FROM TABLE"
compare "spc.chart partitioned by facility_id, measure_id" "$chart_by_facility"
check "spc.chart partitioned by facility_id, measure_id: the window runs on the shards" \
	"$(coordinator_plan "${chart_by_facility//TABLE/weekly}" | grep -c WindowAgg || true)" 0
chart_by_measure="SELECT facility_id, measure_id, week, spc.chart('i', num) OVER (PARTITION BY measure_id ORDER BY week, facility_id) AS c FROM TABLE WHERE facility_id <= 20"
compare "spc.chart partitioned by measure_id (rows pulled to the coordinator)" "$chart_by_measure"
check "spc.chart partitioned by measure_id: the window runs on the coordinator" \
	"$(coordinator_plan "${chart_by_measure//TABLE/weekly}" | grep -c WindowAgg || true)" 1

phase_by_facility="SELECT facility_id, measure_id, spc.phase_summary('pp', week, num, den) AS s FROM TABLE GROUP BY facility_id, measure_id"
compare "spc.phase_summary grouped by facility_id" "$phase_by_facility"
check "spc.phase_summary grouped by facility_id: aggregated whole on the shards" \
	"$(coordinator_plan "${phase_by_facility//TABLE/weekly}" | grep -c Aggregate || true)" 0
phase_by_measure="SELECT measure_id, spc.phase_summary('i', week, num) AS s FROM TABLE GROUP BY measure_id"
compare "spc.phase_summary grouped by measure_id (across shards)" "$phase_by_measure"
plan=$(verbose_plan "${phase_by_measure//TABLE/weekly}")
check "spc.phase_summary grouped by measure_id: partial aggregates on the workers, combined on the coordinator" \
	"$(grep -c 'worker_partial_agg' <<<"$plan" | sed 's/^[1-9][0-9]*$/yes/') $(grep -c 'coord_combine_agg' <<<"$plan" | sed 's/^[1-9][0-9]*$/yes/')" "yes yes"
check "spc.phase_summary across shards with citus.coordinator_aggregation_strategy = disabled" \
	"$(c -c "SET citus.coordinator_aggregation_strategy = 'disabled'" -c "SELECT count(*) FROM (${phase_by_measure//TABLE/weekly}) t")" "$measures"

# chart_svg: points of a subset of facilities, kept in tables points_<table>.
c >/dev/null <<SQL
CREATE TABLE points_weekly_local AS SELECT * FROM (${chart_by_facility//TABLE/weekly_local}) p WHERE facility_id % 20 = 1;
CREATE TABLE points_weekly (LIKE points_weekly_local);
SELECT create_distributed_table('points_weekly', 'facility_id');
INSERT INTO points_weekly SELECT * FROM points_weekly_local;
SQL
svg_by_facility="SELECT facility_id, measure_id, spc.chart_svg(week, c) AS svg FROM TABLE GROUP BY facility_id, measure_id"
compare "spc.chart_svg grouped by facility_id" "${svg_by_facility//TABLE/points_TABLE}"
svg_by_measure="SELECT measure_id, spc.chart_svg(week, c, 'all', NULL, 70, 'Measure ' || measure_id) AS svg FROM TABLE GROUP BY measure_id"
compare "spc.chart_svg grouped by measure_id (across shards)" "${svg_by_measure//TABLE/points_TABLE}"
plan=$(verbose_plan "${svg_by_measure//TABLE/points_weekly}")
check "spc.chart_svg grouped by measure_id: partial aggregates on the workers, combined on the coordinator" \
	"$(grep -c 'worker_partial_agg' <<<"$plan" | sed 's/^[1-9][0-9]*$/yes/') $(grep -c 'coord_combine_agg' <<<"$plan" | sed 's/^[1-9][0-9]*$/yes/')" "yes yes"

# Whole spc.point / spc.phase_stats values come back from the workers as text
# (Citus never uses the binary protocol for row types), printed by
# PostgreSQL's record output with the workers' extra_float_digits.  With 0
# there, digits are lost; the fields (float8 columns, sent in binary) stay
# exact; and a database-level setting of 1 or more, which the workers'
# sessions take whatever postgresql.conf says, makes whole values exact:
# ALTER DATABASE ... SET on the coordinator, which Citus propagates.
for port in $workers; do
	q "$port" -c "ALTER SYSTEM SET extra_float_digits = 0" -c "SELECT pg_reload_conf()" >/dev/null
done
whole="SELECT facility_id, measure_id, week, c FROM (${chart_by_facility}) q WHERE facility_id <= 10"
fields="SELECT facility_id, measure_id, week, (c).y, (c).cl, (c).lcl, (c).ucl, (c).sigma FROM (${chart_by_facility}) q WHERE facility_id <= 10"
whole_local=$(answer "${whole//TABLE/weekly_local}")
check "whole spc.point values with extra_float_digits = 0 on the workers: digits lost (PostgreSQL's record output)" \
	"$([ "$(answer "${whole//TABLE/weekly}")" != "$whole_local" ] && echo lost || echo exact)" lost
check "spc.point fields with extra_float_digits = 0 on the workers: exact" \
	"$(answer "${fields//TABLE/weekly}")" "$(answer "${fields//TABLE/weekly_local}")"
c -c "ALTER DATABASE postgres SET extra_float_digits = 1" >/dev/null
check "ALTER DATABASE SET extra_float_digits reached the workers" \
	"$(c -c "SELECT string_agg(result, ',') FROM run_command_on_workers('SHOW extra_float_digits')")" "1,1"
check "whole spc.point values with the database set to extra_float_digits = 1 on the workers: exact" \
	"$(answer "${whole//TABLE/weekly}")" "$whole_local"
check "whole spc.phase_stats values likewise" \
	"$(answer "${phase_by_facility//TABLE/weekly}")" "$(answer "${phase_by_facility//TABLE/weekly_local}")"

checks_done citus-check
