-- The access model, checked from every client's side: a matrix of client
-- identities (facility logins, facility BI logins, staff, the HUB, the shared
-- BI login, and each HUB/BI session after impersonation) x an in-statement
-- identity switch before every probe (none, to another facility's role, to
-- its BI role, to staff) x every relation and function a client can reach
-- (and the base tables it must not) x every sharing tier, with the exact
-- items each sees and the writes it is refused; a leak probe on every column
-- of every client view; an error oracle; the SET ROLE / RESET ROLE sequence
-- Metabase uses; the HUB driven by every argument of its functions; peers
-- across collaboratives; EXPLAIN ANALYZE counts; tier changes taking effect
-- at once; the publication's suppression; and the security audit, empty here
-- and able to fail.
\i test/pgtap/setup.psql
BEGIN;
CREATE EXTENSION pgtap;
CREATE EXTENSION learning_network CASCADE;

SELECT plan(102);

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
-- A2's own phase and goal, for the HUB's arguments below
INSERT INTO learning_network.phase (facility_id, project_id, starts_on, label) VALUES (2, 2, '2025-01-19', 'After A2 change');
INSERT INTO learning_network.goal (facility_id, project_id, measure_id, target) VALUES (2, 2, 1, 0.8);
ANALYZE;   -- as autovacuum would: without statistics the chart plans look costly enough for JIT

-- roles: the facility roles, and the connections of staff, the HUB and BI
SELECT is(array_agg(learning_network.create_facility_role(f) ORDER BY f),
          '{learning_network_facility_1,learning_network_facility_2,learning_network_facility_3}'::name[],
          'a NOLOGIN role for each facility')
FROM generate_series(1, 3) f;
SELECT is(learning_network.create_facility_role(1), 'learning_network_facility_1', 'made again: the same role');
-- each facility also has a BI reader role, member of the BI group only, and
-- the BI group can become no facility role (only the HUB group can)
SELECT is((SELECT array_agg(bi_role_name ORDER BY facility_id) FROM learning_network.facility),
          '{learning_network_facility_1_bi,learning_network_facility_2_bi,learning_network_facility_3_bi}'::name[],
          'a BI reader role for each facility, made by the same function');
SELECT set_eq($$SELECT r.rolname::text FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
                WHERE m.member = 'learning_network_facility_1_bi'::regrole$$,
              ARRAY['learning_network_bi'], 'the BI reader role is a member of the BI group, and of nothing else');
SELECT set_eq($$SELECT r.rolname::text FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
                WHERE m.roleid = 'learning_network_facility_1'::regrole$$,
              ARRAY['learning_network_hub'], 'only the HUB group may SET ROLE to a facility role');
-- logins: one per facility role (a member of that role only), staff, the
-- HUB, the shared BI login, and a BI login that impersonates facility BI
-- roles (for query-builder-only groups, docs/access-model.md)
CREATE ROLE sec_a1 NOLOGIN;
CREATE ROLE sec_a2 NOLOGIN;
CREATE ROLE sec_b NOLOGIN;
CREATE ROLE sec_staff NOLOGIN;
CREATE ROLE sec_hub NOLOGIN;
CREATE ROLE sec_bi NOLOGIN;
CREATE ROLE sec_bi_imp NOLOGIN;
GRANT learning_network_facility_1 TO sec_a1;
GRANT learning_network_facility_2 TO sec_a2;
GRANT learning_network_facility_3 TO sec_b;
GRANT learning_network_staff TO sec_staff;
GRANT learning_network_hub TO sec_hub;
GRANT learning_network_bi TO sec_bi;
GRANT learning_network_facility_1_bi, learning_network_facility_2_bi, learning_network_facility_3_bi TO sec_bi_imp;

-- who: the session (connection) role and, if any, the role it SET ROLEs to
CREATE TEMP TABLE actor (who text PRIMARY KEY, session_role name, acting_role name);
INSERT INTO actor VALUES
  ('a1', 'sec_a1', 'learning_network_facility_1'),
  ('a2', 'sec_a2', 'learning_network_facility_2'),
  ('b', 'sec_b', 'learning_network_facility_3'),
  ('a1_bi', 'learning_network_facility_1_bi', NULL),
  ('a2_bi', 'learning_network_facility_2_bi', NULL),
  ('staff', 'sec_staff', NULL),
  ('hub', 'sec_hub', NULL),
  ('hub_as_a1', 'sec_hub', 'learning_network_facility_1'),
  ('bi', 'sec_bi', NULL),
  ('bi_as_a1', 'sec_bi', 'learning_network_facility_1'),
  ('imp_as_a1', 'sec_bi_imp', 'learning_network_facility_1_bi');
