/* Bootstrap: the resample stream, thread-count and split independence of the replicate table,
 * failure counting on a data set built to fail, the bands and the summary statistics. */
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/boot.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"
#include "ssoc/stats.h"
#include "testutil.h"

/* The 23 shipped points (data/kim2026_lps_aimd_500K.csv): x, rho [g/cm3], d_max [A], D_hop
 * [cm2/s], sigma [S/cm], regime (0 PCC, 1 SCC); T = 500 K throughout. */
static const double kim[23][6] = {
    {0.666, 2.15, 3.5, 0.70e-6, 0.3e-3, 0},  {0.666, 1.95, 4.5, 1.10e-6, 0.8e-3, 0},
    {0.666, 1.80, 5.5, 1.70e-6, 1.5e-3, 0},  {0.666, 1.60, 8.0, 1.00e-6, 1.0e-3, 1},
    {0.666, 1.40, 12.0, 0.50e-6, 0.3e-3, 1}, {0.692, 2.05, 3.8, 0.90e-6, 0.6e-3, 0},
    {0.692, 1.85, 5.0, 1.50e-6, 1.5e-3, 0},  {0.692, 1.70, 5.8, 1.90e-6, 2.5e-3, 0},
    {0.692, 1.55, 9.0, 1.10e-6, 1.2e-3, 1},  {0.692, 1.40, 11.0, 0.60e-6, 0.4e-3, 1},
    {0.714, 1.95, 4.0, 1.20e-6, 1.0e-3, 0},  {0.714, 1.80, 5.0, 1.90e-6, 2.5e-3, 0},
    {0.714, 1.65, 6.5, 1.50e-6, 2.0e-3, 1},  {0.714, 1.50, 10.0, 0.80e-6, 0.8e-3, 1},
    {0.733, 1.90, 4.0, 1.40e-6, 1.5e-3, 0},  {0.733, 1.77, 5.0, 2.00e-6, 3.5e-3, 0},
    {0.733, 1.60, 7.0, 1.30e-6, 1.5e-3, 1},  {0.733, 1.45, 10.5, 0.70e-6, 0.5e-3, 1},
    {0.750, 1.85, 3.8, 1.50e-6, 2.0e-3, 0},  {0.750, 1.73, 4.5, 2.30e-6, 6.4e-3, 0},
    {0.750, 1.60, 5.8, 1.90e-6, 3.0e-3, 0},  {0.750, 1.50, 8.0, 1.20e-6, 1.2e-3, 1},
    {0.750, 1.40, 11.0, 0.60e-6, 0.4e-3, 1},
};

static void put_row(ssoc_dataset *d, double x, double rho, double dmax, double D, double s, int regime)
{
    size_t i = d->n++;
    d->x[i] = x;
    d->rho_g_cm3[i] = rho;
    d->T_K[i] = 500.0;
    d->d_max_A[i] = dmax;
    d->D_hop_cm2_s[i] = D;
    d->sigma_S_cm[i] = s;
    d->regime[i] = (unsigned char)regime;
    d->line[i] = (int)i + 1;
}

static ssoc_dataset *shipped(void)
{
    ssoc_dataset *d = ssoc_dataset_alloc(23);
    cr_assert_not_null(d);
    for (int i = 0; i < 23; ++i)
        put_row(d, kim[i][0], kim[i][1], kim[i][2], kim[i][3], kim[i][4], (int)kim[i][5]);
    ssoc_dataset_count_regimes(d);
    cr_assert(d->n_pcc == 13 && d->n_scc == 10);
    return d;
}

/* Built to fail: the 13 shipped PCC points and only 3 SCC points, two of them the same state
 * point. A stratified replicate whose three SCC draws all hit the duplicated pair, or all hit the
 * third point, has one distinct v_f among its SCC points, so stage 2 (v_c and n_H free) has a
 * singular design: P = (2/3)^3 + (1/3)^3 = 1/3.
 * SCC values are the published model's, so every other replicate fits exactly. */
static ssoc_dataset *fragile(void)
{
    ssoc_dataset *d = ssoc_dataset_alloc(16);
    cr_assert_not_null(d);
    for (int i = 0; i < 23; ++i)
        if (kim[i][5] == 0)
            put_row(d, kim[i][0], kim[i][1], kim[i][2], kim[i][3], kim[i][4], 0);
    const double scc[3][2] = {{0.750, 1.50}, {0.750, 1.50}, {0.692, 1.40}};
    for (int k = 0; k < 3; ++k) {
        ssoc_layers L;
        ssoc_model_eval(&ssoc_params_published, scc[k][0], scc[k][1], 500.0, &L);
        put_row(d, scc[k][0], scc[k][1], 9.0, L.D_hop_cm2_s, L.sigma_S_cm, 1);
    }
    ssoc_dataset_count_regimes(d);
    cr_assert(d->n_pcc == 13 && d->n_scc == 3);
    return d;
}

/* Row resampling within regimes: the scheme the tests up to the residual section pin. */
static ssoc_boot_opts opts_with(size_t B, uint64_t seed)
{
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    o.B = B;
    o.seed = seed;
    o.scheme = SSOC_BOOT_STRATIFIED;
    return o;
}

/* The staged estimator: the tests of failure counting predict which resamples stage 2 refuses. */
static void staged_opts(ssoc_fit_opts *fo)
{
    ssoc_fit_opts_default(fo);
    fo->method = SSOC_FIT_STAGED;
}

