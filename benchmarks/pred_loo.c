/* Leave-one-out check of the prediction bands (benchmarks/COVERAGE.md, "Prediction bands").
 *
 * For every point i of a data file: fit the other n - 1 points, bootstrap that fit, and ask
 * whether the held-out sigma_i lies inside its prediction band at (x_i, rho_i, T_i)
 * (ssoc_boot_sigma_pred_band), and, for contrast, inside the confidence band of the mean model
 * (ssoc_boot_sigma_band). A calibrated 95% prediction band holds about 95% of held-out points.
 *
 * usage: pred_loo DATA.csv [--B B=999] [--seed S=20260522] [--conf c=0.95]
 *                          [--method joint|staged] [--scheme residual|stratified|case]
 * Threads from OMP_NUM_THREADS (the bootstrap runs in parallel). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA.csv [--B B] [--seed S] [--conf c] [--method joint|staged] "
                        "[--scheme residual|stratified|case]\n",
                argv[0]);
        return 2;
    }
    ssoc_fit_opts fo;
    ssoc_fit_opts_default(&fo);
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    o.B = 999;
    for (int a = 2; a < argc; a += 2) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (v && !strcmp(argv[a], "--B"))
            o.B = strtoul(v, NULL, 10);
        else if (v && !strcmp(argv[a], "--seed"))
            o.seed = strtoull(v, NULL, 10);
        else if (v && !strcmp(argv[a], "--conf"))
            o.confidence = strtod(v, NULL);
        else if (v && !strcmp(argv[a], "--method") && ssoc_fit_method_parse(v, &fo.method) == 0)
            ;
        else if (v && !strcmp(argv[a], "--scheme") && ssoc_boot_scheme_parse(v, &o.scheme) == 0)
            ;
        else {
            fprintf(stderr, "pred_loo: bad option or value: %s %s\n", argv[a], v ? v : "");
            return 2;
        }
    }
    ssoc_error err = {0};
    ssoc_dataset *d = NULL;
    if (ssoc_data_read_csv(argv[1], SSOC_D_CRIT_DEFAULT_A, &d, &err) != SSOC_OK ||
        ssoc_boot_opts_check(&o, &err) != SSOC_OK) {
        fprintf(stderr, "pred_loo: %s\n", err.msg);
        return 1;
    }
    const size_t n = d->n;
    ssoc_dataset *rest = ssoc_dataset_alloc(n);
    size_t *idx = malloc(n * sizeof *idx);
    if (!rest || !idx) {
        fprintf(stderr, "pred_loo: out of memory\n");
        return 1;
    }
    printf("data %s (%zu points); estimator %s; scheme %s; B = %zu; seed %llu; %.0f%% bands; %d threads\n\n", argv[1],
           n, ssoc_fit_method_name(fo.method), ssoc_boot_scheme_name(o.scheme), o.B, (unsigned long long)o.seed,
           100.0 * o.confidence, omp_get_max_threads());
    printf("| line | x | rho | T | sigma obs | prediction band | inside | confidence band | inside |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    size_t in_pred = 0, in_conf = 0, used = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t m = 0;
        for (size_t k = 0; k < n; ++k)
            if (k != i)
                idx[m++] = k;
        ssoc_fit_result fit;
        ssoc_boot_result *r = NULL;
        ssoc_sigma_band pb, cb;
        if (ssoc_dataset_take(d, idx, m, rest, &err) != SSOC_OK || ssoc_fit_run(rest, &fo, &fit, &err) != SSOC_OK ||
            ssoc_boot_run(rest, &fo, &fit.params, &o, &r, &err) != SSOC_OK) {
            printf("| %d | %.3f | %.3f | %.0f | %.3e | fit failed: %s | | | |\n", d->line[i], d->x[i], d->rho_g_cm3[i],
                   d->T_K[i], d->sigma_S_cm[i], err.msg);
            continue;
        }
        ssoc_layers L;
        ssoc_model_eval(&fit.params, d->x[i], d->rho_g_cm3[i], d->T_K[i], &L);
        if (ssoc_boot_sigma_pred_band(r, d->x[i], d->rho_g_cm3[i], d->T_K[i], NULL, &pb, &err) != SSOC_OK ||
            ssoc_boot_sigma_band(r, d->x[i], d->rho_g_cm3[i], d->T_K[i], L.sigma_S_cm, NULL, &cb, &err) != SSOC_OK) {
            fprintf(stderr, "pred_loo: point %zu: %s\n", i, err.msg);
            return 1;
        }
        const double s = d->sigma_S_cm[i];
        const int ip = pb.lo <= s && s <= pb.hi, ic = cb.lo <= s && s <= cb.hi;
        in_pred += (size_t)ip;
        in_conf += (size_t)ic;
        ++used;
        printf("| %d | %.3f | %.3f | %.0f | %.3e | %.3e - %.3e | %s | %.3e - %.3e | %s |\n", d->line[i], d->x[i],
               d->rho_g_cm3[i], d->T_K[i], s, pb.lo, pb.hi, ip ? "yes" : "**no**", cb.lo, cb.hi, ic ? "yes" : "no");
        ssoc_boot_result_free(r);
    }
    printf("\nheld-out points inside their %.0f%% prediction band: %zu of %zu (%.3f); inside the confidence band of "
           "the mean model: %zu of %zu (%.3f)\n",
           100.0 * o.confidence, in_pred, used, used ? (double)in_pred / (double)used : NAN, in_conf, used,
           used ? (double)in_conf / (double)used : NAN);
    free(idx);
    ssoc_dataset_free(rest);
    ssoc_dataset_free(d);
    return 0;
}
