#!/usr/bin/env bash
# The engine's regression suites with the server under valgrind memcheck.
# PostgreSQL's own build is not instrumented for valgrind, so memcheck also
# reports what the server itself does (uninitialised padding it writes to
# disk); the run fails on any report whose stack passes through spc.so.
# Parallel plans are on (the suites force them), so the aggregates' combine
# functions and state types run in workers and leader under memcheck; a
# database at 0.1.0 exercises the internal-state serialise/deserialise entry
# points the library keeps for it.
# Run after the extension is built and installed (scripts/test.sh does it).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-pg_config}
bindir=$($PG_CONFIG --bindir)
work=$(mktemp -d)
chown postgres "$work"
port=${VALGRIND_PORT:-54331}

runuser -u postgres -- "$bindir/initdb" -D "$work/data" -A trust >/dev/null
runuser -u postgres -- valgrind --quiet --trace-children=yes --num-callers=30 \
	--log-file="$work/valgrind.%p.log" "$bindir/postgres" -D "$work/data" -k "$work" -p $port \
	-c listen_addresses= -c max_connections=10 -c shared_buffers=32MB -c shared_preload_libraries=plpgsql,spc \
	>"$work/server.log" 2>&1 &
for _ in $(seq 1 120); do
	psql -h "$work" -p $port -U postgres -XAtc "SELECT 1" >/dev/null 2>&1 && break
	sleep 2
done

status=0
PGHOST=$work PGPORT=$port PGUSER=postgres make -s installcheck PG_CONFIG="$PG_CONFIG" \
	REGRESS="bad_input chart_semantics conformance methods_reference rules svg analyst conformance_cumulative phase_summary phase_summary_options agg_state funnel conformance_funnel summaries differential_conventions" || status=1
# The 0.1.0 aggregates (internal state) on the current library, in parallel.
psql -h "$work" -p $port -U postgres -XAtq -v ON_ERROR_STOP=1 -d postgres >/dev/null <<'SQL' || status=1
CREATE DATABASE spc_0_1_0;
\c spc_0_1_0
CREATE EXTENSION spc VERSION '0.1.0';
CREATE TABLE obs AS SELECT s, w, (s * 37 + w * 101) % 40 + 1.0 / (3 + w) AS x FROM generate_series(1, 40) s, generate_series(1, 30) w;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET enable_hashagg = off;
SELECT w % 2, spc.phase_summary('i', w + s, x),
       length(spc.chart_svg(date '2024-01-07' + w, ROW(x, 1, 0, 2, 1, false, NULL, NULL)::spc.point, 'p', NULL, 1, 't'))
FROM obs GROUP BY w % 2;
SQL
# learning_network's chart renderer (spc preloaded): a first miss launches
# it, a later miss is drawn by it in the requester's snapshot, so the worker
# and the requester's side run under memcheck too.
psql -h "$work" -p $port -U postgres -XAtq -v ON_ERROR_STOP=1 -d postgres >"$work/renderer.out" <<'SQL' || status=1
CREATE DATABASE spc_renderer;
\c spc_renderer
CREATE EXTENSION learning_network CASCADE;
INSERT INTO learning_network.facility (name, pseudonym, role_name) VALUES ('Valgrind', 'F-VG', 'valgrind_facility');
INSERT INTO learning_network.project (facility_id, collaborative_id, title, started_on)
SELECT facility_id, 2, 'Valgrind project', '2024-01-07' FROM learning_network.facility;
SELECT learning_network.create_facility_role(facility_id) FROM learning_network.facility;
INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator, entered_by)
SELECT p.facility_id, p.project_id, 1, date '2024-01-07' + 7 * w, 20 + w % 7, 30, 'valgrind'
FROM learning_network.project p CROSS JOIN generate_series(0, 19) w;
SELECT project_id AS p FROM learning_network.project \gset
SET ROLE valgrind_facility;
SELECT length(learning_network.chart_json(:p, 1)::text) > 0;
RESET ROLE;
DO $$ BEGIN
  FOR i IN 1 .. 600 LOOP
    EXIT WHEN EXISTS (SELECT FROM learning_network.chart_renderer());
    PERFORM pg_sleep(0.2);
  END LOOP;
END $$;
UPDATE learning_network.observation SET numerator = numerator + 1 WHERE week_start = '2024-01-07';
SET ROLE valgrind_facility;
SELECT learning_network.chart_json(:p, 1) = learning_network.chart_json(:p, 1, date '2024-01-07');
RESET ROLE;
SELECT charts_drawn FROM learning_network.chart_renderer();
SQL
if [ "$(tail -n 2 "$work/renderer.out" | paste -sd' ')" = "t 1" ]; then
	echo "valgrind: the chart renderer drew a chart, equal to the session's own draw"
else
	echo "FAIL: the chart renderer under valgrind: $(paste -sd' ' "$work/renderer.out")"
	status=1
fi
runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null || true

# Error reports are blocks of lines; keep those with a frame in spc.so, named
# by the library or (with debug information) by one of its source files.
ours="spc[.]so|[(]($(cd src && ls core/*.c pg/*.c | xargs -n1 basename | sed 's/[.]c$/[.]c/' | paste -sd'|')):"
cat "$work"/valgrind.*.log | awk -v ours="$ours" '
	/^==[0-9]+== [A-Z]/ { if (block ~ ours) print block; block = "" }
	{ block = block "\n" $0 }
	END { if (block ~ ours) print block }' >"$work/ours.txt"
reports=$(grep -cE "^==[0-9]+== [A-Z]" "$work/ours.txt" || true)
total=$(grep -hcE "^==[0-9]+== (Invalid|Conditional|Use of uninitialised|Syscall param|Source and destination|Mismatched)" \
	"$work"/valgrind.*.log | awk '{ s += $1 } END { print s + 0 }')
if [ "$reports" -gt 0 ]; then
	cat "$work/ours.txt"
	status=1
fi
echo "valgrind: $total memcheck reports from the server, $reports through spc"
[ -n "${VALGRIND_KEEP:-}" ] && echo "logs kept in $work" || rm -rf "$work"
exit $status
