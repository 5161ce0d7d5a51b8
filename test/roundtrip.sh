#!/usr/bin/env bash
# Data safety, run inside pg_virtualenv (as scripts/db-tests.sh does):
#  - load_demo is deterministic for a seed, and another seed differs;
#  - pg_dump / pg_restore of a database with the extensions and data gives
#    back every row of every table and every sequence value;
#  - every earlier install script updates to the current version with the
#    same catalog as a fresh install;
#  - a 0.1.0 network with its demo loaded (load_demo was part of 0.1.0)
#    keeps every row through the update, and CREATE EXTENSION
#    learning_network_demo brings the loader back.
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
check() {
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1)); echo "ok - $1"
	else
		failed=$((failed + 1)); echo "not ok - $1"; echo "#   got:  $2"; echo "#   want: $3"
	fi
}
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$@"; }
fresh_db() { dropdb --if-exists "$1"; createdb "$1"; }

# Row count and checksum of every table of learning_network, and sequences.
checksums() {
	q "$1" <<'SQL'
SELECT string_agg(format('%s:%s:%s', relname, rows, hash), E'\n' ORDER BY relname)
FROM (SELECT c.relname,
             (xpath('//row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM learning_network.%I', c.relname), false, false, '')))[1]::text AS rows,
             (xpath('//row/h/text()', query_to_xml(CASE c.relkind
                WHEN 'S' THEN format('SELECT md5(last_value || %L || is_called) AS h FROM learning_network.%I', ':', c.relname)
                ELSE format('SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) AS h FROM learning_network.%I t',
                            '|', '', c.relname) END, false, false, '')))[1]::text AS hash
      FROM pg_class c
      WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind IN ('r', 'S')
        AND c.relname NOT IN ('chart_cache', 'chart_change', 'chart_version')) s;   -- caches, not dumped
SQL
}

# The access model as the catalog holds it: policies, privileges, owners,
# the security audit's row count.
access_model() {
	q "$1" <<'SQL'
SELECT md5(string_agg(x, '|' ORDER BY x)) || ' audit rows: ' || (SELECT count(*) FROM learning_network.security_audit)
FROM (SELECT format('%s %s %s %s %s', polrelid::regclass, polname, polcmd,
                    pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid)) AS x FROM pg_policy
      UNION ALL
      SELECT format('%s %s %s %s %s', c.oid::regclass, c.relowner::regrole, c.relacl, c.relrowsecurity, c.relforcerowsecurity)
      FROM pg_class c WHERE c.relnamespace IN ('learning_network'::regnamespace, 'learning_network_internal'::regnamespace)
      UNION ALL
      SELECT format('%s %s %s', p.oid::regprocedure, p.proowner::regrole, p.proacl)
      FROM pg_proc p WHERE p.pronamespace IN ('learning_network'::regnamespace, 'learning_network_internal'::regnamespace)) s;
SQL
}

# The demo's numbers (not its timestamps) for the determinism check.
demo_numbers() {
	q "$1" -c "SELECT md5(string_agg(concat_ws(',', f.pseudonym, o.measure_id, o.week_start, o.numerator, o.denominator, o.excluded, o.version), '|' ORDER BY f.pseudonym, o.measure_id, o.week_start)) FROM learning_network.observation o JOIN learning_network.facility f USING (facility_id)"
}

fresh_db rt_a
q rt_a -c "CREATE EXTENSION learning_network_demo CASCADE" -c "SELECT count(*) FROM learning_network.load_demo()" >/dev/null
# Rows the network added itself: a local collaborative and measure.
q rt_a >/dev/null <<'SQL'
INSERT INTO learning_network.collaborative (collaborative_id, code, name) VALUES (10, 'HEALTH_EQUITY', 'Mammography Health Equity');
INSERT INTO learning_network.measure (collaborative_id, code, name, numerator_definition, denominator_definition, kind, chart, improvement, unit, multiplier)
  VALUES (10, 'EQUITY_SCREEN', 'Screening of the underserved population', 'Screens', 'Eligible', 'proportion', 'p', 'up', '%', 100);
