/// @file stats.h
/// Quantiles and bootstrap confidence intervals (percentile and BCa). One quantile definition
/// is used everywhere: NumPy's default "linear" (Hyndman-Fan type 7), as GSL's
/// gsl_stats_quantile_from_sorted_data, so bands agree across commands and with user scripts.
#ifndef SSOC_STATS_H
#define SSOC_STATS_H

#include <stddef.h>

#include "ssoc/error.h"

/// The quantile definition every band uses, in words, as the sweep file's root attribute
/// `quantile_definition` states it.
#define SSOC_QUANTILE_DEFINITION                                                                                     \
    "type 7 of Hyndman and Fan (1996), NumPy's default 'linear': for the m sorted values x_1..x_m and level q, "     \
    "h = (m - 1) q and the quantile is x_(floor h + 1) + (h - floor h) (x_(floor h + 2) - x_(floor h + 1))"

/// Interval method.
typedef enum ssoc_ci_method {
    SSOC_CI_PERCENTILE = 0, ///< quantiles (1 -+ conf)/2 of the bootstrap sample
    SSOC_CI_BCA = 1,        ///< bias-corrected and accelerated (Efron 1987)
    /// Expanded percentile: the percentile interval at the level ssoc_ci_expanded_level(conf, dof),
    /// which widens it for the small-sample spread of the residual scale (Hesterberg, "What
    /// teachers should know about the bootstrap", Am. Stat. 69 (2015) 371, with the residual
    /// degrees of freedom of a regression for n - 1). docs/UNCERTAINTY.md.
    SSOC_CI_EXPANDED = 2,
} ssoc_ci_method;

/// Name of an interval method as the config, the command line and the output files spell it:
/// "percentile", "bca" or "expanded".
const char *ssoc_ci_method_name(ssoc_ci_method m);
/// The method named `name` ("percentile", "bca" or "expanded", exactly): 0 and *out set; -1 (and
/// *out untouched) for any other string or NULL.
int ssoc_ci_method_parse(const char *name, ssoc_ci_method *out);

/// The two-sided level of the percentile interval that the expanded interval at `conf` uses:
/// 2 Phi(t_dof((1 + conf)/2)) - 1, with t_dof the Student t quantile for `dof` degrees of freedom
/// (> 0; fractional allowed) and Phi the normal cdf, so that the normal quantile of the new level
/// is the t quantile of the old: e.g. 0.95 -> 0.9607 at dof 19, -> 0.95 as dof -> infinity. 1
/// (the sample's extremes) for dof <= 0 or NaN, or when the level rounds to 1.
double ssoc_ci_expanded_level(double conf, double dof);

/// Type-7 quantile of sorted data (ascending, n >= 1, 0 <= q <= 1).
double ssoc_quantile_sorted(const double *sorted, size_t n, double q);

/// Type-7 quantile of unsorted data by selection; reorders `v` (n >= 1). Bitwise equal to
/// ssoc_quantile_sorted on the sorted copy.
double ssoc_quantile_select(double *v, size_t n, double q);

/// BCa acceleration from jackknife values (leave-one-out estimates), Efron (1987):
/// a = sum (m - t_i)^3 / (6 (sum (m - t_i)^2)^1.5), m = mean of t_i. 0 when all t_i are equal.
double ssoc_bca_acceleration(const double *jack, size_t n_jack);

/// Quantile levels (q_lo, q_hi) of a two-sided interval at confidence `conf`.
/// Percentile and expanded: ((1-conf)/2, (1+conf)/2); for expanded the caller passes the
/// expanded level (ssoc_ci_expanded_level) as `conf`. BCa: adjusted by bias z0 (from `frac_below`, the fraction
/// of replicates below the point estimate, ties counted half) and acceleration `a`.
/// For BCa with frac_below of 0 or 1 the levels collapse to 0 or 1 (the sample's extremes).
void ssoc_ci_levels(ssoc_ci_method m, double conf, double frac_below, double a, double *q_lo, double *q_hi);

/// Fraction of the bootstrap sample v[0..n) (n >= 1) below the point estimate theta, ties
/// counted half (so a sample all equal to theta gives 1/2, not 0): BCa's bias input.
double ssoc_ci_frac_below(const double *v, size_t n, double theta);

/// Quantile levels (q_lo, q_hi) of the interval of the bootstrap sample v[0..n) around theta: the
/// one BCa level selection every band uses (bootstrap summaries, sweep maps, design rules,
/// reports). Percentile: as ssoc_ci_levels (v and theta unused). BCa: bias from
/// ssoc_ci_frac_below(v, n, theta), acceleration `a` (ssoc_bca_acceleration of the jackknife).
void ssoc_ci_levels_sample(ssoc_ci_method m, double conf, const double *v, size_t n, double theta, double a,
                           double *q_lo, double *q_hi);

/// Interval from a bootstrap sample `v` (reordered; NaNs not allowed), point estimate `theta`
/// and, for BCa, jackknife values. Writes lo, hi and the median (any may be NULL). Expanded is
/// the percentile interval at `conf`: pass the expanded level (ssoc_ci_expanded_level).
ssoc_status ssoc_ci_compute(double *v, size_t n, double theta, const double *jack, size_t n_jack,
                            double conf, ssoc_ci_method m, double *lo, double *hi, double *median,
                            ssoc_error *err);

#endif
