-- window functions

CREATE OR REPLACE FUNCTION @extschema@.chart(
  chart text,
  x double precision,
  n double precision DEFAULT NULL,
  baseline boolean DEFAULT true,
  exclude boolean DEFAULT false,
  rules text DEFAULT NULL,
  improvement text DEFAULT NULL)
RETURNS @extschema@.point
AS 'MODULE_PATHNAME', 'spc_chart_window'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;  -- not STRICT: NULLs are data (missing weeks), handled per row

COMMENT ON FUNCTION @extschema@.chart(text, double precision, double precision, boolean, boolean, text, text) IS
  'Control chart point of every row: use OVER (PARTITION BY series, phase ORDER BY time); peer rows form one subgroup. chart: run, i (or xmr), mr, xbar, s, r, p, np, c, u, pp, up, g, t, ewma, cusum, bcusum, racusum, with options such as ''i(screen=false)'', ''xbar(method=qcc)'', ''p(freeze=12,multiply=100)'', ''ewma(lambda=0.1)''. n: denominator for p, np, pp, u, up; with run, i and mr, y is sum(x)/sum(n) (mr: moving ranges of those ratios); the predicted risk for racusum. baseline: rows that estimate the limits (false: judged against them; a partition with no baseline row uses all its rows). exclude: shown and tested, not used for the limits. rules: NULL for the default (anhoej for run, ihi otherwise) or presets such as ''ihi,anhoej'' or ''limits''; not for ewma and the CUSUMs. improvement: up, down or neutral. chart, rules and improvement must be the same on every row of a partition.';