static ssoc_params point_fit(const ssoc_dataset *d, const ssoc_fit_opts *fo)
{
    ssoc_fit_result res;
    ssoc_error err = {0};
    cr_assert_eq(ssoc_fit_run(d, fo, &res, &err), SSOC_OK, "%s", err.msg);
    return res.params;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---------------------------------------------------------------- the resample stream */

Test(resample, first_draws_follow_the_philox_known_answer)
{
    /* Random123's known-answer vector: philox4x32-10 with counter 0 and key 0 gives
     * 6627e8d5 e169c58d bc57ac4c 9b00dbd8. With seed 0, replicate 0 the first block has counter
     * 0, so the first indices of a case resample of 23 points are Lemire's floor(u 23 / 2^32)
     * (no rejection: the low words are at least 2^32 mod 23 = 12). */
    ssoc_dataset *d = shipped();
    ssoc_boot_opts o = opts_with(10, 0);
    o.scheme = SSOC_BOOT_CASE;
    size_t idx[23];
    cr_assert_eq(ssoc_boot_resample(d, &o, 0, idx, NULL), SSOC_OK);
    const uint32_t kat[4] = {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u};
    cr_assert_eq((uint32_t)(((uint64_t)1 << 32) % 23), 12u);
    for (int k = 0; k < 4; ++k) {
        uint64_t prod = (uint64_t)kat[k] * 23u;
        cr_assert_geq((uint32_t)prod, 12u);
        cr_assert_eq(idx[k], (size_t)(prod >> 32), "draw %d: %zu", k, idx[k]);
    }
    ssoc_dataset_free(d);
}

Test(resample, pure_function_of_seed_and_b)
{
    ssoc_dataset *d = shipped();
    ssoc_boot_opts o = opts_with(10, 12345);
    size_t a[23], b[23], c[23];
    for (int scheme = 0; scheme < 2; ++scheme) {
        o.scheme = (ssoc_boot_scheme)scheme;
        /* Same (seed, b), whatever came before: the same indices. */
        cr_assert_eq(ssoc_boot_resample(d, &o, 77, a, NULL), SSOC_OK);
        cr_assert_eq(ssoc_boot_resample(d, &o, 3, c, NULL), SSOC_OK);
        cr_assert_eq(ssoc_boot_resample(d, &o, 77, b, NULL), SSOC_OK);
        cr_assert(memcmp(a, b, sizeof a) == 0);
        /* Another b, a b differing only in its high 32 bits, another seed, a seed differing only
         * in its high 32 bits: other indices. */
        cr_assert(memcmp(a, c, sizeof a) != 0);
        cr_assert_eq(ssoc_boot_resample(d, &o, 77 + ((size_t)1 << 32), c, NULL), SSOC_OK);
        cr_assert(memcmp(a, c, sizeof a) != 0);
        ssoc_boot_opts o2 = o;
        o2.seed = 12346;
        cr_assert_eq(ssoc_boot_resample(d, &o2, 77, c, NULL), SSOC_OK);
        cr_assert(memcmp(a, c, sizeof a) != 0);
        o2.seed = 12345 + ((uint64_t)1 << 32);
        cr_assert_eq(ssoc_boot_resample(d, &o2, 77, c, NULL), SSOC_OK);
        cr_assert(memcmp(a, c, sizeof a) != 0);
    }
    ssoc_dataset_free(d);
}

Test(resample, stratified_keeps_strata_counts_and_case_does_not)
{
    ssoc_dataset *d = shipped();
    ssoc_boot_opts o = opts_with(10, 99);
    size_t idx[23];
    long hits[23] = {0};
    int case_counts_varied = 0;
    enum { R = 4000 };
    for (size_t b = 0; b < R; ++b) {
        o.scheme = SSOC_BOOT_STRATIFIED;
        cr_assert_eq(ssoc_boot_resample(d, &o, b, idx, NULL), SSOC_OK);
        for (int k = 0; k < 23; ++k) {
            cr_assert_lt(idx[k], 23u);
            /* first n_PCC draws are PCC rows, the rest SCC rows */
            cr_assert_eq(d->regime[idx[k]], k < 13 ? SSOC_REGIME_PCC : SSOC_REGIME_SCC, "b=%zu k=%d", b, k);
            hits[idx[k]]++;
        }
        o.scheme = SSOC_BOOT_CASE;
        cr_assert_eq(ssoc_boot_resample(d, &o, b, idx, NULL), SSOC_OK);
        int n_pcc = 0;
        for (int k = 0; k < 23; ++k) {
            cr_assert_lt(idx[k], 23u);
            n_pcc += d->regime[idx[k]] == SSOC_REGIME_PCC;
        }
        case_counts_varied |= n_pcc != 13;
    }
    cr_assert(case_counts_varied);
    /* Uniform within each stratum: each PCC row expects R, each SCC row R hits (one draw per
     * stratum slot); binomial sd is about sqrt(R 13 (1/13)(12/13)) ~ 61, allow 5 sd. */
    for (int i = 0; i < 23; ++i)
        cr_assert_lt(labs(hits[i] - R), 5 * 65, "row %d drawn %ld times, expected %d", i, hits[i], R);
    ssoc_dataset_free(d);
}

Test(resample, error_paths)
{
    ssoc_dataset *d = ssoc_dataset_alloc(4);
    ssoc_boot_opts o = opts_with(10, 1);
    size_t idx[4];
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_resample(d, &o, 0, idx, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "empty data set"), "%s", err.msg);
    cr_assert_eq(ssoc_boot_resample(NULL, &o, 0, idx, &err), SSOC_EINVAL);
    ssoc_dataset_free(d);
}

/* ---------------------------------------------------------------- options and allocation */

Test(boot_opts, defaults_and_checks)
{
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    cr_assert_eq(o.B, SSOC_BOOT_B_DEFAULT);
    cr_assert_eq(o.seed, SSOC_BOOT_SEED_DEFAULT);
    cr_assert_eq(o.scheme, SSOC_BOOT_SCHEME_DEFAULT);
    cr_assert_eq(o.scheme, SSOC_BOOT_RESIDUAL);
    cr_assert_eq(o.confidence, 0.95);
    cr_assert_eq(o.interval, SSOC_BOOT_INTERVAL_DEFAULT);
    cr_assert_eq(o.interval, SSOC_CI_EXPANDED);
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_opts_check(&o, &err), SSOC_OK);
    ssoc_boot_opts b = o;
    b.B = 1;
    cr_assert_eq(ssoc_boot_opts_check(&b, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "B >= 2"), "%s", err.msg);
    b = o;
    b.confidence = 1.0;
    cr_assert_eq(ssoc_boot_opts_check(&b, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "confidence level 1"), "%s", err.msg);
    b.confidence = NAN;
    cr_assert_eq(ssoc_boot_opts_check(&b, &err), SSOC_EINVAL);
    b = o;
    b.scheme = (ssoc_boot_scheme)5;
    cr_assert_eq(ssoc_boot_opts_check(&b, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "scheme 5"), "%s", err.msg);
    b = o;
    b.interval = (ssoc_ci_method)9;
    cr_assert_eq(ssoc_boot_opts_check(&b, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "interval method 9"), "%s", err.msg);
}

/* Both name<->enum mappings (the scheme in boot.h, the interval in stats.h) through one int. */
static int parse_name(int interval, const char *name, int *v)
{
    ssoc_boot_scheme sc = (ssoc_boot_scheme)*v;
    ssoc_ci_method m = (ssoc_ci_method)*v;
    int rc = interval ? ssoc_ci_method_parse(name, &m) : ssoc_boot_scheme_parse(name, &sc);
    *v = interval ? (int)m : (int)sc;
    return rc;
}

