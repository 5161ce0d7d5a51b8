#!/usr/bin/env bash
# Reads on a replica, run inside pg_virtualenv (as scripts/db-tests.sh does):
# a hot standby made by pg_basebackup from the test cluster, streaming from
# it.  As a facility, as another facility and as the BI role, the charts
# (chart_json, chart_svg), the client views and the BI views give on the
# standby exactly what they give on the primary (same row-level security);
# the chart cache is neither written nor needed there; writes are refused
# with a clear message.  STANDBY_PORT (PGPORT + 11) is the standby's port.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-pg_config}
bindir=$($PG_CONFIG --bindir)
port=${STANDBY_PORT:-$((PGPORT + 11))}
work=$(mktemp -d /var/tmp/spc-standby.XXXXXX)
chown postgres "$work"
db=standby_test

source test/check.sh
primary() { psql -XAtq -v ON_ERROR_STOP=1 -d "$db" "$@"; }
standby() { psql -XAtq -v ON_ERROR_STOP=1 -h "$work" -p "$port" -U postgres -d "$db" "$@"; }
stop_standby() {
	[ -f "$work/data/postmaster.pid" ] &&
		runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap stop_standby EXIT

dropdb --if-exists "$db"
createdb "$db"
primary >/dev/null <<'SQL'
CREATE EXTENSION learning_network_demo CASCADE;
SELECT learning_network.load_demo();
SELECT learning_network.create_facility_role(f) FROM generate_series(1, 3) f;
SELECT learning_network.set_sharing('network', facility_id => 2);
SELECT learning_network.set_sharing('public', facility_id => 1);
-- a publication for the BI views: prepared by staff, approved by its contributor
SELECT min(week_start) AS first_week FROM learning_network.observation WHERE facility_id = 1 AND measure_id = 12 \gset
SET ROLE learning_network_staff;
SELECT learning_network.prepare_publication('First month', 12, :'first_week', :'first_week'::date + 21);
SELECT learning_network.approve_publication(1);
SET ROLE learning_network_facility_1;
SELECT learning_network.approve_publication(1);
RESET ROLE;
-- statistics now, so that autovacuum does not change a plan (and the last bits
-- of a sum of floats) between the primary's answer and the standby's
VACUUM ANALYZE;
SQL

# The standby: a base backup of the running primary, its own configuration
# (Debian keeps the primary's outside the data directory), streaming.
runuser -u postgres -- "$bindir/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" \
	-D "$work/data" -R -X stream -c fast
cat >"$work/data/postgresql.conf" <<EOF
port = $port
listen_addresses = ''
unix_socket_directories = '$work'
hot_standby = on
fsync = off
EOF
printf 'local all all trust\n' >"$work/data/pg_hba.conf"
chown postgres "$work/data/postgresql.conf" "$work/data/pg_hba.conf"
runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -l "$work/log" -w start >/dev/null
check "the standby is in recovery (a hot standby)" "$(standby -c 'SELECT pg_is_in_recovery()')" t

# Wait until the standby has replayed what the primary wrote.
catch_up() {
	local lsn
	lsn=$(primary -c "SELECT pg_current_wal_lsn()")
	for _ in $(seq 1 300); do
		[ "$(standby -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
		sleep 0.2
	done
	echo "# the standby did not catch up with $lsn"; return 1
}

# One digest per (role, query): the rows the role sees, as text, in order.
queries() {
	cat <<'SQL'
chart_points	SELECT * FROM learning_network.chart_points
series_status	SELECT * FROM learning_network.series_status
network_weekly	SELECT * FROM learning_network.network_weekly
facility_comparison	SELECT * FROM learning_network.facility_comparison
data_completeness	SELECT * FROM learning_network.data_completeness
projects	SELECT * FROM learning_network.projects
measures	SELECT * FROM learning_network.measures
sharing_status	SELECT * FROM learning_network.sharing_status
public_weekly	SELECT * FROM learning_network.public_weekly
public_summary	SELECT * FROM learning_network.public_summary
chart_json	SELECT p.project_id, m.measure_id, learning_network.chart_json(p.project_id, m.measure_id) FROM learning_network.projects p JOIN learning_network.measures m USING (collaborative_code) WHERE m.parent_measure_id IS NULL
chart_svg	SELECT p.project_id, m.measure_id, learning_network.chart_svg(p.project_id, m.measure_id) FROM learning_network.projects p JOIN learning_network.measures m USING (collaborative_code) WHERE m.parent_measure_id IS NULL
chart_svg_period	SELECT p.project_id, learning_network.chart_svg(p.project_id, 12, '2022-03-06', '2022-09-25') FROM learning_network.projects p
SQL
}
digest() {   # server role query: the rows, or the error
	"$1" -c "SET ROLE $2" -c "SELECT count(*) || ' rows ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ($3) t" 2>&1 |
		sed 's/^psql:[^E]*ERROR/ERROR/' || true
}
roles="learning_network_facility_1 learning_network_facility_2 learning_network_bi"
compare_all() {   # label: the standby's answers first, then the primary's
	local -a got=()
	local i=0
	while IFS=$'\t' read -r name query; do
		for role in $roles; do
			got+=("$(digest standby "$role" "$query")")
		done
	done < <(queries)
	[ "$1" = "cache empty" ] && check "the standby drew every chart and kept none" \
		"$(standby -c 'SELECT count(*) FROM learning_network.chart_cache')" 0
	while IFS=$'\t' read -r name query; do
		for role in $roles; do
			want=$(digest primary "$role" "$query")
			check "$1: $name as $role: same answer on the standby ($want)" "${got[$i]}" "$want"
			i=$((i + 1))
		done
	done < <(queries)
}

catch_up
# Nothing is cached yet: the standby draws every chart and keeps none.
check "chart cache empty before" "$(standby -c 'SELECT count(*) FROM learning_network.chart_cache')" 0
compare_all "cache empty"
check "the primary kept the charts it drew" "$(primary -c 'SELECT count(*) > 0 FROM learning_network.chart_cache')" t
# Now the primary's kept charts have reached the standby, which serves them.
catch_up
check "the primary's kept charts replicated" \
	"$(standby -c 'SELECT count(*) FROM learning_network.chart_cache')" "$(primary -c 'SELECT count(*) FROM learning_network.chart_cache')"
compare_all "cache full"

# A week written on the primary reaches the standby's charts.
project=$(primary -c "SELECT project_id FROM learning_network.project WHERE facility_id = 1 ORDER BY project_id LIMIT 1")
next_week=$(primary -c "SELECT max(week_start) + 7 FROM learning_network.observation WHERE project_id = $project AND measure_id = 12")
primary -c "SET ROLE learning_network_facility_1" \
	-c "SELECT learning_network.record_week($project, 12, '$next_week', 40, 50)" >/dev/null
catch_up
check "a new week written on the primary is in the standby's chart" \
	"$(standby -c "SET ROLE learning_network_facility_1" -c "SELECT learning_network.chart_json($project, 12) -> 'points' -> -1 ->> 'week'")" \
	"$next_week"

# Writes on the standby: refused, saying where to write.
refusal() {
	standby -v VERBOSITY=verbose -c "SET ROLE learning_network_facility_1" -c "$1" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]*\): \(.*\)$/\1 \2/p' | head -1
}
check "record_week on the standby is refused" \
	"$(refusal "SELECT learning_network.record_week($project, 12, '2030-01-06', 40, 50)")" \
	"25006 cannot write project $project: this server is a read-only replica"
check "add_annotation on the standby is refused (PostgreSQL's read-only error)" \
	"$(refusal "SELECT learning_network.add_annotation($project, '2022-03-06', 'on the replica')" | cut -d' ' -f1)" "25006"
check "import_csv on the standby is refused" \
	"$(refusal "SELECT * FROM learning_network.import_csv($project, 'measure_code,week_start,numerator,denominator')" | cut -d' ' -f1)" \
	"25006"
check "a plain write on the standby is refused by PostgreSQL" \
	"$(standby -v VERBOSITY=verbose -c "UPDATE learning_network.facility SET name = name" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]*\):.*/\1/p')" "25006"
check "nothing changed on the primary" \
	"$(primary -c "SELECT count(*) FROM learning_network.observation WHERE week_start = '2030-01-06'")" 0

dropdb "$db"
checks_done standby
