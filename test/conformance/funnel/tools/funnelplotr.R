# Reference outputs for spc.funnel from FunnelPlotR (NHS-R community, CRAN),
# an independent implementation of Spiegelhalter's funnel plots with his
# over-dispersion adjustment (winsorised z-scores, phi, DerSimonian-Laird
# tau^2), on published data sets:
#   surgical  - deaths after cardiac surgery in babies, 12 hospitals (BUGS
#               Examples vol. 1, "Surgical", Spiegelhalter et al. 1996)
#   ucb       - UC Berkeley graduate admissions 1973 by department (R's
#               UCBAdmissions, Bickel et al. 1975; sexes pooled)
#   esoph     - oesophageal cancer cases among cases + controls by age group x
#               alcohol (R's esoph, Breslow & Day 1980)
#   titanic   - survivors by class x sex x age (R's Titanic; groups with nobody
#               left out)
#   insurance - car insurance claims by district x car group against the
#               claims expected from the policy holders' age bands (MASS's
#               Insurance, Baxter et al. 1980): a standardised ratio O/E
# Usage: Rscript funnelplotr.R OUTDIR
# (scripts/r-env.sh: spc_r_funnelplotr installs FunnelPlotR into a library of
# its own; run with R_LIBS_USER set to it and R_LIBS to SPC_R_LIBS.)
suppressPackageStartupMessages({ library(FunnelPlotR); library(MASS) })
out <- commandArgs(trailingOnly = TRUE)[1]

surgical <- data.frame(unit = LETTERS[1:12],
                       x = c(0, 18, 8, 46, 8, 13, 9, 31, 14, 8, 29, 24),
                       n = c(47, 148, 119, 810, 211, 196, 148, 215, 207, 97, 256, 360))
ucb <- as.data.frame(UCBAdmissions)
ucb <- data.frame(unit = levels(ucb$Dept),
                  x = tapply(ucb$Freq * (ucb$Admit == "Admitted"), ucb$Dept, sum),
                  n = tapply(ucb$Freq, ucb$Dept, sum))
es <- aggregate(cbind(ncases, ncontrols) ~ agegp + alcgp, data = esoph, FUN = sum)
esoph_units <- data.frame(unit = paste(es$agegp, es$alcgp), x = es$ncases, n = es$ncases + es$ncontrols)
ti <- as.data.frame(Titanic)
ti <- aggregate(Freq ~ Class + Sex + Age, data = transform(ti, Freq = Freq), FUN = sum)
surv <- aggregate(Freq ~ Class + Sex + Age, data = subset(as.data.frame(Titanic), Survived == "Yes"), FUN = sum)
titanic <- data.frame(unit = paste(ti$Class, ti$Sex, ti$Age), x = surv$Freq, n = ti$Freq)
titanic <- titanic[titanic$n > 0, ]
ins <- Insurance
age_rate <- tapply(ins$Claims, ins$Age, sum) / tapply(ins$Holders, ins$Age, sum)
ins$expected <- ins$Holders * age_rate[as.character(ins$Age)]
insurance <- aggregate(cbind(Claims, expected) ~ District + Group, data = ins, FUN = sum)
insurance <- data.frame(unit = paste(insurance$District, insurance$Group), x = insurance$Claims, n = insurance$expected)

datasets <- list(surgical = surgical, ucb = ucb, esoph = esoph_units, titanic = titanic, insurance = insurance)
cases <- list(); inputs <- list(); expected <- list()
for (ds in names(datasets)) {
  d <- datasets[[ds]]
  d$unit <- as.character(d$unit)
  type <- if (ds == "insurance") "SR" else "PR"
  for (trim in c(0.1, 0.05, 0)) {
    case <- sprintf("%s_%s_trim%s", ds, tolower(type), sub("\\.", "", format(trim)))
    fp <- suppressMessages(funnel_plot(d, numerator = x, denominator = n, group = unit,
                                       data_type = type, sr_method = "CQC", trim_by = trim,
                                       draw_unadjusted = TRUE, draw_adjusted = TRUE, limit = 95,
                                       title = case))
    a <- fp$aggregated_data
    a <- a[order(as.character(a$group)), ]
    fp99 <- suppressMessages(funnel_plot(d, numerator = x, denominator = n, group = unit,
                                         data_type = type, sr_method = "CQC", trim_by = trim,
                                         draw_unadjusted = TRUE, draw_adjusted = TRUE, limit = 99))
    b <- fp99$aggregated_data
    b <- b[order(as.character(b$group)), ]
    chart <- if (type == "PR") sprintf("p(scale=arcsine, limits=normal, winsorize=%s)", format(trim))
             else sprintf("u(scale=sqrt, target=1, winsorize=%s)", format(trim))
    cases[[case]] <- data.frame(case_name = case, dataset = ds, data_type = type, trim_by = format(trim),
                                spc_chart = chart, units = nrow(a), phi = fp$phi, tau2 = fp$tau2,
                                draw_adjusted = fp$draw_adjusted)
    inputs[[case]] <- data.frame(case_name = case, unit = as.character(a$group), x = a$numerator, n = a$denominator)
    expected[[case]] <- data.frame(case_name = case, unit = as.character(a$group), y = a$rr,
                                   target = if (type == "SR") 1 else sum(a$numerator) / sum(a$denominator),
                                   z = a$Uzscore, winsorised_z = a$Wuzscore,
                                   lower95 = a$LCL95, upper95 = a$UCL95, lower998 = a$LCL99, upper998 = a$UCL99,
                                   od_lower95 = a$OD95LCL, od_upper95 = a$OD95UCL,
                                   od_lower998 = a$OD99LCL, od_upper998 = a$OD99UCL,
                                   outlier95 = a$outlier, outlier998 = b$outlier)
  }
}
fmt <- function(df) { for (c in names(df)) if (is.double(df[[c]])) df[[c]] <- sprintf("%.17g", df[[c]]); df }
write.csv(fmt(do.call(rbind, cases)), file.path(out, "cases.csv"), row.names = FALSE, na = "")
write.csv(fmt(do.call(rbind, inputs)), file.path(out, "inputs.csv"), row.names = FALSE, na = "")
write.csv(fmt(do.call(rbind, expected)), file.path(out, "expected.csv"), row.names = FALSE, na = "")
cat(sprintf("R %s, FunnelPlotR %s: %d cases, %d units\n", getRversion(), packageVersion("FunnelPlotR"),
            length(cases), sum(sapply(inputs, nrow))))