Test(boot_opts, scheme_and_interval_names_round_trip_exact_spelling_only)
{
    static const struct { int interval; const char *name; int value; } good[] = {
        {0, "stratified", SSOC_BOOT_STRATIFIED}, {0, "case", SSOC_BOOT_CASE},
        {0, "residual", SSOC_BOOT_RESIDUAL},     {1, "percentile", SSOC_CI_PERCENTILE},
        {1, "bca", SSOC_CI_BCA}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; ++i) {
        int v = 7;
        cr_assert_eq(parse_name(good[i].interval, good[i].name, &v), 0, "'%s'", good[i].name);
        cr_assert_eq(v, good[i].value, "'%s'", good[i].name);
        const char *back = good[i].interval ? ssoc_ci_method_name((ssoc_ci_method)v)
                                            : ssoc_boot_scheme_name((ssoc_boot_scheme)v);
        cr_assert_str_eq(back, good[i].name);
    }
    /* Exact spelling only, NULL refused, and a failed parse leaves the value alone. */
    static const struct { int interval; const char *name; } bad[] = {
        {0, "Case"}, {0, "case "}, {0, "strat"}, {0, ""}, {0, "bca"},  {0, NULL}, {0, "residuals"},
        {1, "BCa"},  {1, "bca "},  {1, "percent"}, {1, ""}, {1, "case"}, {1, NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        int v = 1;
        cr_assert_eq(parse_name(bad[i].interval, bad[i].name, &v), -1, "'%s'", bad[i].name ? bad[i].name : "NULL");
        cr_assert_eq(v, 1);
    }
}

Test(boot_result, alloc_free)
{
    ssoc_boot_result *r = ssoc_boot_result_alloc(5, 3);
    cr_assert_not_null(r);
    cr_assert(r->B == 5 && r->n_jack == 3 && r->first_failed == 5);
    for (size_t i = 0; i < 5 * SSOC_NPARAM; ++i)
        cr_assert(isnan(r->table[i]));
    for (size_t i = 0; i < 5; ++i)
        cr_assert_eq(r->ok[i], 0);
    for (size_t i = 0; i < 3 * SSOC_NPARAM; ++i)
        cr_assert(isnan(r->jack[i]));
    ssoc_boot_result_free(r);
    ssoc_boot_result_free(NULL);
    cr_assert_null(ssoc_boot_result_alloc(SIZE_MAX / 4, 0));
}

/* ---------------------------------------------------------------- summary on a hand-made table */

/* Two-pass sample standard deviation, written out here rather than taken from GSL. */
static double sd_by_hand(const double *v, size_t n)
{
    double m = 0.0, s = 0.0;
    for (size_t i = 0; i < n; ++i)
        m += v[i];
    m /= n;
    for (size_t i = 0; i < n; ++i)
        s += (v[i] - m) * (v[i] - m);
    return sqrt(s / (n - 1));
}

Test(summarise, bands_se_corr_fixed_and_failed_rows)
{
    enum { B = 41 };
    ssoc_boot_result *r = ssoc_boot_result_alloc(B, 0);
    r->opts.interval = SSOC_CI_PERCENTILE;
    r->opts.confidence = 0.9;
    r->fixed_mask = (1u << SSOC_P_NH) | (1u << SSOC_P_LNA);
    for (int j = 0; j < SSOC_NPARAM; ++j)
        r->point[j] = ssoc_params_published.p[j];
    r->point[SSOC_NPARAM] = ssoc_params_vf_star(&ssoc_params_published);
    uint64_t s = 42;
    for (size_t b = 0; b < B; ++b) {
        double *row = r->table + b * SSOC_NPARAM;
        if (b % 10 == 3) { /* failed: NaN row, must be ignored */
            r->ok[b] = 0;
            continue;
        }
        r->ok[b] = 1;
        for (int j = 0; j < SSOC_NPARAM; ++j) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            row[j] = ssoc_params_published.p[j] * (1.0 + 0.1 * ((double)(s >> 11) * 0x1.0p-53 - 0.5));
        }
        row[SSOC_P_NH] = 3.0;                            /* fixed */
        row[SSOC_P_BETA1] = 2.0 * row[SSOC_P_BETA0] + 1.0; /* correlation +1 with beta0 */
        row[SSOC_P_BETA2] = -3.0 * row[SSOC_P_E0];         /* correlation -1 with E0 */
    }
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_summarise(r, &err), SSOC_OK, "%s", err.msg);
    cr_assert_eq(r->n_failed, 4); /* b = 3, 13, 23, 33 */
    double col[B];
    for (int j = 0; j < SSOC_NBAND; ++j) {
        size_t m = 0;
        for (size_t b = 0; b < B; ++b)
            if (r->ok[b])
                col[m++] = j < SSOC_NPARAM ? r->table[b * SSOC_NPARAM + j]
                                           : -r->table[b * SSOC_NPARAM + SSOC_P_BETA2] /
                                                 (2.0 * r->table[b * SSOC_NPARAM + SSOC_P_BETA3]);
        cr_assert_eq(m, 37);
        if (j == SSOC_P_NH || j == SSOC_P_LNA) {
            const double v = ssoc_params_published.p[j];
            cr_assert(r->lo[j] == v && r->hi[j] == v && r->median[j] == v && r->se[j] == 0.0);
            continue;
        }
        cr_assert_leq(tu_rel(r->se[j], sd_by_hand(col, m)), 1e-12, "band %d", j);
        qsort(col, m, sizeof *col, cmp_double);
        cr_assert_eq(r->lo[j], ssoc_quantile_sorted(col, m, 0.05), "band %d", j);
        cr_assert_eq(r->hi[j], ssoc_quantile_sorted(col, m, 0.95), "band %d", j);
        cr_assert_eq(r->median[j], col[18], "band %d", j);
    }
    const int P = SSOC_NPARAM;
    cr_assert_leq(fabs(r->corr[SSOC_P_BETA0 * P + SSOC_P_BETA1] - 1.0), 1e-12);
    cr_assert_leq(fabs(r->corr[SSOC_P_BETA1 * P + SSOC_P_BETA0] - 1.0), 1e-12);
    cr_assert_leq(fabs(r->corr[SSOC_P_E0 * P + SSOC_P_BETA2] + 1.0), 1e-12);
    for (int i = 0; i < P; ++i) {
        cr_assert(isnan(r->corr[i * P + SSOC_P_NH]) && isnan(r->corr[SSOC_P_NH * P + i]));
        cr_assert(isnan(r->corr[i * P + SSOC_P_LNA]) && isnan(r->corr[SSOC_P_LNA * P + i]));
        if (i != SSOC_P_NH && i != SSOC_P_LNA)
            cr_assert_eq(r->corr[i * P + i], 1.0);
        for (int k = 0; k < P; ++k)
            if (i != SSOC_P_NH && k != SSOC_P_NH && i != SSOC_P_LNA && k != SSOC_P_LNA)
                cr_assert(fabs(r->corr[i * P + k]) <= 1.0 + 1e-15 && r->corr[i * P + k] == r->corr[k * P + i]);
    }
    ssoc_boot_result_free(r);
}

Test(summarise, error_paths)
{
    ssoc_error err = {0};
    ssoc_boot_result *r = ssoc_boot_result_alloc(4, 0);
    r->opts.interval = SSOC_CI_PERCENTILE;
    for (int j = 0; j < SSOC_NBAND; ++j)
        r->point[j] = 1.0;
    /* one success only */
    r->ok[2] = 1;
    for (int j = 0; j < SSOC_NPARAM; ++j)
        r->table[2 * SSOC_NPARAM + j] = 1.0;
    cr_assert_eq(ssoc_boot_summarise(r, &err), SSOC_EFIT);
    cr_assert(strstr(err.msg, "only 1 of 4 bootstrap replicates"), "%s", err.msg);
    cr_assert_eq(r->n_failed, 3);
    /* a row marked ok with a NaN in it */
    r->ok[1] = 1;
    cr_assert_eq(ssoc_boot_summarise(r, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "replicate 1 is marked successful but its E0 is nan"), "%s", err.msg);
    /* bad options */
    r->opts.confidence = 2.0;
    cr_assert_eq(ssoc_boot_summarise(r, &err), SSOC_EINVAL);
    ssoc_boot_result_free(r);
    /* BCa with fewer than 2 successful jackknife rows */
    r = ssoc_boot_result_alloc(3, 3);
    r->opts.interval = SSOC_CI_BCA;
    for (size_t b = 0; b < 3; ++b) {
        r->ok[b] = 1;
        for (int j = 0; j < SSOC_NPARAM; ++j)
            r->table[b * SSOC_NPARAM + j] = 1.0 + b;
    }
    r->jack_ok[0] = 1;
    for (int j = 0; j < SSOC_NPARAM; ++j)
        r->jack[j] = 1.0;
    cr_assert_eq(ssoc_boot_summarise(r, &err), SSOC_EFIT);
    cr_assert(strstr(err.msg, "BCa needs at least 2 successful leave-one-out fits; 1 of 3"), "%s", err.msg);
    ssoc_boot_result_free(r);
}

/* ---------------------------------------------------------------- replicate fits */

