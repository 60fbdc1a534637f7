/* Quantiles and bootstrap intervals: hand values, NumPy values, bitwise agreement of the selection
 * quantile with the sorted one, and a BCa interval recomputed independently in the test. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "ssoc/stats.h"
#include "testutil.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* xorshift64*: a test-local generator, independent of the library's Philox streams. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}
static double rng_u01(void) { return (double)(rng_next() >> 11) * 0x1.0p-53; }

/* ---------------------------------------------------------------- quantiles */

Test(quantile, hand_values_and_numpy)
{
    /* sorted: 1 1 2 3 4 5 6 9 (n = 8, h = 7 q). Exact where the arithmetic is exact; otherwise
     * NumPy 1.24.2 np.quantile (default 'linear') to 2 ulp, as it rounds its index differently. */
    const double x[8] = {3, 1, 4, 1, 5, 9, 2, 6};
    double s[8];
    memcpy(s, x, sizeof s);
    qsort(s, 8, sizeof *s, cmp_double);
    cr_assert_eq(ssoc_quantile_sorted(s, 8, 0.0), 1.0);
    cr_assert_eq(ssoc_quantile_sorted(s, 8, 0.1), 1.0);  /* h = 0.7 between the two 1s */
    cr_assert_eq(ssoc_quantile_sorted(s, 8, 0.25), 1.75); /* h = 1.75: 1 + 0.75 (2 - 1) */
    cr_assert_eq(ssoc_quantile_sorted(s, 8, 0.5), 3.5);   /* h = 3.5: between 3 and 4 */
    cr_assert_eq(ssoc_quantile_sorted(s, 8, 1.0), 9.0);
    cr_assert_leq(tu_rel(ssoc_quantile_sorted(s, 8, 0.9), 6.8999999999999995), 2 * DBL_EPSILON);
    cr_assert_leq(tu_rel(ssoc_quantile_sorted(s, 8, 0.975), 8.475000000000001), 2 * DBL_EPSILON);
    const double y[4] = {0.1, 0.2, 0.3, 0.7};
    cr_assert_leq(tu_rel(ssoc_quantile_sorted(y, 4, 0.025), 0.10750000000000001), 2 * DBL_EPSILON);
    cr_assert_leq(tu_rel(ssoc_quantile_sorted(y, 4, 0.5), 0.25), 2 * DBL_EPSILON);
    cr_assert_leq(tu_rel(ssoc_quantile_sorted(y, 4, 0.975), 0.6699999999999999), 2 * DBL_EPSILON);
    /* The same through selection, on a fresh unsorted copy each time. */
    const double qs[] = {0.0, 0.1, 0.25, 0.5, 0.9, 0.975, 1.0};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; ++k) {
        double v[8];
        memcpy(v, x, sizeof v);
        double a = ssoc_quantile_select(v, 8, qs[k]), b = ssoc_quantile_sorted(s, 8, qs[k]);
        cr_assert(memcmp(&a, &b, sizeof a) == 0, "q=%g: select %.17g sorted %.17g", qs[k], a, b);
    }
}