SELECT learning_network.create_facility_role(1);
SELECT learning_network.set_sharing('network', facility_id => 1);
SQL
fresh_db rt_b
q rt_b -c "CREATE EXTENSION learning_network_demo CASCADE" -c "SELECT count(*) FROM learning_network.load_demo()" >/dev/null
fresh_db rt_c
q rt_c -c "CREATE EXTENSION learning_network_demo CASCADE" -c "SELECT count(*) FROM learning_network.load_demo(7)" >/dev/null
check "load_demo is deterministic for its default seed" "$(demo_numbers rt_b)" "$(demo_numbers rt_a)"
if [ "$(demo_numbers rt_c)" != "$(demo_numbers rt_a)" ]; then check "another seed gives another network" same same
else check "another seed gives another network" same different; fi

dump=$(mktemp)
pg_dump -Fc -d rt_a -f "$dump"
fresh_db rt_restored
pg_restore --exit-on-error -d rt_restored "$dump"
before=$(checksums rt_a)
after=$(checksums rt_restored)
check "pg_dump / pg_restore keeps every row of every table and every sequence ($(echo "$before" | wc -l) relations)" "$after" "$before"
check "observations restored" "$(q rt_restored -c 'SELECT count(*) FROM learning_network.observation')" \
	"$(q rt_a -c 'SELECT count(*) FROM learning_network.observation')"
check "history restored" "$(q rt_restored -c 'SELECT count(*) FROM learning_network.observation_history')" \
	"$(q rt_a -c 'SELECT count(*) FROM learning_network.observation_history')"
check "the restored database works: a new week gets the next history id" \
	"$(q rt_restored -c "INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) SELECT facility_id, project_id, 1, '2025-06-29', 40, 50 FROM learning_network.project WHERE collaborative_id = 2 ORDER BY project_id LIMIT 1 RETURNING 1" -c "SELECT max(history_id) = (SELECT max(history_id) FROM learning_network.observation_history WHERE operation = 'insert') FROM learning_network.observation_history")" \
	"$(printf '1\nt')"
# A plain-text dump restored with psql, the other common way.
fresh_db rt_plain
pg_dump -d rt_a | q rt_plain >/dev/null
check "pg_dump | psql keeps every row of every table and every sequence" "$(checksums rt_plain)" "$before"
check "pg_dump / pg_restore and pg_dump | psql keep the access model (policies, owners, privileges), audit empty" \
	"$(access_model rt_restored) / $(access_model rt_plain)" "$(access_model rt_a) / $(access_model rt_a)"
rm -f "$dump"

# Upgrade paths: every earlier install script of each extension, updated to
# the current version, must give the catalog of a fresh install.
catalog() {
	# without comments, blank lines and pg_dump's per-run \restrict key
	pg_dump --schema-only -d "$1" | grep -v -e '^--' -e '^$' -e '^\\restrict ' -e '^\\unrestrict ' | sort
}
for ext in spc learning_network learning_network_demo; do
	current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "control/$ext.control")
	earlier=$(ls sql/ | sed -n "s/^$ext--\([0-9.]*\)\.sql$/\1/p" | grep -vx "$current" || true)
	fresh_db rt_fresh
	q rt_fresh -c "CREATE EXTENSION $ext CASCADE" >/dev/null
	if [ -z "$earlier" ]; then
		check "$ext $current: ALTER EXTENSION UPDATE on the current version changes nothing" \
			"$(q rt_fresh -c "ALTER EXTENSION $ext UPDATE" >/dev/null; catalog rt_fresh | md5sum)" \
			"$(fresh_db rt_check; q rt_check -c "CREATE EXTENSION $ext CASCADE" >/dev/null; catalog rt_check | md5sum)"
		echo "# $ext: no earlier release to upgrade from ($current is the first)"
		continue
	fi
	for version in $earlier; do
		fresh_db rt_old
		q rt_old -c "CREATE EXTENSION $ext VERSION '$version' CASCADE" -c "ALTER EXTENSION $ext UPDATE" >/dev/null
		check "$ext $version -> $current: same catalog as a fresh install" "$(catalog rt_old | md5sum)" "$(catalog rt_fresh | md5sum)"
	done
done

