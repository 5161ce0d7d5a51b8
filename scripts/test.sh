#!/usr/bin/env bash
# The whole test suite, from nothing: install what is missing, build with
# warnings as errors, install, run the C unit tests and a fuzzing smoke run,
# then start a throwaway cluster and run the pg_regress and pgTAP suites and
# the round trips against it, then the load test, the date-sensitive suites
# with the server's clock moved, the valgrind run, and the server-side suites
# again on the other PostgreSQL versions of the matrix, each in a Debian
# chroot (built on first use and cached: scripts/chroot.sh).
# Knobs: SPC_MATRIX ("17 18"; empty: the host's version only), FUZZ_SECONDS,
# LOAD_SECONDS, SPC_CHROOT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

started=$SECONDS
step_started=$SECONDS
step() {	# prints how long the previous step took
	echo "# step done in $((SECONDS - step_started)) s: $1"
	step_started=$SECONDS
}

build_and_install
make -s unit PG_CONFIG="$PG_CONFIG"
# A short fuzzing smoke run of the core (`make fuzz` runs longer).
make -s fuzz PG_CONFIG="$PG_CONFIG" FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
step "build, unit tests, fuzzing"
# pg_virtualenv: a throwaway cluster for this one command (-t: in a temporary
# directory even as root), spc preloaded as recommended (the chart renderer).
pg_virtualenv -t -v "$PGMAJOR" -o "$SPC_PRELOAD" scripts/db-tests.sh
step "PostgreSQL $PGMAJOR server-side suites"
# No lost writes under concurrent HUB sessions and a killed import, in a
# cluster of its own because it crashes a backend (`make load` runs longer).
LOAD_SECONDS="${LOAD_SECONDS:-15}" pg_virtualenv -t -v "$PGMAJOR" test/load.sh
step "load test"
# The same suites and checks, the server's clock moved 400 days ahead.
scripts/clock-tests.sh
step "clock moved: ln_* suites, pgTAP, load test"
# The engine's suites once more, with the server under valgrind memcheck.
scripts/valgrind-check.sh
step "valgrind"

# The version matrix: the server-side suites on each other version.
for major in ${SPC_MATRIX-17 18}; do
	scripts/chroot.sh build "$major"
	step "PostgreSQL $major chroot ready"
	scripts/chroot.sh run "$major" scripts/server-tests.sh
	step "PostgreSQL $major server-side suites"
done
echo "# the test command took $((SECONDS - started)) s"