Test(quantile, edge_cases)
{
    double one = 0.3, v1 = 0.3;
    cr_assert_eq(ssoc_quantile_sorted(&one, 1, 0.0), 0.3);
    cr_assert_eq(ssoc_quantile_sorted(&one, 1, 0.37), 0.3);
    cr_assert_eq(ssoc_quantile_sorted(&one, 1, 1.0), 0.3);
    cr_assert_eq(ssoc_quantile_select(&v1, 1, 0.5), 0.3);
    /* All equal: the value itself, exactly, at every level (GSL's (1-t)a + t b would not be). */
    double eq[7], eq2[7];
    for (int i = 0; i < 7; ++i)
        eq[i] = 0.1;
    for (double q = 0.0; q <= 1.0; q += 0.01) {
        memcpy(eq2, eq, sizeof eq);
        cr_assert_eq(ssoc_quantile_sorted(eq, 7, q), 0.1, "q=%g", q);
        cr_assert_eq(ssoc_quantile_select(eq2, 7, q), 0.1, "q=%g", q);
    }
    /* q = 0 and q = 1 are min and max, also through selection. */
    double w[5] = {2.5, -1.0, 7.0, 3.0, 0.0};
    cr_assert_eq(ssoc_quantile_select(w, 5, 0.0), -1.0);
    cr_assert_eq(ssoc_quantile_select(w, 5, 1.0), 7.0);
    /* Levels a hair outside [0, 1] (rounding in BCa) clamp instead of reading out of bounds. */
    const double s[3] = {1.0, 2.0, 3.0};
    cr_assert_eq(ssoc_quantile_sorted(s, 3, -1e-17), 1.0);
    cr_assert_eq(ssoc_quantile_sorted(s, 3, 1.0 + 1e-15), 3.0);
    cr_assert(isnan(ssoc_quantile_sorted(s, 0, 0.5)));
    cr_assert(isnan(ssoc_quantile_select(w, 0, 0.5)));
}

Test(quantile, select_bitwise_equals_sorted_on_random_data)
{
    double *v = malloc(600 * sizeof *v), *s = malloc(600 * sizeof *s), *w = malloc(600 * sizeof *w);
    size_t checks = 0;
    for (int trial = 0; trial < 400; ++trial) {
        size_t n = 1 + (size_t)(rng_next() % 600);
        int ties = trial % 3 == 0; /* every third set has heavy ties */
        for (size_t i = 0; i < n; ++i)
            v[i] = ties ? (double)(rng_next() % 7) * 0.1 : (rng_u01() - 0.3) * 1e3 * rng_u01();
        memcpy(s, v, n * sizeof *v);
        qsort(s, n, sizeof *s, cmp_double);
        for (int k = 0; k < 12; ++k) {
            double q = (k == 0) ? 0.0 : (k == 1) ? 1.0 : (k == 2) ? 0.025 : (k == 3) ? 0.975 : rng_u01();
            memcpy(w, v, n * sizeof *v);
            double a = ssoc_quantile_select(w, n, q), b = ssoc_quantile_sorted(s, n, q);
            cr_assert(memcmp(&a, &b, sizeof a) == 0, "n=%zu q=%.17g select %.17g sorted %.17g", n, q, a, b);
            /* Agrees with GSL's type-7 up to rounding of the interpolation, and stays in range. */
            double g = gsl_stats_quantile_from_sorted_data(s, 1, n, q);
            cr_assert_leq(fabs(b - g), 4 * DBL_EPSILON * fmax(fabs(s[0]), fabs(s[n - 1])), "n=%zu q=%g", n, q);
            cr_assert(b >= s[0] && b <= s[n - 1]);
            ++checks;
        }
        /* Selection leaves a permutation of the data behind. */
        qsort(w, n, sizeof *w, cmp_double);
        cr_assert(memcmp(w, s, n * sizeof *s) == 0);
    }
    cr_assert_eq(checks, 4800);
    free(v);
    free(s);
    free(w);
}

Test(quantile, select_on_sorted_and_reversed_input)
{
    /* Presorted and reversed inputs are quickselect's classic bad cases; the answer must not change. */
    enum { N = 1001 };
    double up[N], down[N];
    for (int i = 0; i < N; ++i) {
        up[i] = i * 0.5;
        down[i] = (N - 1 - i) * 0.5;
    }
    double q = 0.3337;
    double ref = ssoc_quantile_sorted(up, N, q);
    double a = ssoc_quantile_select(up, N, q), b = ssoc_quantile_select(down, N, q);
    cr_assert(memcmp(&a, &ref, sizeof a) == 0 && memcmp(&b, &ref, sizeof b) == 0);
    cr_assert_leq(tu_rel(ref, 0.3337 * 1000 * 0.5), 1e-14);
}

/* ---------------------------------------------------------------- BCa */

