/* Calibration of the bootstrap bands (a statistical experiment, not a unit test; see COVERAGE.md).
 *
 * Draw synthetic data sets from the published model at the (x, rho, T) points and regimes of a
 * data file, with multiplicative log-normal noise: D_hop = D_model exp(s Z1), sigma = sigma_model
 * exp(s Z2), Z1, Z2 independent standard normal per point. Fit each set (all 8 parameters free),
 * bootstrap it, and count how often the band at confidence c covers the true value of each
 * parameter and of vf_star, for the percentile and the BCa interval (both from the same replicate
 * table: the run computes the jackknife, and the percentile band is re-summarised from the table).
 *
 * --pcc gated (default): every D_hop is the published model's, Hill gating included for PCC
 *   points with v_f > 0. Stage 1 of the fit (SPEC 5) treats PCC points as ungated, so at such
 *   points the estimator is biased by construction; the coverage then measures bias + spread.
 * --pcc ungated: PCC points carry D_PCC (the assumption stage 1 makes); sigma stays the model's.
 *   This isolates the bootstrap's calibration from that model-versus-estimator mismatch.
 *
 * usage: coverage DATA.csv [--sets N=200] [--B B=999] [--noise s=0.2] [--conf c=0.95]
 *                          [--seed S=1] [--pcc gated|ungated]
 * Threads from OMP_NUM_THREADS (the bootstrap runs in parallel; data sets run one after another).
 * Noise for set k comes from Philox4x32-10 (Random123) keyed by the seed, counter (point, 0, k),
 * so each set is reproducible on its own; set k is bootstrapped with seed S + k. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <Random123/philox.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Two independent standard normals for point i of set k: inverse cdf of 53-bit uniforms in (0, 1). */
