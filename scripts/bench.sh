#!/usr/bin/env bash
# make bench: build and install, then run bench/run.sh in a throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
SPC_EXTRA_PACKAGES="bc" source scripts/env.sh
build_and_install
pg_virtualenv -t -v "$PGMAJOR" -o 'shared_buffers=512MB' bench/run.sh