Test(bca, acceleration_values)
{
    /* m = 4, deviations 3 2 1 -6: a = -180 / (6 * 50^1.5) = -0.6 / sqrt(50). */
    const double j[4] = {1, 2, 3, 10};
    cr_assert_leq(tu_rel(ssoc_bca_acceleration(j, 4), -0.6 / sqrt(50.0)), 1e-14);
    const double c[5] = {2.5, 2.5, 2.5, 2.5, 2.5};
    cr_assert_eq(ssoc_bca_acceleration(c, 5), 0.0);
    cr_assert_eq(ssoc_bca_acceleration(c, 0), 0.0);
    /* Symmetric jackknife values have no skew. */
    const double s[5] = {-2, -1, 0, 1, 2};
    cr_assert_eq(ssoc_bca_acceleration(s, 5), 0.0);
}

Test(bca, levels_percentile_and_limits)
{
    double lo, hi;
    ssoc_ci_levels(SSOC_CI_PERCENTILE, 0.95, 0.1, 0.3, &lo, &hi); /* frac and a ignored */
    cr_assert_eq(lo, (1.0 - 0.95) / 2.0);
    cr_assert_eq(hi, (1.0 + 0.95) / 2.0);
    /* No bias, no acceleration: BCa is the percentile interval. */
    ssoc_ci_levels(SSOC_CI_BCA, 0.9, 0.5, 0.0, &lo, &hi);
    cr_assert_leq(fabs(lo - 0.05), 1e-15);
    cr_assert_leq(fabs(hi - 0.95), 1e-15);
    /* Every replicate on one side of theta: the levels collapse to that extreme. */
    ssoc_ci_levels(SSOC_CI_BCA, 0.95, 0.0, 0.1, &lo, &hi);
    cr_assert(lo == 0.0 && hi == 0.0);
    ssoc_ci_levels(SSOC_CI_BCA, 0.95, 1.0, 0.1, &lo, &hi);
    cr_assert(lo == 1.0 && hi == 1.0);
    /* Past the pole 1 - a (z0 + z) <= 0 the upper level takes its limit 1; the lower stays regular:
     * z0 = 0, z = -1.959964 -> Phi(-1.959964 / 2.959964) = Phi(-0.662158...) = 0.2539... */
    ssoc_ci_levels(SSOC_CI_BCA, 0.95, 0.5, 1.0, &lo, &hi);
    cr_assert_eq(hi, 1.0);
    const double z = -1.959963984540054;
    cr_assert_leq(fabs(lo - 0.5 * erfc(-(z / (1.0 - z)) / sqrt(2.0))), 1e-13);
}

/* Standard normal cdf and its inverse, computed in the test without GSL: erfc from libm, and the
 * inverse by bisection to the last bit. */
static double phi(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }
static double phi_inv(double p)
{
    double a = -40.0, b = 40.0;
    for (int i = 0; i < 200; ++i) {
        double m = 0.5 * (a + b);
        if (phi(m) < p)
            a = m;
        else
            b = m;
    }
    return 0.5 * (a + b);
}
static double q7_by_hand(const double *sorted, size_t n, double q)
{
    double h = (n - 1) * q;
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return sorted[n - 1];
    return sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]);
}

