-- Benchmark harness: deterministic data and a timer that runs a query
-- server-side several times and reports the median and the backend's peak
-- resident memory.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS spc;

-- series x 156 weeks of audits: per-series level, weekly binomial-like noise
-- from a hash (deterministic, no random()).
CREATE FUNCTION pg_temp.make_data(series_count int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DROP TABLE IF EXISTS bench_obs;
  CREATE UNLOGGED TABLE bench_obs (series int, week int, num int, den int, y double precision);
  INSERT INTO bench_obs
  SELECT s, w, num, den, num::double precision / den
  FROM generate_series(1, series_count) s,
       generate_series(1, 156) w,
       LATERAL (SELECT 30 + abs(hashint8(s::bigint * 1000 + w)) % 40 AS den,
                       0.5 + (abs(hashint4(s)) % 300) / 1000.0
                         + CASE WHEN w > 100 THEN 0.1 ELSE 0 END AS level) d,
       LATERAL (SELECT least(den, greatest(0, round(den * level
                  + ((abs(hashint8(s::bigint * 7919 + w)) % 1000) / 1000.0 - 0.5) * 8)))::int AS num) n
  ORDER BY s, w;
  CREATE INDEX ON bench_obs (series, week);
  ANALYZE bench_obs;
END $$;

-- Median milliseconds of `runs` executions of `query`, and the backend's peak
-- resident set (VmHWM) afterwards.
CREATE FUNCTION pg_temp.time_query(query text, runs int, OUT median_ms double precision, OUT peak_mb double precision)
LANGUAGE plpgsql AS $$
DECLARE
  times double precision[] := '{}';
  started timestamptz;
BEGIN
  FOR i IN 1 .. runs LOOP
    started := clock_timestamp();
    EXECUTE query;
    times := times || extract(epoch FROM clock_timestamp() - started) * 1000;
  END LOOP;
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) INTO median_ms FROM unnest(times) t;
  SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s+(\d+) kB')::double precision / 1024
    INTO peak_mb;
END $$;
