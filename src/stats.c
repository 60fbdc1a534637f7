/* Quantiles and bootstrap confidence intervals (percentile and BCa). */
#include "ssoc/stats.h"

#include "quantile7.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

/* No GSL error handler is touched here: gsl_cdf_ugaussian_Pinv and gsl_cdf_tdist_Pinv are only
 * called with P in (0, 1) (and dof > 0),
 * gsl_cdf_ugaussian_P and gsl_sort have no error path, and these functions may run inside
 * OpenMP threads (the sweep), where flipping GSL's global handler would be a data race. */


const char *ssoc_ci_method_name(ssoc_ci_method m)
{
    return m == SSOC_CI_BCA ? "bca" : m == SSOC_CI_EXPANDED ? "expanded" : "percentile";
}

int ssoc_ci_method_parse(const char *name, ssoc_ci_method *out)
{
    if (name && !strcmp(name, "percentile"))
        *out = SSOC_CI_PERCENTILE;
    else if (name && !strcmp(name, "bca"))
        *out = SSOC_CI_BCA;
    else if (name && !strcmp(name, "expanded"))
        *out = SSOC_CI_EXPANDED;
    else
        return -1;
    return 0;
}

double ssoc_ci_expanded_level(double conf, double dof)
{
    if (!(dof > 0.0) || !(conf > 0.0 && conf < 1.0))
        return (conf > 0.0 && conf < 1.0) ? 1.0 : conf;
    const double t = gsl_cdf_tdist_Pinv(0.5 * (1.0 + conf), dof);
    /* 1 - 2 Phi(-t): the upper tail stays accurate where Phi(t) rounds to 1 */
    const double level = 1.0 - 2.0 * gsl_cdf_ugaussian_Q(t);
    return level < 1.0 ? level : 1.0;
}

double ssoc_quantile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double t;
    size_t lo = index7(n, q, &t);
    if (t == 0.0)
        return sorted[lo];
    return lerp7(sorted[lo], sorted[lo + 1], t);
}

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Quickselect (Hoare, median-of-three pivot): afterwards v[k] holds the k-th smallest value,
 * v[0..k) <= v[k] <= v(k..n). Deterministic, no randomness, O(n) expected. */
static void select_kth(double *v, size_t n, size_t k)
{
    size_t left = 0, right = n - 1;
    while (right > left) {
        if (right - left == 1) {
            if (v[right] < v[left])
                swap_d(&v[left], &v[right]);
            return;
        }
        /* Median of three into v[left+1]; v[left] <= v[left+1] <= v[right] serve as sentinels. */
        size_t mid = left + (right - left) / 2;
        swap_d(&v[mid], &v[left + 1]);
        if (v[left] > v[right])
            swap_d(&v[left], &v[right]);
        if (v[left + 1] > v[right])
            swap_d(&v[left + 1], &v[right]);
        if (v[left] > v[left + 1])
            swap_d(&v[left], &v[left + 1]);
        size_t i = left + 1, j = right;
        const double pivot = v[left + 1];
        for (;;) {
            do
                ++i;
            while (v[i] < pivot);
            do
                --j;
            while (v[j] > pivot);
            if (j < i)
                break;
            swap_d(&v[i], &v[j]);
        }
        v[left + 1] = v[j];
        v[j] = pivot;
        if (j >= k)
            right = j - 1;
        if (j <= k)
            left = i;
        if (j == k)
            return;
    }
}

double ssoc_quantile_select(double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double t;
    size_t lo = index7(n, q, &t);
    select_kth(v, n, lo);
    if (t == 0.0)
        return v[lo];
    /* x_(lo+1) is the smallest value above position lo once v is partitioned around lo. */
    double b = v[lo + 1];
    for (size_t i = lo + 2; i < n; ++i)
        if (v[i] < b)
            b = v[i];
    return lerp7(v[lo], b, t);
}

double ssoc_bca_acceleration(const double *jack, size_t n_jack)
{
    if (n_jack == 0)
        return 0.0;
    double m = 0.0;
    for (size_t i = 0; i < n_jack; ++i)
        m += jack[i];
    m /= (double)n_jack;
    double s2 = 0.0, s3 = 0.0;
    for (size_t i = 0; i < n_jack; ++i) {
        const double d = m - jack[i];
        s2 += d * d;
        s3 += d * d * d;
    }
    if (s2 == 0.0)
        return 0.0;
    return s3 / (6.0 * pow(s2, 1.5));
}

