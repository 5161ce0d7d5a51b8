# Reference outputs of qicharts2 0.8.1's bchart() (Bernoulli CUSUM) on the
# examples of its help page, as inputs/expected rows for
# test/sql/conformance_cumulative.sql.  bchart restarts a side after it
# signals and draws 0 there; spc.chart shows the value that crossed the limit,
# so at signal points y (or y_lower) is left empty and only the crossing is
# compared.  Usage: R_LIBS=<library with qicharts2 0.8.1> Rscript qicharts2_bchart.R <out dir>
suppressMessages(library(qicharts2))
out <- commandArgs(TRUE)[1]
inputs <- list(); expected <- list()
bcase <- function(case_id, spec, call, x, baseline_n, ...) {
  d <- bchart(x, ...)$data
  s1 <- !is.na(d$signal1); s2 <- !is.na(d$signal2)
  inputs[[case_id]] <<- data.frame(case_id = case_id, chart = "bcusum", i = seq_along(x), obs = 1,
                                   x = as.integer(x), n = "", baseline = as.integer(seq_along(x) <= baseline_n))
  expected[[case_id]] <<- data.frame(case_id = case_id, spec = spec, source = paste("qicharts2 0.8.1:", call),
                                     i = seq_along(x), y = ifelse(s1, NA, d$cusum1), y_lower = ifelse(s2, NA, d$cusum2),
                                     cl = 0, lcl = d$limit2, ucl = d$limit1, signal = as.integer(s1 | s2), tol = 1e-9)
}
bcase("qic01_cabg_death_bchart", "bcusum(freeze=200)", "bchart(cabg$death, target = 200)",
      cabg$death, 2205, target = 200)
bcase("qic02_cabg_readmission_bchart", "bcusum(freeze=200,h=5)",
      "bchart(cabg$readmission, target = 200, limit = 5)", cabg$readmission, 2205, target = 200, limit = 5)
set.seed(1)
y <- rbinom(1000, 1, 0.02)
bcase("qic03_random_bchart", "bcusum(p0=0.01)", "set.seed(1); y <- rbinom(1000, 1, 0.02); bchart(y, target = 0.01)",
      y, 1000, target = 0.01)

fmt <- function(v) ifelse(is.na(v), "", sprintf("%.15g", v))
exp <- do.call(rbind, expected)
for (col in c("y", "y_lower", "cl", "lcl", "ucl")) exp[[col]] <- fmt(exp[[col]])
write.csv(do.call(rbind, inputs), file.path(out, "qicharts2_inputs.csv"), row.names = FALSE, na = "")
write.csv(exp, file.path(out, "qicharts2_expected.csv"), row.names = FALSE, na = "")
cat(sprintf("qicharts2 %s: %d cases, %d points, %d signals\n", packageVersion("qicharts2"),
            length(expected), nrow(exp), sum(exp$signal)))
