#!/usr/bin/env bash
# make bench-import: learning_network.import_csv throughput (lines per
# second) at several CSV sizes.  Not a test: it asserts nothing about time.
# Runs against a server given by PGHOST/PGPORT (pg_virtualenv, or
# /root/helpers/private-pg.sh) with the extensions installed.
# Knobs: IMPORT_LINES ("5000 20000 100000").
#
# Each CSV is one project's upload of two proportion measures.  A project
# can only hold the weeks between the earliest allowed week and today (about
# 1,400 since 2000), so a long CSV repeats its weeks with the same numbers:
# the first pass enters them, later passes are the accepted re-sends of a
# week already entered with the same numbers (what a re-uploaded
# spreadsheet does).
set -euo pipefail
sizes=${IMPORT_LINES:-"5000 20000 100000"}
db=spc_bench_import
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$db" "$@"; }
printf '%8s %8s %10s %12s %s\n' lines weeks seconds lines_per_s result
for lines in $sizes; do
	dropdb --if-exists "$db" >/dev/null; createdb "$db"
	q >/dev/null <<'SQL'
CREATE EXTENSION learning_network CASCADE;
INSERT INTO learning_network.facility (name, pseudonym) VALUES ('Bench Imaging', 'F-BENCH1');
INSERT INTO learning_network.project (facility_id, collaborative_id, title, started_on)
SELECT facility_id, 2, 'Bench', date '2001-01-07' FROM learning_network.facility;
SQL
	out=$(q <<SQL
CREATE TEMP TABLE csv AS
SELECT 'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den,MAMMO_POS_EL_PNL_num,MAMMO_POS_EL_PNL_den' || E'\n' ||
       string_agg(format('%s,%s,%s,%s,%s', date '2001-01-07' + 7 * (i % 1300), 20 + i % 1300 % 17, 60,
                         30 + i % 1300 % 13, 60), E'\n' ORDER BY i) AS body
FROM generate_series(0, $lines - 1) i;
SELECT clock_timestamp() AS t0 \gset
SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
FROM (SELECT status, count(*) AS n
      FROM learning_network.import_csv((SELECT project_id FROM learning_network.project), (SELECT body FROM csv))
      GROUP BY status) s;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz);
SELECT count(DISTINCT week_start) FROM learning_network.observation;
SQL
)
	result=$(echo "$out" | sed -n 1p); seconds=$(echo "$out" | sed -n 2p); weeks=$(echo "$out" | sed -n 3p)
	printf '%8d %8d %10.2f %12.0f %s\n' "$lines" "$weeks" "$seconds" "$(echo "$lines / $seconds" | bc -l)" "$result"
done
dropdb --if-exists "$db"
