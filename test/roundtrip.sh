#!/usr/bin/env bash
# Data safety, run inside pg_virtualenv (as scripts/db-tests.sh does):
#  - load_demo is deterministic for a seed, and another seed differs;
#  - pg_dump / pg_restore of a database with the extensions and data gives
#    back every row of every table and every sequence value;
#  - every earlier install script updates to the current version with the
#    same catalog as a fresh install;
#  - a network of an earlier release with its demo loaded (load_demo was
#    part of 0.1.0) keeps every row through the update and CREATE EXTENSION
#    learning_network_demo, which brings the loader back.
set -euo pipefail
cd "$(dirname "$0")/.."

source test/check.sh
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
# the current version, must give the catalog of a fresh install: every fact
# test/catalog_facts.sql lists (functions with their labels, types, views,
# columns, constraints, policies, grants, comments, owners, members) and what
# pg_dump writes.
facts() { q "$1" -f test/catalog_facts.sql; }
catalog() {
	# without comments, blank lines and pg_dump's per-run \restrict key
	pg_dump --schema-only -d "$1" | grep -v -e '^--' -e '^$' -e '^\\restrict ' -e '^\\unrestrict ' | sort
}
same_catalog() {	# description, database, reference database: one check, and the differences if any
	local got want
	got=$(facts "$2"; catalog "$2")
	want=$(facts "$3"; catalog "$3")
	check "$1 ($(echo "$want" | wc -l) catalog facts)" "$(echo "$got" | md5sum)" "$(echo "$want" | md5sum)"
	[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got") | head -n 40 | sed 's/^/#   /'
}
current_of() { sed -n "s/^default_version = '\(.*\)'/\1/p" "control/$1.control"; }
earlier_of() { ls sql/ | sed -n "s/^$1--\([0-9.]*\)\.sql$/\1/p" | grep -vx "$(current_of "$1")" || true; }

fresh_db rt_fresh
q rt_fresh -c "CREATE EXTENSION learning_network CASCADE" >/dev/null
fresh_db rt_fresh_demo
q rt_fresh_demo -c "CREATE EXTENSION learning_network_demo CASCADE" >/dev/null
for ext in spc learning_network; do
	current=$(current_of $ext)
	earlier=$(earlier_of $ext)
	if [ -z "$earlier" ]; then
		fresh_db rt_check
		q rt_check -c "CREATE EXTENSION learning_network CASCADE" -c "ALTER EXTENSION $ext UPDATE" >/dev/null
		same_catalog "$ext $current: ALTER EXTENSION UPDATE on the current version changes nothing" rt_check rt_fresh
		echo "# $ext: no earlier release to upgrade from ($current is the first)"
		continue
	fi
	for version in $earlier; do
		# the other extension at the current version, this one updated
		fresh_db rt_old
		if [ $ext = spc ]; then
			q rt_old -c "CREATE EXTENSION spc VERSION '$version'" -c "ALTER EXTENSION spc UPDATE" \
				-c "CREATE EXTENSION learning_network" >/dev/null
		else
			q rt_old -c "CREATE EXTENSION spc" -c "CREATE EXTENSION learning_network VERSION '$version'" \
				-c "ALTER EXTENSION learning_network UPDATE" >/dev/null
		fi
		same_catalog "$ext $version -> $current on an empty database: same catalog as a fresh install" rt_old rt_fresh
	done
done

# A release in use, updated in place: both extensions at the earlier release,
# the demo network, writes as facilities and staff, ALTER EXTENSION UPDATE.
for version in $(earlier_of learning_network); do
	[ -f "sql/spc--$version.sql" ] || continue
	fresh_db rt_live
	q rt_live >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION spc VERSION '$version';
CREATE EXTENSION learning_network VERSION '$version';
SELECT count(*) FROM learning_network.load_demo();
SELECT count(learning_network.create_facility_role(facility_id)) FROM learning_network.facility;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rt_staff') THEN CREATE ROLE rt_staff NOLOGIN; END IF;
END \$\$;
GRANT learning_network_staff TO rt_staff;
SQL
	# the facility of the first mammography project writes as itself; it and
	# two peers share the measure publicly and report three new weeks, which
	# staff publish (a publication pools at least three facilities) and all
	# approve
	peers=$(q rt_live -c "SELECT string_agg(p.project_id || ':' || f.role_name, ' ' ORDER BY p.project_id)
		FROM (SELECT * FROM learning_network.project WHERE collaborative_id = 2 ORDER BY project_id LIMIT 3) p
		JOIN learning_network.facility f USING (facility_id)")
	pid=${peers%%:*}
	frole=${peers%% *}; frole=${frole#*:}
	q rt_live >/dev/null <<SQL
SELECT o.week_start AS last_week, o.numerator - 1 AS corrected, o.denominator, o.version
FROM learning_network.observation o WHERE o.project_id = $pid AND o.measure_id = 1
ORDER BY o.week_start DESC LIMIT 1 \gset
SET ROLE $frole;
SELECT learning_network.record_week($pid, 1, :'last_week', :corrected, :denominator, expected_version => :version);
SELECT learning_network.set_phase($pid, '2025-07-06', 'After the upgrade drill');
SELECT learning_network.add_annotation($pid, '2025-07-13', 'Checked the new positioning card');
RESET ROLE;
$(for peer in $peers; do printf "SET ROLE %s;\nSELECT learning_network.set_sharing('public', 1);\nSELECT learning_network.record_week(%s, 1, date '2025-07-06' + 7 * w, 30 + w, 45) FROM generate_series(0, 2) w;\nRESET ROLE;\n" "${peer#*:}" "${peer%%:*}"; done)
SET ROLE rt_staff;
SELECT learning_network.prepare_publication('Upgrade drill', 1, '2025-07-06', '2025-07-20') AS publication \gset
SELECT learning_network.approve_publication(:publication);
RESET ROLE;
$(for peer in $peers; do printf "SET ROLE %s;\nSELECT learning_network.approve_publication(:publication);\nRESET ROLE;\n" "${peer#*:}"; done)
SQL
	# every row of every table, read through the earlier release's columns
	rows_of() {	# database, column lists (relation|columns per line)
		local db=$1 rel cols
		while IFS='|' read -r rel cols; do
			printf '%s:%s\n' "$rel" "$(q "$db" -c "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))
				FROM (SELECT $cols FROM learning_network.$rel) t")"
		done <<<"$2"
	}
	columns=$(q rt_live -c "SELECT c.relname || '|' || string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
		FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind = 'r'
		  AND c.relname NOT IN ('chart_cache', 'chart_change')
		GROUP BY c.relname ORDER BY c.relname")
	before=$(rows_of rt_live "$columns")
	q rt_live -c "ALTER EXTENSION spc UPDATE" -c "ALTER EXTENSION learning_network UPDATE" >/dev/null
	check "spc and learning_network $version -> current, with the demo network and facilities' writes: versions" \
		"$(q rt_live -c "SELECT string_agg(extname || ' ' || extversion, ', ' ORDER BY extname) FROM pg_extension WHERE extname IN ('spc', 'learning_network')")" \
		"learning_network $(current_of learning_network), spc $(current_of spc)"
	check "every row of every table kept ($(echo "$before" | wc -l) tables)" "$(rows_of rt_live "$columns")" "$before"
	same_catalog "$version -> current with data: same catalog as a fresh install" rt_live rt_fresh
	check "the security audit is empty after the update" \
		"$(q rt_live -c "SELECT count(*) || ' ' || coalesce(string_agg(lint || ' ' || object, ', '), '') FROM learning_network.security_audit")" "0 "
	# the demo loader left learning_network with the update; its own
	# extension brings it back and touches no row
	check "the update drops load_demo from learning_network" \
		"$(q rt_live -c "SELECT count(*) FROM pg_proc WHERE proname = 'load_demo'")" "0"
	q rt_live -c "CREATE EXTENSION learning_network_demo" >/dev/null
	check "CREATE EXTENSION learning_network_demo after the update: every row of every table still kept" \
		"$(rows_of rt_live "$columns")" "$before"
	same_catalog "$version -> current, then CREATE EXTENSION learning_network_demo: same catalog as a fresh install of it" \
		rt_live rt_fresh_demo
	check "load_demo is back, owned by learning_network_demo, and refuses a non-empty network" \
		"$(q rt_live -c "SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE d.classid = 'pg_proc'::regclass AND d.objid = 'learning_network.load_demo(integer)'::regprocedure AND d.deptype = 'e'"; q rt_live -c "SELECT learning_network.load_demo()" 2>&1 | grep -o 'load_demo needs an empty network')" \
		"$(printf 'learning_network_demo\nload_demo needs an empty network')"
	if [ "$(q rt_live -c "SELECT current_setting('server_version_num')::int >= 160000")" = t ]; then
		check "after the update every facility role's and BI role's grants state what they are for (INHERIT, SET)" \
			"$(q rt_live -c "SELECT count(*) FROM learning_network.facility f JOIN pg_roles r ON r.rolname IN (f.role_name, f.bi_role_name)
				JOIN pg_auth_members am ON am.roleid = r.oid OR am.member = r.oid
				WHERE (am.inherit_option, am.set_option) <> CASE WHEN am.member = r.oid THEN (true, false) ELSE (false, true) END")" "0"
	fi
	# the updated network works: the facility writes and reads its chart,
	# staff and the public see the publication
	check "after the update the facility records a week and reads its chart" \
		"$(q rt_live -c "SET ROLE $frole" \
			-c "SELECT learning_network.record_week($pid, 1, '2025-07-27', 40, 45)" \
			-c "SELECT learning_network.chart_json($pid, 1)::text LIKE '%2025-07-27%'" \
			-c "SELECT learning_network.chart_svg($pid, 1) LIKE '<svg%'" \
			-c "SELECT count(*) FROM learning_network.chart_points WHERE project_id = $pid AND week_start = '2025-07-27' AND phase_label = 'After the upgrade drill'")" \
		"$(printf '1\nt\nt\n1')"
	check "after the update a peer reads the facility's public week" \
		"$(q rt_live -c "SET ROLE learning_network_facility_2" -c "SELECT count(*) FROM learning_network.public_weekly WHERE week_start BETWEEN '2025-07-06' AND '2025-07-20'")" "3"
done
# META.json (PGXN) describes both extensions at their current version.
check "META.json provides each extension at its control file's version" \
	"$(python3 -c 'import json; m = json.load(open("META.json")); print(" ".join(sorted(k + "=" + v["version"] + ":" + v["file"] for k, v in m["provides"].items())), m["version"])')" \
	"$(for c in control/*.control; do e=$(basename "$c" .control); printf '%s=%s:sql/%s--%s.sql ' "$e" "$(current_of "$e")" "$e" "$(current_of "$e")"; done | sed 's/ $//') $(current_of spc)"

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

for db in rt_a rt_b rt_c rt_restored rt_plain rt_fresh rt_fresh_demo rt_check rt_old rt_view rt_live; do dropdb --if-exists "$db"; done
checks_done roundtrip
