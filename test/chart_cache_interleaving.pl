#!/usr/bin/perl
# The chart cache under concurrent sessions (issue 14).  Several sessions of
# one database, driven one statement at a time by this script (so the order
# of every statement, commit and rollback is known and reproducible from the
# seed), each acting as a facility, its peer, staff or a facility of another
# collaborative:
#
# 1. The stale sequence of issue 14, as a fixed test.
# 2. Lock waits: with a session idle in a transaction after drawing (and
#    keeping) any chart, every other chart request, and every writer, goes
#    through with lock_timeout set: none waits.
# 3. A seeded random interleaving of writers, readers, idle-in-transaction
#    readers, read committed and repeatable read transactions, commits,
#    rollbacks and sharing-tier changes: every chart served (chart_json,
#    chart_svg) must equal a fresh draw in the same snapshot (the same
#    function given a period, which bypasses the cache).
# 4. With spc preloaded: the chart renderer drew charts in the interleaving,
#    a miss it cannot draw (a lock held past its lock_timeout), made while it
#    is turned off (spc.chart_renderer_idle_timeout = 0) or when it is gone is
#    drawn by the session itself, exact, and the database can be dropped while
#    the renderer is connected.
#
# Run inside pg_virtualenv or private-pg.sh (PGHOST, PGPORT, PGUSER set).
# Knobs: CACHE_SEED (14), CACHE_STEPS (10000).  Uses DBD::Pg (Debian
# libdbd-pg-perl).
use strict;
use warnings;
use DBI;
$| = 1;

my $seed = $ENV{CACHE_SEED} // 14;
my $steps = $ENV{CACHE_STEPS} // 10000;
my $db = 'spc_chart_cache';
my $failures = 0;

sub fail { $failures++; print "not ok - @_\n"; }
sub pass { print "ok - @_\n"; }

sub connect_db {
	my ($name) = @_;
	my $dbh = DBI->connect("dbi:Pg:dbname=$name", '', '', { AutoCommit => 1, RaiseError => 0, PrintError => 0 })
	  or die "cannot connect: $DBI::errstr\n";
	$dbh->do("SET client_min_messages = warning");
	return $dbh;
}

sub must {
	my ($dbh, $sql, @bind) = @_;
	my $rows = $dbh->selectall_arrayref($sql, undef, @bind);
	die "$sql: " . $dbh->errstr . "\n" unless defined $rows;
	return $rows;
}

# ---------------------------------------------------------------- fixture
{
	my $admin = connect_db('postgres');
	$admin->do("DROP DATABASE IF EXISTS $db");
	$admin->do("CREATE DATABASE $db") or die $admin->errstr;
	$admin->disconnect;
}
my $setup = connect_db($db);
$setup->do(<<'SQL') or die $setup->errstr;
CREATE EXTENSION learning_network CASCADE;
INSERT INTO learning_network.facility (name, pseudonym, role_name) VALUES
  ('Interleave A', 'F-ILA', 'cache_it_a'), ('Interleave B', 'F-ILB', 'cache_it_b'), ('Interleave C', 'F-ILC', 'cache_it_c');
