-- demo/strip.sql: pg_temp.strip(), a text rendering of one chart point for
-- the demos: ":" the limits, "|" the centre line, "o" the value, "X" a signal.
CREATE FUNCTION pg_temp.strip(y float8, cl float8, lcl float8, ucl float8, sig boolean,
                              lo float8, hi float8, width int DEFAULT 48) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line char[] := array_fill(' '::char, ARRAY[width]);
  pos int;
BEGIN
  FOREACH pos IN ARRAY ARRAY[
      round((lcl - lo) / (hi - lo) * (width - 1))::int,
      round((ucl - lo) / (hi - lo) * (width - 1))::int] LOOP
    IF pos BETWEEN 0 AND width - 1 THEN line[pos + 1] := ':'; END IF;
  END LOOP;
  pos := round((cl - lo) / (hi - lo) * (width - 1))::int;
  IF pos BETWEEN 0 AND width - 1 THEN line[pos + 1] := '|'; END IF;
  pos := round((y - lo) / (hi - lo) * (width - 1))::int;
  IF pos BETWEEN 0 AND width - 1 THEN line[pos + 1] := CASE WHEN sig THEN 'X' ELSE 'o' END; END IF;
  RETURN array_to_string(line, '');
END $$;
