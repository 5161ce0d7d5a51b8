# Sourced (from the repository root) by the shell test scripts
# (test/roundtrip.sh, test/standby.sh, test/load.sh, scripts/citus-check.sh):
# TAP-style checks and the tally that decides their exit status.

passed=0
failed=0

# check NAME GOT WANT: "ok - NAME" when GOT equals WANT, else "not ok - NAME"
# with both values.
check() {
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1)); echo "ok - $1"
	else
		failed=$((failed + 1)); echo "not ok - $1"; echo "#   got:  $2"; echo "#   want: $3"
	fi
}

# checks_done SUITE: the tally line; fails when any check failed (the last
# command of a script, so it is the script's exit status).
checks_done() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