INSERT INTO learning_network.project (facility_id, collaborative_id, title, started_on)
SELECT facility_id, CASE WHEN pseudonym = 'F-ILC' THEN 1 ELSE 2 END, name || ' project', '2024-01-07'
FROM learning_network.facility WHERE pseudonym LIKE 'F-IL_';
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cache_it_staff') THEN CREATE ROLE cache_it_staff NOLOGIN; END IF;
END $$;
GRANT learning_network_staff TO cache_it_staff;
SELECT learning_network.create_facility_role(facility_id) FROM learning_network.facility WHERE pseudonym LIKE 'F-IL_';
INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator, entered_by)
SELECT p.facility_id, p.project_id, m.measure_id, date '2024-01-07' + 7 * w, 20 + (w * 7 + m.measure_id) % 25, 50, 'cache_it'
FROM learning_network.project p
JOIN learning_network.measure m ON m.measure_id IN (1, 2, 12) AND m.collaborative_id = p.collaborative_id
CROSS JOIN generate_series(0, 23) w
WHERE p.title LIKE 'Interleave%';
INSERT INTO learning_network.sharing (facility_id, measure_id, tier, granted_by)
SELECT facility_id, NULL, 'network', 'cache_it' FROM learning_network.facility WHERE pseudonym LIKE 'F-IL_';
SQL
my %facility = map { $_->[0] => $_->[1] } @{ must($setup, "SELECT pseudonym, facility_id FROM learning_network.facility WHERE pseudonym LIKE 'F-IL_'") };
my %project = map { $_->[0] => $_->[1] } @{ must($setup, "SELECT f.pseudonym, p.project_id FROM learning_network.project p JOIN learning_network.facility f USING (facility_id) WHERE f.pseudonym LIKE 'F-IL_'") };
my ($pa, $pb, $pc) = @project{qw(F-ILA F-ILB F-ILC)};
my %role_facility = (cache_it_a => $facility{'F-ILA'}, cache_it_b => $facility{'F-ILB'}, cache_it_c => $facility{'F-ILC'});
my %project_facility = ($pa => $facility{'F-ILA'}, $pb => $facility{'F-ILB'}, $pc => $facility{'F-ILC'});
my @charts = ([$pa, 1], [$pa, 2], [$pb, 1], [$pb, 2], [$pc, 12]);
my @roles = qw(cache_it_a cache_it_b cache_it_staff cache_it_c);

sub session {
	my $dbh = connect_db($db);
	$dbh->do("SET lock_timeout = '200ms'");    # a wait is an error, not a hang
	return { dbh => $dbh, in_txn => 0, dirty => {}, steps_left => 0 };
}

# A chart request as role: served and fresh, in one statement (one snapshot).
# Returns (same, served_is_null) or dies with the SQLSTATE on an error.
sub request {
	my ($s, $role, $project, $measure, $kind) = @_;
	my $dbh = $s->{dbh};
	my $fn = $kind eq 'svg' ? 'chart_svg' : 'chart_json';
	$dbh->do("SET ROLE $role") or return (undef, undef, $dbh->state);
	my $row = $dbh->selectrow_arrayref(
		"SELECT s IS NOT DISTINCT FROM f, s IS NULL FROM (SELECT learning_network.$fn(\$1, \$2) AS s,
		        learning_network.$fn(\$1, \$2, date '1900-01-07') AS f) x", undef, $project, $measure);
	my $state = $dbh->state;
	$dbh->do("RESET ROLE") if $row || $dbh->{AutoCommit};
	return $row ? ($row->[0], $row->[1], '') : (undef, undef, $state);
}