-- the identity switches tried inside every probe's statement, and whom each
-- identity may become by them: the documented powers, and nothing else (the
-- HUB may act for any facility; the impersonating BI login may read as any
-- facility's BI role; a role may act as itself)
CREATE TEMP TABLE switch (target name PRIMARY KEY, acts_like text);
INSERT INTO switch VALUES ('learning_network_facility_2', 'a2'), ('learning_network_facility_2_bi', 'a2_bi'),
                          ('learning_network_staff', 'staff');
CREATE TEMP TABLE allowed_switch (who text, target name);
INSERT INTO allowed_switch VALUES ('a2', 'learning_network_facility_2'), ('a2_bi', 'learning_network_facility_2_bi'),
  ('staff', 'learning_network_staff'), ('hub', 'learning_network_facility_2'),
  ('hub_as_a1', 'learning_network_facility_2'), ('imp_as_a1', 'learning_network_facility_2_bi');

-- Become an identity; an impersonation the database refuses is reported
-- (the session stays its login).
CREATE FUNCTION pg_temp.become(who text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  a record;
BEGIN
  SELECT * INTO STRICT a FROM pg_temp.actor WHERE actor.who = become.who;
  EXECUTE format('SET SESSION AUTHORIZATION %I', a.session_role);
  IF a.acting_role IS NOT NULL THEN
    BEGIN
      EXECUTE format('SET ROLE %I', a.acting_role);
    EXCEPTION WHEN OTHERS THEN
      RETURN 'impersonation error ' || SQLSTATE;
    END;
  END IF;
  RETURN NULL;
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
  ('internal observation', 'SELECT count(*)::text FROM learning_network_internal.observation_visible'),
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

-- With switch_to, every probe first switches identity inside its own
-- statement, as the attack does: SELECT (SELECT set_config('role', ...,
-- true)), (the probe); a probe that is not a SELECT (a write to a base table)
-- switches in the statement before it.  Every probe is undone afterwards,
-- with its switch.
CREATE FUNCTION pg_temp.observe(who text, switch_to name DEFAULT NULL) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  probes pg_temp.probe[] := ARRAY(SELECT p FROM pg_temp.probe p ORDER BY p.name);
  pr pg_temp.probe;
  item text;
  found text[];
  items text[] := '{}';
  refused text := pg_temp.become(who);
BEGIN
  IF refused IS NOT NULL THEN
    items := items || refused;
  END IF;
  FOREACH pr IN ARRAY probes LOOP
    BEGIN
      IF switch_to IS NULL THEN
        found := ARRAY(SELECT q.x FROM pg_temp.run_probe(pr.query) q(x));
      ELSIF pr.query ~* '^\s*SELECT' THEN
        EXECUTE format('SELECT (SELECT set_config(''role'', %L, true)) AS switched, '
                       '(SELECT array_agg(q.x::text) FROM (%s) q(x)) AS items', switch_to, pr.query)
          INTO item, found;
      ELSE
        PERFORM set_config('role', switch_to, true);
        found := ARRAY(SELECT q.x FROM pg_temp.run_probe(pr.query) q(x));
      END IF;
      IF pr.is_write THEN
        items := items || (pr.name || ' ' || coalesce(found[1], 'null'));
      ELSE
        items := items || coalesce(found, '{}');
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'P0005';      -- undo it, and the switch
    EXCEPTION
      WHEN SQLSTATE 'P0005' THEN NULL;
      WHEN OTHERS THEN items := items || (pr.name || ' error ' || SQLSTATE);
    END;
  END LOOP;
  RESET ROLE;
  RESET SESSION AUTHORIZATION;
  RETURN QUERY SELECT unnest(items);
END $$;
-- a probe's items as text (a DML probe has none)
CREATE FUNCTION pg_temp.run_probe(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  item text;
BEGIN
  IF query ~* '^\s*SELECT' THEN
    FOR item IN EXECUTE query LOOP
      RETURN NEXT item;
    END LOOP;
  ELSE
    EXECUTE query;
  END IF;
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
SELECT pg_temp.expect('measures=16', 'a1,a2,b,staff,hub,bi');
SELECT pg_temp.expect('project F-A1 named', 'a1,staff');
SELECT pg_temp.expect('project F-A2 named', 'a2,staff');
SELECT pg_temp.expect('project F-B named', 'b,staff');
SELECT pg_temp.expect('project F-A2', 'a1');
SELECT pg_temp.expect('project F-A1', 'a2', 'network,public');
SELECT pg_temp.expect(kind || ' F-A1 ' || m || ' named', 'a1,staff')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind, unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect(kind || ' F-A2 ' || m || ' named', 'a2,staff')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind, unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect(kind || ' F-B LCS_ELIG_RATE named', 'b,staff')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind;
SELECT pg_temp.expect(kind || ' F-A2 MAMMO_POS_PASS', 'a1')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind;
SELECT pg_temp.expect(kind || ' F-A1 ' || m, 'a2', 'network,public')
  FROM unnest(ARRAY['chart', 'status', 'completeness']) kind, unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('funnel F-A1 ' || m, 'a1,staff') FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('funnel F-A1 ' || m, 'a2', 'network,public') FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('funnel F-A2 ' || m, 'a2,staff') FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('funnel F-A2 MAMMO_POS_PASS', 'a1');
SELECT pg_temp.expect('funnel F-B LCS_ELIG_RATE', 'b,staff');
SELECT pg_temp.expect('annotation A1 note', 'a1,staff');
SELECT pg_temp.expect('annotation A2 note', 'a2,staff');
-- pooled denominators say whose weeks are in the pool: A1 324 and 400, A2 800 and 800, B 1600
SELECT pg_temp.expect('pooled MAMMO_POS_PASS 1124', 'a1,staff');
SELECT pg_temp.expect('pooled MAMMO_POS_EL_PNL 400', 'a1');
SELECT pg_temp.expect('pooled MAMMO_POS_EL_PNL 1200', 'staff');
SELECT pg_temp.expect('pooled MAMMO_POS_PASS 800', 'a2', 'private');
SELECT pg_temp.expect('pooled MAMMO_POS_EL_PNL 800', 'a2', 'private');
SELECT pg_temp.expect('pooled MAMMO_POS_PASS 1124', 'a2', 'network,public');
SELECT pg_temp.expect('pooled MAMMO_POS_EL_PNL 1200', 'a2', 'network,public');
SELECT pg_temp.expect('pooled LCS_ELIG_RATE 1600', 'b,staff');
SELECT pg_temp.expect('sharing F-A1 ' || m || ' private', 'a1,staff', 'private')
  FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('sharing F-A1 ' || m || ' network', 'a1,staff', 'network')
  FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('sharing F-A1 ' || m || ' public', 'a1,staff', 'public')
  FROM unnest(ARRAY['MAMMO_POS_PASS', 'MAMMO_POS_EL_PNL']) m;
SELECT pg_temp.expect('sharing F-A2 MAMMO_POS_PASS network', 'a2,staff');
SELECT pg_temp.expect('sharing F-A2 MAMMO_POS_EL_PNL private', 'a2,staff');
SELECT pg_temp.expect('sharing F-B LCS_ELIG_RATE network', 'b,staff');
-- the publication (A1 alone shares MAMMO_POS_PASS publicly) is public only
-- while A1 does; its contributor and staff see it throughout
SELECT pg_temp.expect('publication Positioning Q1 published=false', 'a1,staff', 'private,network');
SELECT pg_temp.expect('publication Positioning Q1 published=true', 'a1,a2,b,staff,hub,bi', 'public');
SELECT pg_temp.expect('public weekly Positioning Q1 4', 'a1,a2,b,staff,hub,bi', 'public');
SELECT pg_temp.expect('public summary Positioning Q1 suppressed', 'a1,a2,b,staff,hub,bi', 'public');
SELECT pg_temp.expect('audit rows=0', 'staff');
SELECT pg_temp.expect('security_audit error 42501', 'a1,a2,b,hub,bi');
SELECT pg_temp.expect('json Alpha One', 'a1,staff');
SELECT pg_temp.expect('json Alpha Two', 'a2,staff');
SELECT pg_temp.expect('json Bravo', 'b,staff');
SELECT pg_temp.expect('json F-A2', 'a1');
SELECT pg_temp.expect('json F-A1', 'a2', 'network,public');
SELECT pg_temp.expect('svg F-A1', 'a1,staff');
SELECT pg_temp.expect('svg F-A1', 'a2', 'network,public');
SELECT pg_temp.expect('svg F-A2', 'a1,a2,staff');
SELECT pg_temp.expect('svg F-B', 'b,staff');
-- A1's criterion failures are A1's to see; A2's criterion is private
SELECT pg_temp.expect('pareto F-A1 MAMMO_POS_EL_PNL 114', 'a1,staff');
SELECT pg_temp.expect('pareto F-A1 MAMMO_POS_EL_PNL 114', 'a2', 'network,public');
SELECT pg_temp.expect('pareto F-A2 MAMMO_POS_EL_PNL 154', 'a2,staff');
SELECT pg_temp.expect(p || ' error 42501', 'bi') FROM unnest(ARRAY['chart_json', 'chart_svg', 'element_pareto']) p;
SELECT pg_temp.expect('oracle error 22012', 'a1,staff');
SELECT pg_temp.expect('oracle error 22012', 'a2', 'network,public');
SELECT pg_temp.expect('oracle ok 0', 'hub,bi');
SELECT pg_temp.expect('oracle ok 8', 'a2', 'private');
SELECT pg_temp.expect('oracle ok 4', 'b');
SELECT pg_temp.expect('acting learning_network_facility_1', 'a1');
SELECT pg_temp.expect('acting learning_network_facility_2', 'a2');
SELECT pg_temp.expect('acting learning_network_facility_3', 'b');
SELECT pg_temp.expect('acting sec_staff', 'staff');
SELECT pg_temp.expect('acting sec_hub', 'hub');
SELECT pg_temp.expect('acting sec_bi', 'bi');
SELECT pg_temp.expect('table ' || c.relname || ' error 42501', 'a1,a2,b,staff,hub,bi')
  FROM pg_class c WHERE c.relnamespace = 'learning_network'::regnamespace AND c.relkind = 'r';
SELECT pg_temp.expect('internal ' || x || ' error 42501', 'a1,a2,b,staff,hub,bi')
  FROM unnest(ARRAY['observation', 'caller_facility']) x;
-- writes: A1's data are written by A1 (however it connects) and staff; the
-- BI group executes no function.  Deletes by id of a row the caller cannot
-- see answer false, as for a row already deleted: retries stay idempotent,
-- and the answer does not tell whether the row exists.
SELECT pg_temp.expect(w, 'a1,staff')
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
SELECT pg_temp.expect('write move_phase done', 'a1,staff');
SELECT pg_temp.expect('write move_phase error 42501', 'a2,b,hub,bi');
SELECT pg_temp.expect('write edit_annotation true', 'a1,staff');
SELECT pg_temp.expect('write edit_annotation false', 'a2,b,hub');
SELECT pg_temp.expect('write edit_annotation error 42501', 'bi');
-- the staff-only functions
SELECT pg_temp.expect('write create_facility_role learning_network_facility_1', 'staff');
SELECT pg_temp.expect('write withdraw_publication true', 'staff');
SELECT pg_temp.expect('write prepare_publication true', 'staff', 'public');
SELECT pg_temp.expect('write prepare_publication error 22023', 'staff', 'private,network');
SELECT pg_temp.expect(w || ' error 42501', 'a1,a2,b,hub,bi')
  FROM unnest(ARRAY['write create_facility_role', 'write withdraw_publication', 'write prepare_publication']) w;
SELECT pg_temp.expect(w || ' error 42501', 'bi') FROM unnest(ARRAY['write delete_phase', 'write remove_annotation']) w;
SELECT pg_temp.expect('write set_sharing F-A2 done', 'a2,staff');
SELECT pg_temp.expect('write set_sharing F-A2 error 42501', 'a1,b,hub,bi');
SELECT pg_temp.expect(w || ' error 42501', 'a1,a2,b,staff,hub,bi')
  FROM unnest(ARRAY['write insert observation', 'write forged entered_by']) w;

-- The identities derived from those above.  The HUB acting for A1 is A1.
-- The shared BI login cannot impersonate a facility: it stays the public
-- tier.  A facility's BI role (its own login, or the impersonating BI login
-- after SET ROLE to it) reads exactly what the facility reads, and executes
-- no function and writes nothing.
INSERT INTO expected SELECT e.item, ARRAY['hub_as_a1'], e.tiers FROM expected e WHERE 'a1' = ANY (e.who);
INSERT INTO expected SELECT e.item, ARRAY['bi_as_a1'], e.tiers FROM expected e WHERE 'bi' = ANY (e.who);
SELECT pg_temp.expect('impersonation error 42501', 'bi_as_a1');
INSERT INTO expected
SELECT e.item, ARRAY[m.reader], e.tiers
FROM expected e, (VALUES ('a1', 'a1_bi'), ('a1', 'imp_as_a1'), ('a2', 'a2_bi')) m(base, reader)
WHERE m.base = ANY (e.who) AND e.item !~ '^(write |json |svg |pareto |acting )';
SELECT pg_temp.expect(p.name || ' error 42501', 'a1_bi,a2_bi,imp_as_a1')
FROM probe p WHERE p.is_write OR p.name IN ('chart_json', 'chart_svg', 'element_pareto');
SELECT pg_temp.expect('acting learning_network_facility_1_bi', 'a1_bi,imp_as_a1');
SELECT pg_temp.expect('acting learning_network_facility_2_bi', 'a2_bi');

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

-- the matrix: every identity, with and without each in-statement identity
-- switch, at every tier of A1
CREATE TEMP TABLE observed (tier text, who text, switch_to name, item text);
DO $$
DECLARE
  t text;
  w text;
  target name;
BEGIN
  FOREACH t IN ARRAY ARRAY['private', 'network', 'public'] LOOP
    PERFORM learning_network.set_sharing(t, facility_id => 1);
    FOR w IN SELECT who FROM pg_temp.actor ORDER BY who LOOP
      INSERT INTO pg_temp.observed SELECT t, w, NULL, i FROM pg_temp.observe(w) i;
      INSERT INTO pg_temp.observed SELECT t, w, NULL, 'LEAK ' || i FROM pg_temp.leaks(w) i;
      FOR target IN SELECT s.target FROM pg_temp.switch s ORDER BY 1 LOOP
        INSERT INTO pg_temp.observed SELECT t, w, target, i FROM pg_temp.observe(w, target) i;
      END LOOP;
    END LOOP;
  END LOOP;
END $$;
SELECT set_eq(
  format($$SELECT item FROM observed WHERE tier = %L AND who = %L AND switch_to IS NULL$$, t, w),
  format($$SELECT item FROM expected WHERE %L = ANY (tiers) AND %L = ANY (who)$$, t, w),
  format('%s sees exactly its rows, and is refused exactly its writes, when A1 is %s', w, t))
FROM unnest(ARRAY['private', 'network', 'public']) t, (SELECT who AS w FROM actor ORDER BY who) a;
SELECT is((SELECT count(*)::int FROM observed WHERE item LIKE 'LEAK %'), 0,
  'the leak probe recorded no value its view does not show');
-- The switch inside the statement: refused (every probe fails with 42501)
-- unless it is one of the documented powers, and then the identity sees and
-- writes exactly what the identity it became does, never more.
CREATE TEMP TABLE switch_outcome AS
SELECT o.tier, o.who, o.switch_to,
       EXISTS (SELECT FROM allowed_switch a WHERE a.who = o.who AND a.target = o.switch_to) AS allowed,
       array_agg(o.item ORDER BY o.item) FILTER (WHERE o.item NOT LIKE 'impersonation %') AS items
FROM observed o WHERE o.switch_to IS NOT NULL
GROUP BY 1, 2, 3;
SELECT is_empty($$
  SELECT o.tier, o.who, o.switch_to FROM switch_outcome o WHERE NOT o.allowed
    AND o.items IS DISTINCT FROM ARRAY(SELECT p.name || ' error 42501' FROM probe p ORDER BY 1)$$,
  'an in-statement switch to a role the login cannot become fails every read and write probe (42501), for every identity, tier and target');
SELECT is_empty($$
  SELECT o.tier, o.who, o.switch_to FROM switch_outcome o JOIN switch s ON s.target = o.switch_to
  WHERE o.allowed AND o.items IS DISTINCT FROM
    ARRAY(SELECT x.item FROM observed x WHERE x.tier = o.tier AND x.who = s.acts_like AND x.switch_to IS NULL
            AND x.item NOT LIKE 'LEAK %' AND x.item NOT LIKE 'acting %'
          UNION ALL SELECT 'acting ' || o.switch_to ORDER BY 1)$$,
  'an allowed switch (HUB to a facility, BI impersonation to a BI role, a role to itself) sees and writes exactly what the role it became does');
SELECT is((SELECT count(*)::int FROM switch_outcome WHERE allowed), 18,
  'the allowed switches are exactly the documented ones: 6 identity-target pairs at 3 tiers');
SELECT cmp_ok((SELECT count(*)::int FROM observed), '>', 5000, 'the matrix observed every probe');

-- Metabase impersonation (query-builder groups only, docs/access-model.md): one
-- connection, impersonating facility BI roles in turn (SET ROLE before each
-- query, back to NONE after); a prepared statement too, whose plan is cached
CREATE TEMP TABLE metabase (step int, seen int);
GRANT ALL ON metabase TO PUBLIC;
SET SESSION AUTHORIZATION sec_bi_imp;
PREPARE step(int) AS INSERT INTO pg_temp.metabase
  SELECT $1, count(DISTINCT facility_code) FROM learning_network.chart_points;
EXECUTE step(1);
SET ROLE learning_network_facility_1_bi;
EXECUTE step(2);
SET ROLE NONE;
EXECUTE step(3);
SET ROLE learning_network_facility_3_bi;
EXECUTE step(4);
RESET ROLE;
EXECUTE step(5);
SET ROLE learning_network_facility_2_bi;
EXECUTE step(6);
RESET ROLE;
RESET SESSION AUTHORIZATION;
DEALLOCATE step;
SELECT results_eq('SELECT step, seen FROM metabase ORDER BY step',
  $$VALUES (1, 0), (2, 2), (3, 0), (4, 1), (5, 0), (6, 2)$$,
  'Metabase''s SET ROLE / SET ROLE NONE / RESET ROLE sequence: each query sees its role''s rows, none after the reset');

-- Finding 1, the attack as reported: the shared BI login impersonating a
-- facility, then switching identity inside one statement, reads a private
-- facility's project and writes for it.  Now the shared login cannot
-- impersonate at all, a facility's BI login cannot switch to another
-- facility (nor to its own writing role), and no BI role executes a write.
SET SESSION AUTHORIZATION sec_bi;
SELECT throws_ok('SET ROLE learning_network_facility_1', '42501', NULL,
  'the shared BI login cannot SET ROLE to a facility role');
SELECT throws_ok($$SELECT (SELECT set_config('role', 'learning_network_facility_2', true)),
                          (SELECT json_agg(p) FROM learning_network.projects p WHERE facility_id = 2)$$,
  '42501', NULL, 'nor switch to one inside a statement');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION learning_network_facility_1_bi;
SELECT throws_ok($$SELECT (SELECT set_config('role', 'learning_network_facility_2', true)),
                          (SELECT json_agg(p) FROM learning_network.projects p WHERE facility_id = 2)$$,
  '42501', NULL, 'a facility''s BI login cannot switch to another facility inside a statement');
SELECT throws_ok($$SELECT (SELECT set_config('role', 'learning_network_facility_2_bi', true)),
                          (SELECT json_agg(p) FROM learning_network.projects p WHERE facility_id = 2)$$,
  '42501', NULL, 'nor to another facility''s BI role');
SELECT throws_ok($$SELECT (SELECT set_config('role', 'learning_network_facility_1', true)),
                          learning_network.add_annotation(1, '2025-01-26', 'forged')$$,
  '42501', NULL, 'nor to its own facility''s writing role');
SELECT throws_ok($$SELECT learning_network.add_annotation(2, '2025-01-26', 'forged')$$, '42501', NULL,
  'a BI login executes no write function');
SELECT throws_ok($$SELECT learning_network.set_sharing('network')$$, '42501', NULL,
  'not even its own facility''s sharing');
SELECT is((SELECT count(*)::int FROM learning_network.projects WHERE project_title IS NOT NULL), 1,
  'it reads its own facility, with names, and no other facility''s names');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM learning_network.annotation WHERE text = 'forged'), 0, 'nothing forged was stored');

