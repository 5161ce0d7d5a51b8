-- privileges: clients reach the client views and functions of @extschema@,
-- nothing else

-- the write functions run as the owner, so the policies see the acting role;
-- owners are set before the grants, so a fresh install and an upgrade record
-- the same initial privileges (pg_init_privs)
ALTER FUNCTION @extschema@.record_week(integer, integer, date, bigint, double precision, double precision, boolean, text, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.delete_week(integer, integer, date, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.set_phase(integer, date, text, integer, integer, text) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.move_phase(integer, date) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.delete_phase(integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.add_annotation(integer, date, text, text, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.edit_annotation(integer, text) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.remove_annotation(integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.set_goal(integer, integer, double precision, date) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.import_csv(integer, text) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.set_sharing(text, integer, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.prepare_publication(text, integer, date, date, integer, integer, integer, integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.approve_publication(integer, boolean) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.withdraw_publication(integer) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.chart_svg(integer, integer, date, date) OWNER TO learning_network_owner;
ALTER FUNCTION @extschema@.chart_json(integer, integer, date, date) OWNER TO learning_network_owner;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA learning_network_internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.acting_role(), @extschema@.week_start(date), @extschema@.weeks(date, date)
  TO PUBLIC;

GRANT EXECUTE ON FUNCTION @extschema@.chart_renderer() TO learning_network_staff;

GRANT USAGE ON SCHEMA @extschema@
  TO learning_network_member, learning_network_hub, learning_network_bi, learning_network_staff;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA learning_network_internal
  TO learning_network_member, learning_network_hub, learning_network_bi, learning_network_staff, learning_network_owner;
GRANT SELECT ON ALL TABLES IN SCHEMA learning_network_internal
  TO learning_network_member, learning_network_hub, learning_network_bi, learning_network_staff;

GRANT SELECT ON @extschema@.measures, @extschema@.projects, @extschema@.chart_points, @extschema@.series_status, @extschema@.network_weekly,
                @extschema@.facility_comparison, @extschema@.data_completeness, @extschema@.sharing_status,
                @extschema@.publication_status, @extschema@.public_weekly, @extschema@.public_summary
  TO learning_network_member, learning_network_hub, learning_network_bi, learning_network_staff;
GRANT SELECT ON @extschema@.security_audit TO learning_network_staff;
-- the chart functions draw as the owner, through the client views
GRANT SELECT ON @extschema@.chart_points, @extschema@.measures TO learning_network_owner;

GRANT EXECUTE ON FUNCTION
    @extschema@.chart_svg(integer, integer, date, date), @extschema@.chart_json(integer, integer, date, date),
    @extschema@.element_pareto(integer, integer, date, date),
    @extschema@.measure_grid_svg(integer, date, date, text), @extschema@.project_grid_svg(integer, date, date, text),
    @extschema@.record_week(integer, integer, date, bigint, double precision, double precision, boolean, text, integer),
    @extschema@.delete_week(integer, integer, date, integer),
    @extschema@.set_phase(integer, date, text, integer, integer, text), @extschema@.move_phase(integer, date),
    @extschema@.delete_phase(integer), @extschema@.add_annotation(integer, date, text, text, integer),
    @extschema@.edit_annotation(integer, text), @extschema@.remove_annotation(integer),
    @extschema@.set_goal(integer, integer, double precision, date), @extschema@.import_csv(integer, text),
    @extschema@.set_sharing(text, integer, integer), @extschema@.approve_publication(integer, boolean)
  TO learning_network_member, learning_network_hub, learning_network_staff;
GRANT EXECUTE ON FUNCTION @extschema@.create_facility_role(integer),
    @extschema@.prepare_publication(text, integer, date, date, integer, integer, integer, integer),
    @extschema@.withdraw_publication(integer)
  TO learning_network_staff;
