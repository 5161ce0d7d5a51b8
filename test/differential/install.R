# Install the reference tools from CRAN into the library named by
# R_LIBS_USER (scripts/r-env.sh).  Dependencies that Debian's r-cran-*
# packages already provide are used as they are, unless a tool needs a newer
# version (NHSRplotthedots needs dplyr >= 1.1, Debian 12 has 1.0.10): only
# those, and what is missing, come from CRAN.
# Arguments: the tools to install (default the three the differential test uses).
lib <- Sys.getenv("R_LIBS_USER")
tools <- commandArgs(trailingOnly = TRUE)
if (length(tools) == 0) tools <- c("qicharts2", "qcc", "NHSRplotthedots")
options(Ncpus = 2L)
ap <- available.packages()
fields <- c("Depends", "Imports", "LinkingTo")
installed <- installed.packages(lib.loc = c(lib, .libPaths()))
have <- function(p) if (p %in% rownames(installed)) package_version(installed[p, "Version"]) else NULL
# Minimums a tool needs but its DESCRIPTION does not state (NHSRplotthedots 0.2.2
# calls dplyr::pick, new in dplyr 1.1.0).
minimums <- c(dplyr = "1.1.0")
need <- names(minimums)[vapply(names(minimums), function(p)
  is.null(have(p)) || have(p) < package_version(minimums[[p]]), logical(1))]
need <- unique(c(need, Filter(function(p) is.null(have(p)), tools)))
# a package updated from CRAN pulls its own requirements in the same way
repeat {
  more <- character(0)
  for (p in need) for (f in fields) {
    spec <- ap[p, f]
    if (is.na(spec)) next
    for (item in trimws(strsplit(gsub("\n", " ", spec), ",")[[1]])) {
      m <- regmatches(item, regexec("^([A-Za-z0-9.]+)\\s*(\\(\\s*>=?\\s*([0-9.-]+)\\s*\\))?", item))[[1]]
      if (length(m) == 0 || m[2] == "R" || !(m[2] %in% rownames(ap)) || m[2] %in% need) next
      v <- have(m[2])
      if (is.null(v) || (nzchar(m[4]) && v < package_version(m[4]))) more <- c(more, m[2])
    }
  }
  if (length(more) == 0) break
  need <- unique(c(need, more))
}
cat("From CRAN:", need, "\n")
install.packages(need, lib = lib, quiet = TRUE, dependencies = FALSE)
for (p in tools)
  if (!requireNamespace(p, lib.loc = c(lib, .libPaths()), quietly = TRUE)) stop("could not install ", p)
cat(sprintf("%s %s\n", tools, sapply(tools, function(p) as.character(packageVersion(p, lib.loc = c(lib, .libPaths()))))), sep = "")
