-- A HUB session through the functions only: record weeks, a conflicting
-- correction rejected, a retry accepted, a CSV import with bad lines rejected
-- as a whole with a line-by-line report, a good import, a phase and an
-- annotation - then the JSON and SVG reflect every step.  It runs as the
-- facility's role, as the HUB does after SET ROLE.
SET extra_float_digits = 0;
BEGIN;
INSERT INTO learning_network.facility (name, pseudonym) VALUES ('Session Clinic', 'F-SESSN1');
INSERT INTO learning_network.project (facility_id, collaborative_id, title, started_on)
SELECT facility_id, 2, 'Session project', '2025-01-05' FROM learning_network.facility WHERE pseudonym = 'F-SESSN1'
RETURNING project_id AS p \gset
SELECT learning_network.create_facility_role(facility_id) AS facility_role
FROM learning_network.facility WHERE pseudonym = 'F-SESSN1' \gset

CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE col text;
BEGIN
  EXECUTE query;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS col = COLUMN_NAME;
  RETURN SQLSTATE || coalesce(' [' || nullif(col, '') || ']', '') || ': ' || regexp_replace(SQLERRM, ' at [0-9-]+T[0-9:]+Z', ' at <time>');
END $$;

SET ROLE :"facility_role";
SELECT learning_network.acting_role() = :'facility_role' AS acting_as_the_facility;

-- Record three weeks; the same call twice is a no-op returning the version.
SELECT learning_network.record_week(:p, 1, '2025-01-05', 30, 45) AS v1;
SELECT learning_network.record_week(:p, 1, '2025-01-12', 28, 44) AS v1;
SELECT learning_network.record_week(:p, 1, '2025-01-12', 28, 44) AS retried_same_version;
SELECT learning_network.record_week(:p, 1, '2025-01-19', 33, 47) AS v1;
-- A correction names the version it read; a stale one is refused (40001).
SELECT learning_network.record_week(:p, 1, '2025-01-12', 29, 44, expected_version => 1) AS corrected_v2;
SELECT pg_temp.error_of(format($$SELECT learning_network.record_week(%s, 1, '2025-01-12', 27, 44, expected_version => 1)$$, :p)) AS stale_correction;
SELECT pg_temp.error_of(format($$SELECT learning_network.record_week(%s, 1, '2025-01-12', 27, 44)$$, :p)) AS correction_without_version;
SELECT learning_network.record_week(:p, 1, '2025-01-12', 27, 44, expected_version => 2) AS retry_accepted_v3;
-- Bad input names the field.
SELECT q, pg_temp.error_of(q) FROM (VALUES
  (format($$SELECT learning_network.record_week(%s, 1, '2025-01-13', 30, 45)$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 1, '2025-01-26', 50, 45)$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 1, '2025-01-26', -1, 45)$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 12, '2025-01-26', 5, 45)$$, :p)),
  ($$SELECT learning_network.record_week(999999, 1, '2025-01-26', 5, 45)$$),
  (format($$SELECT learning_network.delete_week(%s, 1, '2025-01-19', 7)$$, :p))
) t(q);
-- Delete a week with its version; deleting again is a no-op.
SELECT learning_network.delete_week(:p, 1, '2025-01-19', 1) AS deleted,
       learning_network.delete_week(:p, 1, '2025-01-19', 1) AS deleted_again;

-- A CSV upload with two bad lines: nothing is imported, every line reported.
SELECT * FROM learning_network.import_csv(:p,
'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den,MAMMO_POS_EL_PNL_num,MAMMO_POS_EL_PNL_den
2025-01-26,31,46,40,46
2025-02-02,35,40,41,40
2025-02-10,30,45,,
not a date,1,2,,
2025-02-16,32,48,44,48');
SELECT count(*) FILTER (WHERE reported) AS weeks_after_rejected_import FROM learning_network.chart_points WHERE project_id = :p;
-- Corrected, it imports whole.
SELECT status, count(*) FROM learning_network.import_csv(:p,
'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den,MAMMO_POS_EL_PNL_num,MAMMO_POS_EL_PNL_den
2025-01-26,31,46,40,46
2025-02-02,35,40,38,40
2025-02-09,30,45,,
2025-02-16,32,48,44,48') GROUP BY status;
-- Uploading it again changes nothing; a week entered differently is not
-- overwritten by an upload.
SELECT status, count(*) FROM learning_network.import_csv(:p,
'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den
2025-01-26,31,46') GROUP BY status;
SELECT line, status, message FROM learning_network.import_csv(:p,
'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den
2025-01-26,20,46');
-- A header naming another collaborative's measure is refused.
SELECT pg_temp.error_of(format($$SELECT * FROM learning_network.import_csv(%s, 'week,LCS_VOLUME_num%s2025-01-05,3')$$, :p, E'\n')) AS bad_header;

-- A phase after a change and a PDSA annotation; a goal.
SELECT learning_network.set_phase(:p, '2025-02-09', 'After the checklist') > 0 AS phase_set;
SELECT learning_network.add_annotation(:p, '2025-02-09', 'PDSA 1: positioning checklist') > 0 AS annotated;
SELECT learning_network.set_goal(:p, 1, 0.85);

-- The JSON and the SVG show every step.
SELECT jsonb_array_length(j -> 'points') AS points,
       (SELECT string_agg(pt ->> 'week' || '=' || coalesce(pt ->> 'numerator', '-'), ' ' ORDER BY pt ->> 'week')
        FROM jsonb_array_elements(j -> 'points') pt) AS numerators,
       (SELECT string_agg(ph ->> 'label', ', ') FROM jsonb_array_elements(j -> 'phases') ph) AS phases,
       j -> 'annotations' -> 0 ->> 'text' AS annotation, j ->> 'goal' AS goal
FROM (SELECT learning_network.chart_json(:p, 1) AS j) s;
SELECT xml_is_well_formed_document(svg) AS svg_well_formed,
       svg LIKE '%After the checklist%' AS svg_phase, svg LIKE '%PDSA 1: positioning checklist%' AS svg_annotation,
       svg LIKE '%class="goal"%' AS svg_goal
FROM (SELECT learning_network.chart_svg(:p, 1) AS svg) s;
-- The history holds every change: inserts, the corrections, the deletion,
-- each stamped with the facility's role (read as the superuser: the base
-- tables are not granted to any client).
RESET ROLE;
SELECT week_start, string_agg(operation || ':' || numerator, ' ' ORDER BY history_id) AS changes,
       bool_and(changed_by = :'facility_role') AS stamped_with_the_facility_role
FROM learning_network.observation_history WHERE project_id = :p AND measure_id = 1
GROUP BY week_start ORDER BY week_start;
ROLLBACK;
