/* Private: the type-7 quantile arithmetic shared by src/stats.c and the sweep kernel, so the
 * sorted, selection and sweep quantiles agree bit for bit by construction. */
#ifndef SSOC_QUANTILE7_H
#define SSOC_QUANTILE7_H
#include <stddef.h>

/* Type-7 interpolation between the order statistics a = x_(lo) and b = x_(lo+1) at fraction t in
 * [0, 1). Both quantile functions call this, so the sorted and the selection versions agree bit
 * for bit by construction. The form is NumPy's _lerp (numpy/lib/function_base.py): a + (b-a) t
 * for t < 1/2, b - (b-a)(1-t) above. Unlike GSL's (1-t) a + t b it returns a exactly when a == b
 * (an all-equal column gives its value, not a neighbour) and never leaves [a, b]; it differs
 * from GSL's gsl_stats_quantile_from_sorted_data by rounding only (a few ulp). */
static inline double lerp7(double a, double b, double t)
{
    if (t == 0.0 || a == b)
        return a;
    const double diff = b - a;
    return (t < 0.5) ? a + diff * t : b - diff * (1.0 - t);
}

/* Virtual index h = (n - 1) q of type 7, split into floor and fraction. q outside [0, 1] is
 * clamped so a caller's rounding (e.g. a BCa level of 1 + 1e-17) cannot index out of range. */
static inline size_t index7(size_t n, double q, double *t)
{
    if (!(q > 0.0)) {
        *t = 0.0;
        return 0;
    }
    if (q >= 1.0) {
        *t = 0.0;
        return n - 1;
    }
    const double h = (double)(n - 1) * q;
    size_t lo = (size_t)h;
    if (lo >= n - 1) {
        *t = 0.0;
        return n - 1;
    }
    *t = h - (double)lo;
    return lo;
}

#endif
