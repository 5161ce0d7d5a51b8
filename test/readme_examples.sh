#!/usr/bin/env bash
# Run every README example marked <!-- readme-test --> and compare its output
# with the block that follows it, so the README stays true.  The marker is
# followed by a ```sql block (one statement) and a ``` block (psql's aligned
# output without the row count, or the error).  Needs PGHOST/PGPORT and the
# installed extension (as in scripts/db-tests.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
db=spc_readme
dropdb --if-exists "$db" >/dev/null 2>&1
createdb "$db"
psql -X -q -d "$db" -c "CREATE EXTENSION spc" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb --if-exists "$db" >/dev/null 2>&1' EXIT
# split README.md into work/N.sql and work/N.out
awk -v dir="$work" '
	/^<!-- readme-test -->$/ { n++; state = 1; next }
	state == 1 && /^```sql/ { state = 2; next }
	state == 2 && /^```/ { state = 3; next }
	state == 2 { print > (dir "/" n ".sql"); next }
	state == 3 && /^```/ { state = 4; next }
	state == 4 && /^```/ { state = 0; close(dir "/" n ".out"); next }
	state == 4 { print > (dir "/" n ".out"); next }
' README.md

status=0
count=0
for sql in "$work"/*.sql; do
	[ -e "$sql" ] || break
	count=$((count + 1))
	out=${sql%.sql}.out
	# trailing blanks and blank lines are not part of what is shown
	psql -X -q -P footer=off -d "$db" -c "$(cat "$sql")" 2>&1 | sed 's/[[:space:]]*$//' |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$sql.got" || true
	sed 's/[[:space:]]*$//' "$out" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$out.want"
	if ! diff -u "$out.want" "$sql.got"; then
		echo "README example $(basename "$sql" .sql) differs from its shown output"
		status=1
	fi
done
[ "$count" -gt 0 ] || { echo "no README examples found"; exit 1; }
echo "README examples: $count run, $( [ $status -eq 0 ] && echo all || echo not all ) as shown"
exit $status