-- The HUB acts for any facility by design (application code that never runs
-- a user's SQL), so what must hold is that no argument of its functions
-- takes it, acting for A1, into another facility: each call naming A2's
-- project, phase (id 2), annotation (id 2), goal or sharing, or its private
-- chart, is refused or a no-op, and A2's rows are unchanged.
CREATE FUNCTION pg_temp.a2_rows() RETURNS text LANGUAGE sql AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(concat_ws(',', o.*), ';' ORDER BY o.measure_id, o.week_start) FROM learning_network.observation o WHERE o.facility_id = 2),
    (SELECT string_agg(concat_ws(',', ph.*), ';' ORDER BY ph.phase_id) FROM learning_network.phase ph WHERE ph.facility_id = 2),
    (SELECT string_agg(concat_ws(',', a.*), ';' ORDER BY a.annotation_id) FROM learning_network.annotation a WHERE a.facility_id = 2),
    (SELECT string_agg(concat_ws(',', g.*), ';' ORDER BY g.measure_id) FROM learning_network.goal g WHERE g.facility_id = 2),
    (SELECT string_agg(concat_ws(',', sh.*), ';' ORDER BY sh.measure_id) FROM learning_network.sharing sh WHERE sh.facility_id = 2),
    (SELECT string_agg(concat_ws(',', c.*), ';' ORDER BY c.publication_id) FROM learning_network.publication_contributor c WHERE c.facility_id = 2),
    (SELECT count(*) FROM learning_network.observation_history h WHERE h.facility_id = 2)))
