-- helpers

-- Who is acting: the role the session acts as, set by SET ROLE (which only
-- a member of that role can do), else the login.  Outside SECURITY DEFINER
-- functions that is current_user; inside this extension's, whose
-- current_user is their owner, it is still their caller.  (Inside another
-- owner's SECURITY DEFINER function it is the caller too, so such a function
-- never sees more through these views than its caller could.)  A setting
-- read, no catalog lookup: policies call it on every query.
CREATE OR REPLACE FUNCTION @extschema@.acting_role() RETURNS name
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user)::name;

COMMENT ON FUNCTION @extschema@.acting_role() IS
  'The role the session acts as (SET ROLE, else the login): current_user, and inside SECURITY DEFINER functions their caller. Row-level security and the audit columns (entered_by, changed_by, set_by, granted_by) use it.';

CREATE OR REPLACE FUNCTION @extschema@.week_start(d date) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN d - extract(dow FROM d)::integer;

COMMENT ON FUNCTION @extschema@.week_start(date) IS
  'The Sunday that starts the network week (Sunday to Saturday) containing d.';

-- The Sundays from first_week to last_week.  A function rather than an inline
-- generate_series: its ROWS estimate (about three years of weeks) keeps the
-- planner's cost of a one-series chart low enough not to trigger JIT
-- compilation, which would cost more than the whole query.
CREATE OR REPLACE FUNCTION @extschema@.weeks(first_week date, last_week date) RETURNS SETOF date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 160
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY SELECT first_week + 7 * k FROM generate_series(0, (last_week - first_week) / 7) k;
END $$;

COMMENT ON FUNCTION @extschema@.weeks(date, date) IS
  'The weeks (Sundays, 7 days apart) from first_week to last_week: the grid of chart_points.';
