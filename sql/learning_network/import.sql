-- Bulk import from the network's spreadsheet templates, saved as CSV: a
-- header "week,<code>_num,<code>_den,..." (or "<code>_value") and one line
-- per week.  All or nothing: every line is tried; if any fails, nothing is
-- kept and the report lists every rejected line and why.
CREATE OR REPLACE FUNCTION @extschema@.import_csv(project_id integer, csv text)
RETURNS TABLE (line integer, week_start date, measure_code text, status text, message text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  lines text[];
  header text[];
  fields text[];
  measure_ids integer[] := '{}';
  measure_codes text[] := '{}';
  roles text[] := '{}';
  week date;
  code text;
  n integer;
  failures integer := 0;
  report_line integer[] := '{}';
  report_week date[] := '{}';
  report_code text[] := '{}';
  report_status text[] := '{}';
  report_message text[] := '{}';
  codes text[];
  facility integer;
  rec_line integer[] := '{}';
  rec_week date[] := '{}';
  rec_code text[] := '{}';
  rec_measure integer[] := '{}';
  rec_num bigint[] := '{}';
  rec_den double precision[] := '{}';
  rec_val double precision[] := '{}';
  conflicting boolean[];
  bulk_error text;
BEGIN
  facility := learning_network_internal.writable_project(project_id);
  -- a size limit, checked before anything is parsed
  IF octet_length(csv) > 16777216 THEN
    RAISE EXCEPTION 'the CSV is too large: % bytes', octet_length(csv)
      USING ERRCODE = 'program_limit_exceeded', COLUMN = 'csv',
            HINT = 'An upload holds at most 100,000 weeks (lines after the header) and 16 MB; split it.';
  END IF;
  lines := regexp_split_to_array(trim(both E'\r\n' FROM csv), E'\r?\n');
  IF array_length(lines, 1) > 100001 THEN
    RAISE EXCEPTION 'the CSV is too large: % lines', array_length(lines, 1)
      USING ERRCODE = 'program_limit_exceeded', COLUMN = 'csv',
            HINT = 'An upload holds at most 100,000 weeks (lines after the header) and 16 MB; split it.';
  END IF;
  IF csv IS NULL OR array_length(lines, 1) IS NULL OR array_length(lines, 1) < 2 THEN
    RAISE EXCEPTION 'the CSV needs a header line and at least one week'
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'csv';
  END IF;
  header := string_to_array(lower(replace(lines[1], ' ', '')), ',');
  IF header[1] IS DISTINCT FROM 'week' THEN
    RAISE EXCEPTION 'the first column of the header must be week, not %', coalesce(header[1], 'nothing')
      USING ERRCODE = 'invalid_parameter_value', COLUMN = 'csv';
  END IF;
  -- each further column: <measure code>_num, _den or _value of the project's collaborative
  FOR i IN 2 .. coalesce(array_length(header, 1), 1) LOOP
    SELECT m.measure_id INTO n FROM @extschema@.measure m JOIN @extschema@.project p USING (collaborative_id)
    WHERE p.project_id = import_csv.project_id AND lower(m.code) = regexp_replace(header[i], '_(num|den|value)$', '');
    IF n IS NULL OR header[i] !~ '_(num|den|value)$' THEN
      RAISE EXCEPTION 'column % of the header, %, is not <measure code>_num, _den or _value of a measure of the project',
          i, header[i]
        USING ERRCODE = 'invalid_parameter_value', COLUMN = 'csv';
    END IF;
    measure_ids := measure_ids || n;
    measure_codes := measure_codes || upper(regexp_replace(header[i], '_(num|den|value)$', ''));
    roles := roles || substring(header[i] FROM '_(num|den|value)$');
  END LOOP;
  SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}') INTO codes FROM unnest(measure_codes) c;

  -- 1. parse every line into records (one per line and measure).  Casting
  -- a field that is not a number raises, so each line is parsed in a
  -- subtransaction; these write nothing, so they stay cheap.
  FOR l IN 2 .. array_length(lines, 1) LOOP
    CONTINUE WHEN trim(lines[l]) = '';
    fields := string_to_array(lines[l], ',');
    BEGIN
      week := trim(fields[1])::date;
    EXCEPTION WHEN OTHERS THEN
      report_line := report_line || l; report_week := report_week || NULL::date;
      report_code := report_code || NULL::text; report_status := report_status || 'rejected'::text;
      report_message := report_message || format('week %L is not a date', fields[1]);
      failures := failures + 1;
      CONTINUE;
    END;
    FOREACH code IN ARRAY codes LOOP
      DECLARE
        num bigint;
        den double precision;
        val double precision;
      BEGIN
        FOR i IN 1 .. array_length(measure_codes, 1) LOOP
          CONTINUE WHEN measure_codes[i] <> code;
          CASE roles[i]
            WHEN 'num' THEN num := nullif(trim(fields[i + 1]), '')::bigint;
            WHEN 'den' THEN den := nullif(trim(fields[i + 1]), '')::double precision;
            ELSE val := nullif(trim(fields[i + 1]), '')::double precision;
          END CASE;
          n := measure_ids[i];
        END LOOP;
        CONTINUE WHEN num IS NULL AND den IS NULL AND val IS NULL;   -- an empty cell group: no data that week
        rec_line := rec_line || l; rec_week := rec_week || week; rec_code := rec_code || code;
        rec_measure := rec_measure || n; rec_num := rec_num || num; rec_den := rec_den || den;
        rec_val := rec_val || val;
      EXCEPTION WHEN OTHERS THEN
        report_line := report_line || l; report_week := report_week || week;
        report_code := report_code || code; report_status := report_status || 'rejected'::text;
        report_message := report_message || SQLERRM;
        failures := failures + 1;
      END;
    END LOOP;
  END LOOP;

  -- 2. an upload adds weeks; it never overwrites one entered differently,
  -- before or earlier in the same upload (one set-based pass)
  SELECT coalesce(array_agg(r.first_numbers IS DISTINCT FROM ROW(r.num, r.den, r.val)::text
                            OR EXISTS (SELECT 1 FROM @extschema@.observation o
                                       WHERE o.project_id = import_csv.project_id AND o.measure_id = r.measure_id
                                         AND o.week_start = r.week_start
                                         AND (o.numerator, o.denominator, o.value)
                                             IS DISTINCT FROM (r.num, r.den, r.val))
                            ORDER BY r.ord), '{}')
  INTO conflicting
  FROM (SELECT u.ord, u.measure_id, u.week_start, u.num, u.den, u.val,
               first_value(ROW(u.num, u.den, u.val)::text)
                 OVER (PARTITION BY u.measure_id, u.week_start ORDER BY u.ord) AS first_numbers
        FROM unnest(rec_measure, rec_week, rec_num, rec_den, rec_val) WITH ORDINALITY
               AS u(measure_id, week_start, num, den, val, ord)) r;
  failures := failures + (SELECT count(*) FROM unnest(conflicting) c WHERE c);

  -- 3. no line rejected so far: enter the new weeks in one statement (the
  -- triggers check and audit each row as record_week's insert would)
  IF failures = 0 THEN
    BEGIN
      INSERT INTO @extschema@.observation (facility_id, project_id, measure_id, week_start, numerator,
                                           denominator, value, excluded, note)
      SELECT DISTINCT ON (u.measure_id, u.week_start)
             facility, import_csv.project_id, u.measure_id, u.week_start, u.num, u.den, u.val, false, NULL
      FROM unnest(rec_measure, rec_week, rec_num, rec_den, rec_val) WITH ORDINALITY
             AS u(measure_id, week_start, num, den, val, ord)
      WHERE NOT EXISTS (SELECT 1 FROM @extschema@.observation o
                        WHERE o.project_id = import_csv.project_id AND o.measure_id = u.measure_id
                          AND o.week_start = u.week_start)
      ORDER BY u.measure_id, u.week_start, u.ord;
      RETURN QUERY
        SELECT u.line, u.week_start, u.code, 'ok'::text, NULL::text
        FROM unnest(rec_line, rec_week, rec_code) AS u(line, week_start, code)
        ORDER BY 1, 3;
      RETURN;
    EXCEPTION WHEN OTHERS THEN
      bulk_error := SQLERRM;    -- some record is refused: find which, below
    END;
  END IF;

  -- 4. the upload is rejected: say why for every record.  Each is tried on
  -- its own with record_week, in a subtransaction that is always undone.
  FOR i IN 1 .. coalesce(array_length(rec_line, 1), 0) LOOP
    report_line := report_line || rec_line[i]; report_week := report_week || rec_week[i];
    report_code := report_code || rec_code[i];
    IF conflicting[i] THEN
      report_status := report_status || 'rejected'::text;
      report_message := report_message || 'the week was already entered with other numbers; correct it on its own'::text;
      CONTINUE;
    END IF;
    BEGIN
      PERFORM @extschema@.record_week(import_csv.project_id, rec_measure[i], rec_week[i], rec_num[i], rec_den[i],
                                      rec_val[i]);
      RAISE EXCEPTION USING ERRCODE = 'P0004';          -- fits: undo it, report it as not imported
    EXCEPTION
      WHEN SQLSTATE 'P0004' THEN
        report_status := report_status || 'not imported'::text;
        report_message := report_message || 'another line was rejected'::text;
      WHEN OTHERS THEN
        report_status := report_status || 'rejected'::text;
        report_message := report_message || SQLERRM;
        failures := failures + 1;
    END;
  END LOOP;
  IF failures = 0 THEN
    -- every record fits on its own, yet together they were refused
    RAISE EXCEPTION 'import rejected: %', bulk_error USING ERRCODE = 'check_violation', COLUMN = 'csv';
  END IF;
  RETURN QUERY SELECT * FROM unnest(report_line, report_week, report_code, report_status, report_message)
               ORDER BY 1, 3 NULLS FIRST;
END $$;
COMMENT ON FUNCTION @extschema@.import_csv(integer, text) IS
  'Import weeks for a project from CSV text (header: week, then <measure code>_num / _den / _value columns, as the network''s spreadsheet templates). All or nothing: if any line is rejected, nothing is imported. A week already entered with the same numbers is accepted as is; with other numbers it is rejected (corrections go through record_week). Returns one report row per line and measure: ok, rejected (with the reason) or not imported.';
