#!/usr/bin/env bash
# No lost writes.  Runs inside pg_virtualenv, in a cluster of its own (the
# second part crashes a backend on purpose).
#  1. Concurrent HUB sessions with pgbench: clients correct weeks through
#     record_week (reading the version first; a conflict is SQLSTATE 40001,
#     which pgbench retries) and read charts.  Each successful write also
#     records an acknowledgement in its own transaction.  Afterwards every
#     acknowledged write must be the week's final value or have been
#     superseded by a later acknowledged one, every acknowledged version must
#     be in the history, and the history must rebuild the table.
#  2. A CSV import whose backend is killed with SIGKILL midway leaves the
#     whole upload or nothing.
# Knobs: LOAD_CLIENTS (8), LOAD_SECONDS (60).
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${LOAD_CLIENTS:-8}
seconds=${LOAD_SECONDS:-60}
work=$(mktemp -d)
export PGDATABASE=load_test
source test/check.sh
q() { psql -XAtq -v ON_ERROR_STOP=1 "$@"; }

dropdb --if-exists load_test
createdb load_test
q >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION learning_network_demo CASCADE;
SELECT count(*) FROM learning_network.load_demo();
CREATE TABLE load_projects AS
SELECT row_number() OVER (ORDER BY project_id) AS k, project_id FROM learning_network.project WHERE collaborative_id = 2;
CREATE TABLE load_ack (ack_id bigserial, project_id int, week_start date, numerator bigint, version int);
SQL

# 20 weeks after the demo's data, on 10 projects: 200 weeks that 8 clients
# keep correcting, so they collide.
cat >"$work/write.sql" <<'SQL'
\set k random(1, 10)
\set w random(0, 19)
\set num random(10, 40)
BEGIN;
SELECT project_id AS pid FROM load_projects WHERE k = :k \gset
SELECT coalesce((SELECT version FROM learning_network.observation WHERE project_id = :pid AND measure_id = 1 AND week_start = (date '2025-07-06' + 7 * :w)), 0) AS ver \gset
SELECT learning_network.record_week(:pid, 1, (date '2025-07-06' + 7 * :w), :num, 45, expected_version => nullif(:ver, 0)) AS newver \gset
INSERT INTO load_ack (project_id, week_start, numerator, version) VALUES (:pid, (date '2025-07-06' + 7 * :w), :num, :newver);
END;
SQL
cat >"$work/read.sql" <<'SQL'
\set k random(1, 10)
SELECT length(learning_network.chart_json(project_id, 1)::text) FROM load_projects WHERE k = :k;
SQL
pgbench -n -c "$clients" -j 2 -T "$seconds" --max-tries=50 -f "$work/write.sql@7" -f "$work/read.sql@3" >"$work/pgbench.log" 2>&1 || true
grep -E "number of transactions actually processed|number of failed transactions|number of transactions retried|total number of retries" "$work/pgbench.log" | sed 's/^/# /'
check "no failed transaction in $seconds s of $clients clients" \
	"$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.log")" "0"
acks=$(q -c "SELECT count(*) FROM load_ack")
check "acknowledged writes happened ($acks)" "$([ "$acks" -gt 100 ] && echo yes)" "yes"
# weeks whose row differs from their last acknowledged write
lost_writes="
	SELECT count(*) FROM (SELECT DISTINCT ON (project_id, week_start) * FROM load_ack ORDER BY project_id, week_start, ack_id DESC) a
	JOIN learning_network.observation o ON o.project_id = a.project_id AND o.measure_id = 1 AND o.week_start = a.week_start
	WHERE o.numerator IS DISTINCT FROM a.numerator OR o.version IS DISTINCT FROM a.version"
check "every week's final value is its last acknowledged write" "$(q -c "$lost_writes")" "0"
check "every acknowledged version is in the history with its value" "$(q -c "
	SELECT count(*) FROM load_ack a WHERE NOT EXISTS (
	  SELECT 1 FROM learning_network.observation_history h
	  WHERE h.project_id = a.project_id AND h.measure_id = 1 AND h.week_start = a.week_start
	    AND h.version = a.version AND h.numerator = a.numerator AND h.operation <> 'delete')")" "0"
columns="facility_id, project_id, measure_id, week_start, numerator, denominator, value, excluded, note, version"
check "the history rebuilds the table" "$(q -c "
	WITH rebuilt AS (SELECT DISTINCT ON (facility_id, project_id, measure_id, week_start) *
	                 FROM learning_network.observation_history
	                 ORDER BY facility_id, project_id, measure_id, week_start, history_id DESC)
	SELECT count(*) FROM (
	  (SELECT $columns FROM rebuilt WHERE operation <> 'delete' EXCEPT ALL SELECT $columns FROM learning_network.observation)
	  UNION ALL
	  (SELECT $columns FROM learning_network.observation EXCEPT ALL SELECT $columns FROM rebuilt WHERE operation <> 'delete')) d")" "0"
