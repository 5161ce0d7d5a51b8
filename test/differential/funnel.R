# Differential test of spc.funnel: random partitions of units (seeded), the
# funnel computed in R straight from Spiegelhalter (2005)'s formulas with R's
# own qbinom/pbinom and qpois/ppois (exact limits, appendix), quantile() type 7
# (winsorising), and the QSHC paper's phi and tau^2; on the ratio scale or
# the arcsine / square-root scale of Spiegelhalter et al. (2012).
# Usage: Rscript funnel.R generate DIR [PARTITIONS] [SEED] | compare DIR
args <- commandArgs(trailingOnly = TRUE)
dir <- args[2]
if (args[1] == "generate") {
  partitions <- if (length(args) >= 3) as.integer(args[3]) else 2000L
  set.seed(if (length(args) >= 4) as.integer(args[4]) else 2005L)
  z975 <- qnorm(.975); z999 <- qnorm(.999)
  exact <- function(type, theta, n, p) {
    if (theta == 0 || (type == "p" && theta >= 1)) return(theta)
    if (type == "p") { r <- qbinom(p, n, theta); F <- pbinom(r, n, theta); F1 <- pbinom(r - 1, n, theta) }
    else { r <- qpois(p, n * theta); F <- ppois(r, n * theta); F1 <- ppois(r - 1, n * theta) }
    lim <- (r - (F - p) / (F - F1)) / n
    if (type == "p") min(1, max(0, lim)) else max(0, lim)
  }
  units <- list(); expect <- list()
  for (pid in seq_len(partitions)) {
    type <- sample(c("p", "u"), 1)
    k <- sample(c(2:5, 6:40), 1)
    n <- switch(sample(c("small", "mixed", "large"), 1),
                small = sample(1:30, k, TRUE), mixed = sample(5:5000, k, TRUE), large = sample(1e4:1e7, k, TRUE))
    theta0 <- if (type == "p") sample(c(0.01, 0.1, 0.5, 0.9), 1) else sample(c(0.001, 0.05, 2), 1)
    spread <- sample(c(0, 0.3, 1), 1)          # over-dispersion: unit rates vary around theta0
    rate <- pmax(0, theta0 * exp(rnorm(k, 0, spread)))
    x <- if (type == "p") rbinom(k, n, pmin(rate, 1)) else rpois(k, rate * n)
    limits <- sample(c("exact", "normal"), 1); adjust <- sample(c("additive", "multiplicative"), 1)
    wins <- sample(c(0, 0.1, 0.2), 1); od <- runif(1) < .5
    scale <- sample(c("ratio", if (type == "p") "arcsine" else "sqrt"), 1)
    chart <- sprintf("%s(limits=%s, adjust=%s, winsorize=%g, scale=%s)", type, limits, adjust, wins, scale)
    theta <- sum(x) / sum(n)
    # the scale (Spiegelhalter et al. 2012): g, its inverse clipped to g's range
    g <- switch(scale, ratio = identity, arcsine = function(v) asin(sqrt(v)), sqrt = sqrt)
    ginv <- switch(scale, ratio = identity,
                   arcsine = function(v) sin(pmin(pmax(v, 0), pi / 2))^2, sqrt = function(v) pmax(v, 0)^2)
    s <- if (scale == "ratio") sqrt((if (type == "p") theta * (1 - theta) else theta) / n) else 1 / (2 * sqrt(n))
    z <- ifelse(s > 0, (g(x / n) - g(theta)) / s, NA)
    zz <- z[!is.na(z)]
    phi <- NA; tau2 <- 0
    if (length(zz) > 0) {
      q <- quantile(zz, c(wins, 1 - wins), names = FALSE)
      zw <- if (wins > 0) pmin(pmax(zz, q[1]), q[2]) else zz
      phi <- mean(zw^2); I <- length(zz)
      w <- 1 / s[!is.na(z)]^2
      if (I > 1 && I * phi > I - 1 && sum(w) - sum(w^2) / sum(w) > 0)
        tau2 <- (I * phi - (I - 1)) / (sum(w) - sum(w^2) / sum(w))
    }
    adjusted <- od && (if (adjust == "additive") tau2 > 0 else !is.na(phi) && phi > 1)
    se <- if (!adjusted) s else if (adjust == "additive") sqrt(s^2 + tau2) else sqrt(phi) * s
    ceiling <- if (type == "p") 1 else Inf
    norm <- function(zq) pmin(pmax(ginv(g(theta) + zq * se), 0), ceiling)
    lo95 <- if (!adjusted && limits == "exact") sapply(n, function(m) exact(type, theta, m, .025)) else norm(-z975)
    hi95 <- if (!adjusted && limits == "exact") sapply(n, function(m) exact(type, theta, m, .975)) else norm(z975)
    lo998 <- if (!adjusted && limits == "exact") sapply(n, function(m) exact(type, theta, m, .001)) else norm(-z999)
    hi998 <- if (!adjusted && limits == "exact") sapply(n, function(m) exact(type, theta, m, .999)) else norm(z999)
    units[[pid]] <- data.frame(pid = pid, unit = seq_len(k), chart = chart, od = od, x = x, n = n)
    expect[[pid]] <- data.frame(pid = pid, unit = seq_len(k), target = theta, z = z,
                                z_adjusted = if (adjusted) ifelse(se > 0, (g(x / n) - g(theta)) / se, NA) else z,
                                lower95 = lo95, upper95 = hi95, lower998 = lo998, upper998 = hi998,
                                phi = phi, tau2 = if (is.na(phi)) NA else tau2, adjusted = adjusted)
  }
  write.csv(do.call(rbind, units), file.path(dir, "funnel_units.csv"), row.names = FALSE, na = "")
  write.csv(do.call(rbind, expect), file.path(dir, "funnel_expected.csv"), row.names = FALSE, na = "")
} else {
  e <- read.csv(file.path(dir, "funnel_expected.csv"))
  g <- read.csv(file.path(dir, "funnel_spc.csv"))
  d <- merge(e, g, by = c("pid", "unit"), suffixes = c(".r", ".spc"))
  same <- function(a, b) (is.na(a) & is.na(b)) | (!is.na(a) & !is.na(b) & abs(a - b) <= 1e-9 * pmax(1, abs(a), abs(b)))
  fields <- c("target", "z", "z_adjusted", "lower95", "upper95", "lower998", "upper998", "phi", "tau2")
  bad <- sapply(fields, function(f) sum(!same(d[[paste0(f, ".r")]], d[[paste0(f, ".spc")]])))
  bad <- c(bad, adjusted = sum(d$adjusted.r != (d$adjusted.spc == "t" | d$adjusted.spc == "true" | d$adjusted.spc == TRUE)))
  cat(sprintf("spc.funnel against R (Spiegelhalter's formulas): %d partitions, %d units, %d differences\n",
              length(unique(d$pid)), nrow(d), sum(bad)))
  if (sum(bad) > 0) {
    print(bad)
    for (f in fields) {
      w <- which(!same(d[[paste0(f, ".r")]], d[[paste0(f, ".spc")]]))
      if (length(w)) print(head(d[w, c("pid", "unit", paste0(f, ".r"), paste0(f, ".spc"))], 3))
    }
    quit(status = 1)
  }
}