sub variant_of {
	my ($role, $project) = @_;
	return 'own' if $role eq 'cache_it_staff' || ($role_facility{$role} // -1) == $project_facility{$project};
	return 'network';
}

# ---------------------------------------------------------- 1. the stale sequence
{
	my ($own, $peer, $other) = (session(), session(), session());
	my ($ok) = request($own, 'cache_it_a', $pa, 1, 'json');
	$own->{dbh}->begin_work;
	must($own->{dbh}, "UPDATE learning_network.observation SET numerator = 40
	                   WHERE project_id = $pa AND measure_id = 1 AND week_start = '2024-03-31'");
	$peer->{dbh}->begin_work;
	my ($peer_same) = request($peer, 'cache_it_b', $pa, 1, 'json');     # peer draws, keeps, stays idle
	$own->{dbh}->commit;
	my ($own_same) = request($own, 'cache_it_a', $pa, 1, 'json');
	$peer->{dbh}->commit;
	my @after = map { [request($other, $_, $pa, 1, 'json')] } qw(cache_it_b cache_it_a cache_it_staff);
	$other->{dbh}->do("SET ROLE cache_it_b");
	my $shows = must($other->{dbh}, "SELECT (SELECT p ->> 'numerator' FROM jsonb_array_elements(learning_network.chart_json($pa, 1) -> 'points') p
	                                  WHERE p ->> 'week' = '2024-03-31')");
	$other->{dbh}->do("RESET ROLE");
	if ($ok && $peer_same && $own_same && !grep { !$_->[0] } @after and ($shows->[0][0] // '') eq '40') {
		pass("the stale sequence of issue 14: after both commit, peers, the facility and staff are served the week the facility entered (40)");
	} else {
		fail("the stale sequence of issue 14: a chart served differs from a fresh draw, or the peer does not see 40 (" . ($shows->[0][0] // 'NULL') . ")");
	}
	$_->{dbh}->disconnect for $own, $peer, $other;
}

# ---------------------------------------------------------- 2. lock waits
{
	my ($idle, $other, $writer) = (session(), session(), session());
	my ($requests, $waits) = (0, 0);
	for my $r1 (@roles) {
		for my $c1 (@charts) {
			for my $kind (qw(json svg)) {
				# a committed change, so the idle session's draw is kept (uncommitted)
				must($writer->{dbh}, "UPDATE learning_network.observation SET note = clock_timestamp()::text
				                      WHERE project_id = $c1->[0] AND week_start = '2024-01-07'");
				$idle->{dbh}->begin_work;
				request($idle, $r1, @$c1, $kind);
				# every other request, and a second draw of a newer version that
				# prunes what the idle one holds, goes through without waiting
				for my $r2 (@roles) {
					for my $c2 (@charts) {
						for my $k2 (qw(json svg)) {
							$requests++;
							my (undef, undef, $state) = request($other, $r2, @$c2, $k2);
							if ($state) {
								$waits++;
								fail("with $r1 idle after drawing $kind $c1->[0]/$c1->[1], $r2 requesting $k2 $c2->[0]/$c2->[1] failed: SQLSTATE $state");
							}
						}
					}
				}
				# a writer of the project does not wait either, and neither does
				# a redraw after its change
				$requests++;
				unless (defined $writer->{dbh}->do("UPDATE learning_network.observation SET note = 'w' || clock_timestamp()
				                                    WHERE project_id = $c1->[0] AND week_start = '2024-01-14'")) {
					$waits++;
					fail("with $r1 idle after drawing, a writer of project $c1->[0] failed: SQLSTATE " . $writer->{dbh}->state);
				}
				for my $r2 (@roles) {
					$requests++;
					my (undef, undef, $state) = request($other, $r2, @$c1, $kind);
					if ($state) { $waits++; fail("redraw after a write waited: SQLSTATE $state"); }
				}
				if (rand() < 0.5) { $idle->{dbh}->commit } else { $idle->{dbh}->rollback }
			}
		}
	}
	pass("no wait: $requests chart requests and writes with a session idle in its transaction after drawing each of "
	     . (@roles * @charts * 2) . " charts") unless $waits;
	$_->{dbh}->disconnect for $idle, $other, $writer;
}

# ---------------------------------------------------------- 3. random interleaving
srand($seed);
my @sessions = map { session() } 1 .. 6;
# clients format floats differently (JDBC sets 3, psql scripts often 0):
# a kept document must not depend on the drawer's setting
$sessions[$_]{dbh}->do("SET extra_float_digits = 0") for 1, 3;
my @session_role = qw(cache_it_a cache_it_a cache_it_b cache_it_b cache_it_staff cache_it_c);
my %count = map { $_ => 0 } qw(reads hits stale null writes write_conflicts commits rollbacks rr idle_steps begins reader_waits writer_waits tier_changes);
my @weeks = map { sprintf('2024-%s', $_) } qw(01-07 02-04 03-03 03-31 04-28 05-26 06-16);
my @extra_weeks = qw(2024-06-23 2024-06-30 2024-07-07);
my @tiers = qw(private network public);

sub pick { return $_[int(rand(@_))]; }

sub end_txn {
	my ($s, $how) = @_;
	my $ok = $how eq 'commit' ? $s->{dbh}->commit : $s->{dbh}->rollback;
	if ($how eq 'commit' && !$ok) {
		# a repeatable read writer whose version bump meets a newer one: 40001
		$count{write_conflicts}++;
		$s->{dbh}->rollback;
		$count{rollbacks}++;
	} else {
		$count{$how eq 'commit' ? 'commits' : 'rollbacks'}++;
	}
	$s->{in_txn} = 0;
	$s->{dirty} = {};
	$s->{dbh}->do("RESET ROLE");
}

# a write as the installing superuser (the cache does not care who writes);
# returns the key of the row it changes, for telling a writer-writer wait
sub write_sql {
	my $p = pick($pa, $pb, $pc);
	my $f = $project_facility{$p};
	my $m = $p == $pc ? 12 : pick(1, 2);
	my $x = rand();
	if ($x < 0.55) {
		my $w = pick(@weeks);
		return ("obs:$p:$m:$w", "UPDATE learning_network.observation SET numerator = " . int(rand(50)) .
		        " WHERE project_id = $p AND measure_id = $m AND week_start = '$w'");
	} elsif ($x < 0.65) {
		my $w = pick(@extra_weeks);
		return ("obs:$p:$m:$w", rand() < 0.5
		  ? "INSERT INTO learning_network.observation (facility_id, project_id, measure_id, week_start, numerator, denominator, entered_by)
		     VALUES ($f, $p, $m, '$w', " . int(rand(50)) . ", 50, 'cache_it') ON CONFLICT DO NOTHING"
		  : "DELETE FROM learning_network.observation WHERE project_id = $p AND measure_id = $m AND week_start = '$w'");
	} elsif ($x < 0.75) {
		return ("ann:$p", rand() < 0.6
		  ? "INSERT INTO learning_network.annotation (facility_id, project_id, measure_id, week_start, text, created_by)
		     VALUES ($f, $p, NULL, '" . pick(@weeks) . "', 'note " . int(rand(1000)) . "', 'cache_it')"
		  : "DELETE FROM learning_network.annotation WHERE annotation_id = (SELECT min(annotation_id) FROM learning_network.annotation WHERE project_id = $p)");
	} elsif ($x < 0.87) {
		$count{tier_changes}++;
		my $tier = pick(@tiers);
		# a sharing row's foreign key locks its facility row: one key for both
		return ("fac:$f", rand() < 0.7
		  ? "UPDATE learning_network.sharing SET tier = '$tier' WHERE facility_id = $f AND measure_id IS NULL"
		  : "UPDATE learning_network.sharing SET tier = '$tier' WHERE facility_id = $f AND measure_id IS NULL AND tier <> '$tier'");
	} elsif ($x < 0.93) {
		return ("fac:$f", "UPDATE learning_network.facility SET name = 'Interleave ' || substr(pseudonym, 5) || ' " . int(rand(100)) . "' WHERE facility_id = $f");
	} else {
		my $w = pick(@weeks[1 .. 5]);
		return ("phase:$p:$w", rand() < 0.5
		  ? "INSERT INTO learning_network.phase (facility_id, project_id, measure_id, starts_on, label) VALUES ($f, $p, NULL, '$w', 'After $w') ON CONFLICT DO NOTHING"
		  : "DELETE FROM learning_network.phase WHERE project_id = $p AND starts_on = '$w'");
	}
}

for my $step (1 .. $steps) {
	my $i = int(rand(@sessions));
	my $s = $sessions[$i];
	my $dbh = $s->{dbh};
	my $x = rand();
	if ($s->{in_txn} && $s->{steps_left}-- <= 0 && $x < 0.6) {
		end_txn($s, rand() < 0.75 ? 'commit' : 'rollback');
		next;
	}
	if (!$s->{in_txn} && $x < 0.2) {
		$dbh->begin_work;
		$count{begins}++;
		if (rand() < 0.3) { $dbh->do("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"); $count{rr}++; }
		$s->{in_txn} = 1;
		$s->{steps_left} = int(rand(40));       # idle in transaction for a while
		next;
	}
	$x = rand();
	if ($x < 0.65) {
		my ($p, $m) = @{ pick(@charts) };
		my $kind = rand() < 0.7 ? 'json' : 'svg';
		my $role = $session_role[$i];
		# would it be served from the cache? (for the count of hits only)
		my $kept = $dbh->selectrow_array(
			"SELECT count(*) FROM learning_network.chart_cache c WHERE c.project_id = $p AND c.measure_id = $m
			   AND c.variant = '" . variant_of($role, $p) . "' AND c.version = learning_network_internal.chart_data_version($p)");
		my ($same, $null, $state) = request($s, $role, $p, $m, $kind);
		$count{reads}++;
		if ($state) {
			$count{reader_waits}++;
			fail("step $step: session $i ($role) reading $kind $p/$m failed: SQLSTATE $state " . ($dbh->errstr // ''));
			end_txn($s, 'rollback') if $s->{in_txn};
		} elsif (!$same) {
			$count{stale}++;
			fail("step $step: session $i ($role) was served a $kind chart of $p/$m that differs from a fresh draw");
		} else {
			$count{null}++ if $null;
			$count{hits}++ if $kept && !$null;
		}
	} elsif ($x < 0.88) {
		my ($key, $sql) = write_sql();
		$count{writes}++;
		unless (defined $dbh->do($sql)) {
			my $state = $dbh->state;
			# only another open transaction's write of the same row may make a writer wait
			my $holder = grep { $_ != $s && $_->{in_txn} && $_->{dirty}{$key} } @sessions;
			if (($state eq '55P03' && $holder) || $state eq '40001') {
				$count{write_conflicts}++;
			} else {
				$count{writer_waits}++;
				fail("step $step: session $i writing $key failed: SQLSTATE $state " . ($dbh->errstr // ''));
			}
			end_txn($s, 'rollback') if $s->{in_txn};
			next;
		}
		$s->{dirty}{$key} = 1 if $s->{in_txn};
	} else {
		$count{idle_steps}++;      # the session stays as it is (idle, or idle in transaction)
	}
}
end_txn($_, 'commit') for grep { $_->{in_txn} } @sessions;

# 4. The chart renderer (spc preloaded, as the test command runs it): it drew
#    misses during the interleaving above (which proved them exact), and when
#    it is gone a miss is drawn by the session itself, exact too.
my ($preloaded) = @{ must($setup, "SELECT current_setting('shared_preload_libraries') ~ '(^|,)\\s*spc\\s*(,|\$)'")->[0] };
if ($preloaded) {
	my ($drawn) = map { $_->[0] } @{ must($setup, "SELECT coalesce(sum(charts_drawn), 0) FROM learning_network.chart_renderer()") };
	if ($drawn >= $count{reads} / 20) {
		pass("the chart renderer drew $drawn of the charts served");
	} else {
		fail("the chart renderer drew only $drawn charts; the interleaving must exercise it");
	}
	# a request the renderer cannot draw (another session holds a lock the
	# drawing needs, longer than the renderer's lock_timeout): the renderer
	# gives up, the session draws the chart itself once the lock is released,
	# exact, and the renderer stays
	{
		my $dbh = $sessions[1]{dbh};
		my $locker = connect_db($db);
		my ($pid_before) = map { $_->[0] } @{ must($setup, "SELECT pid FROM learning_network.chart_renderer()") };
		must($setup, "UPDATE learning_network.observation SET numerator = numerator WHERE project_id = $pb AND measure_id = 1");
		$locker->begin_work;
		$locker->do("LOCK TABLE learning_network.goal IN ACCESS EXCLUSIVE MODE");
		$dbh->do("SET lock_timeout = 0");   # this session waits for the lock
		$dbh->do("SET ROLE cache_it_b");
		# the chart served and a fresh draw, in one snapshot
		my $sth = $dbh->prepare("SELECT learning_network.chart_json($pb, 1) = learning_network.chart_json($pb, 1, date '1900-01-07')",
		                        { pg_async => DBD::Pg::PG_ASYNC() });
		$sth->execute;
		sleep 2;                # past the renderer's lock_timeout (1 s)
		$locker->commit;
		$locker->disconnect;
		$dbh->pg_result;
		my ($same) = $sth->fetchrow_array;
		$dbh->do("RESET ROLE");
		$dbh->do("SET lock_timeout = '200ms'");
		my ($pid_after) = map { $_->[0] } @{ must($setup, "SELECT pid FROM learning_network.chart_renderer()") };
		($same && defined $pid_before && defined $pid_after && $pid_before == $pid_after)
		  ? pass("a chart the renderer cannot draw (a lock held past its lock_timeout) is drawn by the session itself, exact, and the renderer stays")
		  : fail("renderer blocked by a lock: " . join(' ', map { $_ // 'undef' } $same, $pid_before, $pid_after));
	}
	# spc.chart_renderer_idle_timeout = 0 turns the renderer off: it leaves,
	# and misses are drawn by their sessions; back on, a miss launches it again
	{
		my $admin = connect_db($db);
		my $wait_for = sub {
			my ($want) = @_;
			for (1 .. 100) {
				my ($n) = $admin->selectrow_array("SELECT count(*) FROM learning_network.chart_renderer()");
				return 1 if $n == $want;
				select(undef, undef, undef, 0.1);
			}
			return 0;
		};
		my ($s) = $sessions[0];
		# a reload reaches each session when it next reads a command, after
		# the postmaster has passed it on: wait until the session has it
		my $reload = sub {
			my ($change, $value) = @_;
			return 0 unless $admin->do("ALTER SYSTEM $change") && $admin->do("SELECT pg_reload_conf()");
			for (1 .. 100) {
				my ($now) = $s->{dbh}->selectrow_array("SELECT current_setting('spc.chart_renderer_idle_timeout')");
				return 1 if defined $now && $now eq $value;
				select(undef, undef, undef, 0.1);
			}
			return 0;
		};
		my $off = $reload->("SET spc.chart_renderer_idle_timeout = 0", '0') && $wait_for->(0);
		must($setup, "UPDATE learning_network.observation SET numerator = numerator WHERE project_id = $pa AND measure_id = 1");
		my ($same, undef, $state) = request($s, 'cache_it_a', $pa, 1, 'json');
		my ($still_off) = $admin->selectrow_array("SELECT count(*) = 0 FROM learning_network.chart_renderer()");
		my $on = $reload->("RESET spc.chart_renderer_idle_timeout", '1min');
		must($setup, "UPDATE learning_network.observation SET numerator = numerator WHERE project_id = $pa AND measure_id = 1");
		request($s, 'cache_it_a', $pa, 1, 'json');   # launches it
		my $back = $wait_for->(1);
		($off && $same && !$state && $still_off && $on && $back)
		  ? pass("spc.chart_renderer_idle_timeout = 0 turns the renderer off (misses drawn by their sessions, exact); reset, a miss launches it again")
		  : fail("turning the renderer off and on: " . join(' ', map { $_ // 'undef' } $off, $same, $state, $still_off, $on, $back,
		                                                         $admin->errstr));
		$admin->disconnect;
	}
	must($setup, "SELECT pg_terminate_backend(pid, 5000) FROM learning_network.chart_renderer()");
	my ($s, $role) = ($sessions[0], 'cache_it_a');
	must($setup, "UPDATE learning_network.observation SET numerator = numerator WHERE project_id = $pa AND measure_id = 1");
	my ($same, undef, $state) = request($s, $role, $pa, 1, 'json');
	($same && !$state) ? pass("with the renderer gone, a miss is drawn by the session itself and is exact")
	                   : fail("with the renderer gone, a miss failed or differs: " . ($state // ''));
}
$_->{dbh}->disconnect for @sessions;

print "# seed $seed, $steps steps, 6 sessions: " . join(', ', map { "$_ $count{$_}" } sort keys %count) . "\n";
if ($count{stale} == 0 && $count{reader_waits} == 0 && $count{writer_waits} == 0) {
	pass("random interleaving: $count{reads} charts served, $count{hits} of them kept ones, 0 stale, no reader or writer waited on a reader");
}
if ($count{hits} < $count{reads} / 10) {
	fail("random interleaving: only $count{hits} of $count{reads} charts came from the cache; the test must exercise it");
}
if ($count{reads} + $count{writes} + $count{idle_steps} + $count{begins} < $steps * 0.7) {
	fail("random interleaving: too few steps did something");
}

$setup->disconnect;
{
	my $admin = connect_db('postgres');
	# a database whose renderer is connected can be dropped (it leaves at once)
	$admin->do("DROP DATABASE $db") ? pass("the database was dropped with its renderer connected")
	                                : fail("DROP DATABASE: " . $admin->errstr);
	$admin->do("DROP ROLE IF EXISTS $_") for qw(cache_it_a cache_it_b cache_it_c cache_it_staff);
	$admin->disconnect;
}
print $failures ? "FAIL: $failures\n" : "PASS\n";
exit($failures ? 1 : 0);
