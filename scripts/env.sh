# Sourced by the scripts: install what is missing (Debian 12, as root or with
# sudo) and set PGMAJOR and PG_CONFIG for the installed PostgreSQL server.
# PGMAJOR may be set by the caller to pick a server version.

if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# The newest installed server, else Debian's own (15 on Debian 12).
if [ -z "${PGMAJOR:-}" ]; then
	PGMAJOR=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
	PGMAJOR=${PGMAJOR:-15}
fi

missing=()
for pkg in make gcc libc6-dev "postgresql-$PGMAJOR" "postgresql-server-dev-$PGMAJOR" \
	postgresql-common "postgresql-$PGMAJOR-pgtap" libtap-parser-sourcehandler-pgtap-perl \
	clang libclang-rt-14-dev libxml2-utils librsvg2-bin valgrind libdbd-pg-perl chromium fonts-dejavu-core jq \
	faketime debootstrap iproute2 python3 \
	${SPC_EXTRA_PACKAGES:-}; do
	pkg_installed "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "Installing: ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PG_CONFIG=/usr/lib/postgresql/$PGMAJOR/bin/pg_config
export PGMAJOR PG_CONFIG

# The server setting docs/performance.md recommends: spc (and PL/pgSQL)
# loaded by the postmaster, which also starts learning_network's chart
# renderer.  pg_virtualenv's option for it (the clock-moved runs and the
# load test leave it out, so the suites also run without the renderer).
SPC_PRELOAD="shared_preload_libraries=plpgsql,spc"

# Build with warnings as errors and install into the server's directories.
build_and_install() {
	make -s clean PG_CONFIG="$PG_CONFIG"
	make -s PG_CONFIG="$PG_CONFIG" PROFILE="-Werror"
	$SUDO make -s install PG_CONFIG="$PG_CONFIG"
}
