# Differential test, step 1: random series (seeded) computed by the reference
# tools themselves.  Writes, into the directory given as the first argument,
#   rows.csv     what spc.chart is called on: one row per observation
#   expected.csv what the tool answered: one row per subgroup
# Usage: Rscript generate.R OUTDIR [SERIES] [SEED]
suppressPackageStartupMessages({
  library(qicharts2)        # attached: qicharts2 screens moving ranges only when attached
  library(qcc)
  library(NHSRplotthedots)
  library(parallel)
})
args <- commandArgs(trailingOnly = TRUE)
outdir <- args[1]
total <- if (length(args) >= 2) as.integer(args[2]) else 10500L
seed <- if (length(args) >= 3) as.integer(args[3]) else 20261130L

# Share of the series per tool and chart: every chart each tool shares with spc.chart.
plan <- rbind(
  data.frame(tool = "qicharts2", chart = c("run", "i", "mr", "xbar", "s", "p", "pp", "c", "u", "up", "g", "t"),
             weight = c(6, 8, 4, 6, 6, 8, 5, 6, 8, 5, 4, 4)),
  data.frame(tool = "qcc", chart = c("xbar", "R", "S", "xbar.one", "p", "np", "c", "u",
                                     "ewma", "ewma.one", "cusum", "cusum.one"),
             weight = c(4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3)),
  data.frame(tool = "qicharts2", chart = c("run.n", "i.n"), weight = c(3, 3)),
  data.frame(tool = "NHSRplotthedots", chart = "i", weight = 25))
plan$count <- round(total * plan$weight / sum(plan$weight))

# Denominators: tiny, ordinary and huge, varying from subgroup to subgroup.
draw_n <- function(m) {
  switch(sample(c("tiny", "ordinary", "huge", "constant"), 1, prob = c(.2, .5, .1, .2)),
         tiny = sample(1:6, m, replace = TRUE),
         ordinary = sample(20:400, m, replace = TRUE),
         huge = round(runif(m, 1e6, 1e9)),
         constant = rep(sample(c(5, 50, 500), 1), m))
}

# Values with ties (rounded) and zeros, sometimes a shift in the second half.
draw_values <- function(chart, m, n) {
  shift <- if (runif(1) < .3) c(rep(0, m %/% 2), rep(1, m - m %/% 2)) else rep(0, m)
  switch(chart,
    run = , i = , xbar.one = , ewma.one = , cusum.one = round(rnorm(m, 20 + 3 * shift, 4), sample(c(0, 1, 3), 1)),
    run.n = , i.n = rbinom(m, n, sample(c(0.1, 0.5, 0.9), 1)),
    mr = round(rnorm(m, 10, 2), sample(c(0, 2), 1)),
    t = round(rexp(m, 1 / 12), 2) + 0.01,
    g = rgeom(m, 1 / sample(c(3, 20, 60), 1)),
    c = rpois(m, sample(c(0.3, 2, 15, 200), 1) * (1 + .5 * shift)),
    u = , up = rpois(m, n * sample(c(0.001, 0.05, 0.8), 1) * (1 + .3 * shift)),
    p = , pp = , np = rbinom(m, n, sample(c(0.02, 0.3, 0.5, 0.97), 1)))
}

# A design: K series of one tool and chart sharing their length, phases, frozen
# baseline and exclusions (the tools take those per call), each with its own
# values, denominators and missing points; computed in one call per design
# through the tools' facets, which keeps the tools' per-call overhead low.
K <- 25L

