# Sourced by the differential test: install R and the reference tools it
# compares spc with (qicharts2, qcc, NHSRplotthedots from CRAN).  Their
# dependencies come from Debian's r-cran-* packages where Debian has them
# (built already, so seconds instead of minutes); the three tools themselves
# come from CRAN into a library of their own that later runs reuse.
# Sets SPC_R_LIBS (export it as R_LIBS_USER or pass it to .libPaths()).

if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi

spc_r_debs=(r-base-core r-cran-ggplot2 r-cran-scales r-cran-mass r-cran-dplyr
	r-cran-assertthat r-cran-base64enc r-cran-plotly r-cran-rsvg r-cran-stringr
	r-cran-tidyselect r-cran-crayon r-cran-magrittr r-cran-rlang r-cran-jsonlite
	r-cran-curl libcurl4-openssl-dev)
spc_r_missing=()
for pkg in "${spc_r_debs[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
		|| spc_r_missing+=("$pkg")
done
if [ ${#spc_r_missing[@]} -gt 0 ]; then
	echo "Installing: ${spc_r_missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		"${spc_r_missing[@]}" >/dev/null
fi

# The cache outlives the work tree (a fresh clone reuses it on the same machine).
SPC_R_LIBS=${SPC_R_LIBS:-/var/cache/spc/R-library}
$SUDO mkdir -p "$SPC_R_LIBS"
export SPC_R_LIBS
if ! R_LIBS_USER="$SPC_R_LIBS" Rscript -e 'for (p in c("qicharts2","qcc","NHSRplotthedots")) if (!requireNamespace(p, quietly = TRUE)) quit(status = 1)' >/dev/null 2>&1; then
	echo "Installing from CRAN into $SPC_R_LIBS: qicharts2 qcc NHSRplotthedots"
	R_LIBS_USER="$SPC_R_LIBS" Rscript "$(dirname "${BASH_SOURCE[0]}")/../test/differential/install.R"
fi

# FunnelPlotR (NHS-R community), the reference tool of test/conformance/funnel,
# only needed to regenerate that set's expected outputs
# (test/conformance/funnel/tools/funnelplotr.R).  It needs ggplot2 >= 3.5.2,
# newer than Debian's, so it gets a library of its own: the other tools keep
# running on the packages they were checked with.  Usage:
#   source scripts/r-env.sh; spc_r_funnelplotr; Rscript test/conformance/funnel/tools/funnelplotr.R DIR
spc_r_funnelplotr() {
	SPC_R_FUNNEL_LIBS=${SPC_R_FUNNEL_LIBS:-/var/cache/spc/R-library-funnelplotr}
	$SUDO mkdir -p "$SPC_R_FUNNEL_LIBS"
	export R_LIBS="$SPC_R_LIBS" R_LIBS_USER="$SPC_R_FUNNEL_LIBS"
	if ! Rscript -e 'if (!requireNamespace("FunnelPlotR", quietly = TRUE)) quit(status = 1)' >/dev/null 2>&1; then
		echo "Installing from CRAN into $SPC_R_FUNNEL_LIBS: FunnelPlotR"
		Rscript "$(dirname "${BASH_SOURCE[0]}")/../test/differential/install.R" FunnelPlotR
	fi
}
