-- learning_network: what a hostile member can store and skip (issue 13,
-- findings 2, 3, 4, 7 and 8), on the demo network.
SET extra_float_digits = 0;
SET client_min_messages = warning;
SET learning_network.allow_drop = on;
DROP EXTENSION IF EXISTS learning_network CASCADE;
RESET learning_network.allow_drop;
CREATE EXTENSION learning_network_demo CASCADE;
SELECT count(*) > 0 AS demo_loaded FROM learning_network.load_demo();
RESET client_min_messages;

CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE col text; con text;
BEGIN
  EXECUTE query;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS col = COLUMN_NAME, con = CONSTRAINT_NAME;
  RETURN SQLSTATE || coalesce(' [' || nullif(col, '') || ']', '') || coalesce(' ' || nullif(con, ''), '') || ': '
         || left(SQLERRM, 160);
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.error_of(text) TO PUBLIC;
-- everything a facility could have changed, as one checksum
CREATE FUNCTION pg_temp.stored() RETURNS text LANGUAGE sql AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(o::text, ',' ORDER BY o::text) FROM learning_network.observation o),
    (SELECT string_agg(p::text, ',' ORDER BY p::text) FROM learning_network.phase p),
    (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM learning_network.annotation a),
    (SELECT string_agg(g::text, ',' ORDER BY g::text) FROM learning_network.goal g)))
$$;

-- The attacker: the first mammography facility (cohort 1, starting
-- 2022-04-25); its peer: the next one.
SELECT p.project_id AS p, p.facility_id AS f, learning_network.create_facility_role(p.facility_id) AS attacker
FROM learning_network.project p WHERE p.collaborative_id = 2 ORDER BY p.facility_id LIMIT 1 \gset
SELECT p.project_id AS peer_p, learning_network.create_facility_role(p.facility_id) AS peer
FROM learning_network.project p WHERE p.collaborative_id = 2 ORDER BY p.facility_id OFFSET 1 LIMIT 1 \gset
SELECT count(*) AS peer_points_before FROM learning_network.chart_points WHERE project_id = :peer_p \gset
SELECT pg_temp.stored() AS stored_before \gset

-- Finding 2: every write is bounded; refusals name the field (23514).
SET ROLE :"attacker";
-- (the last week allowed is 52 weeks after this one: named, so the expected
-- output holds on any day)
SELECT q, replace(pg_temp.error_of(q), to_char(learning_network.week_start(current_date) + 364, 'YYYY-MM-DD'),
                  'this week + 52') AS error FROM (VALUES
  (format($$SELECT learning_network.set_goal(%s, 1, 1e307)$$, :p)),
  (format($$SELECT learning_network.set_goal(%s, 1, 1.5)$$, :p)),
  (format($$SELECT learning_network.set_goal(%s, 1, -0.1)$$, :p)),
  (format($$SELECT learning_network.set_goal(%s, 1, 0.9, '4713-01-01 BC')$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 1, '2025-06-01', 9223372036854775807, 9223372036854775807)$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 1, '2025-06-01', 5, 1e13)$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 1, '4714-11-30 BC', 5, 10)$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 1, '1999-12-26', 5, 10)$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 1, '2020-04-12', 5, 10)$$, :p)),
  (format($$SELECT learning_network.record_week(%s, 1, '2025-06-01', 5, 10, note => repeat('n', 1001))$$, :p)),
  (format($$SELECT learning_network.set_phase(%s, '2025-06-08', repeat('x', 10485760))$$, :p)),
  (format($$SELECT learning_network.set_phase(%s, '2025-06-08', '')$$, :p)),
  (format($$SELECT learning_network.set_phase(%s, '2025-06-08', 'After', note => repeat('n', 2001))$$, :p)),
  (format($$SELECT learning_network.set_phase(%s, '4713-12-31 BC', 'Ancient')$$, :p)),
  (format($$SELECT learning_network.set_phase(%s, '2099-12-27', 'Far ahead')$$, :p)),
  (format($$SELECT learning_network.set_phase(%s, '2025-06-08', 'Frozen', freeze_after => 100000)$$, :p)),
  (format($$SELECT learning_network.add_annotation(%s, '2025-06-08', repeat('a', 501))$$, :p)),
  (format($$SELECT learning_network.add_annotation(%s, '2099-12-27', 'Far ahead')$$, :p))
) t(q);
RESET ROLE;
SELECT pg_temp.stored() = :'stored_before' AS nothing_stored_changed;
-- at most 20 annotations a week
SET ROLE :"attacker";
SELECT count(learning_network.add_annotation(:p, '2025-06-15', 'Note ' || i)) AS annotations_added
FROM generate_series(1, 20) i;
SELECT pg_temp.error_of(format($$SELECT learning_network.add_annotation(%s, '2025-06-15', 'One too many')$$, :p)) AS twenty_first;
-- Values within the bounds are accepted.
SELECT learning_network.set_goal(:p, 1, 0.9)::text = '' AS goal_set,
       learning_network.set_phase(:p, '2025-06-08', 'After the audit') > 0 AS phase_set;
