#!/usr/bin/env bash
# Other PostgreSQL versions in Debian chroots, for the version matrix of the
# test command (docs/development.md, "The version matrix").
#
#   scripts/chroot.sh build PGMAJOR        build the chroot unless it is cached
#   scripts/chroot.sh run PGMAJOR CMD...   run CMD in a copy of the work tree
#                                          inside the chroot (cwd: that copy)
#
# PGMAJOR 17 is Debian 13 "trixie", 18 is Debian testing "forky" (Debian has
# no 16).  The chroots are made by debootstrap from the Debian registry and
# kept between runs in SPC_CHROOT_DIR (default /var/cache/spc/chroots, outside
# the repository); one is rebuilt when its package list below changes.
# Mounts (/proc, /dev) live in a private mount and PID namespace, so they and
# every process started inside vanish when CMD ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${SPC_CHROOT_DIR:-/var/cache/spc/chroots}
mirror=${SPC_DEBIAN_MIRROR:-http://deb.debian.org/debian}

suite_of() {
	case "$1" in
	17) echo trixie ;;
	18) echo forky ;;
	*) echo "chroot.sh: no Debian suite carries PostgreSQL $1 (17: trixie, 18: forky)" >&2; return 1 ;;
	esac
}

# What the server-side suites need: the server and its headers, a compiler,
# pgTAP and pg_prove, the SVG checkers (xmllint, rsvg-convert, headless Chromium
# with jq and the fonts it measures), python3 for the documentation's examples,
# DBD::Pg for the chart cache's interleaving test.  No clang, valgrind or
# fuzzers: the C core is tested on the host; no R: the differential test runs
# on the host only (scripts/server-tests.sh).
packages() {
	echo "make gcc libc6-dev postgresql-$1 postgresql-server-dev-$1 postgresql-$1-pgtap" \
		"libtap-parser-sourcehandler-pgtap-perl libxml2-utils librsvg2-bin python3 libdbd-pg-perl" \
		"chromium fonts-dejavu-core jq"
}

root_of() { echo "$cache/pg$1-$(suite_of "$1")"; }

# Runs CMD as root inside ROOT with /proc and /dev mounted in namespaces of
# its own.  With SPC_CHROOT_NET=private it also gets a network namespace of
# its own (loopback only): its servers never meet the host's on a port.
in_chroot() {
	local root=$1 net=()
	shift
	[ "${SPC_CHROOT_NET:-}" = private ] && net=(--net)
	unshare "${net[@]}" --mount --propagation private --pid --fork --mount-proc="$root/proc" \
		bash -c '{ [ -z "$2" ] || ip link set lo up; } && mount --rbind /dev "$1/dev" && shift 2 && exec chroot "$@"' \
		_ "$root" "${net[*]}" \
		"$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive CI="${CI:-}" "${@}"
}

build() {
	local major=$1 suite root stamp want tmp
	suite=$(suite_of "$major")
	root=$(root_of "$major")
	stamp="$root/.spc-packages"
	want="$suite $(packages "$major")"
	mkdir -p "$cache"
	exec 9>"$root.lock"
	flock 9
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return 0
	fi
	# Same suite, other packages: add them to the cached chroot.
	if [ -f "$stamp" ] && [ "$(cut -d' ' -f1 "$stamp")" = "$suite" ]; then
		echo "# updating the packages of the PostgreSQL $major chroot"
		in_chroot "$root" bash -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $(packages "$major") && apt-get clean" \
			>"$root.log" 2>&1 || { tail -n 30 "$root.log"; echo "chroot.sh: updating $suite failed (log: $root.log)"; return 1; }
		rm -f "$root.log"
		echo "$want" >"$stamp"
		return 0
	fi
	command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
	echo "# building the PostgreSQL $major chroot (Debian $suite) in $root"
	local started=$SECONDS
	tmp="$root.tmp"
	rm -rf "$tmp" "$root"
	# --no-check-gpg is not used: the host's debian-archive-keyring checks it.
	# Debian 12's debootstrap has no script named forky: every Debian suite
	# since bullseye is made the same way as sid.
	debootstrap --variant=minbase "$suite" "$tmp" "$mirror" /usr/share/debootstrap/scripts/sid >"$tmp.log" 2>&1 ||
		{ tail -n 30 "$tmp.log"; echo "chroot.sh: debootstrap $suite failed (log: $tmp.log)"; return 1; }
	# Debian testing's Release file may carry an expired Valid-Until date.
	echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99spc-no-valid-until"
	# No services start inside the chroot, and no default cluster is made:
	# the tests make their own with pg_virtualenv.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod +x "$tmp/usr/sbin/policy-rc.d"
	mkdir -p "$tmp/etc/postgresql-common/createcluster.d"
	echo 'create_main_cluster = false' >"$tmp/etc/postgresql-common/createcluster.d/spc.conf"
	# shellcheck disable=SC2046
	in_chroot "$tmp" bash -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $(packages "$major") && apt-get clean" \
		>>"$tmp.log" 2>&1 ||
		{ tail -n 30 "$tmp.log"; echo "chroot.sh: installing packages in $suite failed (log: $tmp.log)"; return 1; }
	rm -f "$tmp.log"
	echo "$want" >"$tmp/.spc-packages"
	mv "$tmp" "$root"
	echo "# PostgreSQL $major chroot built in $((SECONDS - started)) s"
}

run() {
	local major=$1 root
	shift
	build "$major"
	root=$(root_of "$major")
	# A fresh copy of the work tree (tracked and untracked files, not the
	# host's build products) so the two builds never mix.
	rm -rf "$root/build"
	mkdir -p "$root/build/spc"
	git ls-files -z --cached --others --exclude-standard | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
		tar --null -T - -cf - | tar -xf - -C "$root/build/spc"
	SPC_CHROOT_NET=private in_chroot "$root" bash -c 'cd /build/spc && export PGMAJOR=$1 PG_CONFIG=/usr/lib/postgresql/$1/bin/pg_config && shift && "$@"' _ "$major" "$@"
}

case "${1:-}" in
build) build "$2" ;;
run) shift; run "$@" ;;
*) echo "usage: scripts/chroot.sh build PGMAJOR | run PGMAJOR CMD..." >&2; exit 2 ;;
esac
