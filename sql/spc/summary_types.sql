-- types of spc.pareto and spc.series_summary (install only; the upgrade
-- creates them in upgrade/0.1.0--0.2.0.sql)

CREATE TYPE @extschema@.pareto_item AS (
  category text,
  amount double precision,
  share double precision,
  cumulative_share double precision
);

CREATE TYPE @extschema@.series_summary AS (
  n_points integer,
  n_missing integer,
  n_signals integer,
  latest_index integer,
  latest_y double precision,
  latest_cl double precision,
  latest_lcl double precision,
  latest_ucl double precision,
  latest_signal boolean,
  latest_signals text[],
  latest_variation text,
  current_phase text,
  current_phase_signals integer
);
