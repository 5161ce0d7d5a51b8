#!/usr/bin/env bash
# No test may depend on the day it runs: the date-sensitive suites (every
# ln_* pg_regress suite, the pgTAP suites, and the load test's checks) again,
# against a server whose clock libfaketime moves SPC_CLOCK_DAYS (400) days
# ahead, to the Wednesday on or after that day (a mid-week day: week
# arithmetic from a Sunday start is where an off-by-one would hide).
# The clients keep the real clock, as a HUB far from the server would.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGMAJOR:?}" "${PG_CONFIG:?}"

libfaketime=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketime\.so\.1$' | head -n 1)
[ -n "$libfaketime" ] || { echo "clock-tests: libfaketime is not installed (Debian package faketime)"; exit 1; }
ahead=$(date -u -d "+${SPC_CLOCK_DAYS:-400} days" +%F)
target=$(date -u -d "$ahead + $(( (3 - $(date -u -d "$ahead" +%u) + 7) % 7 )) days" +%F)

# pg_ctlcluster starts the server with the cluster's environment file only.
work=$(mktemp -d /var/tmp/spc-clock.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
cat >"$work/environment" <<ENV
LD_PRELOAD = '$libfaketime'
FAKETIME = '@$target 10:00:00'
FAKETIME_DONT_FAKE_MONOTONIC = '1'
ENV
echo "# the server's clock moved to $target (a Wednesday; today is $(date -u +%F))"

regress=$(cd test/sql && ls ln_*.sql | sed 's/\.sql$//' | tr '\n' ' ')
export SPC_CLOCK_TARGET=$target SPC_CLOCK_REGRESS=$regress
pg_virtualenv -t -v "$PGMAJOR" -c "--environment=$work/environment" bash -c '
	set -euo pipefail
	server_date=$(psql -XAtc "SELECT current_date")
	if [ "$server_date" != "$SPC_CLOCK_TARGET" ]; then
		echo "FAIL: the server says $server_date, not $SPC_CLOCK_TARGET: libfaketime did not take"; exit 1
	fi
	status=0
	if ! make -s installcheck PG_CONFIG="$PG_CONFIG" REGRESS="$SPC_CLOCK_REGRESS"; then
		cat test/regression.diffs 2>/dev/null || true
		status=1
	fi
	createdb spc_pgtap_clock
	pg_prove -d spc_pgtap_clock --ext .sql test/pgtap/ || status=1
	exit $status'
LOAD_SECONDS="${LOAD_SECONDS:-15}" pg_virtualenv -t -v "$PGMAJOR" -c "--environment=$work/environment" bash -c '
	[ "$(psql -XAtc "SELECT current_date")" = "$SPC_CLOCK_TARGET" ] || { echo "FAIL: libfaketime did not take"; exit 1; }
	test/load.sh'
