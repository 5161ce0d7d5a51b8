-- The access model, checked from every client's side: a matrix of client
-- roles x every relation and function a client can reach (and the base
-- tables it must not) x every sharing tier, with the exact items each role
-- sees and the writes it is refused; a leak probe on every column of every
-- client view; an error oracle; the SET ROLE / RESET ROLE sequence Metabase
-- uses; tier changes taking effect at once; the publication's suppression;
-- and the security audit, empty here and able to fail.
\i test/pgtap/setup.psql
BEGIN;
CREATE EXTENSION pgtap;
CREATE EXTENSION learning_network CASCADE;

SELECT plan(57);

-- the network: A1 and A2 in Mammography Positioning, B in Lung Cancer
-- Screening; four weeks each.  A1 week 3 passes 95 of 100 (its complement, 5,
-- is a small cell); A1 week 4 audits 24 exams (a small denominator).
INSERT INTO learning_network.facility (facility_id, name, pseudonym) VALUES
  (1, 'Alpha One', 'F-A1'), (2, 'Alpha Two', 'F-A2'), (3, 'Bravo', 'F-B');
INSERT INTO learning_network.project (project_id, facility_id, collaborative_id, title, aim, started_on) VALUES
  (1, 1, 2, 'Alpha One positioning', 'secret aim 1', '2025-01-05'),
  (2, 2, 2, 'Alpha Two positioning', 'secret aim 2', '2025-01-05'),
  (3, 3, 1, 'Bravo screening', 'secret aim 3', '2025-01-05');
INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator, note)
SELECT f, p, m, w, n, d, 'note of ' || f FROM (VALUES
  (1, 1, 1, date '2025-01-05', 60, 100), (1, 1, 1, '2025-01-12', 62, 100), (1, 1, 1, '2025-01-19', 95, 100),
  (1, 1, 1, '2025-01-26', 12, 24),
  (1, 1, 2, '2025-01-05', 70, 100), (1, 1, 2, '2025-01-12', 71, 100), (1, 1, 2, '2025-01-19', 72, 100),
  (1, 1, 2, '2025-01-26', 73, 100),
  (2, 2, 1, '2025-01-05', 150, 200), (2, 2, 1, '2025-01-12', 151, 200), (2, 2, 1, '2025-01-19', 152, 200),
  (2, 2, 1, '2025-01-26', 153, 200),
  (2, 2, 2, '2025-01-05', 160, 200), (2, 2, 2, '2025-01-12', 161, 200), (2, 2, 2, '2025-01-19', 162, 200),
  (2, 2, 2, '2025-01-26', 163, 200),
  (3, 3, 12, '2025-01-05', 30, 400), (3, 3, 12, '2025-01-12', 31, 400), (3, 3, 12, '2025-01-19', 32, 400),
  (3, 3, 12, '2025-01-26', 33, 400)) v(f, p, m, w, n, d);
INSERT INTO learning_network.annotation (facility_id, project_id, week_start, text) VALUES
  (1, 1, '2025-01-12', 'A1 note'), (2, 2, '2025-01-12', 'A2 note');
INSERT INTO learning_network.phase (facility_id, project_id, starts_on, label) VALUES (1, 1, '2025-01-19', 'After A1 change');
INSERT INTO learning_network.goal (facility_id, project_id, measure_id, target) VALUES (1, 1, 1, 0.9);
ANALYZE;   -- as autovacuum would: without statistics the chart plans look costly enough for JIT

-- roles: the facility roles, and the connections of staff, the HUB and BI
SELECT is(array_agg(learning_network.create_facility_role(f) ORDER BY f),
          '{learning_network_facility_1,learning_network_facility_2,learning_network_facility_3}'::name[],
          'a NOLOGIN role for each facility')
FROM generate_series(1, 3) f;
SELECT is(learning_network.create_facility_role(1), 'learning_network_facility_1', 'made again: the same role');
CREATE ROLE sec_staff NOLOGIN;
CREATE ROLE sec_hub NOLOGIN;
CREATE ROLE sec_bi NOLOGIN;
GRANT learning_network_staff TO sec_staff;
GRANT learning_network_hub TO sec_hub;
GRANT learning_network_bi TO sec_bi;

