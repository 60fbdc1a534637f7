/* Selection benchmark (issue 7): ns per element of the exact band quantiles (type 7 at the levels
 * of a 95% percentile band and the median: up to 6 order statistics per row) on real sweep rows,
 * i.e. the values of B real bootstrap replicates at one (x, rho, T), for B = 200, 1000, 10000.
 *
 * Rows come in the sweep's order: consecutive grid columns (x fastest), every other one as a
 * thread of a 2-thread sweep sees them, in 6 runs spread over the default grid; each column is
 * evaluated (untimed), then its nT rows are selected while hot in cache, as in the sweep.
 *   sigma rows (ssoc_kernel_eval):
 *     - bucket:      ssoc_kernel_quantiles_ws (bucket selection, row left intact),
 *     - quickselect: ssoc_kernel_quantiles (multi-rank quickselect on a copy),
 *     - sort:        qsort + ssoc_quantile_sorted (the definition; the bitwise reference).
 *   ln sigma rows (what the production column selects on since it exps only the selected values):
 *     - bucket:      ssoc_kernel_quantiles_ws,
 *     - sort:        the reference.
 *   whole column: ssoc_kernel_column (exponents, selection on ln sigma, exp of the selected, the
 *     point value), percentile bands: the production cost per point-replicate on one core.
 * The whole column is timed in a pass of its own over the columns (as the sweep runs it: nothing
 * else touches the cache between columns) and checked in the interleaved pass. Copies for the
 * reordering methods are made outside the timed region. Every method is compared
 * bit for bit with the sort on the same rows. Times: wall (best and median over the repeats,
 * methods interleaved) and thread CPU time (best), which other jobs on the machine do not inflate.
 *
 * usage: bench_select [DATA.csv] [repeats=5]      (run from the source tree) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "ssoc/stats.h"
#include "ssoc/kernel.h"

enum { NX = 201, NRHO = 181, NT = 11, MAXREP = 50, NSEG = 6 };

/* i-th column of the sweep-order sample of ncol columns: NSEG runs, every other column */
static void sample_column(size_t i, size_t ncol, double *x, double *rho)
{
    const size_t per = (ncol + NSEG - 1) / NSEG, seg = i / per, k = i % per;
    const size_t c = (seg * (NX * NRHO) / NSEG + 2 * k) % (NX * NRHO);
    *x = 0.60 + 0.20 * (double)(c % NX) / (NX - 1);
    *rho = 1.30 + 0.90 * (double)(c / NX) / (NRHO - 1);
}

enum { M_BUCKET, M_QUICK, M_SORT, M_UBUCKET, M_USORT, M_COLUMN, NMETHOD };
static const char *const method_names[NMETHOD] = {
    "sigma rows: bucket (ssoc_kernel_quantiles_ws)", "sigma rows: quickselect (ssoc_kernel_quantiles)",
    "sigma rows: qsort + ssoc_quantile_sorted",      "ln sigma rows: bucket (ssoc_kernel_quantiles_ws)",
    "ln sigma rows: qsort + ssoc_quantile_sorted",   "whole column: ssoc_kernel_column (per value)"};
static const int method_ref[NMETHOD] = {M_SORT, M_SORT, -1, M_USORT, -1, -1};