Test(boot_fit, table_identical_at_1_and_2_threads)
{
    ssoc_dataset *d = shipped();
    ssoc_fit_opts fo;
    staged_opts(&fo);
    ssoc_boot_opts o = opts_with(300, 2026);
    double *t1 = malloc(300 * SSOC_NPARAM * sizeof *t1), *t2 = malloc(300 * SSOC_NPARAM * sizeof *t2);
    unsigned char ok1[300], ok2[300];
    ssoc_error err = {0};
    omp_set_num_threads(1);
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &ssoc_params_published, &o, 0, 300, t1, ok1, &err), SSOC_OK, "%s", err.msg);
    omp_set_num_threads(2);
    cr_assert_eq(omp_get_max_threads(), 2);
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &ssoc_params_published, &o, 0, 300, t2, ok2, &err), SSOC_OK, "%s", err.msg);
    cr_assert(memcmp(ok1, ok2, sizeof ok1) == 0);
    cr_assert(memcmp(t1, t2, 300 * SSOC_NPARAM * sizeof *t1) == 0, "replicate tables differ between 1 and 2 threads");
    /* Something was actually fitted, and the replicates differ from each other. */
    size_t n_ok = 0;
    for (int b = 0; b < 300; ++b)
        n_ok += ok1[b];
    cr_assert_gt(n_ok, 250);
    cr_assert_neq(t1[SSOC_P_BETA2], t1[SSOC_NPARAM + SSOC_P_BETA2]);
    free(t1);
    free(t2);
    ssoc_dataset_free(d);
}

Test(boot_fit, split_independence)
{
    ssoc_dataset *d = shipped();
    ssoc_fit_opts fo;
    staged_opts(&fo);
    enum { B = 120, K = 37 };
    ssoc_boot_opts o = opts_with(B, 7);
    double whole[B * SSOC_NPARAM], parts[B * SSOC_NPARAM];
    unsigned char okw[B], okp[B];
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &ssoc_params_published, &o, 0, B, whole, okw, &err), SSOC_OK, "%s", err.msg);
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &ssoc_params_published, &o, K, B, parts + K * SSOC_NPARAM, okp + K, &err), SSOC_OK);
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &ssoc_params_published, &o, 0, K, parts, okp, &err), SSOC_OK);
    cr_assert(memcmp(okw, okp, sizeof okw) == 0);
    cr_assert(memcmp(whole, parts, sizeof whole) == 0);
    /* Each replicate equals a serial fit of its own resample. */
    size_t idx[23];
    ssoc_dataset *rep = ssoc_dataset_alloc(23);
    for (size_t b = 0; b < B; b += 17) {
        cr_assert_eq(ssoc_boot_resample(d, &o, b, idx, &err), SSOC_OK);
        cr_assert_eq(ssoc_dataset_take(d, idx, 23, rep, &err), SSOC_OK);
        ssoc_fit_result res;
        ssoc_status st = ssoc_fit_run(rep, &fo, &res, &err);
        cr_assert_eq(st == SSOC_OK, okw[b] == 1, "b=%zu", b);
        if (st == SSOC_OK)
            cr_assert(memcmp(res.params.p, whole + b * SSOC_NPARAM, sizeof res.params.p) == 0, "b=%zu", b);
    }
    /* Error paths of the range call. */
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &ssoc_params_published, &o, 5, 4, whole, okw, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "reversed"), "%s", err.msg);
    ssoc_boot_opts bad = o;
    bad.B = 0;
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &ssoc_params_published, &bad, 0, 4, whole, okw, &err), SSOC_EINVAL);
    ssoc_dataset_free(rep);
    ssoc_dataset_free(d);
}

Test(boot_fit, failures_counted_exactly_and_thread_independent)
{
    ssoc_dataset *d = fragile();
    ssoc_fit_opts fo;
    staged_opts(&fo);
    ssoc_params point = point_fit(d, &fo);
    /* The SCC rows are the published model's and there are 3 SCC points at 2 distinct v_f:
     * stage 2 recovers the published gating (only v_c and n_H are tested: the PCC rows are the
     * real data, so stage 1 and 3 are not the published ones). */
    cr_assert_leq(tu_rel(point.p[SSOC_P_VC], 0.125), 1e-3, "v_c %g", point.p[SSOC_P_VC]);

    enum { B = 400 };
    ssoc_boot_opts o = opts_with(B, 31337);
    /* Predict each replicate's fate from its resample: it must fail exactly when its three SCC
     * draws all land on the duplicated state point (rows 13 and 14) or all on row 15. */
    size_t idx[16], predicted = 0, first_pred = B;
    unsigned char pred_ok[B];
    for (size_t b = 0; b < B; ++b) {
        cr_assert_eq(ssoc_boot_resample(d, &o, b, idx, NULL), SSOC_OK);
        int dup = 0;
        for (int k = 13; k < 16; ++k)
            dup += idx[k] == 13 || idx[k] == 14;
        pred_ok[b] = dup == 1 || dup == 2;
        if (!pred_ok[b]) {
            ++predicted;
            if (first_pred == B)
                first_pred = b;
        }
    }
    /* 400/3 = 133 expected; the realised count is what the stream gives. */
    cr_assert(predicted > 95 && predicted < 175, "predicted %zu", predicted);

    ssoc_boot_result *r1 = NULL, *r2 = NULL;
    ssoc_error err = {0};
    omp_set_num_threads(1);
    cr_assert_eq(ssoc_boot_run(d, &fo, &point, &o, &r1, &err), SSOC_OK, "%s", err.msg);
    omp_set_num_threads(2);
    cr_assert_eq(ssoc_boot_run(d, &fo, &point, &o, &r2, &err), SSOC_OK, "%s", err.msg);
    cr_assert_eq(r1->n_failed, predicted, "failed %zu, predicted %zu", r1->n_failed, predicted);
    cr_assert_eq(r2->n_failed, predicted);
    cr_assert(memcmp(r1->ok, pred_ok, B) == 0);
    cr_assert(memcmp(r2->ok, pred_ok, B) == 0);
    cr_assert(memcmp(r1->table, r2->table, B * SSOC_NPARAM * sizeof(double)) == 0);
    cr_assert_eq(r1->first_failed, first_pred);
    cr_assert(strstr(r1->first_failure, "stage 2") && strstr(r1->first_failure, "singular"), "%s",
              r1->first_failure);
    cr_assert_str_eq(r1->first_failure, r2->first_failure);
    /* Failed rows are NaN in the table and never reach a band. */
    for (size_t b = 0; b < B; ++b)
        if (!r1->ok[b])
            cr_assert(isnan(r1->table[b * SSOC_NPARAM + SSOC_P_VC]));
    for (int j = 0; j < SSOC_NBAND; ++j) {
        cr_assert(isfinite(r1->lo[j]) && isfinite(r1->hi[j]) && isfinite(r1->se[j]), "band %d", j);
        cr_assert(memcmp(&r1->lo[j], &r2->lo[j], sizeof(double)) == 0);
        cr_assert(memcmp(&r1->hi[j], &r2->hi[j], sizeof(double)) == 0);
        cr_assert(memcmp(&r1->se[j], &r2->se[j], sizeof(double)) == 0);
    }
    ssoc_boot_result_free(r1);
    ssoc_boot_result_free(r2);

    /* Case resampling of 3 SCC among 16 points: replicates with fewer than 2 SCC points also fail. */
    o.scheme = SSOC_BOOT_CASE;
    cr_assert_eq(ssoc_boot_run(d, &fo, &point, &o, &r1, &err), SSOC_OK, "%s", err.msg);
    cr_assert_gt(r1->n_failed, predicted);
    ssoc_boot_result_free(r1);
    ssoc_dataset_free(d);
}

