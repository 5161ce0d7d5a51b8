# Reference outputs of qcc 2.7's ewma() and cusum() on the examples of their
# help pages (pistonrings; Montgomery's viscosity data), written as
# inputs.csv / expected.csv rows for test/sql/conformance_cumulative.sql.
# Usage: R_LIBS=<library with qcc 2.7> Rscript qcc_cumulative.R <out dir>
library(qcc)
out <- commandArgs(TRUE)[1]
data(pistonrings)
diameter <- qcc.groups(pistonrings$diameter, pistonrings$sample)
viscosity <- c(33.75, 33.05, 34, 33.81, 33.46, 34.02, 33.68,
               33.27, 33.49, 33.20, 33.62, 33.00, 33.54, 33.12, 33.84)

inputs <- list(); expected <- list()
add_input <- function(case_id, chart, m, baseline_rows) {
  m <- as.matrix(m)
  rows <- lapply(seq_len(nrow(m)), function(i) {
    v <- m[i, ]; v <- v[!is.na(v)]
    data.frame(case_id = case_id, chart = chart, i = i, obs = seq_along(v), x = v,
               baseline = as.integer(i <= baseline_rows))
  })
  inputs[[case_id]] <<- do.call(rbind, rows)
}
add_expected <- function(case_id, spec, call, y, y_lower, cl, lcl, ucl, signal) {
  n <- length(y)
  expected[[case_id]] <<- data.frame(case_id = case_id, spec = spec, call = call, i = seq_len(n),
                                     y = y, y_lower = y_lower, cl = cl, lcl = lcl, ucl = ucl,
                                     signal = as.integer(signal))
}
ewma_case <- function(case_id, spec, call, data, newdata, ...) {
  q <- if (is.null(newdata)) ewma(data, plot = FALSE, ...) else ewma(data, newdata = newdata, plot = FALSE, ...)
  add_input(case_id, "ewma", if (is.null(newdata)) data else rbind(as.matrix(data), as.matrix(newdata)),
            NROW(data))
  # qcc 2.7 lists violations as the indices of the points outside the limits
  add_expected(case_id, spec, call, q$y, NA, q$center, q$limits[, 1], q$limits[, 2],
               seq_along(q$y) %in% q$violations)
}
cusum_case <- function(case_id, spec, call, data, newdata, ...) {
  q <- if (is.null(newdata)) cusum(data, plot = FALSE, ...) else cusum(data, newdata = newdata, plot = FALSE, ...)
  add_input(case_id, "cusum", if (is.null(newdata)) data else rbind(as.matrix(data), as.matrix(newdata)),
            NROW(data))
  add_expected(case_id, spec, call, q$pos, q$neg, 0, -q$decision.interval, q$decision.interval,
               seq_along(q$pos) %in% c(q$violations$upper, q$violations$lower))
}

ewma_case("qcc01_pistonrings_ewma", "ewma", "ewma(diameter[1:25,], lambda=0.2, nsigmas=3)",
          diameter[1:25, ], NULL, lambda = 0.2, nsigmas = 3)
ewma_case("qcc02_pistonrings_ewma_newdata", "ewma(nsigma=2.7)",
          "ewma(diameter[1:25,], lambda=0.2, nsigmas=2.7, newdata=diameter[26:40,])",
          diameter[1:25, ], diameter[26:40, ], lambda = 0.2, nsigmas = 2.7)
ewma_case("qcc03_viscosity_ewma", "ewma(lambda=0.2,nsigma=2.7)", "ewma(x, lambda=0.2, nsigmas=2.7)  # viscosity",
          matrix(viscosity), NULL, lambda = 0.2, nsigmas = 2.7)
cusum_case("qcc04_pistonrings_cusum", "cusum(h=4,k=0.5)",
           "cusum(diameter[1:25,], decision.interval=4, se.shift=1)",
           diameter[1:25, ], NULL, decision.interval = 4, se.shift = 1)
cusum_case("qcc05_pistonrings_cusum_newdata", "cusum",
           "cusum(diameter[1:25,], newdata=diameter[26:40,])",
           diameter[1:25, ], diameter[26:40, ])
cusum_case("qcc06_viscosity_cusum", "cusum", "cusum(x)  # viscosity (not a help example)",
           matrix(viscosity), NULL)
# variable subgroup sizes: qcc's help example for xbar (12 observations removed)
out_rows <- c(9, 10, 30, 35, 45, 64, 65, 74, 75, 85, 99, 100)
dv <- qcc.groups(pistonrings$diameter[-out_rows], pistonrings$sample[-out_rows])
ewma_case("qcc07_pistonrings_varn_ewma", "ewma",
          "ewma(dv[1:25,], newdata=dv[26:40,])  # dv: pistonrings without rows 9, 10, 30, ... (variable n)",
          dv[1:25, ], dv[26:40, ])
cusum_case("qcc08_pistonrings_varn_cusum", "cusum",
           "cusum(dv[1:25,], newdata=dv[26:40,])  # dv: pistonrings without rows 9, 10, 30, ... (variable n)",
           dv[1:25, ], dv[26:40, ])

inp <- do.call(rbind, inputs); exp <- do.call(rbind, expected)
write.csv(inp, file.path(out, "qcc_inputs.csv"), row.names = FALSE, na = "")
fmt <- function(v) ifelse(is.na(v), "", sprintf("%.15g", v))
for (col in c("y", "y_lower", "cl", "lcl", "ucl")) exp[[col]] <- fmt(exp[[col]])
write.csv(exp, file.path(out, "qcc_expected.csv"), row.names = FALSE, na = "")
cat(sprintf("qcc %s: %d cases, %d points\n", packageVersion("qcc"), length(expected), nrow(exp)))
