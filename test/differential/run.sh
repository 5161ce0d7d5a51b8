#!/usr/bin/env bash
# Differential test against the reference tools themselves: random series
# (seeded) computed by qicharts2, qcc and NHSRplotthedots (generate.R) and by
# spc.chart (spc.sql), compared point by point (compare.R).  Run inside a
# cluster with spc installed (PGHOST etc. set), as scripts/db-tests.sh does.
# The tools' answers are cached by seed, size, generator and tool versions:
# R takes minutes for them, spc seconds.
# Then spc.funnel against Spiegelhalter's formulas written in R (funnel.R).
# Knobs: SPC_DIFF_SERIES (default 10500), SPC_DIFF_SEED (default 20261130),
# SPC_DIFF_FUNNELS (default 2000 partitions).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/r-env.sh
export R_LIBS_USER=$SPC_R_LIBS

series=${SPC_DIFF_SERIES:-10500}
seed=${SPC_DIFF_SEED:-20261130}
versions=$(Rscript -e 'cat(R.version.string, sapply(c("qicharts2","qcc","NHSRplotthedots","dplyr"), function(p) as.character(packageVersion(p))))')
key=$( (cat test/differential/generate.R; echo "$series $seed $versions") | sha1sum | cut -c1-16)
cache=${SPC_DIFF_CACHE:-/var/cache/spc/differential}/$key
if [ ! -s "$cache/expected.csv" ]; then
	mkdir -p "$cache.tmp"
	start=$(date +%s)
	Rscript test/differential/generate.R "$cache.tmp" "$series" "$seed"
	echo "reference tools: $(( $(date +%s) - start )) s ($versions)"
	rm -rf "$cache"
	mv "$cache.tmp" "$cache"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$cache/rows.csv" "$cache/expected.csv" "$work/"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS spc_differential" -c "CREATE DATABASE spc_differential"
psql -X -q -d spc_differential -c "CREATE EXTENSION spc"
start=$(date +%s)
psql -X -q -d spc_differential -v rows="$work/rows.csv" -v out="$work/spc.csv" -f test/differential/spc.sql
echo "spc.chart: $(( $(date +%s) - start )) s"
status=0
Rscript test/differential/compare.R "$work" || status=1

# spc.funnel against Spiegelhalter's formulas written in R (seconds: no cache)
Rscript test/differential/funnel.R generate "$work" "${SPC_DIFF_FUNNELS:-2000}" "$seed"
psql -X -q -d spc_differential -v units="$work/funnel_units.csv" -v out="$work/funnel_spc.csv" \
	-f test/differential/funnel.sql
Rscript test/differential/funnel.R compare "$work" || status=1
if [ $status -ne 0 ] && [ -d "${SPC_DIFF_KEEP:-}" ]; then cp "$work"/*.csv "$SPC_DIFF_KEEP/"; fi
exit $status
