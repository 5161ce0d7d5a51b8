#!/usr/bin/env bash
# test/chart_digests.sh DB: a digest of every chart the demo network serves,
# for every role that may ask (each facility's role, staff, the superuser)
# and every series (project, measure): chart_json and chart_svg drawn (a
# miss), the same again (kept), and a period of each (never kept).  Run it
# on a fresh database before and after a change to the renderer or the
# cache, and diff the outputs: every variant must come out byte-identical.
# Not part of the test command (ln_5_charts and the interleaving test cover
# the cache's correctness); a tool for refactors.  Needs a server (PGHOST..).
set -euo pipefail
db=${1:-chart_digests}
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$db" "$@"; }
dropdb --if-exists "$db" >/dev/null; createdb "$db"
q >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION learning_network_demo CASCADE;
SELECT count(*) FROM learning_network.load_demo();
SELECT count(learning_network.create_facility_role(facility_id)) FROM learning_network.facility;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chart_digests_staff') THEN
    CREATE ROLE chart_digests_staff NOLOGIN IN ROLE learning_network_staff;
  END IF;
END $$;
CREATE TABLE public.digest_series AS
SELECT project_id, measure_id, min(week_start) + 70 AS from_week, max(week_start) - 70 AS to_week
FROM learning_network.observation GROUP BY project_id, measure_id;
GRANT SELECT ON public.digest_series TO PUBLIC;
SQL
roles=$(q -c "SELECT role_name FROM learning_network.facility WHERE role_name IS NOT NULL ORDER BY facility_id")
for role in $roles chart_digests_staff postgres; do
	for pass in drawn kept; do
		q -c "SET ROLE $role" -c "
SELECT format('%s %s %s/%s json %s svg %s', '$role', '$pass', s.project_id, s.measure_id,
              md5(coalesce(learning_network.chart_json(s.project_id, s.measure_id)::text, 'NULL')),
              md5(coalesce(learning_network.chart_svg(s.project_id, s.measure_id), 'NULL')))
FROM public.digest_series s ORDER BY s.project_id, s.measure_id"
	done
	q -c "SET ROLE $role" -c "
SELECT format('%s period %s/%s json %s svg %s', '$role', s.project_id, s.measure_id,
              md5(coalesce(learning_network.chart_json(s.project_id, s.measure_id, s.from_week, s.to_week)::text, 'NULL')),
              md5(coalesce(learning_network.chart_svg(s.project_id, s.measure_id, s.from_week, s.to_week), 'NULL')))
FROM public.digest_series s ORDER BY s.project_id, s.measure_id"
done
dropdb "$db"
