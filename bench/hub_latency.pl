#!/usr/bin/perl
# make bench-hub: latency of the HUB's chart requests on the demo network
# (one 146 to 156-week series of a cohort-1 project, at random), each timed on
# the client around the whole request as a facility makes it: SET ROLE, the
# chart, RESET ROLE (three statements, three round trips).  One client, one
# request at a time, so the figures are the request's own cost.  Compared
# with a plain SELECT of the same rows (one statement, no role).
#   cached:             the chart was kept; served from chart_cache
#   cached, new session: the same, the first request of a new session
#   redraw, warm:       after a write to the project, in a session that has
#                       drawn charts before
#   redraw, new session: after a write, the first request of a new session
# With spc preloaded (as make bench-hub runs it) redraws are drawn by the
# chart renderer; the two redraws are then measured again with the renderer
# off (spc.chart_renderer_idle_timeout = 0), each session drawing its own.
# Runs inside pg_virtualenv (bench/hub_latency.sh).  Knobs: HUB_REQUESTS
# (400; new sessions: a quarter of it); make bench-hub HUB_PRELOAD=0 starts
# the server without shared_preload_libraries = 'plpgsql,spc' (the header
# says which it ran with).
use strict;
use warnings;
use DBI;
use Time::HiRes qw(time);

my $n = $ENV{HUB_REQUESTS} // 400;
my $db = 'hub_bench';
sub connect_db {
	my $dbh = DBI->connect("dbi:Pg:dbname=$_[0]", '', '', { AutoCommit => 1, RaiseError => 1, PrintError => 0 });
	$dbh->do("SET client_min_messages = warning");
	return $dbh;
}
{
	my $admin = connect_db('postgres');
	$admin->do("DROP DATABASE IF EXISTS $db");
	$admin->do("CREATE DATABASE $db");
	$admin->disconnect;
}
my $main = connect_db($db);
$main->do(<<'SQL');
CREATE EXTENSION learning_network_demo CASCADE;
SELECT count(*) FROM learning_network.load_demo();
CREATE TABLE bench_series AS
SELECT o.project_id, o.measure_id, p.facility_id, count(*) AS weeks, max(o.week_start) AS last_week
FROM learning_network.observation o
JOIN learning_network.measure m ON m.measure_id = o.measure_id AND m.parent_measure_id IS NULL AND m.kind = 'proportion'
JOIN learning_network.project p ON p.project_id = o.project_id
JOIN learning_network.cohort c ON c.cohort_id = p.cohort_id AND c.name = 'Cohort 1'
GROUP BY o.project_id, o.measure_id, p.facility_id;
SELECT count(learning_network.create_facility_role(facility_id)) FROM bench_series;
ANALYZE;
SQL
my @series = @{ $main->selectall_arrayref(
	"SELECT b.project_id, b.measure_id, f.role_name, b.weeks, b.last_week, b.facility_id FROM bench_series b
	 JOIN learning_network.facility f USING (facility_id) ORDER BY b.project_id") };
srand(14);

sub pick { return $series[int(rand(@series))]; }
sub write_to {
	my ($s) = @_;
	$main->do("UPDATE learning_network.observation SET note = 'bench ' || clock_timestamp()
	           WHERE facility_id = $s->[5] AND project_id = $s->[0] AND measure_id = $s->[1]
	             AND week_start = '$s->[4]'");
}
sub as_facility {
	my ($dbh, $s, $fn) = @_;
	my $t = time;
	$dbh->do("SET ROLE $s->[2]");
	my ($doc) = $dbh->selectrow_array("SELECT learning_network.$fn($s->[0], $s->[1])");
	$dbh->do("RESET ROLE");
	die "no chart for $s->[0]/$s->[1]\n" unless defined $doc;
	return (time - $t) * 1000;
}
sub percentile {
	my ($p, @v) = @_;
	@v = sort { $a <=> $b } @v;
	return $v[int($#v * $p + 0.5)];
}

my (%lat, @order);
sub measure { my ($name, @v) = @_; $lat{$name} = \@v; push @order, $name; }

# plain select of the rows
measure('plain SELECT of the rows (1 statement)', map {
	my $s = pick();
	my $t = time;
	$main->selectall_arrayref("SELECT o.* FROM learning_network.observation o
	                           WHERE o.facility_id = $s->[5] AND o.project_id = $s->[0] AND o.measure_id = $s->[1]");
	(time - $t) * 1000;
} 1 .. $n);

# kept charts: draw every series once, then serve
my $warm = connect_db($db);
as_facility($warm, $_, 'chart_json') for @series;
for my $fn (qw(chart_json chart_svg)) {
	measure("cached $fn as a facility", map { as_facility($warm, pick(), $fn) } 1 .. $n);
}

# a new session's first request: a new connection (not timed), the request
sub first_request {
	my ($s) = @_;
	my $fresh = connect_db($db);
	my $ms = as_facility($fresh, $s, 'chart_json');
	$fresh->disconnect;
	return $ms;
}

# kept charts served to new sessions: the first request finds its chart kept
measure('cached chart_json, new session', map { first_request(pick()) } 1 .. int($n / 4));

# redraws in a warm session: a write (not timed), then the request
as_facility($warm, $_, 'chart_json'), write_to($_) for @series[0 .. 9];
measure('redraw after a write, warm session', map {
	my $s = pick();
	write_to($s);
	as_facility($warm, $s, 'chart_json');
} 1 .. $n);

# redraws in a new session: a write, a new connection (neither timed), the
# session's first request
sub new_session_redraws {
	return map { my $s = pick(); write_to($s); first_request($s) } 1 .. int($n / 4);
}
measure('redraw after a write, new session', new_session_redraws());

# the same two redraws with the chart renderer off (each session draws its
# own misses, as without spc in shared_preload_libraries); then on again
my ($renderer) = $main->selectrow_array("SELECT count(*) FROM learning_network.chart_renderer()");
sub renderer_setting {
	$main->do("ALTER SYSTEM $_[0]");
	$main->do("SELECT pg_reload_conf()");
	sleep 2;                # every process has the reload (a worker leaves at its next wake-up, 1 s)
}
if ($renderer) {
	renderer_setting('SET spc.chart_renderer_idle_timeout = 0');
	$warm->do('SELECT 1');  # the reload reaches the session
	measure('  the same, drawn by the session: warm', map {
		my $s = pick();
		write_to($s);
		as_facility($warm, $s, 'chart_json');
	} 1 .. $n);
	measure('  the same, drawn by the session: new', new_session_redraws());
	renderer_setting('RESET spc.chart_renderer_idle_timeout');
	# a miss launches the worker again; wait until it has warmed up
	my $s = pick();
	write_to($s);
	first_request($s);
	for (1 .. 100) {
		last if $main->selectrow_array("SELECT count(*) FROM learning_network.chart_renderer()");
		select(undef, undef, undef, 0.1);
	}
}
$warm->disconnect;

# Where a new session's redraw goes: the same request (a write, a new
# connection, the first request), after warming in that session, untimed,
# successively more of what its first redraw must load and plan; each layer's
# cost is the drop from the row above.  Nothing warmed reads or keeps a
# whole-series chart (the last layer draws a one-week period, which is never
# kept), so the request stays a miss doing the same work.  CPU is the backend's own
# (/proc/<pid>/schedstat, where there is one), free of the client and of
# other load; wall is timed on the client as above.
my @layers = (
	['nothing (the redraw in a new session)', sub { }],
	['+ libraries loaded (spc, PL/pgSQL)', sub { $_[0]->do("LOAD 'spc'"); $_[0]->do('DO $$BEGIN END$$'); }],
	# the helpers a facility's own chart runs (the peers' series are not
	# looked up: the policies' first tests already let its rows through)
	['+ access helpers run (policies\' functions)', sub {
		my ($dbh, $s) = @_;
		$dbh->selectrow_array("SELECT learning_network_internal.caller_visible_facilities(),
		    learning_network_internal.caller_facility(), learning_network_internal.caller_writing_facility(),
		    learning_network_internal.caller_is_staff(), learning_network_internal.chart_data_version($s->[0])");
	}],
	['+ chart_points planned once as the facility', sub {
		my ($dbh, $s) = @_;
		$dbh->do("SET ROLE $s->[2]");
		$dbh->selectall_arrayref("EXPLAIN SELECT * FROM learning_network.chart_points
		                          WHERE project_id = $s->[0] AND measure_id = $s->[1]");
		$dbh->do('RESET ROLE');
	}],
	['+ the renderer planned (a one-week period drawn)', sub {
		my ($dbh, $s) = @_;
		$dbh->do("SET ROLE $s->[2]");
		$dbh->selectrow_array("SELECT learning_network.chart_json($s->[0], $s->[1], '$s->[4]', '$s->[4]')");
		$dbh->do('RESET ROLE');
	}],
);
sub backend_cpu_ms {
	open(my $f, '<', "/proc/$_[0]/schedstat") or return undef;
	my ($ns) = split ' ', scalar <$f>;
	return $ns / 1e6;
}
my $per_layer = int($n / 8) || 1;
my (@breakdown, @warm_cpu);
for my $i (0 .. $#layers) {
	my (@wall, @cpu);
	for (1 .. $per_layer) {
		my $s = pick();
		write_to($s);
		my $fresh = connect_db($db);
		$layers[$_][1]->($fresh, $s) for 0 .. $i;
		my $c0 = backend_cpu_ms($fresh->{pg_pid});
		push @wall, as_facility($fresh, $s, 'chart_json');
		push @cpu, backend_cpu_ms($fresh->{pg_pid}) - $c0 if defined $c0;
		if ($i == 0) {          # the same session's second redraw: warm
			write_to($s);
			my $c1 = backend_cpu_ms($fresh->{pg_pid});
			as_facility($fresh, $s, 'chart_json');
			push @warm_cpu, backend_cpu_ms($fresh->{pg_pid}) - $c1 if defined $c1;
		}
		$fresh->disconnect;
	}
	push @breakdown, [$layers[$i][0], percentile(0.5, @wall), @cpu ? percentile(0.5, @cpu) : undef];
}

my $plain99 = percentile(0.99, @{ $lat{$order[0]} });
my $plain50 = percentile(0.50, @{ $lat{$order[0]} });
my ($preload) = $main->selectrow_array('SHOW shared_preload_libraries');
printf "%d series of %d-%d weeks; one client; latencies in ms, timed on the client; shared_preload_libraries = '%s'; chart renderer %s\n\n",
	scalar @series, (sort { $a <=> $b } map { $_->[3] } @series)[0, -1], $preload,
	$renderer ? 'on (spc preloaded): redraws are drawn by it' : 'off (spc not in shared_preload_libraries)';
printf "| %-40s | %5s | %7s | %7s | %11s | %11s |\n", 'request', 'n', 'p50', 'p99', 'p50 / plain', 'p99 / plain';
printf "|%s|%s|%s|%s|%s|%s|\n", '-' x 42, '-' x 7, '-' x 9, '-' x 9, '-' x 13, '-' x 13;
for my $name (@order) {
	my @v = @{ $lat{$name} };
	my ($p50, $p99) = (percentile(0.50, @v), percentile(0.99, @v));
	printf "| %-40s | %5d | %7.2f | %7.2f | %11.2f | %11.2f |\n", $name, scalar @v, $p50, $p99, $p50 / $plain50, $p99 / $plain99;
}
my ($warm50, $warm99) = map { percentile($_, @{ $lat{'redraw after a write, warm session'} }) } 0.5, 0.99;
my ($new50, $new99) = map { percentile($_, @{ $lat{'redraw after a write, new session'} }) } 0.5, 0.99;
my $cached99 = percentile(0.99, @{ $lat{'cached chart_json as a facility'} });
my ($cold_hit50, $cold_hit99) = map { percentile($_, @{ $lat{'cached chart_json, new session'} }) } 0.5, 0.99;
my $cached50 = percentile(0.5, @{ $lat{'cached chart_json as a facility'} });
printf "\nTargets: cached chart_json as a facility p99 <= 3x plain: %.2fx %s\n", $cached99 / $plain99,
	$cached99 <= 3 * $plain99 ? 'met' : 'NOT met';
printf "         redraw in a new session <= 1.5x a warm redraw: p50 %.2fx, p99 %.2fx %s\n", $new50 / $warm50,
	$new99 / $warm99, $new50 <= 1.5 * $warm50 && $new99 <= 1.5 * $warm99 ? 'met' : 'NOT met';
printf "Cached chart_json, a new session's over a warm session's: p50 %.2fx, p99 %.2fx (no target)\n",
	$cold_hit50 / $cached50, $cold_hit99 / $cached99;

printf "\nWhere a new session's redraw goes (%d new sessions per row; warmed first, untimed, in that session):\n\n", $per_layer;
printf "| %-45s | %8s | %8s | %14s |\n", 'warmed before the request', 'wall p50', 'CPU p50', 'CPU this layer';
printf "|%s|%s|%s|%s|\n", '-' x 47, '-' x 10, '-' x 10, '-' x 16;
for my $i (0 .. $#breakdown) {
	my ($name, $wall, $cpu) = @{ $breakdown[$i] };
	my $step = $i && defined $cpu ? sprintf('%.2f', $breakdown[$i - 1][2] - $cpu) : '';
	printf "| %-45s | %8.2f | %8s | %14s |\n", $name, $wall, defined $cpu ? sprintf('%.2f', $cpu) : 'n/a', $step;
}
if (@warm_cpu) {
	my $rest = $breakdown[-1][2] - percentile(0.5, @warm_cpu);
	printf "| %-45s | %8s | %8.2f | %14.2f |\n", 'the same session\'s next redraw (warm)', '', percentile(0.5, @warm_cpu), $rest;
	# the target's ratio in the backend's CPU, which load on the machine does not skew
	printf "\nBackend CPU, a new session's redraw over a warm one: %.2fx (p50)\n", $breakdown[0][2] / percentile(0.5, @warm_cpu);
}
$main->disconnect;
my $admin = connect_db('postgres');
$admin->do("DROP DATABASE $db");
