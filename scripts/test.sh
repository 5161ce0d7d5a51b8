#!/usr/bin/env bash
# The whole test suite, from nothing: install what is missing, build with
# warnings as errors, install, run the C unit tests and a fuzzing smoke run,
# then start a throwaway cluster and run the pg_regress and pgTAP suites and
# the round trips against it, then the load test and the valgrind run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

build_and_install
make -s unit PG_CONFIG="$PG_CONFIG"
# A short fuzzing smoke run of the core (`make fuzz` runs longer).
make -s fuzz PG_CONFIG="$PG_CONFIG" FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
# pg_virtualenv: a throwaway cluster for this one command (-t: in a temporary
# directory even as root).
pg_virtualenv -t -v "$PGMAJOR" scripts/db-tests.sh
# No lost writes under concurrent HUB sessions and a killed import, in a
# cluster of its own because it crashes a backend (`make load` runs longer).
LOAD_SECONDS="${LOAD_SECONDS:-15}" pg_virtualenv -t -v "$PGMAJOR" test/load.sh
# The engine's suites once more, with the server under valgrind memcheck.
scripts/valgrind-check.sh
