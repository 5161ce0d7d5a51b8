-- Summaries an analyst builds on their own tables: a Pareto of categories
-- (spc.pareto) and where a series stands now (spc.series_summary over
-- spc.chart's points).  learning_network's element_pareto and series_status
-- are built on them.

-- ------------------------------------------------------------------ Pareto
-- State: a jsonb object category -> summed amount (one key per category, so
-- a step costs the number of categories, which a Pareto keeps small).

CREATE OR REPLACE FUNCTION @extschema@.pareto_step(state jsonb, category text, amount double precision)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF category IS NULL OR amount IS NULL THEN
    RETURN state;
  END IF;
  IF amount < 0 OR amount = 'Infinity'::float8 OR amount = 'NaN'::float8 THEN
    RAISE EXCEPTION 'argument amount of spc.pareto must be a finite number >= 0, not %', amount
      USING ERRCODE = '22023', DETAIL = format('category %L', category),
            HINT = 'A Pareto adds up counts or costs per category; leave out or correct negative and non-finite amounts.';
  END IF;
  RETURN jsonb_set(state, ARRAY[category],
                   to_jsonb(coalesce((state ->> category)::float8, 0) + amount));
END $$;

CREATE OR REPLACE FUNCTION @extschema@.pareto_combine(a jsonb, b jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, pg_temp
RETURN (SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb)
        FROM (SELECT k, sum(v::float8) AS v
              FROM (SELECT key, value FROM jsonb_each_text(a)
                    UNION ALL SELECT key, value FROM jsonb_each_text(b)) e(k, v)
              GROUP BY k) s);

CREATE OR REPLACE FUNCTION @extschema@.pareto_final(state jsonb)
RETURNS @extschema@.pareto_item[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT coalesce(array_agg(ROW(category, amount, amount / nullif(total, 0),
                                      running / nullif(total, 0))::@extschema@.pareto_item
                                  ORDER BY amount DESC, category), '{}')
        FROM (SELECT key AS category, value::float8 AS amount,
                     sum(value::float8) OVER () AS total,
                     sum(value::float8) OVER (ORDER BY value::float8 DESC, key
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
              FROM jsonb_each_text(coalesce(state, '{}'::jsonb))) s);

CREATE OR REPLACE AGGREGATE @extschema@.pareto(category text, amount double precision) (
  SFUNC = @extschema@.pareto_step,
  STYPE = jsonb,
  INITCOND = '{}',
  COMBINEFUNC = @extschema@.pareto_combine,
  FINALFUNC = @extschema@.pareto_final,
  PARALLEL = SAFE
);

COMMENT ON FUNCTION @extschema@.pareto_step(jsonb, text, double precision) IS
  'State step of spc.pareto: adds amount to its category. Raises 22023 for a negative or non-finite amount.';
COMMENT ON FUNCTION @extschema@.pareto_combine(jsonb, jsonb) IS
  'Combine function of spc.pareto (parallel and partial aggregation): sums two states category by category.';
COMMENT ON FUNCTION @extschema@.pareto_final(jsonb) IS
  'Final function of spc.pareto: the categories largest first (ties by category), with share and cumulative share.';
COMMENT ON AGGREGATE @extschema@.pareto(text, double precision) IS
  'Pareto of categories: sums amount (e.g. 1 per incident, or a count of failures) per category and returns spc.pareto_item[], largest first (ties by category), each with its share of the total and the cumulative share. Rows with a NULL category or amount are skipped; shares are NULL when the total is 0. Use unnest() to get rows.';
COMMENT ON TYPE @extschema@.pareto_item IS 'One category of a Pareto (spc.pareto).';
COMMENT ON COLUMN @extschema@.pareto_item.category IS 'The category.';
COMMENT ON COLUMN @extschema@.pareto_item.amount IS 'Sum of the category''s amounts.';
COMMENT ON COLUMN @extschema@.pareto_item.share IS 'amount / total of all categories (NULL when the total is 0).';
COMMENT ON COLUMN @extschema@.pareto_item.cumulative_share IS 'Share of this category and every one before it in the Pareto order (NULL when the total is 0).';

-- ----------------------------------------------------------- series status
-- In C (src/pg/series_summary.c): the state is a few counters and a copy of
-- the latest point, read once per row of every series.

CREATE OR REPLACE FUNCTION @extschema@.series_summary_step(state internal, point @extschema@.point, phase text)
RETURNS internal
AS 'MODULE_PATHNAME', 'spc_series_summary_step'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.series_summary_step(state internal, point @extschema@.point)
RETURNS internal
AS 'MODULE_PATHNAME', 'spc_series_summary_step_nophase'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.series_summary_final(state internal)
RETURNS @extschema@.series_summary
AS 'MODULE_PATHNAME', 'spc_series_summary_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE AGGREGATE @extschema@.series_summary(point @extschema@.point, phase text) (
  SFUNC = @extschema@.series_summary_step,
  STYPE = internal,
  FINALFUNC = @extschema@.series_summary_final,
  FINALFUNC_MODIFY = READ_ONLY,
  PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE @extschema@.series_summary(point @extschema@.point) (
  SFUNC = @extschema@.series_summary_step,
  STYPE = internal,
  FINALFUNC = @extschema@.series_summary_final,
  FINALFUNC_MODIFY = READ_ONLY,
  PARALLEL = SAFE
);

COMMENT ON FUNCTION @extschema@.series_summary_step(internal, @extschema@.point, text) IS
  'State step of spc.series_summary: counts the point and remembers the latest present one and its phase''s signals.';
COMMENT ON FUNCTION @extschema@.series_summary_step(internal, @extschema@.point) IS
  'State step of spc.series_summary(point): one phase.';
COMMENT ON FUNCTION @extschema@.series_summary_final(internal) IS
  'Final function of spc.series_summary (does not modify its state: usable as a window aggregate).';
COMMENT ON AGGREGATE @extschema@.series_summary(@extschema@.point, text) IS
  'Where a series stands now, from spc.chart''s points in time order: spc.series_summary(c, phase ORDER BY t) over one series (GROUP BY the series). Counts points, missing points and signals, and gives the latest present point (a value, or invalid data) with its limits, signals and variation, its phase and the signals in that phase. Without ORDER BY the order is undefined.';
COMMENT ON AGGREGATE @extschema@.series_summary(@extschema@.point) IS
  'spc.series_summary without phases: the whole series is one phase.';
COMMENT ON TYPE @extschema@.series_summary IS 'Where a series stands now (spc.series_summary).';
COMMENT ON COLUMN @extschema@.series_summary.n_points IS 'Points (rows) in the series.';
COMMENT ON COLUMN @extschema@.series_summary.n_missing IS 'Points without a value that are not invalid data (missing weeks).';
COMMENT ON COLUMN @extschema@.series_summary.n_signals IS 'Points that signal.';
COMMENT ON COLUMN @extschema@.series_summary.latest_index IS 'Position (1-based, in the aggregate''s order) of the latest present point; the last point when none is present.';
COMMENT ON COLUMN @extschema@.series_summary.latest_y IS 'y of the latest present point.';
COMMENT ON COLUMN @extschema@.series_summary.latest_cl IS 'Centre line at the latest present point.';
COMMENT ON COLUMN @extschema@.series_summary.latest_lcl IS 'Lower limit at the latest present point.';
COMMENT ON COLUMN @extschema@.series_summary.latest_ucl IS 'Upper limit at the latest present point.';
COMMENT ON COLUMN @extschema@.series_summary.latest_signal IS 'The latest present point signals.';
COMMENT ON COLUMN @extschema@.series_summary.latest_signals IS 'Rule codes of the latest present point.';
COMMENT ON COLUMN @extschema@.series_summary.latest_variation IS 'Variation of the latest present point (improvement, concern, common_cause...).';
COMMENT ON COLUMN @extschema@.series_summary.current_phase IS 'Phase of the latest present point (the phase argument; NULL without it).';
COMMENT ON COLUMN @extschema@.series_summary.current_phase_signals IS 'Signalling points in that phase.';