Test(boot_run, too_few_successes_is_a_fit_error)
{
    /* Only the duplicated SCC state point: every replicate's stage 2 is singular. */
    ssoc_dataset *d = fragile();
    d->n = 15; /* drop the third SCC row */
    ssoc_dataset_count_regimes(d);
    ssoc_fit_opts fo;
    staged_opts(&fo);
    ssoc_params p = ssoc_params_published;
    ssoc_boot_opts o = opts_with(20, 1);
    ssoc_boot_result *r = (ssoc_boot_result *)&o; /* must be reset to NULL on failure */
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_run(d, &fo, &p, &o, &r, &err), SSOC_EFIT);
    cr_assert_null(r);
    cr_assert(strstr(err.msg, "only 0 of 20 bootstrap replicates"), "%s", err.msg);
    /* A non-finite point estimate or bad options are caught before any fit. */
    p.p[SSOC_P_BETA3] = NAN;
    cr_assert_eq(ssoc_boot_run(d, &fo, &p, &o, &r, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "point estimate of beta3"), "%s", err.msg);
    p = ssoc_params_published;
    o.confidence = 0.0;
    cr_assert_eq(ssoc_boot_run(d, &fo, &p, &o, &r, &err), SSOC_EINVAL);
    ssoc_dataset_free(d);
}

/* ---------------------------------------------------------------- bands on the shipped data */

static void check_bands_on_shipped(ssoc_ci_method method, unsigned fixed_mask)
{
    ssoc_dataset *d = shipped();
    ssoc_fit_opts fo;
    staged_opts(&fo);
    ssoc_error err = {0};
    for (int j = 0; j < SSOC_NPARAM; ++j)
        if ((fixed_mask >> j) & 1u)
            cr_assert_eq(ssoc_fit_opts_fix(&fo, ssoc_param_name(j), ssoc_params_published.p[j], &err), SSOC_OK);
    ssoc_params point = point_fit(d, &fo);
    ssoc_boot_opts o = opts_with(999, SSOC_BOOT_SEED_DEFAULT);
    o.interval = method;
    ssoc_boot_result *r = NULL;
    cr_assert_eq(ssoc_boot_run(d, &fo, &point, &o, &r, &err), SSOC_OK, "%s", err.msg);
    cr_assert_eq(r->B, 999);
    cr_assert_eq(r->fixed_mask, fixed_mask | (1u << SSOC_P_LNA), "ln A is held at 0 by default");
    cr_assert_lt(r->n_failed, 50, "%zu failed; first: %s", r->n_failed, r->first_failure);
    cr_assert_eq(r->n_jack, method == SSOC_CI_BCA ? 23u : 0u);
    double *col = malloc(999 * sizeof *col);
    for (int j = 0; j < SSOC_NBAND; ++j) {
        const double pt = j < SSOC_NPARAM ? point.p[j] : ssoc_params_vf_star(&point);
        cr_assert_eq(r->point[j], pt);
        cr_assert(r->lo[j] <= pt && pt <= r->hi[j], "%s: %g not in [%g, %g]",
                  j < SSOC_NPARAM ? ssoc_param_name(j) : "vf_star", pt, r->lo[j], r->hi[j]);
        const int fixed = j < SSOC_NPARAM ? ((fixed_mask | (1u << SSOC_P_LNA)) >> j) & 1u : 0;
        if (fixed) {
            cr_assert(r->lo[j] == pt && r->hi[j] == pt && r->se[j] == 0.0);
            for (int k = 0; k < SSOC_NPARAM; ++k)
                cr_assert(isnan(r->corr[j * SSOC_NPARAM + k]));
            continue;
        }
        cr_assert_lt(r->lo[j], r->hi[j]);
        cr_assert_gt(r->se[j], 0.0);
        size_t m = 0;
        for (size_t b = 0; b < r->B; ++b)
            if (r->ok[b])
                col[m++] = j < SSOC_NPARAM ? r->table[b * SSOC_NPARAM + j]
                                           : -r->table[b * SSOC_NPARAM + SSOC_P_BETA2] /
                                                 (2.0 * r->table[b * SSOC_NPARAM + SSOC_P_BETA3]);
        cr_assert_eq(m, r->B - r->n_failed);
        qsort(col, m, sizeof *col, cmp_double);
        cr_assert_eq(r->median[j], ssoc_quantile_sorted(col, m, 0.5));
        if (method == SSOC_CI_PERCENTILE) {
            /* the percentile band is the type-7 quantile of the table's column */
            cr_assert_eq(r->lo[j], ssoc_quantile_sorted(col, m, (1.0 - 0.95) / 2.0));
            cr_assert_eq(r->hi[j], ssoc_quantile_sorted(col, m, (1.0 + 0.95) / 2.0));
        } else {
            /* BCa: the same levels recomputed from the jackknife table and the replicates */
            double jv[23], below = 0.0;
            size_t mj = 0;
            for (size_t i = 0; i < r->n_jack; ++i)
                if (r->jack_ok[i])
                    jv[mj++] = j < SSOC_NPARAM ? r->jack[i * SSOC_NPARAM + j]
                                               : -r->jack[i * SSOC_NPARAM + SSOC_P_BETA2] /
                                                     (2.0 * r->jack[i * SSOC_NPARAM + SSOC_P_BETA3]);
            cr_assert_geq(mj, 20);
            for (size_t b = 0; b < m; ++b)
                below += (col[b] < pt) ? 1.0 : (col[b] == pt) ? 0.5 : 0.0;
            double ql, qh;
            ssoc_ci_levels(SSOC_CI_BCA, 0.95, below / m, ssoc_bca_acceleration(jv, mj), &ql, &qh);
            cr_assert_eq(r->lo[j], ssoc_quantile_sorted(col, m, ql));
            cr_assert_eq(r->hi[j], ssoc_quantile_sorted(col, m, qh));
        }
    }
    free(col);
    ssoc_boot_result_free(r);
    ssoc_dataset_free(d);
}

Test(boot_run, percentile_bands_contain_point_estimates) { check_bands_on_shipped(SSOC_CI_PERCENTILE, 0u); }
Test(boot_run, bca_bands_contain_point_estimates) { check_bands_on_shipped(SSOC_CI_BCA, 0u); }
Test(boot_run, fixed_parameters_have_degenerate_bands)
{
    check_bands_on_shipped(SSOC_CI_PERCENTILE, (1u << SSOC_P_VC) | (1u << SSOC_P_NH));
}

/* ---------------------------------------------------------------- sigma band at a point */

/* A replicate result around the published parameters: row b scales E0 by 1 + (b - rows/2) 1e-3
 * and shifts beta0 by step ((7 b) mod rows - rows/2), so every row gives a different sigma, on
 * both sides of the point's. */
static void fill_rows(double *table, unsigned char *ok, size_t rows, double step)
{
    for (size_t b = 0; b < rows; ++b) {
        ssoc_params p = ssoc_params_published;
        p.p[SSOC_P_E0] *= 1.0 + ((double)b - (double)rows / 2.0) * 1e-3;
        p.p[SSOC_P_BETA0] += step * ((double)((b * 7) % rows) - (double)rows / 2.0);
        memcpy(table + b * SSOC_NPARAM, p.p, sizeof p.p);
        ok[b] = 1;
    }
}

static ssoc_boot_result *replicates(size_t B, size_t n_jack)
{
    ssoc_boot_result *r = ssoc_boot_result_alloc(B, n_jack);
    cr_assert_not_null(r);
    fill_rows(r->table, r->ok, B, 0.01);
    fill_rows(r->jack, r->jack_ok, n_jack, 0.003);
    return r;
}