$$;
SELECT pg_temp.a2_rows() AS a2_before \gset
CREATE TEMP TABLE hub_call (call text);
INSERT INTO hub_call VALUES
  ($$SELECT learning_network.record_week(2, 1, '2025-02-02', 50, 100)::text$$),
  ($$SELECT learning_network.record_week(2, 1, '2025-01-05', 1, 200, expected_version => 1)::text$$),
  ($$SELECT learning_network.delete_week(2, 1, '2025-01-05', 1)::text$$),
  ($$SELECT learning_network.set_phase(2, '2025-01-26', 'x')::text$$),
  ($$SELECT learning_network.set_phase(2, '2025-01-19', 'x', measure_id => 1)::text$$),
  ($$SELECT learning_network.move_phase(2, '2025-01-26')::text$$),
  ($$SELECT learning_network.delete_phase(2)::text$$),
  ($$SELECT learning_network.add_annotation(2, '2025-01-26', 'x')::text$$),
  ($$SELECT learning_network.edit_annotation(2, 'x')::text$$),
  ($$SELECT learning_network.remove_annotation(2)::text$$),
  ($$SELECT learning_network.set_goal(2, 1, 0.5)::text$$),
  ($$SELECT string_agg(status, ',') FROM learning_network.import_csv(2, E'week,MAMMO_POS_PASS_num,MAMMO_POS_PASS_den\n2025-02-02,50,100')$$),
  ($$SELECT learning_network.set_sharing('public', facility_id => 2)::text$$),
  ($$SELECT learning_network.set_sharing('public', measure_id => 2, facility_id => 2)::text$$),
  ($$SELECT learning_network.approve_publication(999)::text$$),
  ($$SELECT learning_network.chart_json(2, 2)::text$$),
  ($$SELECT learning_network.chart_svg(2, 2)::text$$);
