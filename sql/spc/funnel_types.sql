-- types of spc.funnel (install only; the upgrade creates them in upgrade/0.1.0--0.2.0.sql)

CREATE TYPE @extschema@.funnel_point AS (
  y double precision,
  target double precision,
  sigma double precision,
  z double precision,
  z_adjusted double precision,
  lower95 double precision,
  upper95 double precision,
  lower998 double precision,
  upper998 double precision,
  outside95 boolean,
  outside998 boolean,
  phi double precision,
  tau2 double precision,
  adjusted boolean,
  units integer
);