static double sigma_of_row(const double *table, size_t b, double x, double rho, double T)
{
    ssoc_params p;
    memcpy(p.p, table + b * SSOC_NPARAM, sizeof p.p);
    ssoc_layers L;
    ssoc_model_eval(&p, x, rho, T, &L);
    return L.sigma_S_cm;
}

static double point_sigma(double x, double rho, double T)
{
    ssoc_layers L;
    ssoc_model_eval(&ssoc_params_published, x, rho, T, &L);
    return L.sigma_S_cm;
}

/* The band by hand: sigma of every ok row where it is finite (jackknife rows for BCa only), then
 * ssoc_ci_compute; checks the counts and returns lo, median, hi. */
static void band_by_hand(const ssoc_boot_result *r, ssoc_ci_method m, double x, double rho, double T, size_t want_n,
                         size_t want_nj, double out[3])
{
    double v[64], jk[64];
    size_t n = 0, nj = 0;
    for (size_t b = 0; b < r->B; ++b)
        if (r->ok[b] && isfinite(sigma_of_row(r->table, b, x, rho, T)))
            v[n++] = sigma_of_row(r->table, b, x, rho, T);
    for (size_t i = 0; m == SSOC_CI_BCA && i < r->n_jack; ++i)
        if (r->jack_ok[i] && isfinite(sigma_of_row(r->jack, i, x, rho, T)))
            jk[nj++] = sigma_of_row(r->jack, i, x, rho, T);
    cr_assert(n == want_n && nj == want_nj, "by hand: %zu replicates, %zu jackknife", n, nj);
    ssoc_error err = {0};
    cr_assert_eq(ssoc_ci_compute(v, n, point_sigma(x, rho, T), jk, nj, r->opts.confidence, m, &out[0], &out[2],
                                 &out[1], &err),
                 SSOC_OK, "%s", err.msg);
}

static void check_band(const ssoc_boot_result *r, ssoc_ci_method m, double x, double rho, double T, size_t want_n,
                       size_t want_nj)
{
    double want[3];
    band_by_hand(r, m, x, rho, T, want_n, want_nj, want);
    ssoc_sigma_band b;
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_sigma_band(r, x, rho, T, point_sigma(x, rho, T), NULL, &b, &err), SSOC_OK, "%s", err.msg);
    cr_assert_eq(b.method, m);
    cr_assert(b.used == want_n && b.jack_used == want_nj, "%zu replicates, %zu jackknife", b.used, b.jack_used);
    cr_assert(b.lo == want[0] && b.median == want[1] && b.hi == want[2], "%.17g %.17g %.17g", b.lo, b.median, b.hi);
    cr_assert(b.lo < b.median && b.median < b.hi);
    /* A caller's work buffer gives the same band. */
    double work[64];
    ssoc_sigma_band c;
    cr_assert_eq(ssoc_boot_sigma_band(r, x, rho, T, point_sigma(x, rho, T), work, &c, &err), SSOC_OK);
    cr_assert(c.lo == b.lo && c.median == b.median && c.hi == b.hi && c.used == b.used &&
              c.jack_used == b.jack_used && c.method == b.method);
}

Test(sigma_band, percentile_over_the_finite_successful_replicates)
{
    ssoc_boot_result *r = replicates(9, 0);
    r->ok[3] = 0;                                    /* a failed replicate: left out */
    r->table[5 * SSOC_NPARAM + SSOC_P_BETA0] = 1e6; /* sigma = inf there: left out */
    cr_assert(isinf(sigma_of_row(r->table, 5, 0.7, 1.8, 450.0)));
    r->opts.confidence = 0.8;
    cr_assert_eq(ssoc_boot_band_method(r), SSOC_CI_PERCENTILE);
    check_band(r, SSOC_CI_PERCENTILE, 0.7, 1.8, 450.0, 7, 0);
    ssoc_boot_result_free(r);
}

Test(sigma_band, bca_uses_finite_jackknife_rows_and_falls_back_without_them)
{
    ssoc_boot_result *r = replicates(11, 6);
    r->jack_ok[1] = 0;                              /* a failed jackknife fit: left out */
    r->jack[4 * SSOC_NPARAM + SSOC_P_BETA0] = 1e6; /* sigma = inf there: left out */
    r->opts.interval = SSOC_CI_BCA;
    cr_assert_eq(ssoc_boot_band_method(r), SSOC_CI_BCA);
    check_band(r, SSOC_CI_BCA, 0.72, 1.7, 500.0, 11, 4);
    /* Fewer than 2 successful jackknife fits (as in a parameter file): the percentile band. */
    memset(r->jack_ok, 0, 6);
    r->jack_ok[2] = 1;
    cr_assert_eq(ssoc_boot_band_method(r), SSOC_CI_PERCENTILE);
    check_band(r, SSOC_CI_PERCENTILE, 0.72, 1.7, 500.0, 11, 0);
    ssoc_boot_result_free(r);
}

Test(sigma_band, error_paths)
{
    const double x = 0.7, rho = 1.8, T = 500.0, s = point_sigma(x, rho, T);
    ssoc_boot_result *r = replicates(4, 3);
    ssoc_error err = {0};
    ssoc_sigma_band b;

    /* One replicate left with a finite sigma. */
    r->ok[0] = r->ok[1] = 0;
    r->table[2 * SSOC_NPARAM + SSOC_P_BETA0] = 1e6;
    cr_assert_eq(ssoc_boot_sigma_band(r, x, rho, T, s, NULL, &b, &err), SSOC_EFIT);
    cr_assert_eq(b.used, 1);
    cr_assert(isnan(b.lo) && isnan(b.median) && isnan(b.hi));
    cr_assert(strstr(err.msg, "fewer than 2 bootstrap replicates give a finite sigma at x = 0.7, rho = 1.8, T = 500"),
              "%s", err.msg);

    /* BCa: replicates fine, but one jackknife fit left with a finite sigma. */
    fill_rows(r->table, r->ok, 4, 0.01);
    r->opts.interval = SSOC_CI_BCA;
    r->jack[0 * SSOC_NPARAM + SSOC_P_BETA0] = 1e6;
    r->jack[1 * SSOC_NPARAM + SSOC_P_BETA0] = 1e6;
    cr_assert_eq(ssoc_boot_sigma_band(r, x, rho, T, s, NULL, &b, &err), SSOC_EFIT);
    cr_assert(b.method == SSOC_CI_BCA && b.used == 4 && b.jack_used == 1);
    cr_assert(strstr(err.msg, "fewer than 2 bootstrap jackknife fits give a finite sigma"), "%s", err.msg);

    /* ssoc_ci_compute's own checks come through (BCa needs a finite point estimate). */
    fill_rows(r->jack, r->jack_ok, 3, 0.01);
    cr_assert_eq(ssoc_boot_sigma_band(r, x, rho, T, NAN, NULL, &b, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "finite point estimate"), "%s", err.msg);
    ssoc_boot_result_free(r);
}

/* ---------------------------------------------------------------- the residual scheme */

static ssoc_params joint_point(const ssoc_dataset *d, ssoc_fit_opts *fo)
{
    ssoc_fit_opts_default(fo);
    cr_assert_eq(fo->method, SSOC_FIT_JOINT);
    return point_fit(d, fo);
}

/* The default bootstrap (joint fit, residual scheme, expanded interval) of `d` with B replicates:
 * the fit options and the point estimate into *fo and *p. */
