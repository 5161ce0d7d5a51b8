-- learning_network: the schema installs with spc, rejects bad data at write
-- time with clear messages, and keeps every change in the audit trail.
CREATE EXTENSION learning_network;
SET extra_float_digits = 0;

SELECT code, name FROM learning_network.collaborative ORDER BY collaborative_id;
SELECT c.code AS collaborative, m.code, m.kind, m.chart, m.improvement, m.unit, p.code AS parent
FROM learning_network.measure m
JOIN learning_network.collaborative c USING (collaborative_id)
LEFT JOIN learning_network.measure p ON p.measure_id = m.parent_measure_id
ORDER BY m.measure_id;

BEGIN;
INSERT INTO learning_network.facility (facility_id, name, pseudonym) VALUES (1, 'North Clinic', 'F-NORTH1'), (2, 'South Clinic', 'F-SOUTH2');
INSERT INTO learning_network.project (project_id, facility_id, collaborative_id, title, started_on) VALUES
  (1, 1, 2, 'Positioning', '2025-01-05'), (2, 2, 1, 'Screening', '2025-01-05');

CREATE FUNCTION pg_temp.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE constraint_name text;
BEGIN
  EXECUTE query;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS constraint_name = CONSTRAINT_NAME;
  RETURN SQLSTATE || ' ' || coalesce(nullif(constraint_name, ''), '-') || ': ' || SQLERRM;
END $$;

-- Writes: a valid week, then every kind of bad data.
SELECT q, regexp_replace(pg_temp.error_of(q), '\d{4}-\d{2}-\d{2}', 'YYYY-MM-DD', 'g') AS error FROM (VALUES
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, '2025-03-02', 30, 45)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, '2025-03-09', -1, 45)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, '2025-03-09', 46, 45)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, '2025-03-09', 0, 0)$$),
  -- a negative denominator is reported as what it is, not as a numerator above it
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, '2025-03-09', 310, -5)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, '2025-03-10', 30, 45)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, learning_network.week_start(current_date) + 7, 30, 45)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 12, '2025-03-09', 30, 45)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator) VALUES (1, 1, 1, '2025-03-09', 30)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (2, 2, 13, '2025-03-09', 30, 45)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, value) VALUES (2, 2, 13, '2025-03-09', 30)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (2, 1, 1, '2025-03-09', 30, 45)$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (2, 2, 12, '2025-03-09', 30, 'NaN')$$),
  ($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, '2025-03-02', 31, 45)$$),
  ($$UPDATE learning_network.observation SET week_start = '2025-03-09' WHERE project_id = 1$$),
  ($$INSERT INTO learning_network.measure (collaborative_id, code, name, numerator_definition, denominator_definition, kind, chart, improvement, unit) VALUES (2, 'MAMMO_X', 'x', 'x', 'y', 'proportion', 'bogus', 'up', '%')$$),
  ($$INSERT INTO learning_network.measure (collaborative_id, code, name, numerator_definition, denominator_definition, kind, chart, rules, improvement, unit) VALUES (2, 'MAMMO_X', 'x', 'x', 'y', 'proportion', 'p', 'ihi(shift=1)', 'up', '%')$$),
  ($$INSERT INTO learning_network.measure (collaborative_id, code, name, numerator_definition, kind, chart, improvement, unit) VALUES (2, 'MAMMO_X', 'x', 'x', 'proportion', 'p', 'up', '%')$$),
  ($$INSERT INTO learning_network.measure (collaborative_id, code, name, numerator_definition, kind, chart, improvement, unit) VALUES (2, 'MAMMO_X', 'x', 'x', 'count', 'p', 'up', 'exams')$$),
  ($$INSERT INTO learning_network.phase (facility_id, project_id, starts_on, label) VALUES (1, 1, '2025-03-04', 'After')$$),
  ($$INSERT INTO learning_network.phase (facility_id, project_id, measure_id, starts_on, label) VALUES (1, 1, 12, '2025-03-02', 'After')$$),
  ($$INSERT INTO learning_network.annotation (facility_id, project_id, week_start, text) VALUES (1, 1, '2025-03-02', '')$$),
  ($$INSERT INTO learning_network.goal (facility_id, project_id, measure_id, target) VALUES (1, 1, 13, 0.8)$$)
) t(q);

-- Corrections are stamped and versioned; the history keeps every state.
UPDATE learning_network.observation SET numerator = 31, note = 're-audited' WHERE project_id = 1 AND week_start = '2025-03-02';
UPDATE learning_network.observation SET excluded = true WHERE project_id = 1 AND week_start = '2025-03-02';
DELETE FROM learning_network.observation WHERE project_id = 1 AND week_start = '2025-03-02';
INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator)
  VALUES (1, 1, 1, '2025-03-02', 29, 44);
SELECT operation, numerator, denominator, excluded, note, version, changed_by = current_user AS by_me
FROM learning_network.observation_history ORDER BY history_id;
SELECT numerator, denominator, version, entered_by = current_user AS by_me FROM learning_network.observation;

-- The audit trail is append-only.
SELECT pg_temp.error_of($$UPDATE learning_network.observation_history SET numerator = 0$$);
SELECT pg_temp.error_of($$DELETE FROM learning_network.observation_history$$);
SELECT pg_temp.error_of($$TRUNCATE learning_network.observation_history$$);
ROLLBACK;

SELECT learning_network.week_start(d) AS sunday, to_char(learning_network.week_start(d), 'Dy') AS day
FROM unnest(ARRAY[date '2025-03-01', '2025-03-02', '2025-03-03', '2025-03-08']) d;