Test(bca, interval_of_the_mean_recomputed_independently)
{
    /* theta = mean of a skewed sample x. For the mean, the jackknife values are
     * t_i = (S - x_i)/(n-1), so m - t_i = (x_i - xbar)/(n-1) and the acceleration is the sample's
     * own a = sum (x_i - xbar)^3 / (6 (sum (x_i - xbar)^2)^1.5): computed here from x, not from t. */
    const double x[12] = {0.8, 1.1, 0.9, 1.4, 2.2, 0.7, 5.9, 1.0, 3.1, 1.2, 0.95, 8.4};
    const size_t n = 12;
    double S = 0.0;
    for (size_t i = 0; i < n; ++i)
        S += x[i];
    const double xbar = S / n;
    double jack[12];
    for (size_t i = 0; i < n; ++i)
        jack[i] = (S - x[i]) / (n - 1);
    double d2 = 0.0, d3 = 0.0;
    for (size_t i = 0; i < n; ++i) {
        d2 += (x[i] - xbar) * (x[i] - xbar);
        d3 += (x[i] - xbar) * (x[i] - xbar) * (x[i] - xbar);
    }
    const double a_hand = d3 / (6.0 * pow(d2, 1.5));
    cr_assert_gt(a_hand, 0.05); /* a skewed case, so the test exercises the acceleration */
    cr_assert_leq(tu_rel(ssoc_bca_acceleration(jack, n), a_hand), 1e-12);

    /* Bootstrap means from resamples drawn with the test's own generator. */
    enum { B = 2000 };
    static double v[B], sorted[B];
    for (int b = 0; b < B; ++b) {
        double s = 0.0;
        for (size_t k = 0; k < n; ++k)
            s += x[rng_next() % n];
        v[b] = s / n;
    }
    memcpy(sorted, v, sizeof v);
    qsort(sorted, B, sizeof *sorted, cmp_double);
    double below = 0.0;
    for (int b = 0; b < B; ++b)
        below += (v[b] < xbar) ? 1.0 : (v[b] == xbar) ? 0.5 : 0.0;
    const double z0 = phi_inv(below / B);
    const double conf = 0.9;
    const double zl = phi_inv((1 - conf) / 2), zh = phi_inv((1 + conf) / 2);
    const double ql = phi(z0 + (z0 + zl) / (1 - a_hand * (z0 + zl)));
    const double qh = phi(z0 + (z0 + zh) / (1 - a_hand * (z0 + zh)));
    const double lo_hand = q7_by_hand(sorted, B, ql), hi_hand = q7_by_hand(sorted, B, qh);

    double lo, hi, med;
    ssoc_error err = {0};
    cr_assert_eq(ssoc_ci_compute(v, B, xbar, jack, n, conf, SSOC_CI_BCA, &lo, &hi, &med, &err), SSOC_OK, "%s",
                 err.msg);
    cr_assert_leq(tu_rel(lo, lo_hand), 1e-12, "lo %.15g hand %.15g", lo, lo_hand);
    cr_assert_leq(tu_rel(hi, hi_hand), 1e-12, "hi %.15g hand %.15g", hi, hi_hand);
    cr_assert_leq(tu_rel(med, q7_by_hand(sorted, B, 0.5)), 1e-14);
    /* Right skew with positive a moves both ends up relative to the percentile interval. */
    double plo, phi_;
    memcpy(v, sorted, sizeof v);
    cr_assert_eq(ssoc_ci_compute(v, B, xbar, NULL, 0, conf, SSOC_CI_PERCENTILE, &plo, &phi_, NULL, &err), SSOC_OK);
    cr_assert_eq(plo, q7_by_hand(sorted, B, (1 - conf) / 2));
    cr_assert_gt(lo, plo);
    cr_assert_gt(hi, phi_);
}

Test(ci, percentile_is_type7_of_the_sample)
{
    double v[9] = {0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6}, s[9];
    memcpy(s, v, sizeof s);
    qsort(s, 9, sizeof *s, cmp_double);
    double lo, hi, med;
    cr_assert_eq(ssoc_ci_compute(v, 9, 0.5, NULL, 0, 0.8, SSOC_CI_PERCENTILE, &lo, &hi, &med, NULL), SSOC_OK);
    cr_assert_eq(lo, ssoc_quantile_sorted(s, 9, (1 - 0.8) / 2));
    cr_assert_eq(hi, ssoc_quantile_sorted(s, 9, (1 + 0.8) / 2));
    cr_assert_eq(med, 0.5);
    /* Any output may be NULL. */
    cr_assert_eq(ssoc_ci_compute(v, 9, 0.5, NULL, 0, 0.8, SSOC_CI_PERCENTILE, NULL, NULL, NULL, NULL), SSOC_OK);
    /* A sample equal to theta everywhere: ties count half, z0 = 0, the interval is the point. */
    double c[4] = {2.0, 2.0, 2.0, 2.0};
    const double j[3] = {2.0, 2.0, 2.0};
    cr_assert_eq(ssoc_ci_compute(c, 4, 2.0, j, 3, 0.95, SSOC_CI_BCA, &lo, &hi, &med, NULL), SSOC_OK);
    cr_assert(lo == 2.0 && hi == 2.0 && med == 2.0);
}

