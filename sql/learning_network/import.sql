-- Bulk import from the network's spreadsheet templates, saved as CSV: a
-- header "week,<code>_num,<code>_den,..." (or "<code>_value") and one line
-- per week.  All or nothing: every line is tried; if any fails, nothing is
-- kept and the report lists every rejected line and why.
CREATE OR REPLACE FUNCTION @extschema@.import_csv(project_id integer, csv text)
RETURNS TABLE (line integer, week_start date, measure_code text, status text, message text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  lines text[] := regexp_split_to_array(trim(both E'\r\n' FROM csv), E'\r?\n');
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
BEGIN
  PERFORM learning_network_internal.writable_project(project_id);
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

  -- the report lives in variables: unlike rows, they survive the rollback
  BEGIN
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
      -- one record per measure named in the header
      FOR code IN SELECT DISTINCT c FROM unnest(measure_codes) c ORDER BY c LOOP
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
          IF num IS NULL AND den IS NULL AND val IS NULL THEN
            CONTINUE;             -- an empty cell group: no data that week
          END IF;
          -- an upload adds weeks; it never overwrites one entered differently
          IF EXISTS (SELECT 1 FROM @extschema@.observation o
                     WHERE o.project_id = import_csv.project_id AND o.measure_id = n AND o.week_start = week
                       AND (o.numerator, o.denominator, o.value) IS DISTINCT FROM (num, den, val)) THEN
            RAISE EXCEPTION 'the week was already entered with other numbers; correct it on its own'
              USING ERRCODE = 'unique_violation';
          END IF;
          PERFORM @extschema@.record_week(import_csv.project_id, n, week, num, den, val);
          report_line := report_line || l; report_week := report_week || week;
          report_code := report_code || code; report_status := report_status || 'ok'::text;
          report_message := report_message || NULL::text;
        EXCEPTION WHEN OTHERS THEN
          report_line := report_line || l; report_week := report_week || week;
          report_code := report_code || code; report_status := report_status || 'rejected'::text;
          report_message := report_message || SQLERRM;
          failures := failures + 1;
        END;
      END LOOP;
    END LOOP;
    IF failures > 0 THEN
      RAISE EXCEPTION 'import rejected' USING ERRCODE = 'P0004';
    END IF;
  EXCEPTION WHEN SQLSTATE 'P0004' THEN
    -- every line of this upload is undone; say so on the accepted ones
    FOR i IN 1 .. coalesce(array_length(report_status, 1), 0) LOOP
      IF report_status[i] = 'ok' THEN
        report_status[i] := 'not imported';
        report_message[i] := 'another line was rejected';
      END IF;
    END LOOP;
  END;
  RETURN QUERY SELECT * FROM unnest(report_line, report_week, report_code, report_status, report_message);
END $$;
COMMENT ON FUNCTION @extschema@.import_csv(integer, text) IS
  'Import weeks for a project from CSV text (header: week, then <measure code>_num / _den / _value columns, as the network''s spreadsheet templates). All or nothing: if any line is rejected, nothing is imported. A week already entered with the same numbers is accepted as is; with other numbers it is rejected (corrections go through record_week). Returns one report row per line and measure: ok, rejected (with the reason) or not imported.';
