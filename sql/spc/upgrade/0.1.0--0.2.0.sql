-- spc 0.1.0 -> 0.2.0: changes to what the install-only sources create
-- (types).  The rest of the upgrade is every other source, run again.

-- spc.funnel's result type (sql/spc/funnel_types.sql at install)
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
