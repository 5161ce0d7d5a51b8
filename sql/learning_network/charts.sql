-- charts for the HUB and any client.  The renderers read chart_points as the
-- acting role, so a chart shows exactly what the views show that role; the
-- public chart_svg / chart_json serve them from chart_cache.

CREATE OR REPLACE FUNCTION learning_network_internal.render_chart_svg(project_id integer, measure_id integer,
                                      from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
  -- PL/pgSQL keeps this plan for the session; an SQL function would plan it
  -- on every call.  One series never repays JIT compilation (tens of ms),
  -- which a generous estimate on a big network could otherwise trigger.
  RETURN (
    SELECT spc.chart_svg(cp.week_start,
                         ROW(cp.y, cp.cl, cp.lcl, cp.ucl, cp.sigma, cp.signal,
                             string_to_array(cp.signal_rules, ','), cp.variation)::spc.point,
                         cp.phase_label, cp.annotation, cp.goal,
                         coalesce(cp.facility_name, cp.facility_code) || ': ' || cp.measure_name || ' (' || cp.unit || ')')
    FROM @extschema@.chart_points cp
    WHERE cp.project_id = render_chart_svg.project_id AND cp.measure_id = render_chart_svg.measure_id
      AND (render_chart_svg.from_week IS NULL OR cp.week_start >= render_chart_svg.from_week)
      AND (render_chart_svg.to_week IS NULL OR cp.week_start <= render_chart_svg.to_week));
END $$;

COMMENT ON FUNCTION learning_network_internal.render_chart_svg(integer, integer, date, date) IS
  'Draws the control chart of one project''s measure as a standalone SVG document (phases, limits, zones, signals, goal, annotations), optionally for a period; NULL when there are no weeks.';

CREATE OR REPLACE FUNCTION learning_network_internal.render_chart_json(project_id integer, measure_id integer,
                                       from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
  RETURN (
  WITH points AS (
    SELECT cp.*
    FROM @extschema@.chart_points cp
    WHERE cp.project_id = render_chart_json.project_id AND cp.measure_id = render_chart_json.measure_id
      AND (render_chart_json.from_week IS NULL OR cp.week_start >= render_chart_json.from_week)
      AND (render_chart_json.to_week IS NULL OR cp.week_start <= render_chart_json.to_week)
  ), phases AS (
    SELECT phase_start, min(phase_label) AS label, min(week_start) AS first_week, max(week_start) AS last_week,
           count(*) FILTER (WHERE reported) AS weeks, min(cl) AS cl,
           -- summed in week order: the same chart gives the same bits on every plan
           avg(lcl ORDER BY week_start) AS avg_lcl, avg(ucl ORDER BY week_start) AS avg_ucl,
           count(*) FILTER (WHERE signal) AS signals
    FROM points GROUP BY phase_start
  )
  SELECT CASE WHEN count(*) > 0 THEN jsonb_build_object(
    'project_id', render_chart_json.project_id,
    'project_title', min(p.project_title),
    'facility', coalesce(min(p.facility_name), min(p.facility_code)),
    'measure', (SELECT jsonb_build_object('id', m.measure_id, 'code', m.measure_code, 'name', m.measure_name, 'kind', m.kind,
                                          'chart', m.chart, 'rules', m.rules, 'improvement', m.improvement,
                                          'unit', m.unit, 'multiplier', m.multiplier)
                FROM @extschema@.measures m WHERE m.measure_id = render_chart_json.measure_id),
    'goal', max(p.goal),
    'points', jsonb_agg(jsonb_build_object(
        'week', p.week_start, 'reported', p.reported, 'numerator', p.numerator,
        'denominator', p.denominator, 'value', p.value, 'excluded', p.excluded,
        'y', p.y, 'cl', p.cl, 'lcl', p.lcl, 'ucl', p.ucl,
        'sigma1', jsonb_build_array(p.sigma1_lower, p.sigma1_upper),
        'sigma2', jsonb_build_array(p.sigma2_lower, p.sigma2_upper),
        'phase', p.phase_label, 'signal', p.signal, 'variation', p.variation, 'annotation', p.annotation,
        'signals', coalesce((SELECT jsonb_agg(jsonb_build_object('code', code, 'description', spc.rule_description(code)))
                             FROM unnest(string_to_array(p.signal_rules, ',')) code), '[]'::jsonb))
      ORDER BY p.week_start),
    'phases', (SELECT jsonb_agg(jsonb_build_object('label', ph.label, 'start', ph.first_week, 'end', ph.last_week,
                                                   'weeks', ph.weeks, 'cl', ph.cl, 'avg_lcl', ph.avg_lcl,
                                                   'avg_ucl', ph.avg_ucl, 'signals', ph.signals)
                                ORDER BY ph.first_week) FROM phases ph),
    'annotations', coalesce((SELECT jsonb_agg(jsonb_build_object('week', p2.week_start, 'text', p2.annotation)
                                              ORDER BY p2.week_start)
                             FROM points p2 WHERE p2.annotation IS NOT NULL), '[]'::jsonb))
  END
  FROM points p);
END $$;

COMMENT ON FUNCTION learning_network_internal.render_chart_json(integer, integer, date, date) IS
  'Builds the control chart of one project''s measure as JSON for a chart library: measure, goal, points (values, limits, zones, phase, signals with codes and descriptions, variation, annotation), phases with their summaries, and annotations; NULL when there are no weeks.';

-- A kept chart is fresh while every committed change to its project is
-- visible in the snapshot it was drawn from.  (Changes older than that
-- snapshot's xmin are visible in it by definition.)  PL/pgSQL, so its plan
-- is kept for the session (an SQL function with a subquery is not inlined,
-- and would be planned on every call).
CREATE OR REPLACE FUNCTION learning_network_internal.chart_is_fresh(facility_id integer, project_id integer,
                                                         drawn_in pg_snapshot) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN NOT EXISTS (SELECT 1 FROM @extschema@.chart_change x
                     WHERE x.facility_id = chart_is_fresh.facility_id AND x.project_id = chart_is_fresh.project_id
                       AND x.xact >= pg_catalog.pg_snapshot_xmin(chart_is_fresh.drawn_in)
                       AND NOT pg_catalog.pg_visible_in_snapshot(x.xact, chart_is_fresh.drawn_in));
END $$;
COMMENT ON FUNCTION learning_network_internal.chart_is_fresh(integer, integer, pg_snapshot) IS
  'True while no change to the project committed that the snapshot a kept chart was drawn from cannot see.';

-- A whole-series chart from chart_cache, drawn (and kept) when missing or
-- stale.  Runs as the owner for the acting role: the policies make it draw
-- and read only what that role sees.
CREATE OR REPLACE FUNCTION learning_network_internal.cached_chart(project_id integer, measure_id integer, want text,
                                                       OUT chart_json jsonb, OUT chart_svg text)
LANGUAGE plpgsql VOLATILE AS $$   -- search_path is set by its callers, chart_json and chart_svg; jit by the renderers
DECLARE
  facility integer;
  kind text;
  drawn_in pg_snapshot;
BEGIN
  -- the variant the caller may see, fresh; only the document wanted is read
  SELECT CASE WHEN want = 'json' THEN c.chart_json END, CASE WHEN want = 'svg' THEN c.chart_svg END
  INTO chart_json, chart_svg
  FROM @extschema@.chart_cache c
  WHERE c.project_id = cached_chart.project_id AND c.measure_id = cached_chart.measure_id
    AND c.variant = CASE WHEN c.facility_id = (SELECT learning_network_internal.caller_facility())
                              OR (SELECT learning_network_internal.caller_is_staff()) THEN 'own' ELSE 'network' END
    AND learning_network_internal.chart_is_fresh(c.facility_id, c.project_id, c.drawn_in);
  IF FOUND THEN
    RETURN;
  END IF;
  SELECT p.facility_id INTO facility FROM @extschema@.project p WHERE p.project_id = cached_chart.project_id;
  IF facility IS NULL THEN
    RETURN;                       -- no such project, or one the caller cannot see
  END IF;
  kind := CASE WHEN learning_network_internal.may_write(facility) THEN 'own' ELSE 'network' END;
  -- both documents in one statement: one snapshot, which the row records
  SELECT learning_network_internal.render_chart_json(cached_chart.project_id, cached_chart.measure_id, NULL, NULL),
         learning_network_internal.render_chart_svg(cached_chart.project_id, cached_chart.measure_id, NULL, NULL),
         pg_current_snapshot()
  INTO chart_json, chart_svg, drawn_in;
  -- keep it only from a transaction that has not changed this project (its
  -- uncommitted changes must not be served to others) and may write
  IF chart_json IS NOT NULL AND current_setting('transaction_read_only') = 'off'
     AND NOT EXISTS (SELECT 1 FROM @extschema@.chart_change x
                     WHERE x.facility_id = facility AND x.project_id = cached_chart.project_id
                       AND x.xact = pg_current_xact_id_if_assigned()) THEN
    INSERT INTO @extschema@.chart_cache AS c (facility_id, project_id, measure_id, variant, drawn_in, chart_json, chart_svg)
    VALUES (facility, cached_chart.project_id, cached_chart.measure_id, kind, drawn_in,
            cached_chart.chart_json, cached_chart.chart_svg)
    ON CONFLICT ON CONSTRAINT chart_cache_pkey DO UPDATE
      SET drawn_in = excluded.drawn_in, chart_json = excluded.chart_json, chart_svg = excluded.chart_svg
      WHERE pg_snapshot_xmax(c.drawn_in) <= pg_snapshot_xmax(excluded.drawn_in);
    PERFORM learning_network_internal.forget_chart_changes(facility, cached_chart.project_id);
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.cached_chart(integer, integer, text) IS
  'The whole-series chart (want: json or svg) of a project''s measure as the acting role sees it: from chart_cache when no change committed since it was drawn, else drawn now (both documents) and kept.';

CREATE OR REPLACE FUNCTION @extschema@.chart_svg(project_id integer, measure_id integer,
                                      from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF from_week IS NOT NULL OR to_week IS NOT NULL THEN
    RETURN learning_network_internal.render_chart_svg(project_id, measure_id, from_week, to_week);
  END IF;
  RETURN (learning_network_internal.cached_chart(project_id, measure_id, 'svg')).chart_svg;
END $$;
COMMENT ON FUNCTION @extschema@.chart_svg(integer, integer, date, date) IS
  'The control chart of one project''s measure as a standalone SVG document (phases, limits, zones, signals, goal, annotations), optionally for a period; NULL when there are no weeks (or none the caller may see). Whole series are served from chart_cache while unchanged.';

CREATE OR REPLACE FUNCTION @extschema@.chart_json(project_id integer, measure_id integer,
                                       from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF from_week IS NOT NULL OR to_week IS NOT NULL THEN
    RETURN learning_network_internal.render_chart_json(project_id, measure_id, from_week, to_week);
  END IF;
  RETURN (learning_network_internal.cached_chart(project_id, measure_id, 'json')).chart_json;
END $$;
COMMENT ON FUNCTION @extschema@.chart_json(integer, integer, date, date) IS
  'The control chart of one project''s measure as JSON for a chart library: measure, goal, points (values, limits, zones, phase, signals with codes and descriptions, variation, annotation), phases with their summaries, and annotations; NULL when there are no weeks (or none the caller may see). Whole series are served from chart_cache while unchanged.';

CREATE OR REPLACE FUNCTION @extschema@.element_pareto(project_id integer, measure_id integer,
                                           from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS TABLE (element_measure_id integer, code text, name text, failures bigint, audited bigint,
               failure_share double precision, cumulative_share double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
  RETURN QUERY
  WITH failures AS (
    SELECT e.measure_id, e.measure_code AS code, e.measure_name AS name,
           sum(cp.denominator - cp.numerator)::bigint AS failures, sum(cp.denominator)::bigint AS audited
    FROM @extschema@.measures e
    JOIN @extschema@.chart_points cp ON cp.measure_id = e.measure_id AND cp.project_id = element_pareto.project_id
    WHERE e.parent_measure_id = element_pareto.measure_id AND cp.reported AND NOT cp.excluded
      AND (element_pareto.from_week IS NULL OR cp.week_start >= element_pareto.from_week)
      AND (element_pareto.to_week IS NULL OR cp.week_start <= element_pareto.to_week)
    GROUP BY e.measure_id, e.measure_code, e.measure_name
  )
  SELECT f.measure_id, f.code, f.name, f.failures, f.audited,
         f.failures::double precision / nullif(sum(f.failures) OVER (), 0),
         sum(f.failures) OVER (ORDER BY f.failures DESC, f.code)::double precision / nullif(sum(f.failures) OVER (), 0)
  FROM failures f
  ORDER BY f.failures DESC, f.code;
END $$;

COMMENT ON FUNCTION @extschema@.element_pareto(integer, integer, date, date) IS
  'Pareto of failed criteria: for an overall measure with element (per-criterion) measures, each criterion''s failures over a period, largest first, with its share and the cumulative share of all failures.';