-- who: the session (connection) role and, if any, the role it SET ROLEs to
CREATE TEMP TABLE actor (who text PRIMARY KEY, session_role name, acting_role name);
INSERT INTO actor VALUES
  ('a1', 'sec_hub', 'learning_network_facility_1'),
  ('a2', 'sec_hub', 'learning_network_facility_2'),
  ('b', 'sec_hub', 'learning_network_facility_3'),
  ('staff', 'sec_staff', NULL),
  ('hub', 'sec_hub', NULL),
  ('bi', 'sec_bi', NULL),
  ('bi_as_a1', 'sec_bi', 'learning_network_facility_1');

CREATE FUNCTION pg_temp.become(who text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  a record;
BEGIN
  SELECT * INTO STRICT a FROM pg_temp.actor WHERE actor.who = become.who;
  EXECUTE format('SET SESSION AUTHORIZATION %I', a.session_role);
  IF a.acting_role IS NOT NULL THEN
    EXECUTE format('SET ROLE %I', a.acting_role);
  END IF;
END $$;

-- Each probe is a query returning text items; an error becomes the item
-- '<probe> error <SQLSTATE>'.  Writes are undone after they succeed.
CREATE TEMP TABLE probe (name text PRIMARY KEY, query text, is_write boolean DEFAULT false);
INSERT INTO probe (name, query) VALUES
  ('measures', $$SELECT 'measures=' || count(*) FROM learning_network.measures$$),
  ('projects', $$SELECT 'project ' || facility_code || CASE WHEN facility_name IS NOT NULL OR project_title IS NOT NULL OR aim IS NOT NULL THEN ' named' ELSE '' END FROM learning_network.projects$$),
  ('chart_points', $$SELECT DISTINCT 'chart ' || facility_code || ' ' || measure_code || CASE WHEN facility_name IS NOT NULL OR project_title IS NOT NULL THEN ' named' ELSE '' END FROM learning_network.chart_points$$),
  ('annotations', $$SELECT DISTINCT 'annotation ' || annotation FROM learning_network.chart_points WHERE annotation IS NOT NULL$$),
  ('series_status', $$SELECT 'status ' || facility_code || ' ' || measure_code || CASE WHEN facility_name IS NOT NULL OR project_title IS NOT NULL THEN ' named' ELSE '' END FROM learning_network.series_status$$),
  ('network_weekly', $$SELECT 'pooled ' || measure_code || ' ' || sum(denominator) FROM learning_network.network_weekly GROUP BY measure_code$$),
  ('facility_comparison', $$SELECT DISTINCT 'funnel ' || facility_code || ' ' || measure_code FROM learning_network.facility_comparison$$),
  ('data_completeness', $$SELECT 'completeness ' || facility_code || ' ' || measure_code || CASE WHEN project_title IS NOT NULL THEN ' named' ELSE '' END FROM learning_network.data_completeness$$),
  ('sharing_status', $$SELECT 'sharing ' || facility_code || ' ' || measure_code || ' ' || tier FROM learning_network.sharing_status WHERE measure_code IN ('MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL', 'LCS_ELIG_RATE')$$),
  ('publication_status', $$SELECT 'publication ' || title || ' published=' || published FROM learning_network.publication_status$$),
  ('public_weekly', $$SELECT 'public weekly ' || title || ' ' || count(*) FROM learning_network.public_weekly GROUP BY title$$),
  ('public_summary', $$SELECT 'public summary ' || title || ' ' || CASE WHEN suppressed THEN 'suppressed' ELSE numerator::text END FROM learning_network.public_summary$$),
  ('security_audit', $$SELECT 'audit rows=' || count(*) FROM learning_network.security_audit$$),
  ('chart_json', $$SELECT 'json ' || (learning_network.chart_json(p, m) ->> 'facility') FROM (VALUES (1, 1), (2, 1), (3, 12)) v(p, m) WHERE learning_network.chart_json(p, m) IS NOT NULL$$),
  ('chart_svg', $$SELECT 'svg ' || c FROM (VALUES (1, 1, 'F-A1'), (2, 1, 'F-A2'), (3, 12, 'F-B')) v(p, m, c) WHERE learning_network.chart_svg(p, m) IS NOT NULL$$),
  ('element_pareto', $$SELECT 'pareto ' || c || ' ' || e.code || ' ' || e.failures FROM (VALUES (1, 'F-A1'), (2, 'F-A2')) v(p, c), learning_network.element_pareto(p, 1) e$$),
  -- an error oracle: dividing by (numerator - 95) fails on A1's week 3 only,
  -- so an error would tell whoever cannot see it that it exists
  ('oracle', $$SELECT 'oracle ok ' || count(*) FILTER (WHERE 1 / (numerator - 95) IS NOT NULL) FROM learning_network.chart_points WHERE reported$$),
  ('acting_role', $$SELECT 'acting ' || learning_network.acting_role()$$);
-- the base tables and the internals: refused to every client role
INSERT INTO probe (name, query)
SELECT 'table ' || c.relname, format('SELECT count(*)::text FROM learning_network.%I', c.relname)
FROM pg_class c WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind = 'r';
INSERT INTO probe (name, query) VALUES
  ('internal observation', 'SELECT count(*)::text FROM learning_network_internal.observation'),
  ('internal caller_facility', 'SELECT learning_network_internal.caller_facility()::text');
-- writes to A1's project, phase and annotation, A2's sharing, the
-- publication; each answers a value, or an error
INSERT INTO probe (name, query, is_write) VALUES
  ('write record_week', $$SELECT learning_network.record_week(1, 1, '2025-02-02', 50, 100)$$, true),
  ('write correct_week', $$SELECT learning_network.record_week(1, 1, '2025-01-05', 61, 100, expected_version => 1)$$, true),
  ('write delete_week', $$SELECT learning_network.delete_week(1, 1, '2025-01-05', 1)$$, true),
  ('write set_phase', $$SELECT learning_network.set_phase(1, '2025-01-26', 'Later') > 0$$, true),
  ('write move_phase', $$SELECT learning_network.move_phase(1, '2025-01-26')::text || 'done'$$, true),
  ('write delete_phase', $$SELECT learning_network.delete_phase(1)$$, true),
  ('write edit_annotation', $$SELECT learning_network.edit_annotation(1, 'y')$$, true),
  ('write create_facility_role', $$SELECT learning_network.create_facility_role(1)$$, true),
  ('write prepare_publication', $$SELECT learning_network.prepare_publication('Criterion Q1', 2, '2025-01-05', '2025-01-26') > 0$$, true),
  ('write withdraw_publication', $$SELECT learning_network.withdraw_publication(1)$$, true),
  ('write add_annotation', $$SELECT learning_network.add_annotation(1, '2025-01-26', 'x') > 0$$, true),
  ('write remove_annotation', $$SELECT learning_network.remove_annotation(1)$$, true),
  ('write set_goal', $$SELECT learning_network.set_goal(1, 1, 0.95)::text || 'done'$$, true),
  ('write import_csv', $$SELECT string_agg(status, ',') FROM learning_network.import_csv(1, E'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den\n2025-02-02,50,100')$$, true),
  ('write set_sharing F-A2', $$SELECT learning_network.set_sharing('public', facility_id => 2)::text || 'done'$$, true),
  ('write approve_publication', $$SELECT learning_network.approve_publication(1)::text || 'done'$$, true),
  ('write insert observation', $$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator) VALUES (1, 1, 1, '2025-02-02', 1, 2)$$, true),
  ('write forged entered_by', $$UPDATE learning_network.observation SET entered_by = 'someone_else' WHERE project_id = 1$$, true);