CREATE FUNCTION pg_temp.hub_calls() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  c text;
  r text;
BEGIN
  FOR c IN SELECT call FROM pg_temp.hub_call LOOP
    PERFORM pg_temp.become('hub_as_a1');
    BEGIN
      EXECUTE c INTO r;
      RETURN NEXT c || ' => ' || coalesce(r, 'null');
    EXCEPTION WHEN OTHERS THEN
      RETURN NEXT c || ' => error ' || SQLSTATE;
    END;
    RESET ROLE;
    RESET SESSION AUTHORIZATION;
  END LOOP;
END $$;
SELECT is_empty($$SELECT r FROM pg_temp.hub_calls() r
                  WHERE r !~ '=> (error 42501|false|null)$'$$,
  'the HUB acting for A1: every call naming another facility''s project, phase, annotation, goal or sharing is refused (42501) or does nothing');
SELECT is(pg_temp.a2_rows(), :'a2_before', 'and A2''s rows and history are exactly as they were');

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
                      'learning_network_staff', 'learning_network_facility_1', 'learning_network_facility_1_bi',
                      'sec_a1', 'sec_hub', 'sec_bi', 'sec_bi_imp', 'sec_staff')
    AND (has_table_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
         OR (c.relkind = 'S' AND has_sequence_privilege(r.oid, c.oid, 'USAGE, SELECT, UPDATE')))$$,
  'no client role has any privilege on a base table or sequence');
