/* Calibration of the bootstrap bands (a statistical experiment, not a unit test; see COVERAGE.md).
 *
 * Draw synthetic data sets from the published model at the (x, rho, T) points and regimes of a
 * data file, with multiplicative log-normal noise: D_hop = D_true exp(s Z1), sigma = sigma_true
 * exp(s Z2), Z1, Z2 independent standard normal per point. Fit each set (the 8 parameters free,
 * ln A held at 0 as in the truth)
 * with the chosen estimator, bootstrap it with the chosen scheme, and count how often the band at
 * confidence c covers the true value of every quantity the program reports:
 *   the 8 free parameters and vf_star;
 *   sigma at 5 points: two inside the data, one at its edge, the optimum's point extrapolated to
 *   300 K and to 800 K (the data are at one temperature);
 *   rho_opt and sigma_max at (x = 0.75, 500 K) and at (0.75, 300 K) (ssoc_rules_rho_opt on
 *   [1.30, 2.20] g/cm3, per replicate, per jackknife fit and for the point fit).
 * All three intervals come from the same replicate table: percentile, expanded percentile (at
 * ssoc_ci_expanded_level with the point fit's residual degrees of freedom) and BCa (jackknife of
 * the data).
 *
 * --pcc gated (default): every D_hop is the published model's, Hill gating included for PCC
 *   points with v_f > 0 (the model as written; the staged fit's stage 1 ignores that gate).
 * --pcc ungated: PCC points carry D_PCC (the assumption stage 1 makes; the joint fit, which gates
 *   every point with v_f > 0 as the model does, is then the misspecified one); sigma stays the
 *   model's.
 *
 * usage: coverage DATA.csv [--sets N=200] [--B B=999] [--noise s=0.2] [--conf c=0.95]
 *                          [--seed S=1] [--pcc gated|ungated] [--method joint|staged]
 *                          [--scheme residual|stratified|case]
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
#include "ssoc/rules.h"

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

/* The quantities: parameters, vf_star, sigma at points, then the rules. */
enum { NSIG = 5, NRULE = 2, NQ = SSOC_NBAND + NSIG + 2 * NRULE };
static const struct { double x, rho, T; const char *where; } sig_pt[NSIG] = {
    {0.700, 1.80, 500.0, "inside the data"},
    {0.750, 1.73, 500.0, "inside the data (near the optimum)"},
    {0.750, 1.40, 500.0, "edge of the data (x and v_f maximal)"},
    {0.750, 1.73, 300.0, "extrapolated in T (data at 500 K only)"},
    {0.750, 1.73, 800.0, "extrapolated in T (data at 500 K only)"},
};
static const struct { double x, T; const char *where; } rule_pt[NRULE] = {
    {0.75, 500.0, "inside the data"},
    {0.75, 300.0, "extrapolated in T (data at 500 K only)"},
};
#define RHO_LO 1.30
#define RHO_HI 2.20

static void q_name(int j, char *buf, size_t len)
{
    if (j < SSOC_NPARAM)
        snprintf(buf, len, "%s", ssoc_param_name(j));
    else if (j == SSOC_NPARAM)
        snprintf(buf, len, "vf_star");
    else if (j < SSOC_NBAND + NSIG) {
        const int k = j - SSOC_NBAND;
        snprintf(buf, len, "sigma(%.3g, %.3g, %.0f K)", sig_pt[k].x, sig_pt[k].rho, sig_pt[k].T);
    } else {
        const int k = (j - SSOC_NBAND - NSIG) / 2;
        snprintf(buf, len, "%s(%.3g, %.0f K)", (j - SSOC_NBAND - NSIG) % 2 ? "sigma_max" : "rho_opt", rule_pt[k].x,
                 rule_pt[k].T);
    }
}

static const char *q_where(int j)
{
    if (j <= SSOC_NPARAM)
        return "parameter";
    if (j < SSOC_NBAND + NSIG)
        return sig_pt[j - SSOC_NBAND].where;
    return rule_pt[(j - SSOC_NBAND - NSIG) / 2].where;
}

static int q_inside(int j) { return strncmp(q_where(j), "extrapolated", 12) != 0; }