Test(ci, error_paths)
{
    double v[3] = {1.0, 2.0, 3.0};
    const double j[3] = {1.0, 2.0, 3.0};
    ssoc_error err = {0};
    double lo, hi;
    cr_assert_eq(ssoc_ci_compute(v, 0, 1.0, NULL, 0, 0.95, SSOC_CI_PERCENTILE, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
    cr_assert_eq(ssoc_ci_compute(v, 3, 1.0, NULL, 0, 1.0, SSOC_CI_PERCENTILE, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "confidence level 1"), "%s", err.msg);
    cr_assert_eq(ssoc_ci_compute(v, 3, 1.0, NULL, 0, 0.0, SSOC_CI_PERCENTILE, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert_eq(ssoc_ci_compute(v, 3, 1.0, NULL, 0, NAN, SSOC_CI_PERCENTILE, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert_eq(ssoc_ci_compute(v, 3, 1.0, NULL, 0, 0.95, (ssoc_ci_method)7, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "unknown interval method 7"), "%s", err.msg);
    double bad[3] = {1.0, NAN, 3.0};
    cr_assert_eq(ssoc_ci_compute(bad, 3, 1.0, NULL, 0, 0.95, SSOC_CI_PERCENTILE, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "value 1 of 3 is NaN"), "%s", err.msg);
    cr_assert_eq(ssoc_ci_compute(v, 3, 1.0, NULL, 0, 0.95, SSOC_CI_BCA, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "at least 2 jackknife"), "%s", err.msg);
    cr_assert_eq(ssoc_ci_compute(v, 3, 1.0, j, 1, 0.95, SSOC_CI_BCA, &lo, &hi, NULL, &err), SSOC_EINVAL);
    const double jbad[3] = {1.0, INFINITY, 3.0};
    cr_assert_eq(ssoc_ci_compute(v, 3, 1.0, jbad, 3, 0.95, SSOC_CI_BCA, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "jackknife value 1 of 3"), "%s", err.msg);
    cr_assert_eq(ssoc_ci_compute(v, 3, NAN, j, 3, 0.95, SSOC_CI_BCA, &lo, &hi, NULL, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "finite point estimate"), "%s", err.msg);
    /* A NULL error record is allowed on failure too. */
    cr_assert_eq(ssoc_ci_compute(v, 0, 1.0, NULL, 0, 0.95, SSOC_CI_PERCENTILE, &lo, &hi, NULL, NULL), SSOC_EINVAL);
}

/* The expanded level against t quantiles from a table (qt(0.975, nu) in R, to 10 digits) through
 * the normal cdf: 2 Phi(t) - 1. */
Test(ci, expanded_level_matches_student_t_tables)
{
    const struct { double dof, t; } tab[] = {{19.0, 2.093024054}, {10.0, 2.228138852}, {38.0, 2.024394164}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; ++i) {
        const double want = 2.0 * gsl_cdf_ugaussian_P(tab[i].t) - 1.0;
        const double got = ssoc_ci_expanded_level(0.95, tab[i].dof);
        cr_expect(fabs(got - want) < 1e-9, "dof %g: %.12f vs %.12f", tab[i].dof, got, want);
        cr_expect(got > 0.95);
    }
    cr_expect(fabs(ssoc_ci_expanded_level(0.95, 19.0) - 0.963652993) < 1e-8);
    /* more dof, less expansion; the normal limit; fractional dof */
    cr_expect(ssoc_ci_expanded_level(0.95, 100.0) < ssoc_ci_expanded_level(0.95, 19.0));
    cr_expect(fabs(ssoc_ci_expanded_level(0.95, 1e9) - 0.95) < 1e-8);
    const double a = ssoc_ci_expanded_level(0.9, 18.0), b = ssoc_ci_expanded_level(0.9, 18.5),
                 c = ssoc_ci_expanded_level(0.9, 19.0);
    cr_expect(a > b && b > c);
    /* no dof: the sample's extremes */
    cr_expect(ssoc_ci_expanded_level(0.95, 0.0) == 1.0 && ssoc_ci_expanded_level(0.95, NAN) == 1.0);
    cr_expect(ssoc_ci_expanded_level(0.95, -3.0) == 1.0);
    cr_expect(ssoc_ci_expanded_level(0.999999, 0.5) <= 1.0);
    /* the expanded interval is the percentile interval at that level; level 1 is allowed */
    double v[9] = {0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6}, w[9];
    memcpy(w, v, sizeof w);
    double lo, hi, plo, phi;
    const double lev = ssoc_ci_expanded_level(0.8, 5.0);
    cr_assert_eq(ssoc_ci_compute(v, 9, 0.5, NULL, 0, lev, SSOC_CI_EXPANDED, &lo, &hi, NULL, NULL), SSOC_OK);
    cr_assert_eq(ssoc_ci_compute(w, 9, 0.5, NULL, 0, lev, SSOC_CI_PERCENTILE, &plo, &phi, NULL, NULL), SSOC_OK);
    cr_expect(lo == plo && hi == phi && lo < 0.18 && hi > 0.82);
    cr_assert_eq(ssoc_ci_compute(v, 9, 0.5, NULL, 0, 1.0, SSOC_CI_EXPANDED, &lo, &hi, NULL, NULL), SSOC_OK);
    cr_expect(lo == 0.1 && hi == 0.9);
    ssoc_ci_method m = SSOC_CI_PERCENTILE;
    cr_expect(ssoc_ci_method_parse("expanded", &m) == 0 && m == SSOC_CI_EXPANDED);
    cr_expect_str_eq(ssoc_ci_method_name(SSOC_CI_EXPANDED), "expanded");
    cr_expect(ssoc_ci_method_parse("Expanded", &m) == -1 && m == SSOC_CI_EXPANDED);
}

Test(bca, frac_below_counts_ties_half_and_levels_of_a_sample)
{
    const double v[6] = {1.0, 2.0, 2.0, 3.0, 4.0, 5.0};
    cr_expect(ssoc_ci_frac_below(v, 6, 2.0) == 2.0 / 6.0); /* one below, two ties */
    cr_expect(ssoc_ci_frac_below(v, 6, 0.5) == 0.0);
    cr_expect(ssoc_ci_frac_below(v, 6, 9.0) == 1.0);
    const double same[3] = {7.0, 7.0, 7.0};
    cr_expect(ssoc_ci_frac_below(same, 3, 7.0) == 0.5);
    /* percentile: the sample and the point are ignored */
    double a, b, c, d;
    ssoc_ci_levels(SSOC_CI_PERCENTILE, 0.9, 0.5, 0.0, &a, &b);
    ssoc_ci_levels_sample(SSOC_CI_PERCENTILE, 0.9, v, 6, 123.0, 0.3, &c, &d);
    cr_expect(a == c && b == d, "%g %g vs %g %g", a, b, c, d);
    /* BCa: the levels of ssoc_ci_levels at the sample's fraction below */
    ssoc_ci_levels(SSOC_CI_BCA, 0.9, 3.5 / 6.0, 0.05, &a, &b);
    ssoc_ci_levels_sample(SSOC_CI_BCA, 0.9, v, 6, 3.0, 0.05, &c, &d);
    cr_expect(a == c && b == d, "%g %g vs %g %g", a, b, c, d);
    cr_expect(c < 0.05 || c > 0.05, "BCa moved the lower level");
}
