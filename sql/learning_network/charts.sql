-- charts for the HUB and any client.  The renderers read chart_points as the
-- acting role, so a chart shows exactly what the views show that role; the
-- public chart_svg / chart_json serve them from chart_cache.

-- How the network's charts look: values come multiplied (per cent for
-- proportions), the y axis says the unit, the x axis the weeks.
CREATE OR REPLACE FUNCTION learning_network_internal.chart_style(unit text, extra jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN jsonb_build_object('y_title', CASE WHEN unit = '%' THEN 'Per cent'
                                          ELSE upper(left(unit, 1)) || substr(unit, 2) END,
                          'x_title', 'Week starting', 'percent', unit = '%') || extra;
COMMENT ON FUNCTION learning_network_internal.chart_style(text, jsonb) IS
  'The spc.chart_svg style of the network''s charts for a measure''s unit (y-axis title, per cent), with extra keys.';

-- Both documents from one pass over chart_points: the cache keeps both from
-- one draw (and one plan), and a period's request builds only the one
-- wanted (want: json, svg or both; a document not wanted is NULL and its
-- subquery never runs).  PL/pgSQL keeps the plan for the session, and a
-- generic one from the first call (plan_cache_mode): custom plans of a query
-- over the policies' helpers cost more to make than to run, and the first
-- five calls of a session would make one each.  One series never repays JIT
-- compilation (tens of ms), which a generous estimate on a big network could
-- otherwise trigger.  The JSON's numbers are written exactly (shortest
-- round-trip form) whatever the session's extra_float_digits, so a document
-- depends on the data alone and a kept one is what any session would draw.
CREATE OR REPLACE FUNCTION learning_network_internal.render_chart(project_id integer, measure_id integer,
                                                      from_week date, to_week date, want text,
                                                      OUT chart_json jsonb, OUT chart_svg text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp SET jit = off SET plan_cache_mode = force_generic_plan
SET extra_float_digits = 1 AS $$
BEGIN
  WITH points AS MATERIALIZED (
    SELECT cp.*
    FROM @extschema@.chart_points cp
    WHERE cp.project_id = render_chart.project_id AND cp.measure_id = render_chart.measure_id
      AND (render_chart.from_week IS NULL OR cp.week_start >= render_chart.from_week)
      AND (render_chart.to_week IS NULL OR cp.week_start <= render_chart.to_week)
  ), phases AS (
    SELECT phase_start, min(phase_label) AS label, min(week_start) AS first_week, max(week_start) AS last_week,
           count(*) FILTER (WHERE reported) AS weeks, min(cl) AS cl,
           -- summed in week order: the same chart gives the same bits on every plan
           avg(lcl ORDER BY week_start) AS avg_lcl, avg(ucl ORDER BY week_start) AS avg_ucl,
           count(*) FILTER (WHERE signal) AS signals
    FROM points GROUP BY phase_start
  )
  SELECT
    CASE WHEN want <> 'svg' THEN (
      SELECT CASE WHEN count(*) > 0 THEN jsonb_build_object(
        'project_id', render_chart.project_id,
        'project_title', min(p.project_title),
        'facility', coalesce(min(p.facility_name), min(p.facility_code)),
        -- the measure as the measures view shows it, read one view lower
        'measure', (SELECT jsonb_build_object('id', m.measure_id, 'code', m.code, 'name', m.name, 'kind', m.kind,
                                              'chart', m.chart, 'rules', m.rules, 'improvement', m.improvement,
                                              'unit', m.unit, 'multiplier', m.multiplier)
                    FROM learning_network_internal.measure_visible m WHERE m.measure_id = render_chart.measure_id),
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
      FROM points p) END,
    CASE WHEN want <> 'json' THEN (
      SELECT spc.chart_svg(cp.week_start,
                           ROW(cp.y, cp.cl, cp.lcl, cp.ucl, cp.sigma, cp.signal,
                               string_to_array(cp.signal_rules, ','), cp.variation, NULL)::spc.point,
                           cp.phase_label, cp.annotation, cp.goal,
                           coalesce(cp.facility_name, cp.facility_code) || ': ' || cp.measure_name,
                           -- once per chart, not per week, from the points (their
                           -- measure's unit) rather than another view to plan
                           (SELECT learning_network_internal.chart_style(min(u.unit)) FROM points u))
      FROM points cp) END
  INTO chart_json, chart_svg;
END $$;

COMMENT ON FUNCTION learning_network_internal.render_chart(integer, integer, date, date, text) IS
  'Draws the control chart of one project''s measure, optionally for a period, as JSON and/or SVG (want: json, svg or both) from one pass over chart_points; NULL documents when there are no weeks.';

CREATE OR REPLACE FUNCTION learning_network_internal.render_chart_svg(project_id integer, measure_id integer,
                                      from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS text
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN (learning_network_internal.render_chart(project_id, measure_id, from_week, to_week, 'svg')).chart_svg;

COMMENT ON FUNCTION learning_network_internal.render_chart_svg(integer, integer, date, date) IS
  'Draws the control chart of one project''s measure as a standalone SVG document (phases, limits, zones, signals, goal, annotations), optionally for a period; NULL when there are no weeks.';

CREATE OR REPLACE FUNCTION learning_network_internal.render_chart_json(project_id integer, measure_id integer,
                                       from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN (learning_network_internal.render_chart(project_id, measure_id, from_week, to_week, 'json')).chart_json;

COMMENT ON FUNCTION learning_network_internal.render_chart_json(integer, integer, date, date) IS
  'Builds the control chart of one project''s measure as JSON for a chart library: measure, goal, points (values, limits, zones, phase, signals with codes and descriptions, variation, annotation), phases with their summaries, and annotations; NULL when there are no weeks.';

-- The same whole-series chart drawn, and kept in chart_cache, by the
-- database's renderer (spc's library, src/pg/chart_renderer.c: a long-lived
-- worker that imports the caller's snapshot and takes its acting role), so a
-- new session's miss makes no plans of its own; all NULL when the caller
-- must draw it itself (spc not in shared_preload_libraries, no idle
-- renderer, or a transaction that has written, a subtransaction,
-- serializable isolation, row_security off, a standby).
CREATE OR REPLACE FUNCTION learning_network_internal.render_chart_elsewhere(project_id integer, measure_id integer,
                                                        OUT chart_json jsonb, OUT chart_svg text,
                                                        OUT data_version bigint)
LANGUAGE c VOLATILE PARALLEL UNSAFE AS '$libdir/spc', 'spc_render_chart_elsewhere';
COMMENT ON FUNCTION learning_network_internal.render_chart_elsewhere(integer, integer) IS
  'The whole-series chart of a project''s measure (both documents and the data version) drawn and kept by the database''s chart renderer in the caller''s snapshot and as its acting role; all NULL when the caller must draw it itself.';

CREATE OR REPLACE FUNCTION @extschema@.chart_renderer(OUT pid integer, OUT started_at timestamptz,
                                           OUT charts_drawn bigint)
RETURNS SETOF record
LANGUAGE c VOLATILE PARALLEL RESTRICTED ROWS 1 AS '$libdir/spc', 'spc_chart_renderer_status';
COMMENT ON FUNCTION @extschema@.chart_renderer() IS
  'This database''s chart renderer (the worker that draws charts missing from the cache for new sessions): its process, when it started and how many charts it has drawn; no row when none runs (spc not in shared_preload_libraries, or idle past spc.chart_renderer_idle_timeout).';

-- A whole-series chart from chart_cache.  Runs as the owner for the acting
-- role: the policies make it draw and read only what that role sees.  Fresh
-- means drawn at the project's data version as the reader's own snapshot sees
-- it (chart_data_version), and in the same current week (chart_points leaves
-- out later weeks), so a chart served is the chart a fresh draw in that
-- snapshot would give.  Nothing here waits on another session: the lookup
-- only reads, and a drawn chart is inserted (the table has no unique key to
-- wait on); the commit that makes it stale deletes it (bump_chart_versions).
--
-- The lookup is a SQL function the planner inlines into chart_json and
-- chart_svg, so a hit runs no PL/pgSQL function of its own and a new
-- session's first hit compiles none: chart_data_version is written out for a
-- transaction without an xid (one that has changed nothing: the version row,
-- else 0, exactly what chart_data_version returns for it) and called only by
-- a transaction that may have written.  Of the two documents only the one
-- the caller selects is read.
CREATE OR REPLACE FUNCTION learning_network_internal.kept_chart(project_id integer, measure_id integer)
RETURNS TABLE (chart_json jsonb, chart_svg text)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
  SELECT c.chart_json, c.chart_svg
  FROM @extschema@.chart_cache c
  WHERE c.project_id = kept_chart.project_id AND c.measure_id = kept_chart.measure_id
    AND c.version = CASE WHEN pg_catalog.pg_current_xact_id_if_assigned() IS NULL
                         THEN coalesce((SELECT v.version FROM @extschema@.chart_version v
                                        WHERE v.project_id = kept_chart.project_id), 0)
                         ELSE learning_network_internal.chart_data_version(kept_chart.project_id) END
    AND c.as_of_week = @extschema@.week_start(CURRENT_DATE)
    -- the variant the caller may see (own where it may write, as when it was kept)
    AND c.variant = CASE WHEN learning_network_internal.may_write(c.facility_id) THEN 'own' ELSE 'network' END
  LIMIT 1;
END;
COMMENT ON FUNCTION learning_network_internal.kept_chart(integer, integer) IS
  'The kept whole-series chart of a project''s measure (both documents) that is fresh for the acting role: drawn at the project''s data version its snapshot sees, this week, in the variant it may see; no row when there is none. Inlined into chart_json and chart_svg.';

-- A miss the renderer could not take: the whole-series chart drawn here
-- (both documents, one draw) and kept when the transaction may keep it.
CREATE OR REPLACE FUNCTION learning_network_internal.draw_and_keep_chart(project_id integer, measure_id integer,
                                                              OUT chart_json jsonb, OUT chart_svg text)
LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan
AS $$   -- search_path is set by its callers, chart_json and chart_svg; jit by the renderer
DECLARE
  facility integer;
  kind text;
  data_version bigint;
BEGIN
  SELECT p.facility_id INTO facility FROM @extschema@.project p WHERE p.project_id = draw_and_keep_chart.project_id;
  IF facility IS NULL THEN
    RETURN;                       -- no such project, or one the caller cannot see
  END IF;
  kind := CASE WHEN learning_network_internal.may_write(facility) THEN 'own' ELSE 'network' END;
  -- both documents and the version in one statement: one snapshot
  SELECT d.chart_json, d.chart_svg, learning_network_internal.chart_data_version(draw_and_keep_chart.project_id)
  INTO chart_json, chart_svg, data_version
  FROM learning_network_internal.render_chart(draw_and_keep_chart.project_id, draw_and_keep_chart.measure_id,
                                              NULL, NULL, 'both') d;
  -- kept only from a transaction that may write and has not changed the
  -- project itself (data_version NULL): its uncommitted changes must not be
  -- served to others.  An insert (no unique key) never waits; a serializable
  -- one could still fail another reader's transaction, so none is made.
  IF chart_json IS NOT NULL AND data_version IS NOT NULL AND current_setting('transaction_read_only') = 'off'
     AND current_setting('transaction_isolation') <> 'serializable' THEN
    INSERT INTO @extschema@.chart_cache (project_id, measure_id, variant, version, as_of_week, facility_id,
                                         chart_json, chart_svg)
    VALUES (draw_and_keep_chart.project_id, draw_and_keep_chart.measure_id, kind, data_version,
            @extschema@.week_start(current_date), facility, draw_and_keep_chart.chart_json, draw_and_keep_chart.chart_svg);
  END IF;
END $$;
COMMENT ON FUNCTION learning_network_internal.draw_and_keep_chart(integer, integer) IS
  'Draws the whole-series chart of a project''s measure as the acting role sees it (both documents, one draw) and keeps it in chart_cache when the transaction may (it has not changed the project, is read-write and not serializable); for a miss the chart renderer could not take.';

-- chart_json and chart_svg: a period is drawn (never kept); a whole series
-- is served from chart_cache, else drawn and kept by the database's renderer
-- when it can take it at once (a new session then compiles and plans none
-- of draw_and_keep_chart), else by the session.  Their statements are
-- planned once per session (a generic plan from the first call: custom
-- plans of the lookup, over the policies' helpers, cost more to make than
-- to run).  The two bodies are alike on purpose: a PL/pgSQL function they
-- shared would be one more for every new session to compile.
CREATE OR REPLACE FUNCTION @extschema@.chart_svg(project_id integer, measure_id integer,
                                      from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  doc text;
  drawn_at bigint;   -- the data version the renderer drew at (NULL: not drawn)
BEGIN
  IF from_week IS NOT NULL OR to_week IS NOT NULL THEN
    RETURN learning_network_internal.render_chart_svg(project_id, measure_id, from_week, to_week);
  END IF;
  SELECT k.chart_svg INTO doc FROM learning_network_internal.kept_chart(chart_svg.project_id, chart_svg.measure_id) k;
  IF FOUND THEN
    RETURN doc;
  END IF;
  SELECT e.chart_svg, e.data_version INTO doc, drawn_at
  FROM learning_network_internal.render_chart_elsewhere(chart_svg.project_id, chart_svg.measure_id) e;
  IF drawn_at IS NOT NULL THEN
    RETURN doc;
  END IF;
  RETURN (learning_network_internal.draw_and_keep_chart(project_id, measure_id)).chart_svg;
END $$;
COMMENT ON FUNCTION @extschema@.chart_svg(integer, integer, date, date) IS
  'The control chart of one project''s measure as a standalone SVG document (phases, limits, zones, signals, goal, annotations), optionally for a period; NULL when there are no weeks (or none the caller may see). Whole series are served from chart_cache while unchanged.';

CREATE OR REPLACE FUNCTION @extschema@.chart_json(project_id integer, measure_id integer,
                                       from_week date DEFAULT NULL, to_week date DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  doc jsonb;
  drawn_at bigint;   -- the data version the renderer drew at (NULL: not drawn)
BEGIN
  IF from_week IS NOT NULL OR to_week IS NOT NULL THEN
    RETURN learning_network_internal.render_chart_json(project_id, measure_id, from_week, to_week);
  END IF;
  SELECT k.chart_json INTO doc FROM learning_network_internal.kept_chart(chart_json.project_id, chart_json.measure_id) k;
  IF FOUND THEN
    RETURN doc;
  END IF;
  SELECT e.chart_json, e.data_version INTO doc, drawn_at
  FROM learning_network_internal.render_chart_elsewhere(chart_json.project_id, chart_json.measure_id) e;
  IF drawn_at IS NOT NULL THEN
    RETURN doc;
  END IF;
  RETURN (learning_network_internal.draw_and_keep_chart(project_id, measure_id)).chart_json;
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
  ), pareto AS (
    -- spc.pareto: largest first, ties by code, with shares of all failures
    SELECT p.category, p.share, p.cumulative_share, p.ord
    FROM unnest((SELECT spc.pareto(f.code, f.failures) FROM failures f))
         WITH ORDINALITY p(category, amount, share, cumulative_share, ord)
  )
  SELECT f.measure_id, f.code, f.name, f.failures, f.audited, p.share, p.cumulative_share
  FROM failures f LEFT JOIN pareto p ON p.category = f.code
  ORDER BY p.ord NULLS FIRST, f.code;
END $$;

COMMENT ON FUNCTION @extschema@.element_pareto(integer, integer, date, date) IS
  'Pareto of failed criteria: for an overall measure with element (per-criterion) measures, each criterion''s failures over a period, largest first, with its share and the cumulative share of all failures (spc.pareto over the criteria).';

-- Small multiples: one SVG with a chart per facility (a measure across the
-- network, for staff and for members comparing with their peers) or per
-- measure (a project's overview page in the HUB).  They read chart_points
-- as the caller, so a grid shows exactly the series the caller may see,
-- under the names or pseudonyms the caller may see.
CREATE OR REPLACE FUNCTION @extschema@.measure_grid_svg(measure_id integer, from_week date DEFAULT NULL,
                                             to_week date DEFAULT NULL, y_scale text DEFAULT 'shared')
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
  RETURN (
    SELECT spc.chart_svg_grid(coalesce(cp.facility_name, cp.facility_code), cp.week_start,
                              ROW(cp.y, cp.cl, cp.lcl, cp.ucl, cp.sigma, cp.signal,
                                  string_to_array(cp.signal_rules, ','), cp.variation, NULL)::spc.point,
                              cp.phase_label, cp.annotation, cp.goal, cp.measure_name || ': every facility',
                              learning_network_internal.chart_style(cp.unit, jsonb_build_object('y_scale', y_scale)))
    FROM @extschema@.chart_points cp
    WHERE cp.measure_id = measure_grid_svg.measure_id
      AND (measure_grid_svg.from_week IS NULL OR cp.week_start >= measure_grid_svg.from_week)
      AND (measure_grid_svg.to_week IS NULL OR cp.week_start <= measure_grid_svg.to_week));
END $$;
COMMENT ON FUNCTION @extschema@.measure_grid_svg(integer, date, date, text) IS
  'Small multiples of one measure: a control chart per facility the caller may see (named, or under its pseudonym) in one SVG, with one y scale for all (y_scale shared) or one each (free); NULL when there are no weeks.';

CREATE OR REPLACE FUNCTION @extschema@.project_grid_svg(project_id integer, from_week date DEFAULT NULL,
                                             to_week date DEFAULT NULL, y_scale text DEFAULT 'free')
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
  RETURN (
    SELECT spc.chart_svg_grid(cp.measure_name || ' (' || cp.unit || ')', cp.week_start,
                              ROW(cp.y, cp.cl, cp.lcl, cp.ucl, cp.sigma, cp.signal,
                                  string_to_array(cp.signal_rules, ','), cp.variation, NULL)::spc.point,
                              cp.phase_label, cp.annotation, cp.goal,
                              coalesce(cp.facility_name, cp.facility_code) || ': every measure',
                              jsonb_build_object('x_title', 'Week starting', 'y_scale', y_scale))
    FROM @extschema@.chart_points cp
    WHERE cp.project_id = project_grid_svg.project_id
      AND (project_grid_svg.from_week IS NULL OR cp.week_start >= project_grid_svg.from_week)
      AND (project_grid_svg.to_week IS NULL OR cp.week_start <= project_grid_svg.to_week));
END $$;
COMMENT ON FUNCTION @extschema@.project_grid_svg(integer, date, date, text) IS
  'Small multiples of one project for its overview page: a control chart per measure in one SVG, each with its own y scale (y_scale free, the default: measures differ in unit) or one for all (shared); NULL when there are no weeks or none the caller may see.';