/* Every quantity under parameters p (NaN where a rule fails). sigma and sigma_max in S/cm. */
static void quantities(const double *p8, double *q)
{
    ssoc_params p;
    memcpy(p.p, p8, sizeof p.p);
    memcpy(q, p.p, sizeof p.p);
    q[SSOC_NPARAM] = ssoc_params_vf_star(&p);
    for (int k = 0; k < NSIG; ++k) {
        ssoc_layers L;
        ssoc_model_eval(&p, sig_pt[k].x, sig_pt[k].rho, sig_pt[k].T, &L);
        q[SSOC_NBAND + k] = L.sigma_S_cm;
    }
    for (int k = 0; k < NRULE; ++k) {
        ssoc_optimum o;
        double *r = q + SSOC_NBAND + NSIG + 2 * k;
        if (ssoc_rules_rho_opt(&p, rule_pt[k].x, rule_pt[k].T, RHO_LO, RHO_HI, &o, NULL) == SSOC_OK) {
            r[0] = o.arg;
            r[1] = o.sigma_S_cm;
        } else {
            r[0] = r[1] = NAN;
        }
    }
}

static int parse_args(int argc, char **argv, size_t *sets, size_t *B, double *noise, double *conf, uint64_t *seed,
                      int *ungated, ssoc_fit_method *method, ssoc_boot_scheme *scheme)
{
    for (int a = 2; a < argc; ++a) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!v) {
            fprintf(stderr, "coverage: option %s needs a value\n", argv[a]);
            return 2;
        }
        if (strcmp(argv[a], "--sets") == 0)
            *sets = strtoul(v, NULL, 10);
        else if (strcmp(argv[a], "--B") == 0)
            *B = strtoul(v, NULL, 10);
        else if (strcmp(argv[a], "--noise") == 0)
            *noise = strtod(v, NULL);
        else if (strcmp(argv[a], "--conf") == 0)
            *conf = strtod(v, NULL);
        else if (strcmp(argv[a], "--seed") == 0)
            *seed = strtoull(v, NULL, 10);
        else if (strcmp(argv[a], "--pcc") == 0 && (strcmp(v, "gated") == 0 || strcmp(v, "ungated") == 0))
            *ungated = strcmp(v, "ungated") == 0;
        else if (strcmp(argv[a], "--method") == 0 && ssoc_fit_method_parse(v, method) == 0)
            ;
        else if (strcmp(argv[a], "--scheme") == 0 && ssoc_boot_scheme_parse(v, scheme) == 0)
            ;
        else {
            fprintf(stderr, "coverage: unknown option or value: %s %s\n", argv[a], v);
            return 2;
        }
        ++a;
    }
    if (*sets < 1 || *B < 2 || !(*noise >= 0.0) || !(*conf > 0.0 && *conf < 1.0)) {
        fprintf(stderr, "coverage: need --sets >= 1, --B >= 2, --noise >= 0, 0 < --conf < 1\n");
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA.csv [--sets N] [--B B] [--noise s] [--conf c] [--seed S] "
                        "[--pcc gated|ungated] [--method joint|staged] [--scheme residual|stratified|case]\n",
                argv[0]);
        return 2;
    }
    size_t sets = 200, B = 999;
    double noise = 0.2, conf = 0.95;
    uint64_t seed = 1;
    int ungated = 0;
    ssoc_fit_method method = SSOC_FIT_METHOD_DEFAULT;
    ssoc_boot_scheme scheme = SSOC_BOOT_SCHEME_DEFAULT;
    int rc = parse_args(argc, argv, &sets, &B, &noise, &conf, &seed, &ungated, &method, &scheme);
    if (rc)
        return rc;

    ssoc_error err = {0};
    ssoc_dataset *d = NULL;
    if (ssoc_data_read_csv(argv[1], SSOC_D_CRIT_DEFAULT_A, &d, &err) != SSOC_OK) {
        fprintf(stderr, "coverage: %s\n", err.msg);
        return 1;
    }
    const ssoc_params *truth = &ssoc_params_published;
    double tv[NQ];
    quantities(truth->p, tv);

    ssoc_dataset *syn = ssoc_dataset_alloc(d->n);
    size_t *idx_all = malloc(d->n * sizeof *idx_all);
    double *qrep = malloc(NQ * (B + d->n) * sizeof *qrep), *v = malloc((B + d->n) * sizeof *v);
    double *width = malloc(3 * NQ * sets * sizeof *width);
    if (!syn || !idx_all || !qrep || !v || !width) {
        fprintf(stderr, "coverage: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < d->n; ++i)
        idx_all[i] = i;
    ssoc_dataset_take(d, idx_all, d->n, syn, &err);

    ssoc_fit_opts fo;
    ssoc_fit_opts_default(&fo);
    fo.method = method;
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    o.B = B;
    o.confidence = conf;
    o.interval = SSOC_CI_BCA;
    o.scheme = scheme;

    size_t used = 0, point_failed = 0, boot_failed = 0, qfail[NQ] = {0};
    enum { NM = 3 }; /* percentile, expanded, BCa */
    static const ssoc_ci_method meth[NM] = {SSOC_CI_PERCENTILE, SSOC_CI_EXPANDED, SSOC_CI_BCA};
    size_t cov[NM][NQ] = {{0}}, below[NM][NQ] = {{0}}, nband[NM][NQ] = {{0}};
    double dof_sum = 0.0, level_sum = 0.0;
    double rep_fail = 0.0, bias_sum[NQ] = {0}, rel_bias_sum[NQ] = {0};
    /* spread of the point estimates over sets against the bootstrap's own spread */
    double pt_sum[NQ] = {0}, pt_sq[NQ] = {0}, boot_var[NQ] = {0};
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
        const double level_x = ssoc_ci_expanded_level(conf, r->dof);
        dof_sum += r->dof;
        level_sum += level_x;
        double qp[NQ];
        quantities(pf.params.p, qp);
        /* rows: replicates then jackknife fits (NaN rows where the fit failed) */
        const size_t rows = B + r->n_jack;
#pragma omp parallel for schedule(dynamic, 16)
        for (size_t b = 0; b < rows; ++b) {
            const int ok = b < B ? r->ok[b] : r->jack_ok[b - B];
            const double *row = b < B ? r->table + b * SSOC_NPARAM : r->jack + (b - B) * SSOC_NPARAM;
            if (ok)
                quantities(row, qrep + b * NQ);
            else
                for (int j = 0; j < NQ; ++j)
                    qrep[b * NQ + j] = NAN;
        }
        for (int j = 0; j < NQ; ++j) {
            if (!isfinite(qp[j])) {
                ++qfail[j];
                continue;
            }
            bias_sum[j] += qp[j] - tv[j];
            rel_bias_sum[j] += (qp[j] - tv[j]) / tv[j];
            double jk[4096];
            size_t m = 0, mj = 0;
            for (size_t b = 0; b < B; ++b)
                if (isfinite(qrep[b * NQ + j]))
                    v[m++] = qrep[b * NQ + j];
            for (size_t i = 0; i < r->n_jack && mj < 4096; ++i)
                if (isfinite(qrep[(B + i) * NQ + j]))
                    jk[mj++] = qrep[(B + i) * NQ + j];
            pt_sum[j] += qp[j];
            pt_sq[j] += qp[j] * qp[j];
            if (m >= 2)
                boot_var[j] += gsl_stats_variance(v, 1, m);
            for (int mth = 0; mth < NM; ++mth) {
                double lo, hi;
                double *vv = malloc(m * sizeof *vv);
                memcpy(vv, v, m * sizeof *vv);
                if (m < 2 || (meth[mth] == SSOC_CI_BCA && mj < 2) ||
                    ssoc_ci_compute(vv, m, qp[j], jk, mj, meth[mth] == SSOC_CI_EXPANDED ? level_x : conf, meth[mth],
                                    &lo, &hi, NULL, &err) != SSOC_OK) {
                    free(vv);
                    continue;
                }
                free(vv);
                cov[mth][j] += lo <= tv[j] && tv[j] <= hi;
                below[mth][j] += hi < tv[j];
                width[((size_t)mth * NQ + (size_t)j) * sets + nband[mth][j]++] = hi - lo;
            }
        }
        ssoc_boot_result_free(r);
        if ((k + 1) % 50 == 0)
            fprintf(stderr, "coverage: %zu/%zu sets, %.0f s\n", k + 1, sets, now_s() - t0);
    }
    const double elapsed = now_s() - t0;

    printf("data %s (%zu points: %zu PCC, %zu SCC); truth = published set; noise s = %g on D_hop and sigma;\n",
           argv[1], d->n, d->n_pcc, d->n_scc, noise);
    printf("PCC D_hop %s; estimator %s; scheme %s; sets %zu (used %zu, point fit failed %zu, bootstrap failed %zu); "
           "B = %zu; conf %g; seed %llu; %d threads; %.1f s\n",
           ungated ? "ungated (D_PCC, as stage 1 assumes)" : "gated (the model as written)",
           ssoc_fit_method_name(method), ssoc_boot_scheme_name(scheme), sets, used, point_failed, boot_failed, B, conf,
           (unsigned long long)seed, omp_get_max_threads(), elapsed);
    printf("mean fraction of failed replicates per set: %.4f; mean residual dof %.2f, mean expanded level %.4f\n\n",
           used ? rep_fail / (double)used : NAN, dof_sum / (double)used, level_sum / (double)used);
    printf("| quantity | where | true value | mean(point - true) | percentile | (true above / below) | expanded | "
           "(true above / below) | BCa | (true above / below) | median width pct / exp / BCa | sd(point) / boot sd |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int j = 0; j < NQ; ++j) {
        if (j < SSOC_NPARAM && ((fo.fixed_mask >> j) & 1u))
            continue; /* held fixed (ln A): nothing to cover */
        char name[64];
        q_name(j, name, sizeof name);
        double mw[NM], c[NM], ab[NM][2];
        for (int m = 0; m < NM; ++m) {
            const size_t nb = nband[m][j];
            double *w = width + ((size_t)m * NQ + (size_t)j) * sets;
            mw[m] = nb ? (gsl_sort(w, 1, nb), gsl_stats_median_from_sorted_data(w, 1, nb)) : NAN;
            /* sets whose band could not be formed (no point value) count as misses */
            c[m] = used ? (double)cov[m][j] / (double)used : NAN;
            ab[m][0] = used ? (double)below[m][j] / (double)used : NAN;
            ab[m][1] = used ? (double)(nb - cov[m][j] - below[m][j]) / (double)used : NAN;
        }
        const double u = used > qfail[j] ? (double)(used - qfail[j]) : NAN;
        const int rel = j > SSOC_NPARAM; /* derived quantities: relative bias */
        char bias[32];
        if (rel)
            snprintf(bias, sizeof bias, "%+.2f%%", 100.0 * rel_bias_sum[j] / u);
        else
            snprintf(bias, sizeof bias, "%+.3g", bias_sum[j] / u);
        const double mean = pt_sum[j] / u, sd_pt = sqrt((pt_sq[j] - u * mean * mean) / (u - 1.0));
        printf("| %s | %s | %.6g | %s | %.3f | %.3f / %.3f | %s%.3f%s | %.3f / %.3f | %.3f | %.3f / %.3f | %.3g / %.3g / "
               "%.3g | %.3f |\n",
               name, q_where(j), tv[j], bias, c[0], ab[0][0], ab[0][1], q_inside(j) ? "**" : "", c[1],
               q_inside(j) ? "**" : "", ab[1][0], ab[1][1], c[2], ab[2][0], ab[2][1], mw[0], mw[1], mw[2],
               sd_pt / sqrt(boot_var[j] / u));
    }
    size_t nq_fail = 0;
    for (int j = 0; j < NQ; ++j)
        nq_fail += qfail[j];
    printf("\nMonte Carlo standard error of a coverage near %g with %zu sets: %.3f; quantities without a point value "
           "(rule failed on the point fit): %zu\n",
           conf, used, used ? sqrt(conf * (1.0 - conf) / (double)used) : NAN, nq_fail);
    free(width);
    free(qrep);
    free(v);
    free(idx_all);
    ssoc_dataset_free(syn);
    ssoc_dataset_free(d);
    return 0;
}
