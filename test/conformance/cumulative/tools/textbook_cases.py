#!/usr/bin/env python3
"""Published and hand-worked reference cases for the cumulative charts.

Writes textbook_inputs.csv and textbook_expected.csv (same layout as the qcc
files) and prints the hand-worked Bernoulli and risk-adjusted CUSUM steps that
README.md shows.  Usage: python3 textbook_cases.py <out dir>

Sources:
- Montgomery, Introduction to Statistical Quality Control, 6th ed., Table 9.1
  data (30 observations, mu0 = 10, sigma = 1), the tabular CUSUM of Table 9.2
  (k = 0.5, h = 5) and the EWMA of Example 9.2 (lambda = 0.1, L = 2.7), as
  transcribed with their printed precision in spc-kit's spec/montgomery_spec.rb
  (jchester/spc-kit c722e48).
- qcc's own unit-test vectors (methods.md 3.8, 3.9).
- Hand-worked Bernoulli and risk-adjusted CUSUMs (every step printed).
"""
import csv
import math
import sys

out = sys.argv[1]
inputs, expected = [], []


def add(case_id, spec, source, xs, ns=None, rows=None, baseline=None):
    for i, x in enumerate(xs, 1):
        inputs.append(dict(case_id=case_id, chart=spec.split('(')[0], i=i, obs=1, x=repr(x),
                           n='' if ns is None else repr(ns[i - 1]),
                           baseline=1 if baseline is None else baseline[i - 1]))
    for i, r in enumerate(rows, 1):
        r = dict(r)
        r.update(case_id=case_id, spec=spec, source=source, i=i)
        expected.append(r)


def decimals(text):
    return len(text.split('.')[1]) if '.' in text else 0


# Montgomery Table 9.1: x_i - 10 as printed in Table 9.2's first column
dev = "-0.55 -2.01 -0.71 1.66 2.16 0.18 -1.96 1.46 -0.8 0.34 -0.97 1.47 0.51 -0.6 0.08 " \
      "-0.63 0.62 0.31 -1.48 0.84 0.9 -0.67 2.29 1.5 0.6 1.08 0.38 1.62 1.31 0.52".split()
x = [round(10 + float(d), 2) for d in dev]

# Table 9.2: C+_i and C-_i (printed to 2 decimals; exact for 2-decimal data)
cplus = "0 0 0 1.16 2.82 2.50 0.04 1.00 0 0 0 0.97 0.98 0 0 0 0.12 0 0 0.34 0.74 0 1.79 2.79 2.89 " \
        "3.47 3.35 4.47 5.28 5.30".split()
cminus = "0.05 1.56 1.77 0 0 0 1.46 0 0.30 0 0.47 0 0 0.10 0 0.13 0 0 0.98 0 0 0.17 0 0 0 0 0 0 0 0".split()
rows = []
for cp, cm in zip(cplus, cminus):
    rows.append(dict(y=cp, y_lower=repr(-float(cm)) if float(cm) else '0', cl=0, lcl=-5, ucl=5,
                     signal=int(float(cp) > 5 or float(cm) > 5), tol='1e-9'))
add('mont01_table92_cusum', 'cusum(cl=10,sigma=1,k=0.5,h=5)',
    'Montgomery 6th ed. Table 9.2 (via spc-kit spec/montgomery_spec.rb)', x, rows=rows)

# Example 9.2: EWMA with lambda = 0.1, L = 2.7 (z_i printed to 6 significant digits);
# limits mu0 +/- L sigma sqrt(lambda/(2-lambda) (1-(1-lambda)^(2i))): 10.27 / 9.73 at i = 1
z = "9.945 9.7495 9.70355 9.8992 10.1253 10.1307 9.92167 10.0755 9.98796 10.0232 9.92384 " \
    "10.0785 10.1216 10.0495 10.0525 9.98426 10.0478 10.074 9.91864 10.0108 10.0997 10.0227 " \
    "10.2495 10.3745 10.3971 10.4654 10.4568 10.5731 10.6468 10.6341".split()
rows = []
for i, zi in enumerate(z, 1):
    # half a unit of the last printed digit
    tol = 0.5 * 10 ** -decimals(zi) / abs(float(zi)) * 1.0001
    half = 2.7 * math.sqrt(0.1 / 1.9 * (1 - 0.9 ** (2 * i)))
    lim = dict(lcl='9.73', ucl='10.27') if i == 1 else dict(lcl='', ucl='')
    rows.append(dict(y=zi, y_lower='', cl=10, signal='', tol='%.3g' % tol, **lim))
# spc-kit: the chart signals at the last two observations (29 and 30)
for i, r in enumerate(rows, 1):
    r['signal'] = int(i in (29, 30))
add('mont02_example92_ewma', 'ewma(cl=10,sigma=1,lambda=0.1,nsigma=2.7)',
    'Montgomery 6th ed. Example 9.2 (via spc-kit spec/montgomery_spec.rb)', x, rows=rows)

# qcc's unit-test vectors (methods.md 3.8 and 3.9)
rows = [dict(y=y, y_lower='', cl=10, lcl=repr(10 - 2 * s), ucl=repr(10 + 2 * s), signal=0, tol='1e-12')
        for y, s in zip([10.5, 11.75, 11.875], [1, math.sqrt(1.25), math.sqrt(1.3125)])]
add('qcct1_ewma_vector', 'ewma(cl=10,sigma=2,lambda=0.5,nsigma=2)', 'qcc tests/testthat/test-ewma.R',
    [11, 13, 12], rows=rows)
