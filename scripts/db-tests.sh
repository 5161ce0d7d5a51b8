#!/usr/bin/env bash
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER, PGDATABASE are set):
# the pg_regress suites, the pgTAP suites, the dump/restore and upgrade
# round trips, the SVG checks, the documentation's SQL examples, the hot
# standby's reads, then check that the server never restarted.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(psql -XAtc "SELECT pg_postmaster_start_time()")
status=0

if ! make -s installcheck PG_CONFIG="$PG_CONFIG"; then
	cat test/regression.diffs 2>/dev/null || true
	status=1
fi

createdb spc_pgtap
if ! pg_prove -d spc_pgtap --ext .sql test/pgtap/; then
	status=1
fi

if ! test/roundtrip.sh; then
	status=1
fi

# reads on a hot standby made from this cluster (pg_basebackup)
if ! test/standby.sh; then
	status=1
fi

if ! test/svg_check.sh; then
	status=1
fi

# the chart cache under concurrent sessions (issue 14): the stale sequence,
# lock waits, and 10,000 seeded random interleaved steps
if ! perl test/chart_cache_interleaving.pl; then
	status=1
fi

# Every SQL example of the documentation, against the demo network.
if ! test/doc_examples.py README.md $(ls docs/*.md 2>/dev/null); then
	status=1
fi
# Every relative link and anchor of the documentation resolves (no server).
if ! test/doc_links.py README.md DESIGN.md CHANGELOG.md $(ls docs/*.md 2>/dev/null); then
	status=1
fi

# Differential test against qicharts2, qcc and NHSRplotthedots (R from CRAN);
# the version matrix's chroots skip it (scripts/server-tests.sh).
if [ "${SPC_DIFFERENTIAL:-}" = skip ]; then
	echo "# differential test: skipped here (run on the host's PostgreSQL)"
elif ! test/differential/run.sh; then
	status=1
fi

if [ "$(psql -XAtc "SELECT pg_postmaster_start_time()")" != "$started" ]; then
	echo "FAIL: the server restarted during the suite (a backend crashed)"
	status=1
fi
exit $status