# The rows of every learning_network table, restricted to the columns a
# snapshot (schema rt_before) of it has: the update adds columns, and must
# neither lose nor alter a row.
rows_as_before() {
	q "$1" <<'SQL'
SELECT string_agg(format('%s:%s', relname, ok), E'\n' ORDER BY relname)
FROM (SELECT c.relname,
             (xpath('//row/h/text()', query_to_xml(format(
                'SELECT (SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) FROM (SELECT %s FROM rt_before.%I) t)
                      = (SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) FROM (SELECT %s FROM learning_network.%I) t) AS h',
                '|', '', cols, c.relname, '|', '', cols, c.relname), false, false, '')))[1]::text AS ok
      FROM pg_class c
      CROSS JOIN LATERAL (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS cols
                          FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) a
      WHERE c.relnamespace = 'rt_before'::regnamespace AND c.relkind = 'r') s;
SQL
}
fresh_db rt_demo
q rt_demo -c "CREATE EXTENSION learning_network VERSION '0.1.0' CASCADE" -c "SELECT count(*) FROM learning_network.load_demo()" >/dev/null
q rt_demo >/dev/null <<'SQL'
CREATE SCHEMA rt_before;
SELECT format('CREATE TABLE rt_before.%I AS TABLE learning_network.%I', relname, relname)
FROM pg_class WHERE relnamespace = 'learning_network'::regnamespace AND relkind = 'r'
  AND relname NOT IN ('chart_cache', 'chart_change', 'chart_version') \gexec
SQL
q rt_demo -c "ALTER EXTENSION learning_network UPDATE" >/dev/null
check "learning_network 0.1.0 -> 0.2.0 drops load_demo from the production extension" \
	"$(q rt_demo -c "SELECT count(*) FROM pg_proc WHERE proname = 'load_demo'")" "0"
q rt_demo -c "CREATE EXTENSION learning_network_demo" >/dev/null
expected_rows=$(q rt_demo -c "SELECT string_agg(relname || ':true', E'\n' ORDER BY relname) FROM pg_class WHERE relnamespace = 'rt_before'::regnamespace AND relkind = 'r'")
check "a 0.1.0 demo network updated to 0.2.0, then CREATE EXTENSION learning_network_demo: every row of every table kept ($(echo "$expected_rows" | wc -l) tables)" \
	"$(rows_as_before rt_demo)" "$expected_rows"
check "load_demo is back, owned by learning_network_demo, and refuses a non-empty network" \
	"$(q rt_demo -c "SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE d.classid = 'pg_proc'::regclass AND d.objid = 'learning_network.load_demo(integer)'::regprocedure AND d.deptype = 'e'"; q rt_demo -c "SELECT learning_network.load_demo()" 2>&1 | grep -o 'load_demo needs an empty network')" \
	"$(printf 'learning_network_demo\nload_demo needs an empty network')"

# A user's view over spc's aggregates survives the update from 0.1.0 (their
# state type changed: replaced in place, not dropped), with the same answers.
fresh_db rt_view
check "a view using spc.phase_summary and spc.chart_svg survives ALTER EXTENSION spc UPDATE, same answers" \
	"$(q rt_view >/dev/null <<'SQL'
CREATE EXTENSION spc VERSION '0.1.0';
CREATE TABLE obs AS SELECT s, w, (s * 37 + w * 101) % 40 + 1.0 / (3 + w) AS x FROM generate_series(1, 20) s, generate_series(1, 30) w;
CREATE VIEW summary AS
SELECT s, spc.phase_summary('i', w, x) AS p,
       spc.chart_svg(date '2024-01-07' + 7 * w, ROW(x, 1, 0, 2, 1, false, NULL, NULL)::spc.point) AS svg
FROM obs GROUP BY s;
CREATE TABLE before AS SELECT * FROM summary;
ALTER EXTENSION spc UPDATE;
SQL
	q rt_view -c "SELECT count(*) FILTER (WHERE b.p = v.p AND b.svg = v.svg) || ' of ' || count(*) FROM before b JOIN summary v USING (s)")" \
	"20 of 20"
check "spc.phase (renamed spc.phase_stats in 0.2.0) still names the type after the update: the view's column follows the rename, the old name casts" \
	"$(q rt_view -c "SELECT DISTINCT pg_typeof(p)::text FROM summary" -c "SELECT (p::spc.phase).n_subgroups FROM summary WHERE s = 1")" \
	"$(printf 'spc.phase_stats\n30')"

for db in rt_a rt_b rt_c rt_restored rt_plain rt_fresh rt_check rt_old rt_demo rt_view; do dropdb --if-exists "$db"; done
echo "roundtrip: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