/* One BCa level: Phi(z0 + (z0 + z) / (1 - a (z0 + z))), Efron (1987) eq. 2.3. When a (z0 + z) >= 1
 * the transformation has passed its pole; the level takes its limit from below the pole, 1 for
 * z0 + z > 0 and 0 otherwise, so the interval widens to the sample's extreme instead of folding. */
static double bca_level(double z0, double z, double a)
{
    const double w = z0 + z;
    const double den = 1.0 - a * w;
    if (!(den > 0.0))
        return (w > 0.0) ? 1.0 : 0.0;
    return gsl_cdf_ugaussian_P(z0 + w / den);
}

void ssoc_ci_levels(ssoc_ci_method m, double conf, double frac_below, double a, double *q_lo, double *q_hi)
{
    const double p_lo = (1.0 - conf) / 2.0, p_hi = (1.0 + conf) / 2.0;
    if (m != SSOC_CI_BCA) {
        *q_lo = p_lo;
        *q_hi = p_hi;
        return;
    }
    if (frac_below <= 0.0) {
        *q_lo = *q_hi = 0.0;
        return;
    }
    if (frac_below >= 1.0) {
        *q_lo = *q_hi = 1.0;
        return;
    }
    const double z0 = gsl_cdf_ugaussian_Pinv(frac_below);
    *q_lo = bca_level(z0, gsl_cdf_ugaussian_Pinv(p_lo), a);
    *q_hi = bca_level(z0, gsl_cdf_ugaussian_Pinv(p_hi), a);
}

double ssoc_ci_frac_below(const double *v, size_t n, double theta)
{
    size_t below = 0, equal = 0;
    for (size_t j = 0; j < n; ++j)
        below += v[j] < theta, equal += v[j] == theta;
    return ((double)below + 0.5 * (double)equal) / (double)n;
}

void ssoc_ci_levels_sample(ssoc_ci_method m, double conf, const double *v, size_t n, double theta, double a,
                           double *q_lo, double *q_hi)
{
    const double frac = m == SSOC_CI_BCA ? ssoc_ci_frac_below(v, n, theta) : 0.5;
    ssoc_ci_levels(m, conf, frac, m == SSOC_CI_BCA ? a : 0.0, q_lo, q_hi);
}

ssoc_status ssoc_ci_compute(double *v, size_t n, double theta, const double *jack, size_t n_jack,
                            double conf, ssoc_ci_method m, double *lo, double *hi, double *median,
                            ssoc_error *err)
{
    if (n == 0)
        return SSOC_ERR(err, SSOC_EINVAL, "confidence interval of an empty bootstrap sample");
    if (!(conf > 0.0 && (conf < 1.0 || (conf == 1.0 && m == SSOC_CI_EXPANDED))))
        return SSOC_ERR(err, SSOC_EINVAL, "confidence level %g is not in (0, 1)", conf);
    if (m != SSOC_CI_PERCENTILE && m != SSOC_CI_BCA && m != SSOC_CI_EXPANDED)
        return SSOC_ERR(err, SSOC_EINVAL, "unknown interval method %d", (int)m);
    for (size_t i = 0; i < n; ++i)
        if (isnan(v[i]))
            return SSOC_ERR(err, SSOC_EINVAL, "bootstrap value %zu of %zu is NaN", i, n);
    double a = 0.0;
    if (m == SSOC_CI_BCA) {
        if (!isfinite(theta))
            return SSOC_ERR(err, SSOC_EINVAL, "BCa interval needs a finite point estimate (got %g)", theta);
        if (!jack || n_jack < 2)
            return SSOC_ERR(err, SSOC_EINVAL, "BCa interval needs at least 2 jackknife values (got %zu)", n_jack);
        for (size_t i = 0; i < n_jack; ++i)
            if (!isfinite(jack[i]))
                return SSOC_ERR(err, SSOC_EINVAL, "jackknife value %zu of %zu is not finite", i, n_jack);
        a = ssoc_bca_acceleration(jack, n_jack);
    }
    double q_lo, q_hi;
    ssoc_ci_levels_sample(m, conf, v, n, theta, a, &q_lo, &q_hi);
    gsl_sort(v, 1, n);
    if (lo)
        *lo = ssoc_quantile_sorted(v, n, q_lo);
    if (hi)
        *hi = ssoc_quantile_sorted(v, n, q_hi);
    if (median)
        *median = ssoc_quantile_sorted(v, n, 0.5);
    return SSOC_OK;
}
