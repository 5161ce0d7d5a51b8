# Differential test, step 3: compare, point by point, what the tools answered
# (expected.csv) with what spc.chart answered (spc.csv), per tool and chart.
# Usage: Rscript compare.R DIR   (reads DIR/rows.csv, DIR/expected.csv, DIR/spc.csv)
# Prints a table of counts and exits 1 when any difference is left that is not
# one of the documented conventions below (each has its own regression test,
# named in the comment).
options(width = 200)
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
rows <- read.csv(file.path(dir, "rows.csv"), stringsAsFactors = FALSE)
exp <- read.csv(file.path(dir, "expected.csv"), stringsAsFactors = FALSE)
got <- read.csv(file.path(dir, "spc.csv"), stringsAsFactors = FALSE)
got$signals[is.na(got$signals)] <- ""
names(exp)[names(exp) == "outside"] <- "outside.tool"
meta <- unique(rows[, c("sid", "tool", "chart")])
d <- merge(merge(exp, got, by = c("sid", "i"), suffixes = c(".tool", ".spc")), meta, by = "sid")

tol <- 1e-9
same <- function(a, b) {
  (is.na(a) & is.na(b)) | (!is.na(a) & !is.na(b) & abs(a - b) <= tol * pmax(1, abs(a), abs(b)))
}
has_code <- function(signals, code) grepl(paste0("(^| )", code, "( |$)"), signals)

# --- documented conventions -------------------------------------------------
# NHSRplotthedots multiplies the mean moving range by the rounded 2.66, spc by
# 3/1.128 (= 2.6596, the d2 that qicharts2, Minitab and the textbooks use;
# methods.md A.1): the tool's limits are reproduced exactly from spc's sigma
# (test/sql/differential_conventions.sql).
nhs <- d$tool == "NHSRplotthedots"
half_width <- (d$ucl.spc - d$cl.spc) * 1.128 / 3 * 2.66
d$ucl.spc[nhs] <- d$cl.spc[nhs] + half_width[nhs]
d$lcl.spc[nhs] <- d$cl.spc[nhs] - half_width[nhs]

# The limit test as each tool reports it.
cumulative <- d$chart %in% c("ewma", "ewma.one", "cusum", "cusum.one")
d$outside.spc <- ifelse(d$tool == "NHSRplotthedots", has_code(d$signals, "nhs1"),
                 ifelse(cumulative, has_code(d$signals, "ewma") | has_code(d$signals, "cusum_upper") |
                                    has_code(d$signals, "cusum_lower"), has_code(d$signals, "ihi1")))
# NHSRplotthedots' point type against spc's variation under the nhs preset.
nhs_type <- c(special_cause_improvement = "improvement", special_cause_concern = "concern",
              common_cause = "common_cause")
d$variation.tool[nhs] <- unname(nhs_type[d$variation.tool[nhs]])

# A phase whose sigma is 0 (every count 0, every proportion 0 or 1, or Laney's
# sigma_z 0): the tools draw limits on the centre line and call every point
# off it outside; spc returns NULL limits and no limit signal (methods.md A.1:
# a limit that cannot be computed is NULL) (test/sql/differential_conventions.sql).
d$sigma0 <- !is.na(d$lcl.tool) & !is.na(d$ucl.tool) & d$lcl.tool == d$ucl.tool &
  is.na(d$lcl.spc) & is.na(d$ucl.spc)

# qicharts2's t chart sets a lower limit it cannot compute (no moving range in
# the baseline) to 0 and leaves the upper one NA; spc leaves both NULL, as
# every limit that cannot be computed (test/sql/differential_conventions.sql).
d$nolimit <- d$tool == "qicharts2" & d$chart == "t" & !is.na(d$lcl.tool) & d$lcl.tool == 0 &
  is.na(d$ucl.tool) & is.na(d$lcl.spc) & is.na(d$ucl.spc)
d$sigma0 <- d$sigma0 | d$nolimit
# rows both missing and excluded, left out of spc's input (spc.sql)
missing_excluded <- sum(rows$tool == "qicharts2" & is.na(rows$x) & rows$exclude)

d$y_ok <- same(d$y.tool, d$y.spc) & (!d$chart %in% c("cusum", "cusum.one") | same(d$y_lower.tool, d$y_lower.spc))
d$cl_ok <- same(d$cl.tool, d$cl.spc)
d$limits_ok <- d$sigma0 | (same(d$lcl.tool, d$lcl.spc) & same(d$ucl.tool, d$ucl.spc))
d$outside_ok <- d$sigma0 | is.na(d$outside.tool) | (d$outside.tool == d$outside.spc)
d$variation_ok <- !nhs | is.na(d$variation.tool) | d$variation.tool == d$variation.spc

# qicharts2's runs signal is a verdict on the whole part; spc flags the points
# of the runs analysis (anhoej_run, anhoej_crossings): a part signals when any
# of its points carries either code.
q <- d[d$tool == "qicharts2", ]
q$anhoej <- has_code(q$signals, "anhoej_run") | has_code(q$signals, "anhoej_crossings")
parts <- aggregate(cbind(tool = q$runs, spc = q$anhoej) ~ sid + part + chart, data = q, FUN = any)
parts$ok <- parts$tool == parts$spc

report <- do.call(rbind, lapply(split(d, paste(d$tool, d$chart)), function(g) {
  r <- parts[parts$sid %in% g$sid, ]
  data.frame(tool = g$tool[1], chart = g$chart[1], series = length(unique(g$sid)), points = nrow(g),
             y = sum(!g$y_ok), cl = sum(!g$cl_ok), limits = sum(!g$limits_ok), outside = sum(!g$outside_ok),
             variation = sum(!g$variation_ok), runs_parts = nrow(r), runs = sum(!r$ok),
             sigma0_convention = sum(g$sigma0))
}))
report <- report[order(report$tool, report$chart), ]
rownames(report) <- NULL
cat("Differences per tool and chart (points; runs compared per part):\n")
print(report, row.names = FALSE)
tot <- colSums(report[, c("series", "points", "y", "cl", "limits", "outside", "variation", "runs_parts", "runs",
                          "sigma0_convention")])
cat(sprintf(paste0("\n%d series, %d points, %d parts: %d differences left; conventions: %d points of phases ",
                   "without computable limits (sigma 0 or no moving range), %d rows missing and excluded\n"),
            tot[["series"]], tot[["points"]], tot[["runs_parts"]],
            sum(tot[c("y", "cl", "limits", "outside", "variation", "runs")]), tot[["sigma0_convention"]],
            missing_excluded))

bad <- d[!(d$y_ok & d$cl_ok & d$limits_ok & d$outside_ok & d$variation_ok), ]
if (nrow(bad) > 0) {
  cols <- c("sid", "i", "tool", "chart", "y.tool", "y.spc", "cl.tool", "cl.spc", "lcl.tool", "lcl.spc",
            "ucl.tool", "ucl.spc", "outside.tool", "signals", "variation.tool", "variation.spc")
  write.csv(bad[, cols], file.path(dir, "differences.csv"), row.names = FALSE)
  cat("first differences (all in", file.path(dir, "differences.csv"), "):\n")
  print(head(bad[!duplicated(paste(bad$tool, bad$chart)), cols], 20), row.names = FALSE)
}
if (any(!parts$ok)) {
  write.csv(parts[!parts$ok, ], file.path(dir, "runs_differences.csv"), row.names = FALSE)
  print(head(parts[!parts$ok, ], 10), row.names = FALSE)
}
quit(status = if (sum(tot[c("y", "cl", "limits", "outside", "variation", "runs")]) == 0) 0 else 1)
