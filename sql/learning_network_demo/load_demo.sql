-- the demo network: learning_network_demo's one function.  It lives in schema
-- learning_network (the control file's schema, so @extschema@ is
-- learning_network) but belongs to this extension: a production install of
-- learning_network has no demo loader, and DROP EXTENSION
-- learning_network_demo removes the loader and keeps the rows it loaded.

CREATE OR REPLACE FUNCTION @extschema@.load_demo(seed integer DEFAULT 20220425)
RETURNS TABLE (relation text, row_count bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  places text[] := ARRAY['Albany,NY', 'Boise,ID', 'Charleston,SC', 'Dayton,OH', 'Eugene,OR', 'Fresno,CA',
    'Grand Rapids,MI', 'Hartford,CT', 'Irvine,CA', 'Jackson,MS', 'Knoxville,TN', 'Lubbock,TX', 'Madison,WI',
    'Norfolk,VA', 'Omaha,NE', 'Provo,UT', 'Quincy,IL', 'Reno,NV', 'Spokane,WA', 'Tulsa,OK', 'Urbana,IL',
    'Vallejo,CA', 'Wichita,KS', 'Yakima,WA', 'Akron,OH', 'Billings,MT', 'Columbia,MO', 'Durham,NC',
    'El Paso,TX', 'Fargo,ND', 'Greenville,SC', 'Huntsville,AL', 'Ithaca,NY', 'Juneau,AK', 'Kalamazoo,MI',
    'Lansing,MI', 'Macon,GA', 'Nashua,NH', 'Ogden,UT', 'Pueblo,CO'];
  excluded_week record;
BEGIN
  IF EXISTS (SELECT 1 FROM @extschema@.facility) THEN
    RAISE EXCEPTION 'load_demo needs an empty network'
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'The database already has facilities; the demo would mix with them.',
            HINT = 'Load the demo into a new database.';
  END IF;
  PERFORM setseed((seed::bigint % 1000003) / 1000003.0);

  -- two cohorts per collaborative: Cohort 1 took the nine-month course in 2022,
  -- Cohort 2 the six-month course in 2023
  INSERT INTO @extschema@.cohort (collaborative_id, name, starts_on, graduates_on)
  SELECT c.collaborative_id, k.name, k.starts_on, k.graduates_on
  FROM @extschema@.collaborative c
  CROSS JOIN (VALUES ('Cohort 1', date '2022-04-25', date '2022-11-14'),
                     ('Cohort 2', date '2023-02-27', date '2023-08-28')) k(name, starts_on, graduates_on)
  WHERE c.collaborative_id BETWEEN 1 AND 4;

  -- 40 facilities, 10 per collaborative, alternately in cohort 1 and 2
  INSERT INTO @extschema@.facility (name, city, state, pseudonym)
  SELECT split_part(places[i], ',', 1) || ' ' ||
           (ARRAY['Lung Screening Program', 'Breast Imaging Center', 'Prostate MR Service',
                  'Radiology Associates'])[(i - 1) / 10 + 1],
         split_part(places[i], ',', 1), split_part(places[i], ',', 2),
         'F-' || upper(substr(md5(seed::text || ':' || i), 1, 6))
  FROM generate_series(1, 40) i
  ORDER BY i;

  INSERT INTO @extschema@.project (facility_id, collaborative_id, cohort_id, title, aim, status, started_on)
  SELECT f.facility_id, x.collaborative_id, k.cohort_id,
         (ARRAY['Screening more of our eligible population', 'Positioning every screening mammogram right',
                'Diagnostic-quality prostate MR', 'Closing the loop on nodule follow-up'])[x.collaborative_id],
         (ARRAY['Raise the share of the eligible population screened each week from 5 % to 8 % within a year.',
                'Raise the share of screening mammograms meeting all positioning criteria from 51 % to 85 % by graduation.',
                'Raise the share of prostate MR exams meeting PI-QUAL criteria to 80 %.',
                'Make 85 % of nodule recommendations appropriate and complete 70 % in their window.'])[x.collaborative_id],
         'closed', @extschema@.week_start(k.starts_on) - 56
  FROM @extschema@.facility f
  CROSS JOIN LATERAL (SELECT (f.facility_id - (SELECT min(facility_id) FROM @extschema@.facility)) AS i) o
  CROSS JOIN LATERAL (SELECT (o.i / 10) + 1 AS collaborative_id, CASE WHEN o.i % 2 = 0 THEN 'Cohort 1' ELSE 'Cohort 2' END AS cohort) x
  JOIN @extschema@.cohort k ON k.collaborative_id = x.collaborative_id AND k.name = x.cohort;

  -- Each project: its own level (effect) and size; weeks of data: three years
  -- for cohort 1, two and a half for cohort 2.
  CREATE TEMP TABLE demo_project ON COMMIT DROP AS
  SELECT p.project_id, p.facility_id, p.collaborative_id, p.started_on AS first_week,
         k.starts_on AS course_start, k.graduates_on AS course_end,
         CASE WHEN k.name = 'Cohort 1' THEN 156 ELSE 130 END AS weeks,
         (random() - 0.5) * 0.10 AS effect, random() AS size
  FROM @extschema@.project p JOIN @extschema@.cohort k USING (cohort_id);

  -- Main measures: proportions moving from a baseline to the course's result
  -- as the course progresses, with binomial noise and some extra week-to-week
  -- variation; about 3 % of weeks never reported.
  INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator, denominator, entered_at)
  SELECT d.facility_id, d.project_id, m.measure_id, w.week_start,
         least(s.n, greatest(0, round(s.n * s.p + sqrt(s.n * s.p * (1 - s.p)) * r.z2)))::bigint, s.n,
         w.week_start + interval '8 days 9 hours'
  FROM demo_project d
  JOIN (VALUES ('MAMMO_POS_PASS', 0.51, 0.86, 35, 60, 1.0, 0.02),
               ('PROS_PIQUAL_PASS', 0.62, 0.84, 8, 25, 1.0, 0.02),
               ('LCS_ELIG_RATE', 0.050, 0.085, 577, 1730, 0.15, 0.006),
               ('RFU_APPROP', 0.55, 0.85, 15, 40, 1.0, 0.02),
               ('RFU_COMPLETE', 0.48, 0.72, 10, 30, 1.0, 0.02))
       pa(code, base, target, n_lo, n_hi, spread, extra) ON true
  JOIN @extschema@.measure m ON m.code = pa.code AND m.collaborative_id = d.collaborative_id
  CROSS JOIN LATERAL generate_series(0, d.weeks - 1) k
  CROSS JOIN LATERAL (
    SELECT d.first_week + 7 * k AS week_start,
           least(1.0, greatest(0.0, (d.first_week + 7 * k - d.course_start)::numeric
                                    / (d.course_end - d.course_start)))::double precision AS progress) w
  CROSS JOIN LATERAL (
    -- one row's random draws: correlated with k and fenced by OFFSET 0, so
    -- they are drawn once per week (two standard normals, two uniforms)
    SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z1,
           sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z2,
           random() AS u, random() AS keep, k AS week_number
    OFFSET 0) r
  CROSS JOIN LATERAL (
    SELECT CASE WHEN pa.code = 'LCS_ELIG_RATE'
                -- lung screening: the weekly share of an annual eligible population
                THEN round(((30000 + 60000 * d.size) / 52.0)::numeric, 1)::double precision
                ELSE round(pa.n_lo + (pa.n_hi - pa.n_lo) * (0.5 * d.size + 0.5 * r.u)) END AS n,
           least(0.99, greatest(0.01, pa.base + (pa.target - pa.base) * w.progress
                                      + d.effect * pa.spread + pa.extra * r.z1)) AS p) s
  WHERE r.keep >= 0.03;

  -- Elements: an element passes whenever the whole exam passes, and for a
  -- share of the failing exams (the criterion was not the one failed).
  -- (The ORDER BY clauses below fix the order the random draws are taken in,
  -- so the demo does not depend on which indexes the planner may use.)
  INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator, denominator, entered_at)
  SELECT o.facility_id, o.project_id, e.measure_id, o.week_start,
         least(o.denominator::bigint, o.numerator + greatest(0, round(
           (o.denominator - o.numerator) * (1 - el.share)
           + sqrt(greatest(o.denominator - o.numerator, 1) * el.share * (1 - el.share))
             * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::bigint,
         o.denominator, o.entered_at
  FROM @extschema@.observation o
  JOIN @extschema@.measure e ON e.parent_measure_id = o.measure_id
  JOIN (VALUES ('MAMMO_POS_EL_PNL', 0.45), ('MAMMO_POS_EL_PECT', 0.55), ('MAMMO_POS_EL_IMF', 0.35),
               ('MAMMO_POS_EL_NIPPLE', 0.25), ('MAMMO_POS_EL_SKIN', 0.30), ('MAMMO_POS_EL_TISSUE', 0.20),
               ('PROS_SEQ_T2W', 0.35), ('PROS_SEQ_DWI', 0.60), ('PROS_SEQ_DCE', 0.40)) el(code, share)
    ON el.code = e.code
  ORDER BY e.ctid, o.week_start, o.ctid;

  -- Counts: lung screening volume is the rate's numerator; open overdue
  -- recommendations fall from about 40 to 15.
  INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator, entered_at)
  SELECT o.facility_id, o.project_id, v.measure_id, o.week_start, o.numerator, o.entered_at
  FROM @extschema@.observation o
  JOIN @extschema@.measure r ON r.measure_id = o.measure_id AND r.code = 'LCS_ELIG_RATE'
  JOIN @extschema@.measure v ON v.code = 'LCS_VOLUME'
  ORDER BY o.ctid;
  INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator, entered_at)
  SELECT o.facility_id, o.project_id, m.measure_id, o.week_start,
         greatest(0, round(40 - 25 * least(1.0, greatest(0.0, (o.week_start - d.course_start)::numeric
                                                              / (d.course_end - d.course_start)))::double precision
                           + 30 * d.effect + 4 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::bigint,
         o.entered_at
  FROM @extschema@.observation o
  JOIN demo_project d USING (project_id)
  JOIN @extschema@.measure r ON r.measure_id = o.measure_id AND r.code = 'RFU_APPROP'
  JOIN @extschema@.measure m ON m.code = 'RFU_OPEN_OVERDUE';

  -- The data's life: corrections after re-audit, excluded weeks, a few
  -- weeks deleted as entered in error (all kept in observation_history).
  UPDATE @extschema@.observation SET numerator = numerator - 1, note = 'Corrected after re-audit'
  WHERE denominator IS NOT NULL AND numerator > 0 AND random() < 0.02;
  FOR excluded_week IN
    SELECT o.ctid AS row_id, random() AS draw
    FROM @extschema@.measure m JOIN @extschema@.observation o ON o.measure_id = m.measure_id
    WHERE m.parent_measure_id IS NULL AND m.kind = 'proportion'
    ORDER BY m.ctid, o.ctid LOOP
    IF excluded_week.draw < 0.01 THEN
      UPDATE @extschema@.observation o SET excluded = true, note = 'Audited by a trainee evaluator: excluded from the limits'
      WHERE o.ctid = excluded_week.row_id;
    END IF;
  END LOOP;
  DELETE FROM @extschema@.observation WHERE random() < 0.002;

  -- Phases: the course, then after it; PDSA cycles during the course; goals.
  INSERT INTO @extschema@.phase (facility_id, project_id, starts_on, label, note)
  SELECT d.facility_id, d.project_id, @extschema@.week_start(s.starts_on), s.label, s.note
  FROM demo_project d
  CROSS JOIN LATERAL (VALUES (d.course_start, 'ImPower course', 'The team starts the ImPower course.'),
                             (d.course_end, 'After ImPower', 'Graduation: the changes are in place.')) s(starts_on, label, note);
  INSERT INTO @extschema@.annotation (facility_id, project_id, week_start, kind, text)
  SELECT d.facility_id, d.project_id, @extschema@.week_start(d.course_start) + 7 * a.offset_weeks, 'pdsa',
         (ARRAY[ARRAY['PDSA 1: eligibility flag in the order set', 'PDSA 2: shared decision-making visit slots',
                      'PDSA 3: reminder letters for annual returns', 'PDSA 4: navigator calls to overdue patients'],
                ARRAY['PDSA 1: positioning checklist at each room', 'PDSA 2: peer review of two exams a day',
                      'PDSA 3: huddle on the pectoral muscle view', 'PDSA 4: feedback card for each technologist'],
                ARRAY['PDSA 1: bowel preparation instructions', 'PDSA 2: antispasmodic protocol',
                      'PDSA 3: DWI sequence parameters revised', 'PDSA 4: coil placement check'],
                ARRAY['PDSA 1: structured recommendation macro', 'PDSA 2: nodule tracking list',
                      'PDSA 3: letters to referring physicians', 'PDSA 4: weekly navigator review']])
           [d.collaborative_id][a.n]
  FROM demo_project d
  CROSS JOIN (VALUES (1, 2), (2, 6), (3, 10), (4, 14)) a(n, offset_weeks);
  INSERT INTO @extschema@.goal (facility_id, project_id, measure_id, target, target_date)
  SELECT d.facility_id, d.project_id, m.measure_id, g.target, d.course_end
  FROM demo_project d
  JOIN @extschema@.measure m ON m.collaborative_id = d.collaborative_id AND m.parent_measure_id IS NULL
  JOIN (VALUES ('MAMMO_POS_PASS', 0.85), ('PROS_PIQUAL_PASS', 0.80), ('LCS_ELIG_RATE', 0.08),
               ('LCS_VOLUME', 100), ('RFU_APPROP', 0.85), ('RFU_COMPLETE', 0.70), ('RFU_OPEN_OVERDUE', 15))
    g(code, target) ON g.code = m.code;
  -- what the demo facilities share: most with the network, two in each
  -- collaborative publicly, one privately; one keeps a criterion to itself
  INSERT INTO @extschema@.sharing (facility_id, tier, granted_by)
  SELECT d.facility_id,
         CASE (row_number() OVER (PARTITION BY d.collaborative_id ORDER BY d.facility_id)) % 10
           WHEN 0 THEN 'private' WHEN 1 THEN 'public' WHEN 2 THEN 'public' ELSE 'network' END,
         'demo'
  FROM demo_project d;
  INSERT INTO @extschema@.sharing (facility_id, measure_id, tier, granted_by)
  SELECT d.facility_id, 4, 'private', 'demo'
  FROM demo_project d WHERE d.collaborative_id = 2 ORDER BY d.facility_id OFFSET 3 LIMIT 1;

  RETURN QUERY
  SELECT 'cohort', count(*) FROM @extschema@.cohort
  UNION ALL SELECT 'facility', count(*) FROM @extschema@.facility
  UNION ALL SELECT 'project', count(*) FROM @extschema@.project
  UNION ALL SELECT 'observation', count(*) FROM @extschema@.observation
  UNION ALL SELECT 'observation_history', count(*) FROM @extschema@.observation_history
  UNION ALL SELECT 'phase', count(*) FROM @extschema@.phase
  UNION ALL SELECT 'annotation', count(*) FROM @extschema@.annotation
  UNION ALL SELECT 'goal', count(*) FROM @extschema@.goal
  UNION ALL SELECT 'sharing', count(*) FROM @extschema@.sharing;
END $$;

COMMENT ON FUNCTION @extschema@.load_demo(integer) IS
  'Loads a demo network into an empty database: two cohorts per collaborative, 40 facilities, two and a half to three years of weekly data per project (mammography positioning rising from about 51 % to 86 % over the course), phases, PDSA annotations, goals, sharing tiers (most facilities share with the network, two per collaborative publicly, one privately), missing, corrected, excluded and deleted weeks. Deterministic for a given seed. Returns the row counts.';

-- like every function of learning_network: no client runs it, only its owner
-- (the installing superuser) and whom they grant it to
REVOKE ALL ON FUNCTION @extschema@.load_demo(integer) FROM PUBLIC;