# The charts read during the run came from chart_cache, drawn while writers
# committed around them: every entry the cache would still serve must equal a
# chart drawn now.
fresh_cache="
	FROM learning_network.chart_cache c
	WHERE c.variant = 'own' AND c.version = learning_network_internal.chart_data_version(c.project_id)"
check "every chart the cache would serve equals one drawn now ($(q -c "SELECT count(*) $fresh_cache") entries)" \
	"$(q -c "SELECT count(*) $fresh_cache AND c.chart_json IS DISTINCT FROM learning_network_internal.render_chart_json(c.project_id, c.measure_id, NULL, NULL)")" "0"
check "every writer's chart_change marks became version bumps as it committed ($acks writes)" \
	"$(q -c "SELECT count(*) FROM learning_network.chart_change")" "0"

# 2. An import killed midway: every week the bounds allow (from two years
# before the first cohort to last week) of the seven mammography measures of
# a new project, one transaction.  Another session holds a lock the import
# needs after it has written its observations (the audit trail's), so the
# backend is killed with its rows written and not committed, whatever the
# machine's speed.
first=$(q -c "SELECT learning_network_internal.earliest_week(2)")
pid=$(q -c "INSERT INTO learning_network.project (facility_id, collaborative_id, title, started_on)
            SELECT min(facility_id), 2, 'Import target', date '$first' FROM learning_network.facility RETURNING project_id")
weeks=$(q -c "SELECT (learning_network.week_start(current_date) - 7 - date '$first') / 7 + 1")
records=$((weeks * 7))
codes="MAMMO_POS_PASS MAMMO_POS_EL_PNL MAMMO_POS_EL_PECT MAMMO_POS_EL_IMF MAMMO_POS_EL_NIPPLE MAMMO_POS_EL_SKIN MAMMO_POS_EL_TISSUE"
{
	printf 'week'
	for c in $codes; do printf ',%s_num,%s_den' "$c" "$c"; done
	echo
	q -c "SELECT d || repeat(',' || 20 + i % 9 || ',40', 7)
	      FROM generate_series(0, $weeks - 1) i, LATERAL (SELECT date '$first' + 7 * i AS d) w"
} >"$work/upload.csv"
chmod a+rx "$work"
chmod a+r "$work/upload.csv"
q -c "BEGIN" -c "LOCK TABLE learning_network.observation_history IN SHARE MODE" -c "SELECT pg_sleep(60)" \
	>/dev/null 2>&1 &
locker=$!
for _ in $(seq 1 100); do
	[ "$(q -c "SELECT count(*) FROM pg_locks WHERE relation = 'learning_network.observation_history'::regclass AND granted AND mode = 'ShareLock'")" = 1 ] && break
	sleep 0.05
done
q -c "SELECT count(*) FROM learning_network.import_csv($pid, pg_read_file('$work/upload.csv'))" \
	>"$work/import.log" 2>&1 &
importer=$!
victim=""
for _ in $(seq 1 600); do
	victim=$(q -c "SELECT pid FROM pg_stat_activity WHERE query LIKE '%import_csv($pid%' AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'" || true)
	[ -n "$victim" ] && break
	sleep 0.1
done
rows_before_kill=$(q -c "SELECT count(*) FROM learning_network.observation WHERE project_id = $pid" || echo "?")
still_running=$(q -c "SELECT count(*) FROM pg_stat_activity WHERE pid = ${victim:-0}")
[ -n "$victim" ] && kill -9 "$victim"
wait "$importer" || true
wait "$locker" || true
for _ in $(seq 1 60); do pg_isready -q && break; sleep 1; done
sleep 2
check "the import's backend was killed while importing (waiting, its rows written)" "$still_running" "1"
after=$(q -c "SELECT count(*) FROM learning_network.observation WHERE project_id = $pid")
check "after the crash the upload is all or nothing (rows: $after of $records; $rows_before_kill visible to others before)" \
	"$([ "$after" = 0 ] || [ "$after" = "$records" ] && echo all-or-nothing)" "all-or-nothing"
# and the same upload, not interrupted, imports whole
check "the same upload, uninterrupted, imports whole" \
	"$(q -c "SELECT count(*) FILTER (WHERE status = 'ok') FROM learning_network.import_csv($pid, pg_read_file('$work/upload.csv'))")" "$records"
check "the acknowledged writes of part 1 survived the crash" "$(q -c "$lost_writes")" "0"

dropdb load_test
rm -rf "$work"
checks_done load
