/* Wall time of the bootstrap (docs/MODEL.md, "Bootstrap and bands") on a data set: point fit,
 * then B replicates of the full fit over OpenMP threads (and the n leave-one-out fits for BCa).
 *
 * usage: bench_boot DATA.csv [B=9999] [percentile|bca|expanded] [repeats=5] [joint|staged]
 *                   [residual|stratified|case]      (defaults: ssoc's default method and scheme)
 * Threads from OMP_NUM_THREADS. Prints one line per repeat and the best and median times. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 7) {
        fprintf(stderr, "usage: %s DATA.csv [B=9999] [percentile|bca|expanded] [repeats=5] [joint|staged] "
                        "[residual|stratified|case]\n",
                argv[0]);
        return 2;
    }
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    ssoc_fit_opts fo;
    ssoc_fit_opts_default(&fo);
    o.B = argc > 2 ? strtoul(argv[2], NULL, 10) : 9999;
    if ((argc > 3 && ssoc_ci_method_parse(argv[3], &o.interval)) ||
        (argc > 5 && ssoc_fit_method_parse(argv[5], &fo.method)) ||
        (argc > 6 && ssoc_boot_scheme_parse(argv[6], &o.scheme))) {
        fprintf(stderr, "bench_boot: unknown interval, method or scheme\n");
        return 2;
    }
    int repeats = argc > 4 ? atoi(argv[4]) : 5;
    if (repeats < 1 || repeats > 100)
        repeats = 5;

    ssoc_error err = {0};
    ssoc_dataset *d = NULL;
    if (ssoc_data_read_csv(argv[1], SSOC_D_CRIT_DEFAULT_A, &d, &err) != SSOC_OK) {
        fprintf(stderr, "bench_boot: %s\n", err.msg);
        return 1;
    }
    ssoc_fit_result point;
    if (ssoc_fit_run(d, &fo, &point, &err) != SSOC_OK) {
        fprintf(stderr, "bench_boot: point fit: %s\n", err.msg);
        ssoc_dataset_free(d);
        return 1;
    }
    printf("bench_boot: %s (%zu points: %zu PCC, %zu SCC), B = %zu, %s fit, %s scheme, %s, %d threads\n", argv[1],
           d->n, d->n_pcc, d->n_scc, o.B, ssoc_fit_method_name(fo.method), ssoc_boot_scheme_name(o.scheme),
           ssoc_ci_method_name(o.interval), omp_get_max_threads());
    double t[100];
    for (int k = 0; k < repeats; ++k) {
        ssoc_boot_result *r = NULL;
        double t0 = now_s();
        ssoc_status st = ssoc_boot_run(d, &fo, &point.params, &o, &r, &err);
        t[k] = now_s() - t0;
        if (st != SSOC_OK) {
            fprintf(stderr, "bench_boot: %s\n", err.msg);
            ssoc_dataset_free(d);
            return 1;
        }
        printf("  run %d: %.3f s (%.1f us per replicate fit), %zu failed, v_c band [%.5f, %.5f]\n", k + 1, t[k],
               1e6 * t[k] * omp_get_max_threads() / (double)(o.B + r->n_jack), r->n_failed, r->lo[2], r->hi[2]);
        ssoc_boot_result_free(r);
    }
    qsort(t, (size_t)repeats, sizeof *t, cmp_double);
    printf("best %.3f s, median %.3f s\n", t[0], t[repeats / 2]);
    ssoc_dataset_free(d);
    return 0;
}