CREATE FUNCTION pg_temp.observe(who text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  probes pg_temp.probe[] := ARRAY(SELECT p FROM pg_temp.probe p ORDER BY p.name);
  pr pg_temp.probe;
  item text;
  items text[] := '{}';
BEGIN
  PERFORM pg_temp.become(who);
  FOREACH pr IN ARRAY probes LOOP
    BEGIN
      IF pr.is_write THEN
        EXECUTE pr.query INTO item;
        items := items || (pr.name || ' ' || coalesce(item, 'null'));
        RAISE EXCEPTION USING ERRCODE = 'P0005';      -- undo it
      END IF;
      FOR item IN EXECUTE pr.query LOOP
        items := items || item;
      END LOOP;
    EXCEPTION
      WHEN SQLSTATE 'P0005' THEN NULL;
      WHEN OTHERS THEN items := items || (pr.name || ' error ' || SQLSTATE);
    END;
  END LOOP;
  RESET ROLE;
  RESET SESSION AUTHORIZATION;
  RETURN QUERY SELECT unnest(items);
END $$;

-- The leak probe: a function that shows (NOTICE) and records every value it
-- is given, put in the WHERE clause on every column of every client view.
-- Whatever it records must be a value the view itself shows the role.
CREATE TEMP TABLE leaked (value text);
GRANT ALL ON leaked TO PUBLIC;
-- (Declared nearly free, so the planner would run it as early as it is allowed to.)
CREATE FUNCTION pg_temp.f_leak(value text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
  RAISE NOTICE 'f_leak => %', value;
  INSERT INTO pg_temp.leaked VALUES (value);
  RETURN true;
END $$;
CREATE FUNCTION pg_temp.leaks(who text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  col record;
  shown text[];
BEGIN
  PERFORM pg_temp.become(who);
  FOR col IN SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
             WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind = 'v'
             ORDER BY 1, 2 LOOP
    BEGIN
      EXECUTE format('SELECT array_agg(DISTINCT %I::text) FROM learning_network.%I', col.attname, col.relname) INTO shown;
      DELETE FROM pg_temp.leaked;
      EXECUTE format('SELECT count(*) FROM learning_network.%I v WHERE pg_temp.f_leak(v.%I::text)', col.relname, col.attname);
      RETURN QUERY SELECT format('%s.%s leaked %s', col.relname, col.attname, l.value)
                   FROM pg_temp.leaked l WHERE l.value IS NOT NULL AND l.value <> ALL (coalesce(shown, '{}'));
    EXCEPTION WHEN insufficient_privilege THEN
      NULL;                                   -- a view the role may not read at all
    END;
  END LOOP;
  RESET ROLE;
  RESET SESSION AUTHORIZATION;
END $$;

-- The expected matrix: each item, who sees it, and at which of A1's tiers.
-- A2 shares with the network but keeps MAMMO_POS_EL_PNL private; B shares
-- with the network (of another collaborative).
CREATE TEMP TABLE expected (item text, who text[], tiers text[]);
CREATE FUNCTION pg_temp.expect(item text, who text, tiers text DEFAULT 'private,network,public') RETURNS void
LANGUAGE sql AS $$ INSERT INTO pg_temp.expected VALUES (item, string_to_array(who, ','), string_to_array(tiers, ',')) $$;
SELECT pg_temp.expect('measures=16', 'a1,a2,b,staff,hub,bi,bi_as_a1');
SELECT pg_temp.expect('project F-A1 named', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('project F-A2 named', 'a2,staff');
SELECT pg_temp.expect('project F-B named', 'b,staff');
SELECT pg_temp.expect('project F-A2', 'a1,bi_as_a1');
SELECT pg_temp.expect('project F-A1', 'a2', 'network,public');
SELECT pg_temp.expect(kind || ' F-A1 ' || m || ' named', 'a1,staff,bi_as_a1')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind, unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect(kind || ' F-A2 ' || m || ' named', 'a2,staff')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind, unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect(kind || ' F-B LCS_ELIG_RATE named', 'b,staff')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind;
SELECT pg_temp.expect(kind || ' F-A2 MAMMO_POS_PASS', 'a1,bi_as_a1')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind;
SELECT pg_temp.expect(kind || ' F-A1 ' || m, 'a2', 'network,public')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind, unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('funnel F-A1 ' || m, 'a1,staff,bi_as_a1') FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('funnel F-A1 ' || m, 'a2', 'network,public') FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('funnel F-A2 ' || m, 'a2,staff') FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('funnel F-A2 MAMMO_POS_PASS', 'a1,bi_as_a1');
SELECT pg_temp.expect('funnel F-B LCS_ELIG_RATE', 'b,staff');
SELECT pg_temp.expect('annotation A1 note', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('annotation A2 note', 'a2,staff');
-- pooled denominators say whose weeks are in the pool: A1 324 and 400, A2 800 and 800, B 1600
SELECT pg_temp.expect('pooled MAMMO_POS_PASS 1124', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('pooled MAMMO_POS_EL_PNL 400', 'a1,bi_as_a1');
SELECT pg_temp.expect('pooled MAMMO_POS_EL_PNL 1200', 'staff');
SELECT pg_temp.expect('pooled MAMMO_POS_PASS 800', 'a2', 'private');
SELECT pg_temp.expect('pooled MAMMO_POS_EL_PNL 800', 'a2', 'private');
SELECT pg_temp.expect('pooled MAMMO_POS_PASS 1124', 'a2', 'network,public');
SELECT pg_temp.expect('pooled MAMMO_POS_EL_PNL 1200', 'a2', 'network,public');
SELECT pg_temp.expect('pooled LCS_ELIG_RATE 1600', 'b,staff');
SELECT pg_temp.expect('sharing F-A1 ' || m || ' private', 'a1,staff,bi_as_a1', 'private')
  FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('sharing F-A1 ' || m || ' network', 'a1,staff,bi_as_a1', 'network')
  FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('sharing F-A1 ' || m || ' public', 'a1,staff,bi_as_a1', 'public')
  FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('sharing F-A2 MAMMO_POS_PASS network', 'a2,staff');
SELECT pg_temp.expect('sharing F-A2 MAMMO_POS_EL_PNL private', 'a2,staff');
SELECT pg_temp.expect('sharing F-B LCS_ELIG_RATE network', 'b,staff');
-- the publication (A1 alone shares MAMMO_POS_PASS publicly) is public only
-- while A1 does; its contributor and staff see it throughout
SELECT pg_temp.expect('publication Positioning Q1 published=false', 'a1,staff,bi_as_a1', 'private,network');
SELECT pg_temp.expect('publication Positioning Q1 published=true', 'a1,a2,b,staff,hub,bi,bi_as_a1', 'public');
SELECT pg_temp.expect('public weekly Positioning Q1 4', 'a1,a2,b,staff,hub,bi,bi_as_a1', 'public');
SELECT pg_temp.expect('public summary Positioning Q1 suppressed', 'a1,a2,b,staff,hub,bi,bi_as_a1', 'public');
SELECT pg_temp.expect('audit rows=0', 'staff');
SELECT pg_temp.expect('security_audit error 42501', 'a1,a2,b,hub,bi,bi_as_a1');
SELECT pg_temp.expect('json Alpha One', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('json Alpha Two', 'a2,staff');
SELECT pg_temp.expect('json Bravo', 'b,staff');
SELECT pg_temp.expect('json F-A2', 'a1,bi_as_a1');
SELECT pg_temp.expect('json F-A1', 'a2', 'network,public');
SELECT pg_temp.expect('svg F-A1', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('svg F-A1', 'a2', 'network,public');
SELECT pg_temp.expect('svg F-A2', 'a1,a2,staff,bi_as_a1');
SELECT pg_temp.expect('svg F-B', 'b,staff');
-- A1's criterion failures are A1's to see; A2's criterion is private
SELECT pg_temp.expect('pareto F-A1 MAMMO_POS_EL_PNL 114', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('pareto F-A1 MAMMO_POS_EL_PNL 114', 'a2', 'network,public');
SELECT pg_temp.expect('pareto F-A2 MAMMO_POS_EL_PNL 154', 'a2,staff');
SELECT pg_temp.expect(p || ' error 42501', 'bi') FROM unnest(ARRAY['chart_json', 'chart_svg', 'element_pareto']) p;
SELECT pg_temp.expect('oracle error 22012', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('oracle error 22012', 'a2', 'network,public');
SELECT pg_temp.expect('oracle ok 0', 'hub,bi');
SELECT pg_temp.expect('oracle ok 8', 'a2', 'private');
SELECT pg_temp.expect('oracle ok 4', 'b');
SELECT pg_temp.expect('acting learning_network_facility_1', 'a1,bi_as_a1');
SELECT pg_temp.expect('acting learning_network_facility_2', 'a2');
SELECT pg_temp.expect('acting learning_network_facility_3', 'b');
SELECT pg_temp.expect('acting sec_staff', 'staff');
SELECT pg_temp.expect('acting sec_hub', 'hub');
SELECT pg_temp.expect('acting sec_bi', 'bi');
SELECT pg_temp.expect('table ' || c.relname || ' error 42501', 'a1,a2,b,staff,hub,bi,bi_as_a1')
  FROM pg_class c WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind = 'r';
SELECT pg_temp.expect('internal ' || x || ' error 42501', 'a1,a2,b,staff,hub,bi,bi_as_a1')
  FROM unnest(ARRAY['observation', 'caller_facility']) x;
-- writes: A1's data are written by A1 (however it connects) and staff; the
-- BI group executes no function.  Deletes by id of a row the caller cannot
-- see answer false, as for a row already deleted: retries stay idempotent,
-- and the answer does not tell whether the row exists.
SELECT pg_temp.expect(w, 'a1,staff,bi_as_a1')
  FROM unnest(ARRAY['write record_week 1', 'write correct_week 2', 'write delete_week true', 'write set_phase true',
                    'write delete_phase true', 'write add_annotation true', 'write remove_annotation true',
                    'write set_goal done', 'write import_csv ok', 'write approve_publication done']) w;
SELECT pg_temp.expect(w || ' error 42501', 'a2,b,hub,bi')
  FROM unnest(ARRAY['write record_week', 'write correct_week', 'write delete_week', 'write set_phase',
                    'write add_annotation', 'write set_goal', 'write import_csv', 'write approve_publication']) w;
SELECT pg_temp.expect('write delete_phase error 42501', 'a2', 'network,public');
SELECT pg_temp.expect('write delete_phase false', 'a2', 'private');
SELECT pg_temp.expect('write delete_phase false', 'b,hub');
SELECT pg_temp.expect('write remove_annotation false', 'a2,b,hub');
SELECT pg_temp.expect('write move_phase done', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('write move_phase error 42501', 'a2,b,hub,bi');
SELECT pg_temp.expect('write edit_annotation true', 'a1,staff,bi_as_a1');
SELECT pg_temp.expect('write edit_annotation false', 'a2,b,hub');
SELECT pg_temp.expect('write edit_annotation error 42501', 'bi');
-- the staff-only functions
SELECT pg_temp.expect('write create_facility_role learning_network_facility_1', 'staff');
SELECT pg_temp.expect('write withdraw_publication true', 'staff');
SELECT pg_temp.expect('write prepare_publication true', 'staff', 'public');
SELECT pg_temp.expect('write prepare_publication error 22023', 'staff', 'private,network');
SELECT pg_temp.expect(w || ' error 42501', 'a1,a2,b,hub,bi,bi_as_a1')
  FROM unnest(ARRAY['write create_facility_role', 'write withdraw_publication', 'write prepare_publication']) w;
SELECT pg_temp.expect(w || ' error 42501', 'bi') FROM unnest(ARRAY['write delete_phase', 'write remove_annotation']) w;
SELECT pg_temp.expect('write set_sharing F-A2 done', 'a2,staff');
SELECT pg_temp.expect('write set_sharing F-A2 error 42501', 'a1,b,hub,bi,bi_as_a1');
SELECT pg_temp.expect(w || ' error 42501', 'a1,a2,b,staff,hub,bi,bi_as_a1')
  FROM unnest(ARRAY['write insert observation', 'write forged entered_by']) w;

-- the publication: prepared while A1 shares publicly, approved by staff and A1
DO $$
BEGIN
  PERFORM learning_network.set_sharing('network', facility_id => 2);
  PERFORM learning_network.set_sharing('private', measure_id => 2, facility_id => 2);
  PERFORM learning_network.set_sharing('network', facility_id => 3);
  PERFORM learning_network.set_sharing('public', facility_id => 1);
END $$;
SET ROLE sec_staff;
SELECT is(learning_network.prepare_publication('Positioning Q1', 1, '2025-01-05', '2025-01-26'), 1,
  'staff prepare a publication');
SELECT lives_ok('SELECT learning_network.approve_publication(1)', 'staff approve it');
SET ROLE learning_network_facility_1;
SELECT lives_ok('SELECT learning_network.approve_publication(1)', 'its one contributor approves it');
RESET ROLE;

-- suppression, seen as staff: every week pools one facility, fewer than the
-- 3 a published figure needs (issue 13), so every week is hidden, and the
-- total too; week 4 is flagged small
SELECT results_eq($$
  SELECT week_start, numerator, denominator, round(y::numeric, 1), suppressed, small_denominator
  FROM learning_network.public_weekly ORDER BY week_start$$,
  $$VALUES (date '2025-01-05', NULL::bigint, NULL::double precision, NULL::numeric, true, false),
           ('2025-01-12', NULL, NULL, NULL, true, false),
           ('2025-01-19', NULL, NULL, NULL, true, false),
           ('2025-01-26', NULL, NULL, NULL, true, true)$$,
  'weekly cells: a week of one facility is suppressed, the small denominator flagged');
SELECT results_eq($$SELECT facilities, numerator, denominator, y, suppressed FROM learning_network.public_summary$$,
  $$VALUES (1, NULL::bigint, NULL::double precision, NULL::double precision, true)$$,
  'the total would reveal the one hidden week: suppressed too');

-- the matrix: every role at every tier of A1
CREATE TEMP TABLE observed (tier text, who text, item text);
DO $$
DECLARE
  t text;
  w text;
BEGIN
  FOREACH t IN ARRAY ARRAY['private', 'network', 'public'] LOOP
    PERFORM learning_network.set_sharing(t, facility_id => 1);
    FOR w IN SELECT who FROM pg_temp.actor ORDER BY who LOOP
      INSERT INTO pg_temp.observed SELECT t, w, i FROM pg_temp.observe(w) i;
      INSERT INTO pg_temp.observed SELECT t, w, 'LEAK ' || i FROM pg_temp.leaks(w) i;
    END LOOP;
  END LOOP;
END $$;
SELECT set_eq(
  format($$SELECT item FROM observed WHERE tier = %L AND who = %L$$, t, w),
  format($$SELECT item FROM expected WHERE %L = ANY (tiers) AND %L = ANY (who)$$, t, w),
  format('%s sees exactly its rows, and is refused exactly its writes, when A1 is %s', w, t))
FROM unnest(ARRAY['private', 'network', 'public']) t, (SELECT who AS w FROM actor ORDER BY who) a;
SELECT is((SELECT count(*)::int FROM observed WHERE item LIKE 'LEAK %'), 0,
  'the leak probe recorded no value its view does not show');
SELECT cmp_ok((SELECT count(*)::int FROM observed), '>', 700, 'the matrix observed every probe');

-- Metabase: one connection, impersonating in turn (SET ROLE before each
-- query, back to NONE after); a prepared statement too, whose plan is cached
CREATE TEMP TABLE metabase (step int, seen int);
GRANT ALL ON metabase TO PUBLIC;
SET SESSION AUTHORIZATION sec_bi;
PREPARE step(int) AS INSERT INTO pg_temp.metabase
  SELECT $1, count(DISTINCT facility_code) FROM learning_network.chart_points;
EXECUTE step(1);
SET ROLE learning_network_facility_1;
EXECUTE step(2);
SET ROLE NONE;
EXECUTE step(3);
SET ROLE learning_network_facility_3;
EXECUTE step(4);
RESET ROLE;
EXECUTE step(5);
SET ROLE learning_network_facility_2;
EXECUTE step(6);
RESET ROLE;
RESET SESSION AUTHORIZATION;
DEALLOCATE step;
SELECT results_eq('SELECT step, seen FROM metabase ORDER BY step',
  $$VALUES (1, 0), (2, 2), (3, 0), (4, 1), (5, 0), (6, 2)$$,
  'Metabase''s SET ROLE / SET ROLE NONE / RESET ROLE sequence: each query sees its role''s rows, none after the reset');

-- a tier change takes effect at once, for a session already looking
SELECT lives_ok($$SELECT learning_network.set_sharing('network', facility_id => 1)$$, 'staff share A1 with the network');
SET ROLE learning_network_facility_2;
SELECT is((SELECT count(DISTINCT facility_code)::int FROM learning_network.chart_points), 2, 'A2 sees A1 while A1 shares');
RESET ROLE;
SET ROLE learning_network_facility_1;
SELECT lives_ok($$SELECT learning_network.set_sharing('private')$$, 'A1 makes itself private');
RESET ROLE;
SET ROLE learning_network_facility_2;
SELECT is((SELECT count(DISTINCT facility_code)::int FROM learning_network.chart_points), 1,
  'and not in the next statement after A1 made itself private');
RESET ROLE;

-- refused writes say why
SET ROLE learning_network_facility_2;
SELECT throws_ok($$SELECT learning_network.record_week(1, 1, '2025-02-02', 50, 100)$$, '42501',
  'permission denied: project 1 does not belong to the facility you act for',
  'a write to another facility''s project: 42501 with a message for the UI');
SELECT throws_ok($$SELECT learning_network.record_week(99, 1, '2025-02-02', 50, 100)$$, '42501',
  'permission denied: project 99 does not belong to the facility you act for',
  'a project that does not exist gets the same answer (no existence oracle)');
SELECT throws_like($$INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start) VALUES (2, 2, 1, '2025-02-02')$$,
  'permission denied for table observation', 'no client writes a base table');
RESET ROLE;
SET ROLE sec_hub;
SELECT throws_ok($$SELECT learning_network.set_sharing('public')$$, '42501',
  'permission denied: sec_hub acts for no facility', 'the HUB must SET ROLE before acting');
RESET ROLE;
SET ROLE sec_staff;
SELECT throws_ok($$SELECT learning_network.record_week(99, 1, '2025-02-02', 50, 100)$$, '22023',
  'project 99 does not exist', 'staff, who see everything, are told a project does not exist');
RESET ROLE;

-- publications: a measure's weeks are published once; only staff withdraw
SET ROLE sec_staff;
SELECT throws_ok($$SELECT learning_network.prepare_publication('Overlap', 1, '2025-01-19', '2025-02-23')$$, '23P01',
  'measure MAMMO_POS_PASS already has a publication covering some of these weeks',
  'overlapping aggregates of a measure, which could be subtracted, are refused');
RESET ROLE;
SET ROLE learning_network_facility_1;
SELECT throws_ok('SELECT learning_network.withdraw_publication(1)', '42501', NULL, 'a facility cannot withdraw a publication');
RESET ROLE;
SET ROLE sec_staff;
SELECT ok(learning_network.withdraw_publication(1), 'staff withdraw it');
SELECT throws_ok($$SELECT learning_network.prepare_publication('Nobody', 1, '2025-01-05', '2025-01-26')$$, '22023',
  'no facility shares MAMMO_POS_PASS publicly with data in these weeks', 'a publication needs a facility sharing publicly');
RESET ROLE;
SET ROLE learning_network_facility_1;
SELECT lives_ok($$SELECT learning_network.set_sharing('public')$$, 'A1 shares publicly again');
RESET ROLE;
SET ROLE sec_staff;
SELECT ok(learning_network.prepare_publication('Positioning Q1, corrected', 1, '2025-01-05', '2025-01-26') > 1,
  'and staff may publish its weeks again');
RESET ROLE;

-- no privilege on any base table or sequence for any client role
SELECT is_empty($$
  SELECT r.rolname, c.relname FROM pg_class c, pg_roles r
  WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind IN ('r', 'S')
    AND r.rolname IN ('learning_network_member', 'learning_network_hub', 'learning_network_bi',
                      'learning_network_staff', 'learning_network_facility_1', 'sec_hub', 'sec_bi', 'sec_staff')
    AND (has_table_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
         OR (c.relkind = 'S' AND has_sequence_privilege(r.oid, c.oid, 'USAGE, SELECT, UPDATE')))$$,
  'no client role has any privilege on a base table or sequence');
SELECT is_empty($$SELECT c.relname FROM pg_class c WHERE c.relkind = 'm'$$, 'no materialized view exists');
SELECT ok(NOT rolcanlogin, rolname || ' cannot log in')
FROM pg_roles WHERE rolname IN ('learning_network_owner', 'learning_network_staff', 'learning_network_member',
                                'learning_network_hub', 'learning_network_bi', 'learning_network_facility_1')
ORDER BY rolname;

-- the audit: empty on this install, and it catches each kind of mistake
SELECT is_empty('SELECT * FROM learning_network.security_audit', 'the security audit finds nothing');
-- plant one of each mistake, read the audit, and undo them all
CREATE FUNCTION pg_temp.audit_of_planted_mistakes() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  found text[];
BEGIN
  BEGIN
    CREATE TABLE learning_network.careless (x int);
    CREATE VIEW learning_network.definer_view AS SELECT 1 AS x;
    CREATE FUNCTION learning_network.careless_definer() RETURNS int LANGUAGE sql SECURITY DEFINER RETURN 1;
    ALTER TABLE learning_network.goal NO FORCE ROW LEVEL SECURITY;
    GRANT SELECT ON learning_network.observation TO learning_network_bi;
    GRANT USAGE ON SCHEMA learning_network_internal TO learning_network_member;
    CREATE MATERIALIZED VIEW learning_network.cached AS SELECT 1 AS x;
    GRANT SELECT ON learning_network.cached TO learning_network_member;
    ALTER ROLE sec_bi BYPASSRLS;
    found := ARRAY(SELECT lint || ' ' || object FROM learning_network.security_audit);
    RAISE EXCEPTION USING ERRCODE = 'P0005';
  EXCEPTION WHEN SQLSTATE 'P0005' THEN
    RETURN QUERY SELECT unnest(found);
  END;
END $$;
SELECT set_eq('SELECT * FROM pg_temp.audit_of_planted_mistakes()',
  ARRAY['table_without_rls learning_network.careless', 'table_not_owned_by_owner_role learning_network.careless',
        'table_without_rls learning_network.goal', 'view_without_security_invoker learning_network.definer_view',
        'definer_without_search_path learning_network.careless_definer()',
        'definer_executable_by_public learning_network.careless_definer()',
        'table_granted_to_client learning_network.observation',
        'internal_schema_usable_by_client learning_network_internal',
        'materialized_view_reachable learning_network.cached', 'client_role_bypasses_rls sec_bi'],
  'the audit reports each planted mistake');
SELECT is_empty('SELECT * FROM learning_network.security_audit', 'and nothing once they are undone');

SELECT * FROM finish();
ROLLBACK;