SELECT is_empty($$SELECT c.relname FROM pg_class c WHERE c.relkind = 'm'$$, 'no materialized view exists');
SELECT ok(NOT rolcanlogin, rolname || ' cannot log in')
FROM pg_roles WHERE rolname IN ('learning_network_owner', 'learning_network_staff', 'learning_network_member',
                                'learning_network_hub', 'learning_network_bi', 'learning_network_facility_1',
                                'learning_network_facility_1_bi')
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
    GRANT learning_network_facility_1 TO sec_bi_imp;
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
        'materialized_view_reachable learning_network.cached', 'client_role_bypasses_rls sec_bi',
        'bi_role_can_write sec_bi_imp'],
  'the audit reports each planted mistake');
SELECT is_empty('SELECT * FROM learning_network.security_audit', 'and nothing once they are undone');

-- Finding 5: peers see a facility only within the collaborative they share.
-- A1 joins Lung Cancer Screening too (project 4, with B) and shares with the
-- network; B then sees A1's screening project and its series, but not its
-- positioning project, phase or goal (another collaborative).
INSERT INTO learning_network.project (project_id, facility_id, collaborative_id, title, aim, started_on)
VALUES (4, 1, 1, 'Alpha One screening', 'secret aim 4', '2025-01-05');
INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator)
VALUES (1, 4, 12, '2025-01-05', 20, 300), (1, 4, 12, '2025-01-12', 21, 300);
INSERT INTO learning_network.phase (facility_id, project_id, starts_on, label) VALUES (1, 4, '2025-01-12', 'A1 screening change');
SELECT learning_network.set_sharing('network', facility_id => 1);
SELECT learning_network.set_sharing('network', facility_id => 3);
SET ROLE learning_network_facility_3;
SELECT set_eq($$SELECT project_id FROM learning_network.projects$$, ARRAY[3, 4],
  'B sees its own project and A1''s project in their shared collaborative, not A1''s project in another');