one_design <- function(first_sid, tool, chart) {
  m <- sample(c(8:30, 30:60), 1)
  grouped <- chart %in% c("xbar", "s", "R", "S", "ewma", "cusum")
  needs_n <- chart %in% c("p", "pp", "u", "up", "np", "run.n", "i.n")
  part <- rep(1L, m); baseline <- rep(TRUE, m); exclude <- rep(FALSE, m)
  freeze <- NULL; breaks <- NULL; excl <- NULL
  qic_chart <- sub("\\.n$", "", chart)
  if (tool == "qicharts2" && chart != "mr") {
    # phases or a frozen baseline (qicharts2 takes one or the other), exclusions
    if (runif(1) < .3 && m >= 16) {
      breaks <- sample(8:(m - 6), 1); part[(breaks + 1):m] <- 2L
    } else if (runif(1) < .3) {
      freeze <- sample(6:(m - 2), 1); baseline[(freeze + 1):m] <- FALSE
    }
    if (runif(1) < .25) { excl <- sort(sample(m, sample(1:2, 1))); exclude[excl] <- TRUE }
  }
  if (tool == "NHSRplotthedots") {
    m <- max(m, 14L)
    part <- rep(1L, m); baseline <- rep(TRUE, m); exclude <- rep(FALSE, m)
    if (runif(1) < .3 && m >= 24) { breaks <- sample(12:(m - 12), 1); part[(breaks + 1):m] <- 2L }
    if (runif(1) < .3) {
      freeze <- sample(12:16, 1)
      # NHSRplotthedots fixes the limits after the first points of each rebased phase
      for (g in unique(part)) { idx <- which(part == g); baseline[idx[-seq_len(min(freeze, length(idx)))]] <- FALSE }
    }
  }
  if (tool == "qcc" && runif(1) < .3) {     # phase II: newdata judged against the limits
    freeze <- sample(8:(m - 2), 1); baseline[(freeze + 1):m] <- FALSE
  }
  const_size <- runif(1) < .5 || (tool == "qcc" && chart == "R")
  np_n <- sample(c(5, 50, 500), 1)
  sids <- first_sid + seq_len(K) - 1L
  series <- lapply(sids, function(sid) {
    n <- if (needs_n) draw_n(m) else rep(NA_real_, m)
    if (chart == "np") n <- rep(np_n, m)
    if (grouped) {
      size <- if (const_size) rep(sample(2:8, 1), m) else sample(2:8, m, replace = TRUE)
      obs <- lapply(seq_len(m), function(k) round(rnorm(size[k], 50, 5), sample(c(0, 2), 1)))
      data.frame(sid = sid, i = rep(seq_len(m), lengths(obs)), x = unlist(obs), n = NA_real_)
    } else {
      x <- draw_values(chart, m, n)
      if (tool == "qicharts2" && runif(1) < .2) x[sample(m, sample(1:3, 1))] <- NA   # missing weeks
      data.frame(sid = sid, i = seq_len(m), x = x, n = n)
    }
  })
  rows <- do.call(rbind, series)

  expect <- tryCatch({
    if (tool == "qicharts2") {
      d <- if (needs_n) qic(i, x, n = n, data = rows, facets = ~sid, chart = qic_chart, part = breaks,
                            freeze = freeze, exclude = excl, return.data = TRUE)
           else qic(i, x, data = rows, facets = ~sid, chart = qic_chart, part = breaks, freeze = freeze,
                    exclude = excl, return.data = TRUE)
      data.frame(sid = as.integer(as.character(d$facet1)), i = d$x, y = d$y, cl = d$cl, lcl = d$lcl, ucl = d$ucl,
                 outside = d$sigma.signal, runs = d$runs.signal, variation = NA_character_, y_lower = NA_real_)
    } else if (tool == "qcc") {
      base <- if (is.null(freeze)) seq_len(m) else seq_len(freeze)
      do.call(rbind, lapply(series, function(r) {
        if (chart %in% c("ewma", "ewma.one", "cusum", "cusum.one")) {
          data <- if (grouped) {
            obs <- split(r$x, r$i)
            mat <- matrix(NA_real_, m, max(lengths(obs)))
            for (k in seq_len(m)) mat[k, seq_along(obs[[k]])] <- obs[[k]]
            mat
          } else r$x
          sub <- function(d, idx) if (is.matrix(d)) d[idx, , drop = FALSE] else d[idx]
          fun <- if (startsWith(chart, "ewma")) ewma else cusum
          q <- if (is.null(freeze)) fun(data, plot = FALSE)
               else fun(sub(data, base), newdata = sub(data, -base), plot = FALSE)
          if (startsWith(chart, "ewma")) {
            lim <- q$limits
            return(data.frame(sid = r$sid[1], i = seq_len(m), y = q$y, cl = q$center, lcl = lim[, 1],
                              ucl = lim[, 2], outside = seq_len(m) %in% q$violations, runs = FALSE,
                              variation = NA_character_, y_lower = NA_real_))
          }
          return(data.frame(sid = r$sid[1], i = seq_len(m), y = q$pos, cl = 0, lcl = -q$decision.interval,
                            ucl = q$decision.interval,
                            outside = seq_len(m) %in% c(q$violations$upper, q$violations$lower),
                            runs = FALSE, variation = NA_character_, y_lower = q$neg))
        }
        if (grouped) {
          obs <- split(r$x, r$i)
          mat <- matrix(NA_real_, m, max(lengths(obs)))
          for (k in seq_len(m)) mat[k, seq_along(obs[[k]])] <- obs[[k]]
          q <- if (is.null(freeze)) qcc(mat, type = chart, plot = FALSE)
               else qcc(mat[base, , drop = FALSE], type = chart, newdata = mat[-base, , drop = FALSE], plot = FALSE)
        } else if (needs_n) {
          q <- if (is.null(freeze)) qcc(r$x, sizes = r$n, type = chart, plot = FALSE)
               else qcc(r$x[base], sizes = r$n[base], type = chart, newdata = r$x[-base], newsizes = r$n[-base],
                        plot = FALSE)
        } else {
          q <- if (is.null(freeze)) qcc(r$x, type = chart, plot = FALSE)
               else qcc(r$x[base], type = chart, newdata = r$x[-base], plot = FALSE)
        }
        lim <- q$limits[rep_len(seq_len(nrow(q$limits)), m), , drop = FALSE]
        data.frame(sid = r$sid[1], i = seq_len(m), y = as.numeric(c(q$statistics, q$newstats)), cl = q$center,
                   lcl = lim[, 1], ucl = lim[, 2], outside = seq_len(m) %in% q$violations$beyond.limits,
                   runs = length(q$violations$violating.runs) > 0, variation = NA_character_, y_lower = NA_real_)
      }))
    } else {
      df <- data.frame(f = rows$sid, date = as.Date("2024-01-07") + 7 * (rows$i - 1), y = rows$x)
      rebase <- if (is.null(breaks)) NULL else as.Date("2024-01-07") + 7 * breaks
      p <- as.data.frame(ptd_spc(df, value_field = "y", date_field = "date", facet_field = "f",
                                 improvement_direction = "increase", rebase = rebase, fix_after_n_points = freeze))
      data.frame(sid = as.integer(as.character(p$f)), i = as.integer((as.Date(p$x) - as.Date("2024-01-07")) / 7) + 1L,
                 y = p$y, cl = p$mean_col, lcl = p$lpl, ucl = p$upl, outside = p$outside_limits, runs = NA,
                 variation = as.character(p$point_type), y_lower = NA_real_)
    }
  }, error = function(e) { if (nzchar(Sys.getenv("SPC_DIFF_DEBUG"))) message(tool, " ", chart, ": ", conditionMessage(e)); NULL })
  if (is.null(expect)) return(NULL)

  # what spc.chart is called with
  spc_chart <- switch(paste(tool, chart),
    "qcc xbar" = "xbar(method=qcc)", "qcc R" = "r", "qcc S" = "s(method=qcc)", "qcc xbar.one" = "i(screen=false)",
    "qcc p" = "p", "qcc np" = "np", "qcc c" = "c", "qcc u" = "u", "NHSRplotthedots i" = "i",
    "qcc ewma" = , "qcc ewma.one" = "ewma", "qcc cusum" = , "qcc cusum.one" = "cusum",
    "qicharts2 run.n" = "run", "qicharts2 i.n" = "i", chart)
  rows$part <- part[rows$i]; rows$baseline <- baseline[rows$i]; rows$exclude <- exclude[rows$i]
  list(rows = cbind(tool = tool, chart = chart, spc_chart = spc_chart, rows), expect = expect)
}

