/* Selection benchmark (issue 7): ns per element of the exact band quantiles (type 7 at the
 * percentile levels of a 95% band and the median: up to 6 order statistics per row) on real sweep
 * rows: sigma of B real bootstrap replicates at one (x, rho, T), as ssoc_kernel_eval produces
 * them, for B = 200, 1000, 10000. Methods:
 *   - production: ssoc_kernel_quantiles_ws (bucket selection, leaves the row intact),
 *   - quickselect: ssoc_kernel_quantiles (multi-rank quickselect, reorders a copy),
 *   - sort: qsort + ssoc_quantile_sorted (the definition; also the bitwise reference).
 * Each column is evaluated first (untimed), then its nT rows are selected while they are hot in
 * cache, as in the sweep; copies for the reordering methods are made outside the timed region.
 * Every method's result is compared with the sort reference bit for bit. Best and median over
 * the repeats; methods are interleaved within a repeat.
 *
 * usage: bench_select [DATA.csv] [repeats=5]      (run from the source tree) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "ssoc/stats.h"
#include "ssoc/sweep.h"

enum { NX = 201, NRHO = 181, NT = 11, MAXREP = 50, NMETHOD = 3 };

static void sample_column(size_t c, double *x, double *rho)
{
    const size_t k = (c * 7919) % (NX * NRHO);
    *x = 0.60 + 0.20 * (double)(k % NX) / (NX - 1);
    *rho = 1.30 + 0.90 * (double)(k / NX) / (NRHO - 1);
}

typedef struct method_state {
    double *copy;  /* a row's copy for the reordering methods */
    void *scratch; /* bucket selection scratch */
} method_state;

static const char *const method_names[NMETHOD] = {"production (bucket, ssoc_kernel_quantiles_ws)",
                                                  "quickselect (ssoc_kernel_quantiles)",
                                                  "qsort + ssoc_quantile_sorted"};

/* select the 3 levels of row v (n values) into res with method m; rows to be reordered have
 * already been copied to st->copy by the caller */
static void select_row(int m, const double *v, double *copy, size_t n, const double *q, double *res, void *scratch)
{
    switch (m) {
    case 0:
        ssoc_kernel_quantiles_ws(v, n, 3, q, res, scratch);
        break;
    case 1:
        ssoc_kernel_quantiles(copy, n, 3, q, res);
        break;
    default:
        qsort(copy, n, sizeof *copy, bench_cmp_double);
        for (int i = 0; i < 3; ++i)
            res[i] = ssoc_quantile_sorted(copy, n, q[i]);
        break;
    }
}

int main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : BENCH_DEFAULT_DATA;
    const int R = argc > 2 ? atoi(argv[2]) : 5;
    if (R < 1 || R > MAXREP) {
        fprintf(stderr, "usage: bench_select [DATA.csv] [repeats=5 (1..%d)]\n", MAXREP);
        return 2;
    }
    const size_t Bs[] = {200, 1000, 10000};
    size_t nall = 0;
    double *all = bench_replicates(data, 10000, &nall);
    double q[3] = {0, 0.5, 0};
    ssoc_ci_levels(SSOC_CI_PERCENTILE, 0.95, 0.5, 0.0, &q[0], &q[2]);
    double invT[NT] __attribute__((aligned(64)));
    for (int t = 0; t < NT; ++t)
        invT[t] = 1.0 / (300.0 + 50.0 * t);
    printf("bench_select: real sweep rows (sigma of B replicates at one grid point), levels %.17g, 0.5, %.17g; "
           "%d repeats\n",
           q[0], q[2], R);
    printf("%-7s %-48s %10s %10s %12s %s\n", "B", "method", "best ns/el", "median", "ns/row", "bitwise = sort");
    volatile double sink = 0.0;
    for (size_t ib = 0; ib < sizeof Bs / sizeof Bs[0]; ++ib) {
        const size_t B = Bs[ib] < nall ? Bs[ib] : nall;
        ssoc_paramsets *s = ssoc_paramsets_alloc(all, NULL, B);
        const size_t ld = s->npad;
        double *vals = aligned_alloc(64, NT * ld * sizeof *vals), *g = aligned_alloc(64, ld * sizeof *g),
               *A = aligned_alloc(64, ld * sizeof *A), *copy = malloc(NT * ld * sizeof *copy);
        void *scratch = malloc(ssoc_kernel_quantiles_scratch(B));
        /* ~3M values per method and repeat */
        const size_t ncol = 3000000 / (NT * B) + 1;
        double t[NMETHOD][MAXREP];
        size_t mismatch[NMETHOD] = {0};
        for (int r = 0; r < R; ++r) {
            double acc[NMETHOD] = {0};
            for (size_t c = 0; c < ncol; ++c) {
                double x, rho;
                sample_column(c, &x, &rho);
                ssoc_column col;
                ssoc_column_init(x, rho, &col);
                ssoc_kernel_eval(&col, s, NT, invT, vals, ld, g, A);
                double ref[NT][3];
                /* the reference first (method 2 = sort), then the others, each on a fresh copy */
                for (int m = NMETHOD - 1; m >= 0; --m) {
                    memcpy(copy, vals, NT * ld * sizeof *copy);
                    double res[NT][3];
                    const double t0 = bench_now();
                    for (size_t k = 0; k < NT; ++k)
                        select_row(m, vals + k * ld, copy + k * ld, B, q, res[k], scratch);
                    acc[m] += bench_now() - t0;
                    for (size_t k = 0; k < NT; ++k)
                        for (int i = 0; i < 3; ++i) {
                            if (m == NMETHOD - 1)
                                ref[k][i] = res[k][i];
                            else
                                mismatch[m] += memcmp(&res[k][i], &ref[k][i], sizeof(double)) != 0;
                        }
                    sink += res[c % NT][1];
                }
            }
            for (int m = 0; m < NMETHOD; ++m)
                t[m][r] = acc[m] / ((double)ncol * NT * (double)B);
        }
        for (int m = 0; m < NMETHOD; ++m) {
            double med, best = bench_best_median(t[m], (size_t)R, &med);
            printf("%-7zu %-48s %10.3f %10.3f %12.0f %s\n", B, method_names[m], 1e9 * best, 1e9 * med,
                   1e9 * best * (double)B, m == NMETHOD - 1 ? "(reference)" : mismatch[m] ? "NO" : "yes");
        }
        free(vals), free(g), free(A), free(copy), free(scratch);
        ssoc_paramsets_free(s);
    }
    free(all);
    return sink == 42.0;
}