SELECT set_eq($$SELECT DISTINCT project_id || ' ' || coalesce(phase_label, '-') FROM learning_network.chart_points$$,
  ARRAY['3 Baseline', '4 Baseline', '4 A1 screening change'],
  'B''s charts: its own and A1''s screening series with its phase; nothing of A1''s positioning project');
SELECT is((SELECT count(*)::int FROM learning_network.series_status WHERE project_id = 1 OR goal IS NOT NULL), 0,
  'nor its positioning project''s status or goal');
RESET ROLE;
SET ROLE learning_network_facility_1;
SELECT set_eq($$SELECT DISTINCT project_id FROM learning_network.chart_points$$, ARRAY[1, 2, 3, 4],
  'A1, in both collaboratives, sees its peers in each');
RESET ROLE;

-- Finding 6: EXPLAIN ANALYZE counts nothing it cannot see.  As A2, with A1
-- private, every count EXPLAIN ANALYZE shows (rows per node, rows removed by
-- filters, buffers) is the same for a filter naming A1 as for one naming a facility
-- that does not exist, whichever plan the planner (or the user's enable_*
-- settings) picks, through the views and generic (parameterized) plans.
SELECT learning_network.set_sharing('private', facility_id => 1);
ANALYZE;
CREATE FUNCTION pg_temp.counts_of(query text, arg integer) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line text;
  plan text := '';