RESET ROLE;
-- Peers' views and charts are unharmed.
SET ROLE :"peer";
SELECT count(*) = :peer_points_before AS peer_points_unchanged FROM learning_network.chart_points WHERE project_id = :peer_p;
SELECT count(*) > 0 AS series_status_works FROM learning_network.series_status;
SELECT count(*) > 0 AS network_weekly_works FROM learning_network.network_weekly;
SELECT count(*) > 0 AS facility_comparison_works FROM learning_network.facility_comparison;
SELECT learning_network.chart_json(:p, 1) IS NOT NULL AS peer_sees_the_chart,
       learning_network.chart_svg(:p, 1) IS NOT NULL AS peer_sees_the_svg;
RESET ROLE;

-- Finding 7: text peers see cannot start with a formula character.
SET ROLE :"attacker";
SELECT t.label, pg_temp.error_of(format($$SELECT learning_network.set_phase(%s, '2025-06-08', %L)$$, :p, t.label)) AS phase_label,
       pg_temp.error_of(format($$SELECT learning_network.add_annotation(%s, '2025-06-08', %L)$$, :p, t.label)) AS annotation
FROM (VALUES ('=HYPERLINK("http://x.example/","Click")'), ('+1 week'), ('-5 %'), ('@SUM(A1)'), (E'\tTabbed'),
             (E'\rReturn'), ('(+) 5 % after the checklist')) t(label);
RESET ROLE;

