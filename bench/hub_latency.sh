#!/usr/bin/env bash
# make bench-hub: the HUB's chart requests (cached, redrawn in a warm session,
# redrawn in a new session), each as a facility makes it, against a plain
# SELECT of the same rows.  The measuring is in hub_latency.pl (DBD::Pg).
# Runs inside pg_virtualenv.  Knob: HUB_REQUESTS (400).
set -euo pipefail
cd "$(dirname "$0")"
perl hub_latency.pl
