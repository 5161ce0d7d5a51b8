#!/usr/bin/env bash
# The server-side suites against one PostgreSQL version, as the version
# matrix runs them inside a chroot (scripts/chroot.sh run PGMAJOR ...): build
# with warnings as errors, install, and run scripts/db-tests.sh (pg_regress,
# pgTAP, round trips, SVG checks, the docs' examples and links) in a throwaway
# cluster.  PGMAJOR and PG_CONFIG are set by chroot.sh.  The differential
# test against R's tools is left to the host: it checks the engine's numbers,
# the same C on every version, and R with its CRAN packages would have to be
# built into every chroot.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGMAJOR:?}" "${PG_CONFIG:?}"
echo "# $("$PG_CONFIG" --version), $(. /etc/os-release && echo "$PRETTY_NAME")"
make -s clean PG_CONFIG="$PG_CONFIG"
make -s PG_CONFIG="$PG_CONFIG" PROFILE="-Werror"
make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
SPC_DIFFERENTIAL=skip pg_virtualenv -t -v "$PGMAJOR" -o "shared_preload_libraries=plpgsql,spc" scripts/db-tests.sh
