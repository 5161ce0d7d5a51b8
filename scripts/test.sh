#!/usr/bin/env bash
# The whole test suite, from nothing: install what is missing, build with
# warnings as errors, install, run the C unit tests, then start a throwaway
# cluster and run the pg_regress and pgTAP suites against it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

build_and_install
make -s unit PG_CONFIG="$PG_CONFIG"
# pg_virtualenv: a throwaway cluster for this one command (-t: in a temporary
# directory even as root).
pg_virtualenv -t -v "$PGMAJOR" scripts/db-tests.sh