static ssoc_boot_result *default_boot(const ssoc_dataset *d, ssoc_fit_opts *fo, ssoc_params *p, size_t B)
{
    *p = joint_point(d, fo);
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    o.B = B;
    ssoc_boot_result *r = NULL;
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_run(d, fo, p, &o, &r, &err), SSOC_OK, "%s", err.msg);
    return r;
}

Test(residual, pool_is_leverage_adjusted_and_centred_per_block)
{
    ssoc_dataset *d = shipped();
    ssoc_fit_opts fo;
    ssoc_params p = joint_point(d, &fo);
    double adj[46], r[46], h[46];
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_residual_pool(d, &p, fo.fixed_mask, adj, &err), SSOC_OK, "%s", err.msg);
    cr_assert_eq(ssoc_fit_residuals(d, &p, fo.fixed_mask, r, h, &err), SSOC_OK);
    for (int blk = 0; blk < 2; ++blk) {
        double mean = 0.0, sum = 0.0;
        for (int i = 0; i < 23; ++i)
            mean += r[blk * 23 + i] / sqrt(1.0 - h[blk * 23 + i]);
        mean /= 23.0;
        for (int i = 0; i < 23; ++i) {
            const int k = blk * 23 + i;
            cr_expect(fabs(adj[k] - (r[k] / sqrt(1.0 - h[k]) - mean)) < 1e-14, "pool %d", k);
            sum += adj[k];
        }
        cr_expect(fabs(sum) < 1e-13, "block %d sums to %g", blk, sum);
    }
    /* leverage-adjusted residuals are larger than the raw ones on average: sum h = 8 */
    double s_raw = 0.0, s_adj = 0.0;
    for (int k = 0; k < 46; ++k)
        s_raw += r[k] * r[k], s_adj += adj[k] * adj[k];
    cr_expect(s_adj > s_raw * 1.05, "%g vs %g", s_adj, s_raw);
    cr_expect_eq(ssoc_boot_residual_pool(d, NULL, 0u, adj, &err), SSOC_EINVAL);
    ssoc_dataset_free(d);
}

Test(residual, replicate_is_the_fit_of_fitted_values_plus_drawn_residual_pairs)
{
    ssoc_dataset *d = shipped();
    ssoc_fit_opts fo;
    ssoc_params p = joint_point(d, &fo);
    enum { B = 60, K = 23 };
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    o.B = B;
    o.seed = 99;
    double whole[B * SSOC_NPARAM], parts[B * SSOC_NPARAM];
    unsigned char okw[B], okp[B];
    ssoc_error err = {0};
    omp_set_num_threads(2);
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &p, &o, 0, B, whole, okw, &err), SSOC_OK, "%s", err.msg);
    omp_set_num_threads(1);
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &p, &o, K, B, parts + K * SSOC_NPARAM, okp + K, &err), SSOC_OK);
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, &p, &o, 0, K, parts, okp, &err), SSOC_OK);
    omp_set_num_threads(2);
    cr_assert(memcmp(okw, okp, sizeof okw) == 0 && memcmp(whole, parts, sizeof whole) == 0);
    /* by hand: replicate b is the joint fit, started at the staged fit and at p, of the data
     * ln D_k = ln D_fit,k + a_D[j_k], ln sigma_k = ln sigma_fit,k + a_sigma[j_k] */
    double adj[46], r[46];
    cr_assert_eq(ssoc_boot_residual_pool(d, &p, fo.fixed_mask, adj, &err), SSOC_OK);
    cr_assert_eq(ssoc_fit_residuals(d, &p, fo.fixed_mask, r, NULL, &err), SSOC_OK);
    size_t idx[23];
    ssoc_dataset *rep = shipped();
    ssoc_fit_opts f2 = fo;
    f2.has_joint_start = 1;
    f2.joint_start = p;
    size_t n_ok = 0;
    for (size_t b = 0; b < B; b += 7) {
        cr_assert_eq(ssoc_boot_resample(d, &o, b, idx, &err), SSOC_OK);
        for (int k = 0; k < 23; ++k) {
            cr_assert(idx[k] < 23);
            rep->D_hop_cm2_s[k] = exp(log(d->D_hop_cm2_s[k]) - r[k] + adj[idx[k]]);
            rep->sigma_S_cm[k] = exp(log(d->sigma_S_cm[k]) - r[23 + k] + adj[23 + idx[k]]);
        }
        ssoc_fit_result res;
        ssoc_status st = ssoc_fit_run(rep, &f2, &res, &err);
        cr_assert_eq(st == SSOC_OK, okw[b] == 1, "b=%zu", b);
        if (st == SSOC_OK) {
            ++n_ok;
            cr_assert(memcmp(res.params.p, whole + b * SSOC_NPARAM, sizeof res.params.p) == 0, "b=%zu", b);
        }
    }
    cr_expect(n_ok >= 8, "%zu", n_ok);
    /* the draws differ between replicates and depend on the seed */
    size_t i0[23], i1[23];
    ssoc_boot_resample(d, &o, 0, i0, NULL);
    ssoc_boot_resample(d, &o, 1, i1, NULL);
    cr_expect(memcmp(i0, i1, sizeof i0) != 0);
    /* the residual scheme needs the point estimate */
    cr_assert_eq(ssoc_boot_fit_range(d, &fo, NULL, &o, 0, 2, whole, okw, &err), SSOC_EINVAL);
    ssoc_dataset_free(rep);
    ssoc_dataset_free(d);
}

Test(residual, run_keeps_the_pool_and_bands_contain_the_point)
{
    ssoc_dataset *d = shipped();
    ssoc_fit_opts fo;
    ssoc_params p;
    ssoc_error err = {0};
    ssoc_boot_result *r = default_boot(d, &fo, &p, 400);
    cr_assert_eq(r->n_failed, 0);
    cr_assert(r->resid && r->n_resid == 23);
    double adj[46];
    cr_assert_eq(ssoc_boot_residual_pool(d, &p, fo.fixed_mask, adj, &err), SSOC_OK);
    cr_expect(memcmp(adj, r->resid, sizeof adj) == 0);
    for (int j = 0; j < SSOC_P_LNA; ++j)
        cr_expect(r->lo[j] < p.p[j] && p.p[j] < r->hi[j], "%s: %g not in [%g, %g]", ssoc_param_name(j), p.p[j],
                  r->lo[j], r->hi[j]);
    ssoc_boot_result_free(r);
    ssoc_dataset_free(d);
}

/* ---------------------------------------------------------------- prediction bands */

Test(prediction, terms_are_pure_and_scheme_independent_draws_from_the_sigma_block)
{
    ssoc_boot_result *r = replicates(40, 0);
    double e[40], e2[40];
    ssoc_error err = {0};
    cr_assert_eq(ssoc_boot_pred_terms(r, e, &err), SSOC_EINVAL);
    cr_assert(strstr(err.msg, "residual pool"), "%s", err.msg);
    ssoc_dataset *d = shipped();
    memcpy(r->point, ssoc_params_published.p, sizeof ssoc_params_published.p);
    r->fixed_mask = 1u << SSOC_P_LNA;
    cr_assert_eq(ssoc_boot_attach_residuals(r, d, &err), SSOC_OK, "%s", err.msg);
    cr_assert_eq(ssoc_boot_pred_terms(r, e, &err), SSOC_OK);
    size_t distinct = 0;
    for (size_t b = 0; b < 40; ++b) {
        int found = 0;
        for (int k = 0; k < 23; ++k)
            found |= e[b] == r->resid[23 + k];
        cr_expect(found, "term %zu is not a sigma-block residual", b);
        distinct += b > 0 && e[b] != e[b - 1];
    }
    cr_expect(distinct > 20, "%zu", distinct);
    r->opts.scheme = SSOC_BOOT_STRATIFIED;
    cr_assert_eq(ssoc_boot_pred_terms(r, e2, &err), SSOC_OK);
    cr_expect(memcmp(e, e2, sizeof e) == 0, "the scheme does not enter the prediction draws");
    /* a shorter table gives the first terms of the longer one: pure in (seed, b) */
    r->B = 17;
    cr_assert_eq(ssoc_boot_pred_terms(r, e2, &err), SSOC_OK);
    cr_expect(memcmp(e, e2, 17 * sizeof *e) == 0);
    r->B = 40;
    r->opts.seed += 1;
    cr_assert_eq(ssoc_boot_pred_terms(r, e2, &err), SSOC_OK);
    cr_expect(memcmp(e, e2, sizeof e) != 0);
    ssoc_boot_result_free(r);
    ssoc_dataset_free(d);
}