BEGIN
  EXECUTE format('PREPARE counted(integer) AS %s', query);
  -- once untimed first: a first run reads pages and catalog entries a
  -- second finds in memory, and the buffer counts (shown by default on 18+)
  -- would tell the two runs apart, not the two facilities
  EXECUTE format('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS) EXECUTE counted(%s)', arg);
  FOR line IN EXECUTE format('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS) EXECUTE counted(%s)', arg) LOOP
    plan := plan || line || E'\n';
  END LOOP;
  DEALLOCATE counted;
  RETURN plan;
END $$;
CREATE TEMP TABLE explain_case (query text);
INSERT INTO explain_case VALUES
  ('SELECT * FROM learning_network.data_completeness WHERE facility_id = $1 AND measure_code = ''MAMMO_POS_PASS'''),
  ('SELECT * FROM learning_network.data_completeness WHERE project_id = $1'),
  ('SELECT * FROM learning_network.chart_points WHERE project_id = $1 AND measure_id = 1'),
  ('SELECT * FROM learning_network.series_status WHERE facility_id = $1'),
  ('SELECT * FROM learning_network.projects WHERE facility_id = $1');
CREATE FUNCTION pg_temp.explain_differences(who text, hidden integer, absent integer) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  q text;
  planner text;
BEGIN
  FOR q IN SELECT query FROM pg_temp.explain_case LOOP
    FOREACH planner IN ARRAY ARRAY['', 'enable_seqscan', 'enable_indexscan'] LOOP
      PERFORM pg_temp.become(who);
      SET plan_cache_mode = force_generic_plan;
      IF planner <> '' THEN
        PERFORM set_config(planner, 'off', true);
      END IF;
      IF pg_temp.counts_of(q, hidden) IS DISTINCT FROM pg_temp.counts_of(q, absent) THEN
        RETURN NEXT format('%s %s: %s', q, planner, pg_temp.counts_of(q, hidden));
      END IF;
      RESET plan_cache_mode;
      RESET enable_seqscan;
      RESET enable_bitmapscan;
      RESET enable_indexscan;
      RESET ROLE;
      RESET SESSION AUTHORIZATION;
    END LOOP;
  END LOOP;
END $$;
SELECT is_empty($$SELECT * FROM pg_temp.explain_differences('a2', 1, 999)$$,
  'A2: EXPLAIN ANALYZE of a filter on private A1 counts exactly what it counts for a facility that does not exist');
SELECT learning_network.set_sharing('private', facility_id => 2);
SELECT is_empty($$SELECT * FROM pg_temp.explain_differences('a1_bi', 2, 999)$$,
  'A1''s BI login: likewise for A2, now private');

-- What the database cannot hide (docs/access-model.md): any login reads network-wide
-- write counts, other sessions and locks, and which logins belong to which
-- facility; the documented mitigation (REVOKE ... FROM PUBLIC) refuses each.
SET SESSION AUTHORIZATION sec_a2;
SELECT lives_ok('SELECT n_tup_ins FROM pg_stat_user_tables', 'exposed: pg_stat_user_tables (network-wide write counts)');
SELECT lives_ok('SELECT pid FROM pg_stat_activity', 'exposed: pg_stat_activity (who is connected)');
SELECT lives_ok('SELECT relation FROM pg_locks', 'exposed: pg_locks');
SELECT ok((SELECT count(*) FROM pg_auth_members WHERE roleid = 'learning_network_facility_1'::regrole
                                                 AND member = 'sec_a1'::regrole) = 1,
  'exposed: pg_auth_members names private A1''s login');
RESET SESSION AUTHORIZATION;
REVOKE SELECT ON pg_catalog.pg_stat_user_tables, pg_catalog.pg_stat_activity, pg_catalog.pg_locks,
                 pg_catalog.pg_auth_members FROM PUBLIC;
SET SESSION AUTHORIZATION sec_a2;
SELECT throws_ok('SELECT n_tup_ins FROM pg_stat_user_tables', '42501', NULL, 'mitigated: pg_stat_user_tables refused');
SELECT throws_ok('SELECT pid FROM pg_stat_activity', '42501', NULL, 'mitigated: pg_stat_activity refused');
SELECT throws_ok('SELECT relation FROM pg_locks', '42501', NULL, 'mitigated: pg_locks refused');
SELECT throws_ok('SELECT member FROM pg_auth_members', '42501', NULL, 'mitigated: pg_auth_members refused');
SET ROLE learning_network_facility_2;
SELECT ok((SELECT count(*) FROM learning_network.chart_points) > 0, 'and the views still work for the facility');
RESET ROLE;
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