static void normals(uint64_t seed, size_t k, size_t i, double *z1, double *z2)
{
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t ctr = {{(uint32_t)i, 0u, (uint32_t)k, (uint32_t)((uint64_t)k >> 32)}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    uint64_t a = ((uint64_t)r.v[0] << 21) ^ (r.v[1] >> 11), b = ((uint64_t)r.v[2] << 21) ^ (r.v[3] >> 11);
    a &= (1ull << 53) - 1;
    b &= (1ull << 53) - 1;
    *z1 = gsl_cdf_ugaussian_Pinv(((double)a + 0.5) * 0x1.0p-53);
    *z2 = gsl_cdf_ugaussian_Pinv(((double)b + 0.5) * 0x1.0p-53);
}

static const char *band_name(int j) { return j < SSOC_NPARAM ? ssoc_param_name(j) : "vf_star"; }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA.csv [--sets N] [--B B] [--noise s] [--conf c] [--seed S] "
                        "[--pcc gated|ungated]\n",
                argv[0]);
        return 2;
    }
    size_t sets = 200, B = 999;
    double noise = 0.2, conf = 0.95;
    uint64_t seed = 1;
    int ungated = 0;
    for (int a = 2; a < argc; ++a) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!v) {
            fprintf(stderr, "coverage: option %s needs a value\n", argv[a]);
            return 2;
        }
        if (strcmp(argv[a], "--sets") == 0)
            sets = strtoul(v, NULL, 10);
        else if (strcmp(argv[a], "--B") == 0)
            B = strtoul(v, NULL, 10);
        else if (strcmp(argv[a], "--noise") == 0)
            noise = strtod(v, NULL);
        else if (strcmp(argv[a], "--conf") == 0)
            conf = strtod(v, NULL);
        else if (strcmp(argv[a], "--seed") == 0)
            seed = strtoull(v, NULL, 10);
        else if (strcmp(argv[a], "--pcc") == 0 && (strcmp(v, "gated") == 0 || strcmp(v, "ungated") == 0))
            ungated = strcmp(v, "ungated") == 0;
        else {
            fprintf(stderr, "coverage: unknown option or value: %s %s\n", argv[a], v);
            return 2;
        }
        ++a;
    }
    if (sets < 1 || B < 2 || !(noise >= 0.0) || !(conf > 0.0 && conf < 1.0)) {
        fprintf(stderr, "coverage: need --sets >= 1, --B >= 2, --noise >= 0, 0 < --conf < 1\n");
        return 2;
    }

    ssoc_error err = {0};
    ssoc_dataset *d = NULL;
    if (ssoc_data_read_csv(argv[1], SSOC_D_CRIT_DEFAULT_A, &d, &err) != SSOC_OK) {
        fprintf(stderr, "coverage: %s\n", err.msg);
        return 1;
    }
    const ssoc_params *truth = &ssoc_params_published;
    double tv[SSOC_NBAND];
    memcpy(tv, truth->p, sizeof truth->p);
    tv[SSOC_NPARAM] = ssoc_params_vf_star(truth);

    ssoc_dataset *syn = ssoc_dataset_alloc(d->n);
    size_t idx_all[4096];
    if (!syn || d->n > 4096) {
        fprintf(stderr, "coverage: data set too large or out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < d->n; ++i)
        idx_all[i] = i;
    ssoc_dataset_take(d, idx_all, d->n, syn, &err);

    ssoc_fit_opts fo;
    ssoc_fit_opts_default(&fo);
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    o.B = B;
    o.confidence = conf;
    o.interval = SSOC_CI_BCA;

    size_t used = 0, point_failed = 0, boot_failed = 0;
    size_t cov[2][SSOC_NBAND] = {{0}}, below[2][SSOC_NBAND] = {{0}};
    double rep_fail = 0.0, bias_sum[SSOC_NBAND] = {0};
    /* band widths per used set, for the median width (means are dominated by a few sets whose
     * vf_star replicates run far out when beta3 comes close to 0) */
    double *width = malloc(2 * SSOC_NBAND * sets * sizeof *width);
    if (!width) {
        fprintf(stderr, "coverage: out of memory\n");
        return 1;
    }
    const double t0 = now_s();
    for (size_t k = 0; k < sets; ++k) {
        for (size_t i = 0; i < d->n; ++i) {
            ssoc_layers L;
            ssoc_model_eval(truth, d->x[i], d->rho_g_cm3[i], d->T_K[i], &L);
            double z1, z2;
            normals(seed, k, i, &z1, &z2);
            const double D = (ungated && d->regime[i] == SSOC_REGIME_PCC) ? L.D_PCC_cm2_s : L.D_hop_cm2_s;
            syn->D_hop_cm2_s[i] = D * exp(noise * z1);
            syn->sigma_S_cm[i] = L.sigma_S_cm * exp(noise * z2);
        }
        ssoc_fit_result pf;
        if (ssoc_fit_run(syn, &fo, &pf, &err) != SSOC_OK) {
            ++point_failed;
            continue;
        }
        o.seed = seed + k;
        ssoc_boot_result *r = NULL;
        if (ssoc_boot_run(syn, &fo, &pf.params, &o, &r, &err) != SSOC_OK) {
            ++boot_failed;
            continue;
        }
        ++used;
        rep_fail += (double)r->n_failed / (double)B;
        for (int m = 0; m < 2; ++m) {
            /* percentile first, then BCa, both from the same replicate table */
            r->opts.interval = m == 0 ? SSOC_CI_PERCENTILE : SSOC_CI_BCA;
            if (ssoc_boot_summarise(r, &err) != SSOC_OK) {
                fprintf(stderr, "coverage: set %zu: %s\n", k, err.msg);
                return 1;
            }
            for (int j = 0; j < SSOC_NBAND; ++j) {
                cov[m][j] += r->lo[j] <= tv[j] && tv[j] <= r->hi[j];
                below[m][j] += r->hi[j] < tv[j];
                width[((size_t)m * SSOC_NBAND + (size_t)j) * sets + used - 1] = r->hi[j] - r->lo[j];
            }
        }
        for (int j = 0; j < SSOC_NBAND; ++j)
            bias_sum[j] += r->point[j] - tv[j];
        ssoc_boot_result_free(r);
        if ((k + 1) % 20 == 0)
            fprintf(stderr, "coverage: %zu/%zu sets, %.0f s\n", k + 1, sets, now_s() - t0);
    }
    const double elapsed = now_s() - t0;

    printf("data %s (%zu points: %zu PCC, %zu SCC); truth = published set; noise s = %g on D_hop and sigma;\n",
           argv[1], d->n, d->n_pcc, d->n_scc, noise);
    printf("PCC D_hop %s; sets %zu (used %zu, point fit failed %zu, bootstrap failed %zu); B = %zu; "
           "conf %g; seed %llu; %d threads; %.1f s\n",
           ungated ? "ungated (D_PCC, as stage 1 assumes)" : "gated (full model)", sets, used, point_failed,
           boot_failed, B, conf, (unsigned long long)seed, omp_get_max_threads(), elapsed);
    printf("mean fraction of failed replicates per set: %.4f\n\n", used ? rep_fail / (double)used : NAN);
    const double mc = used ? sqrt(conf * (1.0 - conf) / (double)used) : NAN;
    printf("| parameter | true value | mean(point - true) | percentile coverage | (true above / below band) | "
           "BCa coverage | (true above / below band) | median width pct / BCa |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    for (int j = 0; j < SSOC_NBAND; ++j) {
        const double u = used ? (double)used : NAN;
        double mw[2];
        for (int m = 0; m < 2; ++m) {
            double *w = width + ((size_t)m * SSOC_NBAND + (size_t)j) * sets;
            mw[m] = used ? (gsl_sort(w, 1, used), gsl_stats_median_from_sorted_data(w, 1, used)) : NAN;
        }
        printf("| %s | %.6g | %+.3g | %.3f | %.3f / %.3f | %.3f | %.3f / %.3f | %.3g / %.3g |\n", band_name(j), tv[j],
               bias_sum[j] / u, cov[0][j] / u, below[0][j] / u, (used - cov[0][j] - below[0][j]) / u, cov[1][j] / u,
               below[1][j] / u, (used - cov[1][j] - below[1][j]) / u, mw[0], mw[1]);
    }
    printf("\nMonte Carlo standard error of a coverage near %g with %zu sets: %.3f\n", conf, used, mc);
    free(width);
    ssoc_dataset_free(syn);
    ssoc_dataset_free(d);
    return 0;
}