rows = [dict(y=p, y_lower=m, cl=0, lcl=-1, ucl=1, signal=s, tol='1e-12')
        for p, m, s in zip([1, 1, 1.1, 0, 0, 0], [0, 0, 0, -1, -1, -1.3], [0, 0, 1, 0, 0, 1])]
add('qcct2_cusum_vector', 'cusum(cl=0,sigma=1,h=1)', 'qcc tests/testthat/test-cusum.R',
    [1.5, 0.5, 0.6, -1.5, -0.5, -0.8], rows=rows)


def cusum_steps(title, cases, score_up, score_down, h, explain):
    """Upper and lower CUSUMs with restart after a signal; prints each step."""
    print('### ' + title)
    print()
    print(explain)
    print()
    print('| case | x | n | W+ | S+ before | y = S+ | signal | W- | S- before | y_lower = S- | signal |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    up = low = 0.0
    rows = []
    for i, (xi, ni) in enumerate(cases, 1):
        wu, wd = score_up(xi, ni), score_down(xi, ni)
        bu, bl = up, low
        up = max(0.0, up + wu)
        low = min(0.0, low - wd)
        su, sl = up >= h, low <= -h
        rows.append(dict(y=repr(up), y_lower=repr(low + 0.0), cl=0, lcl=-h, ucl=h,
                         signal=int(su or sl), tol='1e-12'))
        print('| %d | %s | %s | %+.6f | %.6f | %.6f | %s | %+.6f | %.6f | %.6f | %s |' % (
            i, xi, '' if ni is None else ni, wu, bu, up, 'upper' if su else '', wd, bl, low,
            'lower' if sl else ''))
        if su:
            up = 0.0
        if sl:
            low = 0.0
    print()
    return rows


# Bernoulli CUSUM: p0 = 0.1, OR = 2: p1 = 2/11, p2 = 1/19; h = 1.5
p0, p1, p2 = 0.1, 2 / 11, 1 / 19
outcomes = [0, 0, 1, 0, 1, 1] + [0] * 30 + [0, 0, 1, 0]


def bern(p):
    return lambda xi, ni: xi * math.log(p / p0) + (1 - xi) * math.log((1 - p) / (1 - p0))


rows = cusum_steps('Bernoulli CUSUM: p0 = 0.1, or = 2, h = 1.5', [(o, None) for o in outcomes],
                   bern(p1), bern(p2), 1.5,
                   'p1 = 2/11 (odds 2/9), p2 = 1/19 (odds 1/18). W+ = ln(p1/p0) = 0.597837 for an event, '
                   'ln((1-p1)/(1-p0)) = -0.095310 otherwise; W- = ln(p2/p0) = -0.641854 or '
                   'ln((1-p2)/(1-p0)) = 0.051293. S+ = max(0, S+ + W+), S- = min(0, S- - W-); each '
                   'restarts at 0 after it reaches h (S+ >= h) or -h (S- <= -h).')
add('hand01_bcusum', 'bcusum(p0=0.1,or=2,h=1.5)', 'hand-worked (README)', outcomes, rows=rows)

# The same cases as subgroups: x events out of n cases sum the cases' scores
groups = [(1, 3), (2, 3), (0, 3)]
rows = cusum_steps('Bernoulli CUSUM of subgroups (x events in n cases): p0 = 0.1, or = 2, h = 1.5', groups,
                   lambda xi, ni: xi * math.log(p1 / p0) + (ni - xi) * math.log((1 - p1) / (1 - p0)),
                   lambda xi, ni: xi * math.log(p2 / p0) + (ni - xi) * math.log((1 - p2) / (1 - p0)), 1.5,
                   'A subgroup of n cases with x events scores the sum of its cases: '
                   'W+ = x ln(p1/p0) + (n - x) ln((1-p1)/(1-p0)).')
add('hand02_bcusum_groups', 'bcusum(p0=0.1,or=2,h=1.5)', 'hand-worked (README)', [g[0] for g in groups],
    ns=[g[1] for g in groups], rows=rows)

# Risk-adjusted CUSUM: or = 2, h = 1; outcome y and predicted risk p per case
risk = [0.10, 0.40, 0.05, 0.20, 0.60, 0.15, 0.30, 0.08, 0.50, 0.02, 0.50, 0.60, 0.40, 0.50]
died = [0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0]
rows = cusum_steps('Risk-adjusted CUSUM (Steiner et al. 2000): or = 2, h = 1', list(zip(died, risk)),
                   lambda y, p: y * math.log(2) - math.log(1 - p + 2 * p),
                   lambda y, p: y * math.log(0.5) - math.log(1 - p + 0.5 * p), 1.0,
                   'W+ = y ln 2 - ln(1 - p + 2p) = y ln 2 - ln(1 + p) tests a doubling of the odds of '
                   'death; W- = y ln(1/2) - ln(1 - p/2) tests a halving. Deaths of low-risk patients '
                   'weigh most (case 3: 0.693147 - ln 1.05 = +0.644357).')
add('hand03_racusum', 'racusum(or=2,h=1)', 'hand-worked (README)', died, ns=risk, rows=rows)

cols_in = ['case_id', 'chart', 'i', 'obs', 'x', 'n', 'baseline']
cols_ex = ['case_id', 'spec', 'source', 'i', 'y', 'y_lower', 'cl', 'lcl', 'ucl', 'signal', 'tol']
with open(out + '/textbook_inputs.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, cols_in)
    w.writeheader()
    w.writerows(inputs)
with open(out + '/textbook_expected.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, cols_ex, extrasaction='ignore')
    w.writeheader()
    for r in expected:
        w.writerow({k: r.get(k, '') for k in cols_ex})
print('%d cases, %d points' % (len({r['case_id'] for r in expected}), len(expected)), file=sys.stderr)