Test(prediction, band_is_the_percentile_of_replicate_sigma_times_its_term)
{
    ssoc_dataset *d = shipped();
    ssoc_fit_opts fo;
    ssoc_params p;
    ssoc_error err = {0};
    ssoc_boot_result *r = default_boot(d, &fo, &p, 300);
    const double x = 0.75, rho = 1.73, T = 500.0;
    ssoc_sigma_band pb, cb;
    cr_assert_eq(ssoc_boot_sigma_pred_band(r, x, rho, T, NULL, &pb, &err), SSOC_OK, "%s", err.msg);
    ssoc_layers L;
    ssoc_model_eval(&p, x, rho, T, &L);
    cr_assert_eq(ssoc_boot_sigma_band(r, x, rho, T, L.sigma_S_cm, NULL, &cb, &err), SSOC_OK);
    cr_expect(pb.lo < cb.lo && cb.hi < pb.hi, "prediction [%g, %g] inside confidence [%g, %g]", pb.lo, pb.hi, cb.lo,
              cb.hi);
    cr_expect(pb.method == SSOC_CI_EXPANDED && pb.used == 300, "the default bands are expanded, so is this one");
    /* by hand */
    double e[300], v[300];
    cr_assert_eq(ssoc_boot_pred_terms(r, e, &err), SSOC_OK);
    size_t m = 0;
    for (size_t b = 0; b < r->B; ++b)
        v[m++] = sigma_of_row(r->table, b, x, rho, T) * exp(e[b]);
    double lo, hi, med;
    cr_assert_eq(ssoc_ci_compute(v, m, NAN, NULL, 0, ssoc_boot_band_level(r), SSOC_CI_PERCENTILE, &lo, &hi, &med,
                                 &err),
                 SSOC_OK);
    cr_expect(lo == pb.lo && hi == pb.hi && med == pb.median);
    cr_expect(ssoc_boot_band_level(r) > 0.955);
    /* the 6.4 mS/cm point lies outside its 95% confidence band but inside the prediction band */
    cr_expect(6.4e-3 > cb.hi && 6.4e-3 < pb.hi, "confidence hi %g, prediction hi %g", cb.hi, pb.hi);
    /* fewer than 2 usable replicates */
    memset(r->ok, 0, r->B);
    r->ok[0] = 1;
    cr_expect_eq(ssoc_boot_sigma_pred_band(r, x, rho, T, NULL, &pb, &err), SSOC_EFIT);
    cr_expect(pb.used == 1);
    ssoc_boot_result_free(r);
    ssoc_dataset_free(d);
}

/* ---------------------------------------------------------------- the expanded interval */

Test(expanded, dof_and_bands_are_the_percentile_ones_at_the_expanded_level)
{
    ssoc_dataset *d = shipped();
    ssoc_fit_opts fo;
    ssoc_params p;
    ssoc_error err = {0};
    ssoc_boot_result *r = default_boot(d, &fo, &p, 300);
    /* dof: the smaller block's n - sum of leverages */
    double res[46], h[46], sD = 0.0, sS = 0.0;
    cr_assert_eq(ssoc_fit_residuals(d, &p, fo.fixed_mask, res, h, &err), SSOC_OK);
    for (int i = 0; i < 23; ++i)
        sD += h[i], sS += h[23 + i];
    cr_expect(fabs(r->dof - fmin(23.0 - sD, 23.0 - sS)) < 1e-12, "dof %g", r->dof);
    cr_expect(r->dof > 15.0 && r->dof < 23.0, "dof %g", r->dof);
    const double level = ssoc_boot_band_level(r);
    cr_expect(level == ssoc_ci_expanded_level(0.95, r->dof) && level > 0.955);
    cr_expect(ssoc_boot_band_method(r) == SSOC_CI_EXPANDED);
    /* the same table summarised as percentile gives narrower bands */
    double lo[SSOC_NBAND], hi[SSOC_NBAND];
    memcpy(lo, r->lo, sizeof lo);
    memcpy(hi, r->hi, sizeof hi);
    r->opts.interval = SSOC_CI_PERCENTILE;
    cr_assert_eq(ssoc_boot_summarise(r, &err), SSOC_OK);
    for (int j = 0; j < SSOC_P_LNA; ++j) /* ln A is held fixed */
        cr_expect(lo[j] <= r->lo[j] && r->hi[j] <= hi[j] && (lo[j] < r->lo[j] || r->hi[j] < hi[j]), "%s",
                  ssoc_param_name(j));
    /* by hand for one parameter: percentile at the expanded level */
    double v[300];
    size_t m = 0;
    for (size_t b = 0; b < r->B; ++b)
        if (r->ok[b])
            v[m++] = r->table[b * SSOC_NPARAM + SSOC_P_E0];
    double l2, h2;
    cr_assert_eq(ssoc_ci_compute(v, m, p.p[SSOC_P_E0], NULL, 0, level, SSOC_CI_PERCENTILE, &l2, &h2, NULL, &err),
                 SSOC_OK);
    cr_expect(l2 == lo[SSOC_P_E0] && h2 == hi[SSOC_P_E0]);
    /* the sigma band too */
    r->opts.interval = SSOC_CI_EXPANDED;
    ssoc_layers L;
    ssoc_model_eval(&p, 0.7, 1.8, 500.0, &L);
    ssoc_sigma_band ex, pc;
    cr_assert_eq(ssoc_boot_sigma_band(r, 0.7, 1.8, 500.0, L.sigma_S_cm, NULL, &ex, &err), SSOC_OK);
    cr_expect(ex.method == SSOC_CI_EXPANDED);
    r->opts.interval = SSOC_CI_PERCENTILE;
    cr_assert_eq(ssoc_boot_sigma_band(r, 0.7, 1.8, 500.0, L.sigma_S_cm, NULL, &pc, &err), SSOC_OK);
    cr_expect(ex.lo < pc.lo && pc.hi < ex.hi);
    /* without dof (a file that lacks it) an expanded band falls back to percentile; summarise refuses */
    r->opts.interval = SSOC_CI_EXPANDED;
    r->dof = NAN;
    cr_expect(ssoc_boot_band_method(r) == SSOC_CI_PERCENTILE && ssoc_boot_band_level(r) == 0.95);
    cr_expect_eq(ssoc_boot_summarise(r, &err), SSOC_EINVAL);
    cr_expect(strstr(err.msg, "degrees of freedom"), "%s", err.msg);
    ssoc_boot_result_free(r);
    ssoc_dataset_free(d);
}
