# Reference outputs of qicharts2 0.8.1's qic() for the analyst's options of
# spc.chart: ratios on run, I and MR charts (n given), freeze, cl and
# multiply, with qicharts2's own default rules (3 sigma and runs analysis).
# Usage: R_LIBS=<library with qicharts2 0.8.1> Rscript qicharts2_options.R <out dir>
suppressMessages(library(qicharts2))  # attached: screened moving ranges
out <- commandArgs(TRUE)[1]
inputs <- list(); expected <- list()
qcase <- function(case_id, spec, call, x, n, ...) {
  d <- qic(seq_along(x), x, n, return.data = TRUE, ...)
  inputs[[case_id]] <<- data.frame(case_id = case_id, i = seq_along(x), x = x,
                                   n = if (is.null(n)) NA else n)
  expected[[case_id]] <<- data.frame(case_id = case_id, spec = spec, call = call, i = seq_along(x),
                                     y = d$y, cl = d$cl, lcl = d$lcl, ucl = d$ucl,
                                     sigma_signal = as.integer(d$sigma.signal),
                                     runs_signal = as.integer(d$runs.signal))
}
cabg_age <- tail(cabg, 100)$age
with(cdi, {
  qcase("opt01_cdi_i_ratio", "i", "qic(month, n, days, data = cdi, chart = 'i')", n, days, chart = "i")
  qcase("opt02_cdi_run_ratio", "run", "qic(month, n, days, data = cdi)", n, days)
  qcase("opt03_cdi_mr_ratio", "mr", "qic(month, n, days, data = cdi, chart = 'mr')", n, days, chart = "mr")
  qcase("opt04_cdi_i_ratio_freeze_multiply", "i(freeze=24,multiply=10000)",
        "qic(month, n, days, data = cdi, chart = 'i', freeze = 24, multiply = 10000)", n, days,
        chart = "i", freeze = 24, multiply = 10000)
  qcase("opt05_cdi_u_freeze_multiply", "u(freeze=24,multiply=10000)",
        "qic(month, n, days, data = cdi, chart = 'u', freeze = 24, multiply = 10000)", n, days,
        chart = "u", freeze = 24, multiply = 10000)
  qcase("opt06_cdi_c_cl", "c(cl=20)", "qic(month, n, data = cdi, chart = 'c', cl = 20)", n, NULL,
        chart = "c", cl = 20)
  qcase("opt07_cdi_run_freeze", "run(freeze=24)", "qic(month, n, data = cdi, freeze = 24)", n, NULL, freeze = 24)
})
qcase("opt08_cabg_age_i_cl", "i(cl=65)", "qic(age, data = tail(cabg, 100), chart = 'i', cl = 65)",
      cabg_age, NULL, chart = "i", cl = 65)
with(nhs_accidents, {
  qcase("opt09_nhs_accidents_p_cl_multiply", "p(cl=0.95,multiply=100)",
        "qic(i, r, n, data = nhs_accidents, chart = 'p', cl = 0.95, multiply = 100)", r, n,
        chart = "p", cl = 0.95, multiply = 100)
  qcase("opt10_nhs_accidents_pp_freeze", "pp(freeze=12)",
        "qic(i, r, n, data = nhs_accidents, chart = 'pp', freeze = 12)", r, n, chart = "pp", freeze = 12)
})
fmt <- function(v) ifelse(is.na(v), "", sprintf("%.15g", v))
exp <- do.call(rbind, expected)
for (col in c("y", "cl", "lcl", "ucl")) exp[[col]] <- fmt(exp[[col]])
inp <- do.call(rbind, inputs)
inp$n <- fmt(inp$n)
write.csv(inp, file.path(out, "inputs.csv"), row.names = FALSE, na = "")
write.csv(exp, file.path(out, "expected.csv"), row.names = FALSE, na = "")
cat(sprintf("qicharts2 %s: %d cases, %d points\n", packageVersion("qicharts2"), length(expected), nrow(exp)))