static void sort_quantiles(double *copy, size_t n, const double *q, double *res)
{
    qsort(copy, n, sizeof *copy, bench_cmp_double);
    for (int i = 0; i < 3; ++i)
        res[i] = ssoc_quantile_sorted(copy, n, q[i]);
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
    double *invT = aligned_alloc(64, 64 * ((NT * sizeof(double) + 63) / 64));
    for (int t = 0; t < NT; ++t)
        invT[t] = 1.0 / (300.0 + 50.0 * t);
    printf("bench_select: real sweep rows (B replicates at one grid point), levels %.17g, 0.5, %.17g; %d repeats\n",
           q[0], q[2], R);
    printf("%-6s %-50s %9s %9s %9s %9s %s\n", "B", "method (ns per element)", "wall best", "median", "cpu best",
           "ns/row", "bitwise = sort");
    volatile double sink = 0.0;
    for (size_t ib = 0; ib < sizeof Bs / sizeof Bs[0]; ++ib) {
        const size_t B = Bs[ib] < nall ? Bs[ib] : nall;
        ssoc_paramsets *s = ssoc_paramsets_alloc(all, NULL, B);
        ssoc_paramsets *best = ssoc_paramsets_alloc(all, NULL, 1);
        const size_t ld = s->npad;
        double *vals = aligned_alloc(64, NT * ld * sizeof *vals), *uvals = aligned_alloc(64, NT * ld * sizeof *uvals),
               *g = aligned_alloc(64, ld * sizeof *g), *A = aligned_alloc(64, ld * sizeof *A),
               *copy = malloc(NT * ld * sizeof *copy);
        void *scratch = malloc(ssoc_kernel_quantiles_scratch(B));
        ssoc_kernel_ctx kc = {.reps = s, .best = best, .nT = NT, .inv_T = invT, .confidence = 0.95,
                              .interval = SSOC_CI_PERCENTILE, .q_lo = q[0], .q_hi = q[2]};
        ssoc_kernel_ws *kws = ssoc_kernel_ws_alloc(&kc);
        double cb[NT], cm[NT], cl[NT], ch[NT];
        const size_t ncol = 3000000 / (NT * B) + NSEG;
        double t[NMETHOD][MAXREP], c[NMETHOD][MAXREP];
        size_t mismatch[NMETHOD] = {0};
        for (int r = 0; r < R; ++r) {
            double acc[NMETHOD] = {0}, cacc[NMETHOD] = {0};
            /* the whole column on its own, as the sweep runs it (nothing else between columns) */
            {
                const double t0 = bench_now(), c0 = bench_cpu();
                for (size_t i = 0; i < ncol; ++i) {
                    double x, rho;
                    sample_column(i, ncol, &x, &rho);
                    ssoc_column col;
                    ssoc_column_init(x, rho, &col);
                    ssoc_kernel_column(&kc, kws, &col, 1, cb, cm, cl, ch, NULL, NULL, NULL);
                    sink += cm[i % NT];
                }
                acc[M_COLUMN] = bench_now() - t0;
                cacc[M_COLUMN] = bench_cpu() - c0;
            }
            for (size_t i = 0; i < ncol; ++i) {
                double x, rho;
                sample_column(i, ncol, &x, &rho);
                ssoc_column col;
                ssoc_column_init(x, rho, &col);
                ssoc_kernel_eval(&col, s, NT, invT, vals, ld, g, A);
                for (size_t k = 0; k < NT * ld; ++k)
                    uvals[k] = log(vals[k]);
                double res[NMETHOD][NT][3];
                for (int m = 0; m < NMETHOD; ++m) {
                    const int ulog = m == M_UBUCKET || m == M_USORT;
                    const double *rows = ulog ? uvals : vals;
                    memcpy(copy, rows, NT * ld * sizeof *copy);
                    if (m == M_COLUMN) { /* timed above; here only for the bitwise check */
                        ssoc_kernel_column(&kc, kws, &col, 1, cb, cm, cl, ch, NULL, NULL, NULL);
                        continue;
                    }
                    const double t0 = bench_now(), c0 = bench_cpu();
                    {
                        for (size_t k = 0; k < NT; ++k) {
                            const double *row = rows + k * ld;
                            switch (m) {
                            case M_BUCKET:
                            case M_UBUCKET:
                                ssoc_kernel_quantiles_ws(row, B, 3, q, res[m][k], scratch);
                                break;
                            case M_QUICK:
                                ssoc_kernel_quantiles(copy + k * ld, B, 3, q, res[m][k]);
                                break;
                            default:
                                sort_quantiles(copy + k * ld, B, q, res[m][k]);
                                break;
                            }
                        }
                    }
                    acc[m] += bench_now() - t0;
                    cacc[m] += bench_cpu() - c0;
                    sink += res[m][i % NT][1];
                }
                for (int m = 0; m < NMETHOD; ++m)
                    if (method_ref[m] >= 0)
                        for (size_t k = 0; k < NT; ++k)
                            mismatch[m] += memcmp(res[m][k], res[method_ref[m]][k], sizeof res[m][k]) != 0;
                /* the whole column against the definition: the sort of exp'ed values is res[M_SORT] */
                for (size_t k = 0; k < NT; ++k)
                    mismatch[M_COLUMN] += cl[k] != res[M_SORT][k][0] || cm[k] != res[M_SORT][k][1] ||
                                          ch[k] != res[M_SORT][k][2];
            }
            for (int m = 0; m < NMETHOD; ++m) {
                t[m][r] = acc[m] / ((double)ncol * NT * (double)B);
                c[m][r] = cacc[m] / ((double)ncol * NT * (double)B);
            }
        }
        for (int m = 0; m < NMETHOD; ++m) {
            double med, cmed, bst = bench_best_median(t[m], (size_t)R, &med), cbst = bench_best_median(c[m], (size_t)R, &cmed);
            const char *eq = m == M_COLUMN ? (mismatch[m] ? "NO (vs exp then sort)" : "yes (vs exp then sort)")
                             : method_ref[m] < 0 ? "(reference)"
                             : mismatch[m]       ? "NO"
                                                 : "yes";
            printf("%-6zu %-50s %9.3f %9.3f %9.3f %9.0f %s\n", B, method_names[m], 1e9 * bst, 1e9 * med, 1e9 * cbst,
                   1e9 * bst * (double)B, eq);
        }
        ssoc_kernel_ws_free(kws);
        free(vals), free(uvals), free(g), free(A), free(copy), free(scratch);
        ssoc_paramsets_free(s);
        ssoc_paramsets_free(best);
    }
    free(all);
    free(invT);
    return sink == 42.0;
}
