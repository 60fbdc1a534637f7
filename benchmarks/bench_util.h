/* Helpers shared by bench_kernel.c and bench_select.c (header only: the build globs bench_*.c as
 * executables). Timing, best-of/median summaries and a REAL bootstrap replicate table: the
 * benchmarks run on the replicates the sweep would use (three-stage fits of resamples of the
 * shipped data, default seed and scheme), because selection cost depends on how the values are
 * distributed and a synthetic table would flatter or penalise it. */
#ifndef SSOC_BENCH_UTIL_H
#define SSOC_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"

#define BENCH_DEFAULT_DATA "data/kim2026_lps_aimd_500K.csv"

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/// CPU time of the calling thread [s]: unlike wall time it does not count the time other jobs
/// on this shared machine hold the core, so it is the steadier per-core figure.
static inline double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/// Sort t[0..n) and return the best (smallest); *median gets the median.
static inline double bench_best_median(double *t, size_t n, double *median)
{
    qsort(t, n, sizeof *t, bench_cmp_double);
    *median = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    return t[0];
}

/// The successful replicates of the sweep's default bootstrap (B fits with the default estimator
/// and scheme, all 8 parameters free, seed 20260522) of `data` as a compact n_ok x SSOC_NPARAM table (malloc'ed).
/// Exits with a message on failure (a benchmark has nobody to return an error to).
static inline double *bench_replicates(const char *data, size_t B, size_t *n_ok)
{
    ssoc_error err = {0};
    ssoc_dataset *d = NULL;
    if (ssoc_data_read_csv(data, SSOC_D_CRIT_DEFAULT_A, &d, &err) != SSOC_OK) {
        fprintf(stderr, "bench: %s (run from the source tree or pass the data file)\n", err.msg);
        exit(1);
    }
    ssoc_fit_opts fo;
    ssoc_fit_opts_default(&fo);
    ssoc_boot_opts bo;
    ssoc_boot_opts_default(&bo);
    bo.B = B;
    double *table = malloc(B * SSOC_NPARAM * sizeof *table);
    unsigned char *ok = malloc(B);
    if (!table || !ok) {
        fprintf(stderr, "bench: out of memory for %zu replicates\n", B);
        exit(1);
    }
    ssoc_fit_result point;
    if (ssoc_fit_run(d, &fo, &point, &err) != SSOC_OK ||
        ssoc_boot_fit_range(d, &fo, &point.params, &bo, 0, B, table, ok, &err) != SSOC_OK) {
        fprintf(stderr, "bench: bootstrap: %s\n", err.msg);
        exit(1);
    }
    size_t m = 0;
    for (size_t b = 0; b < B; ++b)
        if (ok[b])
            memmove(table + m++ * SSOC_NPARAM, table + b * SSOC_NPARAM, SSOC_NPARAM * sizeof *table);
    free(ok);
    ssoc_dataset_free(d);
    *n_ok = m;
    return table;
}

#endif