-- Finding 3: every client write is in the history, whatever statement wraps it.
SET ROLE :"attacker";
COPY (SELECT learning_network.record_week(:p, 1, '2025-06-08', 30, 45)) TO STDOUT;
COPY (SELECT status FROM learning_network.import_csv(:p, E'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den\n2025-06-22,29,44')) TO STDOUT;
RESET ROLE;
SELECT week_start, operation, changed_by = :'attacker' AS by_the_attacker
FROM learning_network.observation_history
WHERE project_id = :p AND measure_id = 1 AND week_start IN ('2025-06-08', '2025-06-22') ORDER BY week_start;
-- A superuser's write through a function is logged too; only a restore
-- (a superuser's COPY of the table itself) is not.
COPY (SELECT learning_network.record_week(:p, 1, '2025-06-29', 31, 44)) TO STDOUT;
SELECT count(*) AS logged FROM learning_network.observation_history WHERE project_id = :p AND week_start = '2025-06-29';
-- (the demo's ids are fixed: the attacker is facility 11, project 11)
SELECT :f = 11 AND :p = 11 AS ids_as_expected;
COPY learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) FROM STDIN;
11	11	1	2025-07-06	30	44
\.
SELECT count(*) AS restored_rows_not_logged_again FROM learning_network.observation_history
WHERE project_id = :p AND week_start = '2025-07-06';

-- Finding 8: an upload has a size limit (54000).
SET ROLE :"attacker";
SELECT pg_temp.error_of(format('SELECT * FROM learning_network.import_csv(%s, %L)', :p,
         'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den' || repeat(E'\n2024-11-03,1,2', 100001))) AS too_many_lines;
SELECT pg_temp.error_of(format('SELECT * FROM learning_network.import_csv(%s, %L)', :p,
         'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den' || E'\n2024-11-03,1,2,' || repeat('x', 16777216))) AS too_many_bytes;
-- A refused upload names each bad line and keeps nothing.
SELECT line, week_start, measure_code, status, message FROM learning_network.import_csv(:p,
'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den
2025-07-13,30,45
1999-12-26,30,45
2025-07-20,2000000000,3000000000
2025-05-25,x,45
2025-07-13,31,45
2025-07-13,30,45');
RESET ROLE;
SELECT count(*) AS kept FROM learning_network.observation WHERE project_id = :p AND week_start IN ('2025-07-13', '2025-07-20');

-- Finding 4: disclosure control across publications.  LCS_ELIG_RATE and
-- LCS_VOLUME count the same screens.  Four cohort-1 facilities and one
-- cohort-2 facility share publicly.
SELECT (SELECT cohort_id FROM learning_network.cohort k JOIN learning_network.collaborative c USING (collaborative_id)
        WHERE c.code = 'LCS' AND k.name = 'Cohort 1') AS lcs_cohort1 \gset
SELECT count(learning_network.set_sharing('public', facility_id => p.facility_id)) AS made_public
FROM learning_network.project p WHERE p.collaborative_id = 1 AND p.cohort_id = :lcs_cohort1
  AND learning_network_internal.effective_tier(p.facility_id, 12) <> 'public'
  AND p.facility_id IN (SELECT facility_id FROM learning_network.project WHERE collaborative_id = 1 ORDER BY facility_id LIMIT 7);
SELECT count(DISTINCT p.facility_id) FILTER (WHERE p.cohort_id = :lcs_cohort1) AS public_cohort1,
       count(DISTINCT p.facility_id) FILTER (WHERE p.cohort_id <> :lcs_cohort1) AS public_other
FROM learning_network.project p
WHERE p.collaborative_id = 1 AND learning_network_internal.effective_tier(p.facility_id, 12) = 'public';
SELECT learning_network.prepare_publication('Lung screening volume, spring 2023', 13, '2023-03-05', '2023-06-25') AS volume_pub \gset
SELECT pg_temp.error_of(format($$SELECT learning_network.prepare_publication('Eligible screened, cohort 1', 12, '2023-03-05', '2023-06-25', %s)$$, :lcs_cohort1)) AS cohort_publication;
-- Weeks of fewer than 3 facilities are never shown: MAMMO has two public facilities.
SELECT learning_network.prepare_publication('Positioning, spring 2023', 1, '2023-03-05', '2023-06-25') AS mammo_pub \gset
SELECT count(*) AS cells, count(*) FILTER (WHERE suppressed) AS suppressed, max(facilities) AS most_facilities
FROM learning_network.publication_cell WHERE publication_id = :mammo_pub;
SELECT pg_temp.error_of($$SELECT learning_network.prepare_publication('x', 12, '2024-01-07', '2024-02-25', min_contributors => 2)$$) AS min_contributors_2;
-- Everyone approves everything.
SELECT count(learning_network.approve_publication(publication_id)) AS staff_approvals FROM learning_network.publication;
SELECT count(learning_network.create_facility_role(pc.facility_id)) > 0 AS roles_made
FROM (SELECT DISTINCT facility_id FROM learning_network.publication_contributor) pc;
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT pc.publication_id, f.role_name FROM learning_network.publication_contributor pc
           JOIN learning_network.facility f USING (facility_id) LOOP
    EXECUTE format('SET ROLE %I', c.role_name);
    PERFORM learning_network.approve_publication(c.publication_id);
    RESET ROLE;
  END LOOP;
END $$;
SELECT count(*) AS live_publications FROM learning_network.publication_status WHERE published;
-- The search: over every pair and triple of live publications whose
-- measures share a numerator or a denominator definition, every signed sum
-- of their shown figures of a week (A - B, A - B - C, A + B - C ...) that
-- pools between 1 and 2 facilities' data.  Also: no shown week of fewer than
-- 3 facilities.  Both must be empty.
CREATE TEMP TABLE shown AS
SELECT w.publication_id, w.week_start, q.quantity, array_agg(DISTINCT o.facility_id ORDER BY o.facility_id) AS facilities
FROM learning_network.public_weekly w
JOIN learning_network.publication p USING (publication_id)
JOIN learning_network.measure m ON m.measure_id = p.measure_id
CROSS JOIN LATERAL (VALUES ('n:' || m.numerator_definition, w.numerator IS NOT NULL),
                           ('d:' || m.denominator_definition, w.denominator IS NOT NULL)) q(quantity, shown)
JOIN learning_network.publication_contributor pc ON pc.publication_id = p.publication_id
JOIN learning_network.project pr ON pr.facility_id = pc.facility_id AND pr.collaborative_id = m.collaborative_id
JOIN learning_network.observation o
  ON o.facility_id = pc.facility_id AND o.measure_id = p.measure_id AND o.week_start = w.week_start AND NOT o.excluded
WHERE q.shown AND q.quantity IS NOT NULL
GROUP BY 1, 2, 3;
SELECT count(*) AS shown_weeks_of_fewer_than_3 FROM shown WHERE cardinality(facilities) < 3;
WITH facility_sets AS (
  SELECT a.publication_id AS a, b.publication_id AS b, c.publication_id AS c, a.week_start, a.quantity,
         a.facilities AS fa, b.facilities AS fb, coalesce(c.facilities, '{}') AS fc
  FROM shown a
  JOIN shown b ON b.quantity = a.quantity AND b.week_start = a.week_start AND b.publication_id <> a.publication_id
  LEFT JOIN shown c ON c.quantity = a.quantity AND c.week_start = a.week_start
                   AND c.publication_id NOT IN (a.publication_id, b.publication_id)
), combos AS (
  -- each facility's coefficient in sa*A + sb*B + sc*C
  SELECT s.*, x.sa, x.sb, x.sc,
         (SELECT count(DISTINCT f) FROM unnest(s.fa || s.fb || s.fc) f
          WHERE x.sa * (f = ANY (s.fa))::int + x.sb * (f = ANY (s.fb))::int + x.sc * (f = ANY (s.fc))::int <> 0) AS pooled
  FROM facility_sets s
  CROSS JOIN (VALUES (1, -1, 0), (1, -1, -1), (1, -1, 1), (1, 1, -1)) x(sa, sb, sc)
)
SELECT a, b, c, week_start, quantity, pooled FROM combos WHERE pooled BETWEEN 1 AND 2 ORDER BY 1, 2, 3, 4 LIMIT 5;
SELECT count(*) AS audit_differencing FROM learning_network.security_audit WHERE lint = 'publications_differencing';

-- Rows stored by 0.1.0 beyond the new bounds: the upgrade keeps them as
-- they are, security_audit lists the bounds they break, and the views leave
-- them out.
SET client_min_messages = warning;
SET learning_network.allow_drop = on;
DROP EXTENSION learning_network CASCADE;
RESET learning_network.allow_drop;
CREATE EXTENSION learning_network VERSION '0.1.0';
SELECT count(*) > 0 AS demo_loaded FROM learning_network.load_demo();
RESET client_min_messages;
SELECT project_id AS p, facility_id AS f FROM learning_network.project WHERE collaborative_id = 2 ORDER BY facility_id LIMIT 1 \gset
INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator)
VALUES (:f, :p, 1, '4714-11-30 BC', 5, 10), (:f, :p, 1, '1990-01-07', 9223372036854775807, 9223372036854775807);
INSERT INTO learning_network.phase (facility_id, project_id, starts_on, label) VALUES (:f, :p, '2022-05-01', repeat('=', 100000));
INSERT INTO learning_network.goal (facility_id, project_id, measure_id, target) VALUES (:f, :p, 2, 1e307);
-- a chart kept by 0.1.0 (its fixed ids mark it) is not served by 0.2.0,
-- which draws it anew
INSERT INTO learning_network.chart_cache (facility_id, project_id, measure_id, variant, drawn_in, chart_json, chart_svg)
VALUES (:f, :p, 3, 'own', pg_current_snapshot(), '{}', '<svg id="chart-title"/>');
SELECT pg_temp.stored() AS stored_before_upgrade \gset
SET client_min_messages = error;
ALTER EXTENSION learning_network UPDATE;
RESET client_min_messages;
SELECT pg_temp.stored() = :'stored_before_upgrade' AS nothing_lost_or_altered;
SELECT learning_network.chart_svg(:p, 3) LIKE '%id="chart-title"%' AS old_chart_served;
SELECT lint, object FROM learning_network.security_audit WHERE lint = 'constraint_not_validated' ORDER BY object;
SELECT count(*) AS points, min(week_start) AS first_week, max(length(phase_label)) AS longest_label
FROM learning_network.chart_points WHERE project_id = :p AND measure_id = 1;
SELECT count(*) > 0 AS network_weekly_works, max(numerator) < 1e9 AS sums_bounded FROM learning_network.network_weekly WHERE measure_id = 1;
SELECT count(*) > 0 AS facility_comparison_works FROM learning_network.facility_comparison;
SELECT count(*) > 0 AS series_status_works FROM learning_network.series_status;
SELECT learning_network.chart_json(:p, 2) ->> 'goal' AS goal_not_drawn, octet_length(learning_network.chart_svg(:p, 1)) < 1000000 AS svg_bounded;
-- New writes are held to the bounds at once; a broken row can be deleted.
SELECT pg_temp.error_of(format($$SELECT learning_network.record_week(%s, 1, '1990-01-14', 5, 10)$$, :p)) AS new_write;
DELETE FROM learning_network.observation WHERE project_id = :p AND week_start < '2000-01-01';
ALTER TABLE learning_network.observation VALIDATE CONSTRAINT observation_week_range;
SELECT count(*) AS bounds_still_broken FROM learning_network.security_audit WHERE lint = 'constraint_not_validated';
