#!/usr/bin/env bash
# The demo, from nothing: install what is missing, build, install, start a
# throwaway cluster, load a demo series and print a p-chart and an XmR chart.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

build_and_install
pg_virtualenv -t -v "$PGMAJOR" psql -X -v ON_ERROR_STOP=1 -f demo/demo.sql
