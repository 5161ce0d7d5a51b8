#!/usr/bin/env bash
# The demo, from nothing: install what is missing, build, install, start a
# throwaway cluster; print a p-chart and an XmR chart from the engine alone,
# then load the demo network and show a team's chart and the network's status.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

build_and_install
pg_virtualenv -t -v "$PGMAJOR" -o "$SPC_PRELOAD" sh -c \
	'psql -X -v ON_ERROR_STOP=1 -f demo/demo.sql && psql -X -v ON_ERROR_STOP=1 -f demo/network.sql'