plan$designs <- pmax(1L, round(plan$count / K))
tasks <- do.call(rbind, lapply(seq_len(nrow(plan)), function(k)
  data.frame(tool = plan$tool[k], chart = plan$chart[k], rep = seq_len(plan$designs[k]))))
tasks$first_sid <- (seq_len(nrow(tasks)) - 1L) * K + 1L
RNGkind("L'Ecuyer-CMRG")
set.seed(seed)
chunks <- split(tasks, seq_len(nrow(tasks)) %% 2)
out <- mclapply(chunks, function(ch) {
  lapply(seq_len(nrow(ch)), function(k) one_design(ch$first_sid[k], ch$tool[k], ch$chart[k]))
}, mc.cores = 2, mc.set.seed = TRUE)
out <- unlist(out, recursive = FALSE)
refused <- sum(vapply(out, is.null, logical(1)))
out <- Filter(Negate(is.null), out)
rows <- do.call(rbind, lapply(out, `[[`, "rows"))
expect <- do.call(rbind, lapply(out, `[[`, "expect"))
write.csv(rows[, c("sid", "tool", "chart", "spc_chart", "i", "x", "n", "part", "baseline", "exclude")],
          file.path(outdir, "rows.csv"), row.names = FALSE, na = "")
write.csv(expect, file.path(outdir, "expected.csv"), row.names = FALSE, na = "")
cat(sprintf("generated %d series in %d designs (%d designs the tool refused), %d rows\n",
            length(unique(rows$sid)), length(out), refused, nrow(rows)))
