#!/bin/sh
# Concatenates an extension's SQL sources into one script, as the Makefile
# asks: build-sql.sh install|upgrade EXTENSION FROM TO FILE...
# An install script is every source in order; an upgrade script is the
# version's own changes (upgrade/FROM--TO.sql, first of FILE) followed by the
# sources that are safe to run again (CREATE OR REPLACE, DROP ... IF EXISTS):
# see DESIGN.md, "SQL sources and releases".  A line "--@include PATH" stands
# for the whole of that install-only source (a new type or table of the
# version is written once, in its source, and named by the upgrade).
set -eu
kind=$1 ext=$2 from=$3 to=$4
shift 4
if [ "$kind" = install ]; then
	echo "-- $ext $to, built by make from sql/$ext/: edit those files, not this one."
	printf '%s\n' "\\echo Use \"CREATE EXTENSION $ext\" to load this file. \\quit"
else
	echo "-- $ext $from -> $to, built by make from sql/$ext/: edit those files, not this one."
	printf '%s\n' "\\echo Use \"ALTER EXTENSION $ext UPDATE TO '$to'\" to load this file. \\quit"
fi
for f in "$@"; do
	printf '\n-- %s\n\n' "$f"
	awk '/^--@include / { while ((getline line < $2) > 0) print line; close($2); next } { print }' "$f"
done
